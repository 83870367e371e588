"""A library whose every paper was deleted still searches: an index built from no paper has no
segment (Whoosh's EmptyReader), and every kind of query finds nothing, without a traceback and
without taking the empty index for a damaged one."""

from __future__ import annotations

import pytest

from paperreader.store import trash


@pytest.fixture
def emptied(workspace, cli):
    ids = workspace.library.list_ids()
    trash.delete_papers(workspace.library, ids)
    assert cli("index", "--rebuild").code == 0  # built from no paper: no segment at all
    return workspace, ids


@pytest.mark.parametrize("query", ["mamba", "mamba*", "mamba~", '"state space"', "title:mamba OR abstract:rnn",
                                   "is:starred", "how do state space models compare with transformers?", "2312.00752"])
def test_every_kind_of_query_finds_nothing(emptied, cli, query):
    out = cli("search", query, "--json")
    assert out.code == 0, out.err
    assert out.json["total"] == 0 and out.json["results"] == []
    assert "damaged" not in out.err and "Traceback" not in out.err


def test_the_empty_index_is_not_damaged_and_fills_again(emptied, cli):
    _ws, ids = emptied
    check = cli("check")
    assert check.code == 0 and "index: ok" in check.out, check.out + check.err
    assert cli("restore-paper", ids[0]).code == 0
    title = cli("show", ids[0], "--json").json["title"]
    found = cli("search", f'title:"{title}"', "--json").json
    assert [r["id"] for r in found["results"]][:1] == [ids[0]]
