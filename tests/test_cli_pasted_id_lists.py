"""The commands taking several ids (star, unstar, read, unread, delete) read a pasted list as `search`
does: "A, B" in one argument is two papers, and a paper named twice (its id and its link) is done and
said once."""

from __future__ import annotations


def test_a_pasted_list_in_one_argument(cli):
    first, second = (r["id"] for r in cli("search", "mamba", "--limit", "2", "--json").json["results"])
    out = cli("star", f"{first}, {second}")
    assert out.code == 0, out.err
    assert {r["id"] for r in cli("list", "--starred", "--json").json["results"]} == {first, second}
    again = cli("read", f"{first};{second}", first)
    assert again.code == 0 and again.out.count(first) == 1 and again.out.count(second) == 1
    assert cli("delete", f"{first} {second}").code == 0
    assert cli("stats", "--json").json["papers"] == 199


def test_a_list_with_a_bad_id_changes_nothing(cli):
    first = cli("search", "mamba", "--limit", "1", "--json").json["results"][0]["id"]
    out = cli("star", f"{first}, nonsense")
    assert out.code == 2 and "is not a paper id" in out.err
    assert cli("list", "--starred", "--json").json["results"] == []
