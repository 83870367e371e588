"""The library's own ids pasted (`t:` and 12 hex digits: a paper without an arXiv id, known by its
title, as the list and every CLI command show it) find that paper, as arXiv ids and DOIs do: one or
several, in the order pasted, any case; one not here is named; a deleted one says how to restore it."""

from __future__ import annotations

from paperreader.model import Paper


def test_a_pasted_title_id_finds_its_paper(cli):
    first, second = (r["id"] for r in cli("search", "mamba", "--limit", "2", "--json").json["results"])
    assert first.startswith("t:") and second.startswith("t:")
    out = cli("search", first, "--json")
    assert out.code == 0 and [r["id"] for r in out.json["results"]] == [first]
    assert f"{first}: found by its id" in cli("search", first).err + cli("search", first).out
    both = cli("search", f"{second}, {first.upper()} t:000000000000", "--json")
    assert [r["id"] for r in both.json["results"]] == [second, first]
    text = cli("search", f"{second} t:000000000000")
    assert "1 of the 2 ids found; not in the library: t:000000000000" in text.out + text.err


def test_a_deleted_one_says_how_to_restore_it(cli):
    pid = cli("search", "mamba", "--limit", "1", "--json").json["results"][0]["id"]
    assert cli("delete", pid).code == 0
    text = cli("search", pid)
    assert f"{pid} is in the trash" in text.out + text.err and f"paperreader restore-paper {pid}" in text.out + text.err
    assert cli("restore-paper", pid).code == 0
    assert [r["id"] for r in cli("search", pid, "--json").json["results"]] == [pid]


def test_the_old_title_id_of_a_paper_given_its_arxiv_id_later(workspace):
    """A paper first known by its title, later imported with its arXiv id, is found by either."""
    title = "Quokka state spaces for long sequences"
    workspace.library.upsert([Paper(title=title, abstract="Quokkas.")])
    old = Paper(title=title).id
    assert old.startswith("t:") and [h.id for h in workspace.engine.search(old).hits] == [old]
    workspace.library.upsert([Paper(title=title, arxiv_id="2401.09999", abstract="Quokkas.")])
    assert workspace.library.resolve_id(old) == "arxiv:2401.09999"
    assert [h.id for h in workspace.engine.search(old).hits] == ["arxiv:2401.09999"]
