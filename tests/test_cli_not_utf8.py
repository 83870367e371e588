"""An argument typed in a terminal that is not UTF-8 reaches Python as lone surrogates ('q\\udcff' for
the bytes q, 0xff): a query, id, tag or name so made was a traceback deep in the search (an export even
took it for a damaged index) or a junk tag. Now one line, exit 2, nothing changed; file names may be any
bytes and are left alone (engineer Q's find)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("args, named", [
    (("search", "q\udcff"), "argument query"),
    (("export", "--query", "q\udcff"), "argument query"),
    (("show", "t:\udcff"), "argument id"),
    (("similar", "\udcff"), "argument id"),
    (("saved", "add", "\udcffx", "mamba"), "argument name"),
    (("list", "--tag", "\udcff"), "argument --tag"),
])
def test_an_argument_that_is_not_utf8_is_one_line(cli, args, named):
    out = cli(*args)
    assert out.code == 2 and named in out.err and "not UTF-8 text" in out.err, out.err
    assert len(out.err.strip().splitlines()) == 1 and "Traceback" not in out.err


def test_a_tag_that_is_not_utf8_is_refused_and_nothing_changes(cli):
    pid = cli("search", "mamba", "--limit", "1", "--json").json["results"][0]["id"]
    out = cli("tag", pid, "x\udcff")
    assert out.code == 2 and "not UTF-8 text" in out.err
    assert cli("tags", "--json").json["tags"] == []


def test_a_stdin_line_that_is_not_utf8_is_that_line_s_error(cli, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"mamba\nq\xff\n"), encoding="utf-8", errors="surrogateescape"))
    out = cli("search", "--stdin")
    assert out.code == 2 and out.out.splitlines()[1].endswith("\tthe line is not UTF-8 text")


def test_a_file_name_may_be_any_bytes(cli, tmp_path):
    path = tmp_path / "caf\udce9.json"
    path.write_text("[]")
    out = cli("import", str(path))
    assert out.code == 0 and out.out.endswith("added 0, updated 0, unchanged 0\n")
