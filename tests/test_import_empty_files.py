"""An empty file (0 bytes, a BOM, only white space) is an error in every format: one line naming the
file, exit 2, nothing imported. A valid file that holds no papers (`[]`, `{}`, a CSV header, an empty
feed, BibTeX with only @comment) imports nothing and says "no papers in the file", exit 0."""

from __future__ import annotations

import codecs

import pytest

EMPTY = {"nothing": b"", "white space": b"  \n\t\r\n\n", "a BOM": codecs.BOM_UTF8, "a BOM and a new line": codecs.BOM_UTF8 + b"\n"}
NAMES = ["papers.json", "papers.jsonl", "refs.bib", "table.csv", "feed.xml", "listing.eml", "dump.txt", "noext"]


def papers(cli) -> int:
    return cli("stats", "--json").json["papers"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("what", list(EMPTY))
def test_an_empty_file_is_refused_naming_it(cli, tmp_path, name, what):
    before = papers(cli)
    path = tmp_path / name
    path.write_bytes(EMPTY[what])
    out = cli("import", str(path))
    assert out.code == 2 and out.out == ""
    lines = out.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{path}: the file ") and "nothing was imported" in lines[0]
    assert ("white space" if what == "white space" else "empty") in lines[0]
    assert papers(cli) == before


@pytest.mark.parametrize("fmt", ["json", "csv", "bibtex", "arxiv-oai", "arxiv-atom", "hf", "backup", "pagedump", "arxiv-email"])
def test_an_empty_file_is_refused_whatever_format_is_given(cli, tmp_path, fmt):
    path = tmp_path / "empty.data"
    path.write_bytes(b"\n")
    out = cli("import", "--format", fmt, str(path), "--json")
    assert out.code == 2 and out.err.strip() == f"{path}: the file holds only white space (nothing was imported)"


def test_an_empty_file_among_good_ones_stops_the_command_or_is_skipped(cli, tmp_path):
    good = tmp_path / "good.json"
    good.write_text('[{"title": "A good paper", "abstract": "Words."}]')
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    before = papers(cli)
    assert cli("import", str(good), str(empty)).code == 2 and papers(cli) == before
    out = cli("import", "--skip-bad", str(good), str(empty), "--json")
    assert out.code == 0 and out.json["added"] == 1 and papers(cli) == before + 1
    assert f"{empty}: the file is empty" in out.err


@pytest.mark.parametrize("name, text", [
    ("list.json", "[]"), ("object.json", "{}\n"), ("wrapped.json", '{"papers": []}'), ("keyed.jsonl", " [ ] \n"),
    ("header.csv", "title,abstract\n"), ("macros.bib", "@comment{nothing here}\n@string{a = {b}}\n"),
])
def test_a_valid_file_without_papers_says_so(cli, tmp_path, name, text):
    before = papers(cli)
    path = tmp_path / name
    path.write_text(text)
    out = cli("import", str(path))
    assert out.code == 0, out.err
    assert out.out.splitlines()[0].endswith(", no papers in the file") and str(path) in out.out
    assert papers(cli) == before
    assert cli("import", str(path), "--json").json["files"][0]["papers"] == 0
