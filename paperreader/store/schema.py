"""The store's schema and its migrations.

`user_version` holds the schema version. Each migration runs in the transaction that bumps the
version, so a crash mid-migration leaves the previous version intact. A store newer than this
code is never written to.
"""

from __future__ import annotations

import sqlite3

# Migration N turns a version N-1 store into version N.
MIGRATIONS: dict[int, str] = {
    1: """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE papers(
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    title_key TEXT NOT NULL,
    abstract TEXT NOT NULL DEFAULT '',
    authors TEXT NOT NULL DEFAULT '[]',
    arxiv_id TEXT UNIQUE,
    published TEXT,
    year INTEGER,
    categories TEXT NOT NULL DEFAULT '[]',
    doi TEXT,
    comment TEXT,
    journal_ref TEXT,
    urls TEXT NOT NULL DEFAULT '[]',
    source TEXT NOT NULL DEFAULT '',
    added_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX papers_title_key ON papers(title_key);
CREATE TABLE aliases(
    alias TEXT PRIMARY KEY,
    paper_id TEXT NOT NULL REFERENCES papers(id) ON UPDATE CASCADE ON DELETE CASCADE
);
CREATE TABLE stars(
    paper_id TEXT PRIMARY KEY REFERENCES papers(id) ON UPDATE CASCADE ON DELETE CASCADE,
    starred_at TEXT NOT NULL
);
CREATE TABLE notes(
    paper_id TEXT PRIMARY KEY REFERENCES papers(id) ON UPDATE CASCADE ON DELETE CASCADE,
    body TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE tags(
    paper_id TEXT NOT NULL REFERENCES papers(id) ON UPDATE CASCADE ON DELETE CASCADE,
    tag TEXT NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY(paper_id, tag)
);
CREATE INDEX tags_tag ON tags(tag);
CREATE TABLE reads(
    paper_id TEXT PRIMARY KEY REFERENCES papers(id) ON UPDATE CASCADE ON DELETE CASCADE,
    read_at TEXT NOT NULL
);
CREATE TABLE drafts(
    paper_id TEXT PRIMARY KEY REFERENCES papers(id) ON UPDATE CASCADE ON DELETE CASCADE,
    body TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE saved_searches(name TEXT PRIMARY KEY, query TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE history(id INTEGER PRIMARY KEY AUTOINCREMENT, query TEXT NOT NULL, at TEXT NOT NULL);
-- Every change to what the index holds, so any process can catch the index up.
CREATE TABLE changes(seq INTEGER PRIMARY KEY AUTOINCREMENT, paper_id TEXT NOT NULL);
""",
    # 2: notes edited from two places (store/notes.py): a note carries a version, checked on save;
    # a draft belongs to one editing session (owner) and remembers the version it was based on.
    2: """
ALTER TABLE notes ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
CREATE TABLE drafts_by_owner(
    paper_id TEXT NOT NULL REFERENCES papers(id) ON UPDATE CASCADE ON DELETE CASCADE,
    owner TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL,
    base_version INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    PRIMARY KEY(paper_id, owner)
);
INSERT INTO drafts_by_owner(paper_id, owner, body, base_version, updated_at)
    SELECT d.paper_id, '', d.body, coalesce((SELECT n.version FROM notes n WHERE n.paper_id = d.paper_id), 0), d.updated_at
    FROM drafts d;
DROP TABLE drafts;
ALTER TABLE drafts_by_owner RENAME TO drafts;
INSERT OR IGNORE INTO meta(key, value) VALUES ('note_clock', '1');
""",
    # 3: ranked listings (store/listings.py): a trending page, a day of HF papers, an arXiv mail or
    # API answer, with its papers in rank order; the fingerprint makes a re-import record nothing.
    3: """
CREATE TABLE listings(
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source TEXT NOT NULL,
    name TEXT NOT NULL,
    date TEXT NOT NULL,
    fingerprint TEXT NOT NULL UNIQUE,
    added INTEGER NOT NULL DEFAULT 0,
    recorded_at TEXT NOT NULL
);
CREATE INDEX listings_date ON listings(date, id);
CREATE TABLE listing_papers(
    listing_id INTEGER NOT NULL REFERENCES listings(id) ON DELETE CASCADE,
    rank INTEGER NOT NULL,
    paper_id TEXT NOT NULL REFERENCES papers(id) ON UPDATE CASCADE ON DELETE CASCADE,
    PRIMARY KEY(listing_id, rank)
);
CREATE INDEX listing_papers_paper ON listing_papers(paper_id);
""",
    # 4: the trash (store/trash.py): a deleted paper's row and everything that referred to it, as
    # JSON, kept 30 days; several entries may hold one paper (deleted, imported again, deleted).
    # aliases(paper_id) gets its index: 100k papers have ~100k aliases, scanned per delete without it.
    4: """
CREATE TABLE trash(
    entry INTEGER PRIMARY KEY AUTOINCREMENT,
    paper_id TEXT NOT NULL,
    title TEXT NOT NULL,
    deleted_at TEXT NOT NULL,
    snapshot TEXT NOT NULL
);
CREATE INDEX trash_paper ON trash(paper_id);
CREATE INDEX trash_deleted_at ON trash(deleted_at);
-- a deleted paper's aliases are found (snapshot, cascade) without reading every alias
CREATE INDEX IF NOT EXISTS aliases_paper ON aliases(paper_id);
""",
    # A small index for counting: SQLite counts rows over the smallest index, and the smallest was
    # the title keys' (~60 bytes an entry): `SELECT count(*) FROM papers`, at every reader launch
    # (the status line's total, and whether the library is empty), took 3-8 ms at 100k papers and
    # tens at 1M; over this one (a small integer an entry) ~0.02 ms at 100k. Year filters use it too.
    5: """
CREATE INDEX IF NOT EXISTS papers_year ON papers(year);
""",
}

SCHEMA_VERSION = max(MIGRATIONS)


def migrate(conn: sqlite3.Connection, current: int) -> None:
    """Bring a store at version `current` up to SCHEMA_VERSION, one transaction a step."""
    for version in sorted(v for v in MIGRATIONS if v > current):
        conn.execute("BEGIN IMMEDIATE")
        try:
            # re-read under the write lock: another process may have migrated meanwhile
            if conn.execute("PRAGMA user_version").fetchone()[0] >= version:
                conn.execute("ROLLBACK")
                continue
            for statement in MIGRATIONS[version].split(";\n"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
