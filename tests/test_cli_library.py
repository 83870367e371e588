"""The CLI of delete, trash, restore-paper, tags [rename] and `list --sort`, in-process on a real data dir."""

from __future__ import annotations

import pytest

from paperreader.model import Paper


def _ids(result) -> list[str]:
    return [r["id"] for r in result.json["results"]]


def _first_ids(cli, n: int) -> list[str]:
    return _ids(cli("list", "--sort", "title", "--json"))[:n]


def test_delete_trash_and_restore_paper(cli):
    a, b = _first_ids(cli, 2)
    assert cli("note", a, "--set", "wombat thoughts").code == 0
    assert cli("tag", a, "keep").code == 0
    total = cli("list", "--json").json["total"]

    out = cli("delete", a, b, "--json")
    assert out.code == 0, out.err
    assert [d["id"] for d in out.json["deleted"]] == [a, b]
    assert cli("list", "--json").json["total"] == total - 2
    assert cli("show", a).code == 1
    assert cli("search", "wombat", "--json").json["total"] == 0

    trash = cli("trash", "--json").json
    assert trash["total"] == 2 and {e["id"] for e in trash["results"]} == {a, b}
    entry = next(e for e in trash["results"] if e["id"] == a)
    assert entry["has_note"] and entry["tags"] == ["keep"]
    assert set(entry) == {"entry", "id", "title", "deleted_at", "expires_at", "has_note", "tags", "starred"}
    assert "2 papers in the trash" in cli("trash").out

    out = cli("restore-paper", a, "--json")
    assert out.code == 0 and out.json["id"] == a
    shown = cli("show", a, "--json").json
    assert shown["note"] == "wombat thoughts" and shown["tags"] == ["keep"]
    assert _ids(cli("search", "wombat", "--json")) == [a]
    assert [e["id"] for e in cli("trash", "--json").json["results"]] == [b]


def test_delete_is_all_or_nothing_and_bad_ids_are_one_line(cli):
    (a,) = _first_ids(cli, 1)
    total = cli("list", "--json").json["total"]
    out = cli("delete", a, "arxiv:9999.99999")
    assert out.code == 1 and out.err.count("\n") == 1 and "9999.99999" in out.err
    assert cli("list", "--json").json["total"] == total
    out = cli("restore-paper", a)
    assert out.code == 1 and "in the trash" in out.err and out.err.count("\n") == 1


def test_tags_counts_rename_and_merge(cli):
    a, b, c = _first_ids(cli, 3)
    cli("tag", a, "ssm")
    cli("tag", b, "ssm", "state-space")
    cli("tag", c, "state-space")
    assert cli("tags", "--json").json == {"tags": [{"tag": "ssm", "count": 2}, {"tag": "state-space", "count": 2}]}
    assert "     2  ssm" in cli("tags").out

    out = cli("tags", "rename", "state-space", "ssm", "--json")
    assert out.code == 0 and out.json == {"old": "state-space", "new": "ssm", "papers": 2, "merged": True}
    assert cli("tags", "--json").json == {"tags": [{"tag": "ssm", "count": 3}]}
    assert sorted(_ids(cli("search", "tag:ssm", "--json"))) == sorted([a, b, c])
    assert cli("search", "tag:state-space", "--json").json["total"] == 0

    out = cli("tags", "rename", "ssm", "State Space Models")
    assert out.code == 0 and "renamed to #state-space-models on 3 papers" in out.out
    assert cli("tags", "rename", "nope", "x").code == 1
    bad = cli("tags", "rename", "state-space-models", ", ,")
    assert bad.code == 2 and "is not a tag name" in bad.err
    assert cli("tags", "--json").json == {"tags": [{"tag": "state-space-models", "count": 3}]}



def test_a_tag_typed_as_shown_with_its_hash_is_the_tag_and_an_empty_tag_filter_is_refused(cli):
    """Tags are shown as #name: `tag ID '#ml'` once stored '#ml' (shown '##ml', not found by
    `--tag ml`), and `list --tag ''` listed every paper as if no filter had been given."""
    a, b = _first_ids(cli, 2)
    assert cli("tag", a, "#ML").code == 0
    cli("tag", b, "ml")
    assert cli("tags", "--json").json == {"tags": [{"tag": "ml", "count": 2}]}
    assert sorted(_ids(cli("list", "--tag", "#ml", "--json"))) == sorted([a, b])
    for command in (("list", "--tag", ""), ("list", "--tag", "#"), ("export", "--tag", ", ")):
        out = cli(*command)
        assert out.code == 2 and out.out == "" and out.err.count("\n") == 1 and "is not a tag name" in out.err, out.err


@pytest.fixture
def dated(workspace):
    """Three papers of known dates, added in order: old, mid, new."""
    lib = workspace.library
    for title, published in (("Zeta Old Paper", "2019-01-01"), ("Alpha New Paper", "2025-03-01"), ("Mid Paper", "2022-06-01")):
        lib.upsert([Paper(title=title, abstract="sorting test", published=published, categories=("cs.LG",))])
    records = lib.get_many(lib.list_ids())
    return {r.title: r.id for r in records.values() if r.abstract == "sorting test"}


def test_list_sort_orders(cli, dated, workspace):
    ids = dated
    mine = set(ids.values())

    def order(sort: str) -> list[str]:
        out = cli("list", "--sort", sort, "--json")
        assert out.code == 0, out.err
        return [i for i in _ids(out) if i in mine]

    assert order("published") == [ids["Alpha New Paper"], ids["Mid Paper"], ids["Zeta Old Paper"]]
    assert order("title") == [ids["Alpha New Paper"], ids["Mid Paper"], ids["Zeta Old Paper"]]
    assert order("added") == [ids["Mid Paper"], ids["Alpha New Paper"], ids["Zeta Old Paper"]]
    workspace.library.set_star(ids["Zeta Old Paper"])
    starred = cli("list", "--sort", "starred", "--json")
    assert _ids(starred)[0] == ids["Zeta Old Paper"]
    # listing: the built-in corpus's trending rank first; papers in no listing after it, by title
    listing = _ids(cli("list", "--json"))
    assert listing == _ids(cli("list", "--sort", "listing", "--json"))
    assert listing[-3:] == order("title")  # in no listing: after the built-in corpus's ranks, by title
    assert cli("list", "--sort", "listing", "--limit", "1").out.splitlines()[1].strip().endswith("Hybrid lemmatization in HuSpaCy")
    bad = cli("list", "--sort", "rank")
    assert bad.code == 2 and "invalid choice" in bad.err and bad.err.count("\n") == 1


def test_delete_and_restore_paper_tell_a_malformed_id_from_a_missing_paper(cli):
    """Like show, star and note: 'nonsense' is bad input (exit 2); delete once said 'no paper with
    id' (exit 1) for it, and restore-paper 'not in the trash'."""
    (a,) = _first_ids(cli, 1)
    total = cli("list", "--json").json["total"]
    for command in (("delete", "nonsense"), ("delete", a, "nonsense"), ("restore-paper", "nonsense")):
        out = cli(*command)
        assert out.code == 2 and out.err.count("\n") == 1 and "is not a paper id" in out.err, (command, out.err)
    assert cli("delete", "arxiv:9999.99999").code == 1
    assert cli("restore-paper", "arxiv:9999.99999").code == 1
    assert cli("list", "--json").json["total"] == total
