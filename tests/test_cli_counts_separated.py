"""Counts in the CLI's text output have thousands separators, as `search`'s count has had
(tests/test_cli_search_count.py): `list`, `stats`, `tags`, `tags rename`, `backup`, `export`, `index`.
Before, `list` said "1206 papers" under a search saying "1,005 matches". --json keeps plain numbers."""

from __future__ import annotations

from paperreader.model import Paper

MANY = 1_005  # with the 201 papers of the built-in corpus: 1,206


def _many(workspace) -> list[str]:
    workspace.library.upsert([Paper(title=f"Zorblat study number {i}", abstract="Zorblats and grids.") for i in range(MANY)])
    ids = [hit["id"] for hit in _ids(workspace)]
    with workspace.library.db.write() as conn:  # one transaction, not 1,005 `tag` commands
        conn.executemany("INSERT INTO tags(paper_id, tag, added_at) VALUES (?, 'bulk', '2026-01-01T00:00:00Z')", [(i,) for i in ids])
    return ids


def _ids(workspace):
    rows = workspace.library.db.read("SELECT id FROM papers WHERE title LIKE 'Zorblat study number %'")
    return [{"id": r[0]} for r in rows]


def test_text_counts_have_separators_and_json_has_none(cli, workspace, tmp_path):
    assert len(_many(workspace)) == MANY
    total = 201 + MANY

    assert cli("list", "--limit", "1").out.splitlines()[0] == "1,206 papers"
    assert cli("list", "--json", "--limit", "1").json["total"] == total
    assert cli("list", "--tag", "bulk", "--limit", "1").out.splitlines()[0] == "1,005 papers"

    stats = dict(line.split(None, 1) for line in cli("stats").out.splitlines())
    assert stats["papers"] == "1,206" and stats["tagged"] == "1,005" and stats["starred"] == "0"
    assert cli("stats", "--json").json["papers"] == total

    assert cli("tags").out.split() == ["1,005", "bulk"]
    assert cli("tags", "--json").json == {"tags": [{"tag": "bulk", "count": MANY}]}
    assert cli("tags", "rename", "bulk", "heap").out == "#bulk renamed to #heap on 1,005 papers\n"
    assert cli("tags", "rename", "heap", "bulk", "--json").json["papers"] == MANY

    backed = cli("backup")
    assert backed.code == 0 and backed.out.startswith("backed up 1,206 papers to ")
    assert cli("backup", "--json").json["papers"] == total

    exported = cli("export", "--format", "json", "-o", str(tmp_path / "all.json"))
    assert exported.code == 0 and exported.err == f"exported 1,206 papers to {tmp_path / 'all.json'}\n"

    assert cli("index", "--rebuild").out == "index rebuilt: 1,206 papers\n"
    assert cli("index").out.splitlines()[0] == "index up to date: 1,206 papers"
