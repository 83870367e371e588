"""A paper brought back from the trash is not a new arrival: it gets its old row back (what "new" is
measured by: rows above the last visit's mark), so `list --new` and `is:new` do not show it; if its
row was taken meanwhile, it is restored all the same."""

from __future__ import annotations

import json


def test_a_restored_paper_is_not_new(cli):
    pid = cli("search", "mamba", "--limit", "1", "--json").json["results"][0]["id"]
    assert cli("seen").code == 0
    assert cli("delete", pid).code == 0 and cli("restore-paper", pid).code == 0
    assert cli("list", "--new", "--json").json["results"] == []
    assert cli("search", "is:new", "--json").json["total"] == 0
    assert cli("show", pid, "--json").json["id"] == pid


def test_restored_even_when_its_row_was_taken(cli, tmp_path):
    """The newest paper deleted, another imported (SQLite gives it the freed row number), then the first
    restored: both are there."""
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    first.write_text(json.dumps([{"title": "Quokka departures", "abstract": "The last row."}]))
    second.write_text(json.dumps([{"title": "Quokka arrivals", "abstract": "A new paper."}]))
    assert cli("import", str(first)).code == 0
    gone = cli("search", "title:departures", "--json").json["results"][0]["id"]
    assert cli("delete", gone).code == 0 and cli("import", str(second)).code == 0
    out = cli("restore-paper", gone)
    assert out.code == 0, out.err
    assert {r["title"] for r in cli("search", "quokka", "--json").json["results"]} == {"Quokka departures", "Quokka arrivals"}
    assert cli("stats", "--json").json["papers"] == 203
