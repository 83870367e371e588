"""The CLI's count of matches says what the reader's status line says: the same number, written
with thousands separators, and "about" when a prefix stood for more index terms than are searched."""

from __future__ import annotations

from paperreader.model import Paper


def test_a_count_over_a_thousand_has_separators(cli, workspace):
    workspace.library.upsert([Paper(title=f"Zorblat study number {i}", abstract="Zorblats and grids.") for i in range(1_005)])
    assert cli("index").code == 0
    out = cli("search", "zorblat", "--limit", "1")
    assert out.code == 0 and out.out.splitlines()[0] == "1,005 matches for 'zorblat'"
    assert cli("search", "zorblat", "--json").json["total"] == 1005


def test_a_capped_prefix_is_about_in_the_cli_as_in_its_json(cli):
    found = cli("search", "g*", "--json").json
    assert found["total_exact"] is False  # the built-in corpus: g* stands for more terms than are searched
    assert cli("search", "g*", "--limit", "1").out.splitlines()[0] == f"about {found['total']:,} matches for 'g*'"
