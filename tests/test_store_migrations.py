"""Every older store version upgrades with its data intact; a failed upgrade leaves the store as it was.

`store_at(path, n)` builds a real store of version n from the MIGRATIONS (as that version of
paperreader would have made it) and FILL[n] writes the same library into it in that version's
tables. Adding migration N+1 means adding FILL[N+1] (a test below insists), and every older version
keeps being upgraded and checked here.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from paperreader.paths import resolve
from paperreader.store import Library, StoreError
from paperreader.store import opening as store_opening
from paperreader.store import schema
from paperreader.workspace import Workspace

T = "2024-01-02T03:04:05+00:00"
PAPERS = [
    # id, title, abstract, authors (json), arxiv_id
    ("arxiv:1706.03762", "Attention Is All You Need", "Transformers.", '["A. Vaswani"]', "1706.03762"),
    ("t:0123456789ab", "A paper without an id", "Only a title and this.", "[]", None),
]


def fill_v1(conn: sqlite3.Connection) -> None:
    for pid, title, abstract, authors, arxiv in PAPERS:
        conn.execute(
            "INSERT INTO papers(id, title, title_key, abstract, authors, arxiv_id, added_at, updated_at) VALUES (?,?,?,?,?,?,?,?)",
            (pid, title, title.lower(), abstract, authors, arxiv, T, T),
        )
        conn.execute("INSERT INTO changes(paper_id) VALUES (?)", (pid,))
    conn.execute("INSERT INTO aliases(alias, paper_id) VALUES ('t:aaaaaaaaaaaa', 'arxiv:1706.03762')")
    conn.execute("INSERT INTO stars VALUES ('arxiv:1706.03762', ?)", (T,))
    conn.execute("INSERT INTO notes(paper_id, body, updated_at) VALUES ('arxiv:1706.03762', 'years of notes\nline two', ?)", (T,))
    conn.execute("INSERT INTO tags VALUES ('arxiv:1706.03762', 'nlp', ?), ('t:0123456789ab', 'todo', ?)", (T, T))
    conn.execute("INSERT INTO reads VALUES ('t:0123456789ab', ?)", (T,))
    conn.execute("INSERT INTO drafts(paper_id, body, updated_at) VALUES ('t:0123456789ab', 'half a thought', ?)", (T,))
    conn.execute("INSERT INTO saved_searches VALUES ('mine', 'is:starred', ?)", (T,))
    conn.execute("INSERT INTO history(query, at) VALUES ('attention', ?)", (T,))
    conn.execute("INSERT INTO meta VALUES ('builtin_corpus_imported', '1')")


def fill_v2(conn: sqlite3.Connection) -> None:
    """Version 2: notes carry a version; drafts are per paper and owner, with their base version."""
    fill_v1(conn)
    conn.execute("UPDATE notes SET version = 7")
    conn.execute("DELETE FROM drafts")
    conn.execute("INSERT INTO drafts VALUES ('t:0123456789ab', 'host:12:ab', 'half a thought', 0, ?)", (T,))
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('note_clock', '7')")


def fill_v3(conn: sqlite3.Connection) -> None:
    """Version 3: ranked listings (store.listings) with their papers in rank order."""
    fill_v2(conn)
    conn.execute("INSERT INTO listings(id, source, name, date, fingerprint, added, recorded_at) "
                 "VALUES (1, 'hf-daily', 'Hugging Face daily papers', '2024-01-02', 'fp1', 2, ?)", (T,))  # fmt: skip
    conn.execute("INSERT INTO listing_papers VALUES (1, 1, 't:0123456789ab'), (1, 2, 'arxiv:1706.03762')")


def fill_v4(conn: sqlite3.Connection) -> None:
    """Version 4: the trash (store.trash) holding a deleted paper with its note and tag."""
    import json

    from paperreader.store.records import now

    fill_v3(conn)
    paper = {"id": "t:deadbeef0001", "title": "A deleted paper", "title_key": "a deleted paper", "abstract": "Gone for now.",
             "authors": "[]", "arxiv_id": None, "published": None, "year": None, "categories": "[]", "doi": None,
             "comment": None, "journal_ref": None, "urls": "[]", "source": "", "added_at": T, "updated_at": T}  # fmt: skip
    rows = {"notes": [{"paper_id": paper["id"], "body": "kept in the trash", "updated_at": T, "version": 3}],
            "tags": [{"paper_id": paper["id"], "tag": "binned", "added_at": T}]}  # fmt: skip
    conn.execute(
        "INSERT INTO trash(paper_id, title, deleted_at, snapshot) VALUES (?, ?, ?, ?)",
        (paper["id"], paper["title"], now(), json.dumps({"paper": paper, "rows": rows})),
    )


def fill_v5(conn: sqlite3.Connection) -> None:
    """Version 5: an index only (papers_year, for counting); the same data as version 4."""
    fill_v4(conn)


FILL = {1: fill_v1, 2: fill_v2, 3: fill_v3, 4: fill_v4, 5: fill_v5}


def store_at(path: Path, version: int) -> Path:
    """A store of schema `version`, made by applying the migrations up to it, with FILL's data."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    for step in range(1, version + 1):
        conn.executescript(schema.MIGRATIONS[step])
        conn.execute(f"PRAGMA user_version = {step}")
    conn.execute("BEGIN")
    FILL[version](conn)
    conn.execute("COMMIT")
    conn.close()
    return path


