"""An export of no papers is a valid file in every importable format: importing it back says
"no papers in the file" (exit 0) and changes nothing, instead of refusing an empty file."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("fmt, name", [("bibtex", "none.bib"), ("csv", "none.csv"), ("json", "none.json")])
def test_an_export_of_no_papers_imports_back_as_no_papers(cli, tmp_path, fmt, name):
    target = tmp_path / name
    out = cli("export", "--format", fmt, "--tag", "no-such-tag", "-o", str(target))
    assert out.code == 0 and "exported 0 papers" in out.err
    assert target.stat().st_size > 0
    before = cli("stats", "--json").json
    back = cli("import", str(target))
    assert back.code == 0, back.err
    assert back.out.splitlines()[0] == f"{target}: {'backup' if fmt == 'json' else fmt}, no papers in the file"
    assert cli("import", str(target), "--json").json["files"][0]["papers"] == 0
    assert cli("stats", "--json").json == before


def test_a_bibtex_export_of_no_papers_on_stdout_says_so(cli):
    out = cli("export", "--format", "bibtex", "--starred")
    assert out.code == 0 and out.out == "@comment{paperreader export: no papers}\n"
