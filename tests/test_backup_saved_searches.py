"""Backups carry saved searches, stars, notes, tags and read marks across (both kinds: the copy of
the library that `backup`/`restore` make and take, and the JSON export that `import` merges), and
a backup with a damaged saved search (a name or query not text, or empty) is refused in one line
naming the entry, changing nothing.
Before (s10-B): a copy whose saved search held a blob for its query was restored, and then
`digest` and `export` crashed with a traceback; the JSON export's bad entry said only 'a saved
search should be an object with 'name' and 'query'' (which one?), and let in an empty name."""

from __future__ import annotations

import json
import sqlite3

import pytest


def user_state(cli, pid: str) -> dict:
    shown = cli("show", pid, "--json").json
    return {k: shown[k] for k in ("starred", "read", "note", "tags")}


def mark_one(cli) -> tuple[str, dict]:
    pid = cli("list", "--json", "--limit", "1").json["results"][0]["id"]
    for args in (("star", pid), ("read", pid), ("note", pid, "--set", "kept [b]as[/b] typed"), ("tag", pid, "kept"),
                 ("saved", "add", "mine", "hybrid", "tag:kept")):
        assert cli(*args).code == 0, args
    return pid, {"starred": True, "read": True, "note": "kept [b]as[/b] typed", "tags": ["kept"]}


def undo(cli, pid: str) -> None:
    for args in (("unstar", pid), ("unread", pid), ("note", pid, "--clear"), ("untag", pid, "kept"), ("saved", "rm", "mine"),
                 ("saved", "add", "later", "other")):
        assert cli(*args).code == 0, args


def test_backup_and_restore_carry_saved_searches_and_the_users_marks(cli):
    pid, marked = mark_one(cli)
    backup = cli("backup", "--json").json["backup"]
    undo(cli, pid)
    assert cli("restore", backup).code == 0
    assert user_state(cli, pid) == marked
    assert cli("saved", "list", "--json").json["saved"] == [{"name": "mine", "query": "hybrid tag:kept"}]
    assert [r["id"] for r in cli("search", "--json", "tag:kept").json["results"]] == [pid]


def test_the_json_export_carries_them_into_another_library(cli, tmp_path):
    pid, marked = mark_one(cli)
    export = tmp_path / "everything.json"
    assert cli("export", "--format", "json", "-o", str(export)).code == 0
    other = str(tmp_path / "other")
    assert cli("--data-dir", other, "import", str(export)).code == 0
    assert user_state(lambda *a: cli("--data-dir", other, *a), pid) == marked
    assert cli("--data-dir", other, "saved", "list", "--json").json["saved"] == [{"name": "mine", "query": "hybrid tag:kept"}]


@pytest.mark.parametrize("name, query, why", [
    ("blobby", b"\xff\x00\xfe", "saved search 2 ('blobby'): its query is binary data, not text"),
    ("", "words", "saved search 2: its name is empty"),
    ("\x1b[31m", "words", "saved search 2: its name is empty"),
    ("spaces", " \t ", "saved search 2 ('spaces'): its query is empty"),
])  # fmt: skip
def test_a_copy_with_a_damaged_saved_search_is_not_restored(cli, tmp_path, data_dir, name, query, why):
    pid, marked = mark_one(cli)
    backup = tmp_path / "damaged.sqlite3"
    assert cli("backup", "--json").code == 0
    source = sorted((data_dir / "backups").glob("library-2*.sqlite3"))[-1]
    conn = sqlite3.connect(source)
    conn.execute("INSERT INTO saved_searches(name, query, created_at) VALUES (?, ?, '2026-01-01')", (name, query))
    conn.commit()
    conn.close()
    source.rename(backup)
    undo(cli, pid)
    before = sorted(p.name for p in data_dir.iterdir())
    refused = cli("restore", str(backup))
    assert refused.code == 2 and not refused.out
    assert refused.err == f"paperreader: {backup}: {why}; nothing was restored\n"
    assert user_state(cli, pid)["starred"] is False  # nothing changed
    assert cli("saved", "list", "--json").json["saved"] == [{"name": "later", "query": "other"}]
    assert sorted(p.name for p in data_dir.iterdir()) == before  # no staged copy left beside the store


@pytest.mark.parametrize("saved, why", [
    ([{"name": "good", "query": "a"}, {"name": "broken"}], ":9: saved search 2 ('broken'): it has no query"),
    ([{"name": "", "query": "a"}], ":3: saved search 1: its name is empty"),
    ([{"name": 5, "query": "a"}], ":3: saved search 1: its name is a number, not text"),
    ([{"name": "blank", "query": "  "}], ":5: saved search 1 ('blank'): its query is empty"),
    ([None], ":3: saved search 1: it should be an object with 'name' and 'query'"),
    ("hybrid", ":3: 'saved_searches' should be a list of objects with 'name' and 'query'"),
])  # fmt: skip
def test_a_json_backup_with_a_damaged_saved_search_imports_nothing(cli, tmp_path, saved, why):
    pid, _marked = mark_one(cli)
    export = tmp_path / "everything.json"
    assert cli("export", "--format", "json", "-o", str(export)).code == 0
    data = json.loads(export.read_text(encoding="utf-8"))
    lines = ['{"format": "paperreader-backup", "version": 1,', f'"papers": {json.dumps(data["papers"])},',
             '"saved_searches": ' + json.dumps(saved, indent=1), "}"]  # the list opens on line 3, one field a line
    export.write_text("\n".join(lines), encoding="utf-8")
    undo(cli, pid)
    refused = cli("import", str(export))
    assert refused.code != 0
    assert refused.err.splitlines()[-1].startswith(f"{export}{why}"), refused.err
    assert user_state(cli, pid)["starred"] is False
    assert cli("saved", "list", "--json").json["saved"] == [{"name": "later", "query": "other"}]
