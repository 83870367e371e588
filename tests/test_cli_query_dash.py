"""A query that begins with `-word` (NOT, as the search language has it) is a query, not an unknown
option: `paperreader search -vision mamba`, `saved add NAME -vision`. Options may come anywhere,
and an option that does not exist is still an error."""

from __future__ import annotations


def test_a_query_beginning_with_a_minus_is_searched(cli):
    everything = cli("search", "--json", "--limit", "0").json["total"]
    hybrid = cli("search", "hybrid", "--json", "--limit", "0").json["total"]
    out = cli("search", "-hybrid", "--json", "--limit", "0")
    assert out.code == 0 and out.json["query"] == "-hybrid" and out.json["total"] == everything - hybrid
    both = cli("search", "-hybrid", "neural", "--limit", "0", "--json")
    assert both.code == 0 and both.json["query"] == "-hybrid neural"
    assert both.json["total"] == cli("search", "neural -hybrid", "--json", "--limit", "0").json["total"]
    assert cli("search", "--limit", "1", "neural", "-hybrid").out.splitlines()[0].endswith("for 'neural -hybrid'")


def test_options_still_work_and_a_wrong_one_is_an_error(cli):
    assert cli("search", "hybrid", "--limit=2", "--json").json["query"] == "hybrid"
    assert len(cli("search", "hybrid", "--limit", "2", "--json").json["results"]) == 2
    wrong = cli("search", "--jsn", "hybrid")
    assert wrong.code == 2 and "unrecognized arguments: --jsn" in wrong.err
    assert cli("search", "--limit", "-1", "x").code == 2
    assert cli("search", "--", "-hybrid", "--json").out.splitlines()[0].endswith("for '-hybrid --json'")


def test_a_saved_search_may_begin_with_a_minus(cli):
    out = cli("saved", "add", "no-hybrid", "-hybrid", "neural")
    assert out.code == 0, out.err
    assert cli("saved", "list", "--json").json["saved"] == [{"name": "no-hybrid", "query": "-hybrid neural"}]


def test_an_export_query_may_begin_with_a_minus(cli):
    everything = cli("export", "--format", "csv").out.count("\n")
    hybrid = cli("export", "--format", "csv", "--query", "hybrid").out.count("\n")
    out = cli("export", "--query", "-hybrid", "--format", "csv")
    assert out.code == 0 and out.out.count("\n") == everything - hybrid + 1  # the header twice, once
    missing = cli("export", "--query", "--format", "csv")
    assert missing.code == 2 and "--query: expected one argument" in missing.err