def check_library(library: Library) -> None:
    """The data FILL wrote, read through today's API."""
    assert library.count() == 2
    a = library.get("arxiv:1706.03762")
    assert a.title == "Attention Is All You Need" and a.authors == ("A. Vaswani",) and a.starred
    assert a.note == "years of notes\nline two" and a.tags == ("nlp",)
    assert library.get("t:aaaaaaaaaaaa").id == a.id  # the alias still resolves
    b = library.get("t:0123456789ab")
    assert b.read and b.tags == ("todo",) and not b.starred
    assert library.get_draft(b.id) == "half a thought"
    assert library.saved_searches() == [("mine", "is:starred")]
    assert library.history() == ["attention"]
    assert library.change_seq() >= 2


def test_every_version_has_a_filler():
    assert sorted(FILL) == list(range(1, schema.SCHEMA_VERSION + 1)), "add FILL[n] for the new schema version"
    assert sorted(schema.MIGRATIONS) == list(range(1, schema.SCHEMA_VERSION + 1))


@pytest.mark.parametrize("version", range(1, schema.SCHEMA_VERSION + 1))
def test_a_store_of_every_version_opens_with_its_data(tmp_path, version):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    store_at(resolve(data_dir).store, version)
    ws = Workspace.open(resolve(data_dir))
    try:
        assert ws.library.db.read("PRAGMA user_version")[0][0] == schema.SCHEMA_VERSION
        check_library(ws.library)
        assert ws.library.integrity_check() == ["ok"]
        ws.ensure_index()
        assert [h.id for h in ws.engine.search("note:years").hits] == ["arxiv:1706.03762"]
        assert [h.id for h in ws.engine.search("tag:todo").hits] == ["t:0123456789ab"]
    finally:
        ws.close()


@pytest.fixture
def next_version(monkeypatch):
    """Pretend this paperreader has one migration more (given as SQL)."""

    def install(sql: str) -> int:
        new = schema.SCHEMA_VERSION + 1
        monkeypatch.setitem(schema.MIGRATIONS, new, sql)
        monkeypatch.setattr(schema, "SCHEMA_VERSION", new)
        monkeypatch.setattr(store_opening, "SCHEMA_VERSION", new)
        return new

    return install


def test_an_upgrade_backs_the_store_up_first_and_keeps_the_data(tmp_path, next_version):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    old = schema.SCHEMA_VERSION
    store_at(resolve(data_dir).store, old)
    new = next_version("CREATE TABLE shiny(x TEXT);\nALTER TABLE papers ADD COLUMN venue TEXT;\n")
    ws = Workspace.open(resolve(data_dir))
    try:
        assert ws.library.db.read("PRAGMA user_version")[0][0] == new
        check_library(ws.library)
    finally:
        ws.close()
    backups = list(resolve(data_dir).backups_dir.glob(f"library-before-upgrade-v{old}-*.sqlite3"))
    assert len(backups) == 1
    conn = sqlite3.connect(backups[0])
    assert conn.execute("PRAGMA user_version").fetchone()[0] == old
    assert conn.execute("SELECT body FROM notes").fetchone()[0] == "years of notes\nline two"
    conn.close()


def test_a_failed_upgrade_leaves_the_store_as_it_was(tmp_path, next_version):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    store = store_at(resolve(data_dir).store, schema.SCHEMA_VERSION)
    old = schema.SCHEMA_VERSION
    before = hashlib.sha256(store.read_bytes()).hexdigest()
    # half of it would work; the second statement fails: the step is one transaction
    next_version("CREATE TABLE shiny(x TEXT);\nALTER TABLE no_such_table ADD COLUMN y TEXT;\n")
    with pytest.raises(StoreError) as caught:
        Library(store)
    assert str(store) in str(caught.value) and f"schema {old}" in str(caught.value)
    conn = sqlite3.connect(store)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == old
    assert not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'shiny'").fetchone()
    conn.close()
    assert hashlib.sha256(store.read_bytes()).hexdigest() == before


def test_a_version_3_store_keeps_its_listings(tmp_path):
    from paperreader.store import listings

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    store_at(resolve(data_dir).store, 3)
    ws = Workspace.open(resolve(data_dir))
    try:
        [kept] = listings.all_listings(ws.library)
        assert (kept.source, kept.date, kept.papers, kept.added) == ("hf-daily", "2024-01-02", 2, 2)
        assert listings.ranked(ws.library, kept.id) == ["t:0123456789ab", "arxiv:1706.03762"]
    finally:
        ws.close()


def test_a_version_4_store_keeps_its_trash(tmp_path):
    from paperreader.store import trash

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    store_at(resolve(data_dir).store, 4)
    ws = Workspace.open(resolve(data_dir))
    try:
        [entry] = trash.entries(ws.library)
        assert (entry.paper_id, entry.has_note, entry.tags) == ("t:deadbeef0001", True, ("binned",))
        assert trash.restore(ws.library, "t:deadbeef0001") == "t:deadbeef0001"
        record = ws.library.get("t:deadbeef0001")
        assert record.note == "kept in the trash" and record.tags == ("binned",)
        ws.ensure_index()
        assert [h.id for h in ws.engine.search("tag:binned").hits] == ["t:deadbeef0001"]
    finally:
        ws.close()


def test_counting_the_papers_reads_the_small_index_after_the_upgrade(tmp_path):
    """A version 4 store, upgraded: `count(*)` (every launch's total) goes over papers_year (a small
    integer an entry), not over the title keys' index (3-8 ms at 100k papers, tens at 1M)."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    store_at(resolve(data_dir).store, 4)
    ws = Workspace.open(resolve(data_dir))
    try:
        plan = " ".join(str(r[-1]) for r in ws.library.db.read("EXPLAIN QUERY PLAN SELECT count(*) FROM papers"))
        assert "papers_year" in plan, plan
        assert ws.library.count() == 2 and not ws.library.is_empty()
    finally:
        ws.close()
