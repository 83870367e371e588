"""The library: SQLite in the data dir, the one source of truth.

Papers and everything the user did to them. WAL mode, `synchronous=FULL`, and every change is one
`BEGIN IMMEDIATE` transaction, so a crash at any instant leaves either the old or the new state.
Changes that alter what the search index holds are logged in `changes`, so whichever process
holds the index next can catch it up.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from paperreader.model import Paper, arxiv_paper_id, parse_arxiv_id, title_id
from paperreader.store.records import PaperRecord, record_from_row
from paperreader.store.schema import SCHEMA_VERSION, migrate
from paperreader.text import clean_block, clean_line, clean_tag, normalise_title


class StoreError(Exception):
    """The store cannot be used as it is (corrupt, newer, unwritable); the file is left alone."""


class NotFound(KeyError):
    def __str__(self) -> str:
        return f"no paper with id {self.args[0]!r}"


@dataclass
class UpsertResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0

    def __add__(self, other: "UpsertResult") -> "UpsertResult":
        return UpsertResult(self.added + other.added, self.updated + other.updated, self.unchanged + other.unchanged)


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


_SELECT = """SELECT p.*, s.starred_at, r.read_at FROM papers p
    LEFT JOIN stars s ON s.paper_id = p.id LEFT JOIN reads r ON r.paper_id = p.id"""
_MERGED = ("abstract", "authors", "published", "year", "categories", "doi", "comment", "journal_ref")


class Library:
    """One connection to the store, safe to share between threads (calls are serialised)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self._conn = self._connect()

    # -- opening ---------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=15, isolation_level=None, check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"{self.path}: cannot open the library: {exc}") from None
        conn.row_factory = sqlite3.Row
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path}: this library was written by a newer paperreader "
                    f"(schema {version}, this version reads {SCHEMA_VERSION}); it was left as it was"
                )
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA busy_timeout = 15000")
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            if version < SCHEMA_VERSION:
                migrate(conn, version)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StoreError(f"{self.path}: not a readable paperreader library ({exc}); it was left as it was") from None
        except StoreError:
            conn.close()
            raise
        return conn

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic change: all of it lands, or none of it."""
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise StoreError(f"{self.path}: cannot write the library: {exc}") from None
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                self._conn.execute("ROLLBACK")
                raise StoreError(f"{self.path}: the change was not saved: {exc}") from None
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise

    def _query(self, sql: str, params: Iterable = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, tuple(params)).fetchall()

    def data_version(self) -> int:
        """Changes when any other connection commits: a cheap "has anything changed?" poll."""
        return self._query("PRAGMA data_version")[0][0]

    # -- meta ------------------------------------------------------------------------------
    def get_meta(self, key: str, default: str | None = None) -> str | None:
        rows = self._query("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else default

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    # -- ids -------------------------------------------------------------------------------
    def resolve_id(self, text: str) -> str | None:
        """The paper's id from what a user typed: an id, an old title-id, an arXiv id or URL."""
        text = text.strip()
        candidates = [text]
        arxiv = parse_arxiv_id(text.removeprefix("arxiv:"))
        if arxiv:
            candidates.insert(0, arxiv_paper_id(arxiv))
        for candidate in candidates:
            if self._query("SELECT 1 FROM papers WHERE id = ?", (candidate,)):
                return candidate
            rows = self._query("SELECT paper_id FROM aliases WHERE alias = ?", (candidate,))
            if rows:
                return rows[0][0]
        return None

    def _must(self, paper_id: str) -> str:
        resolved = self.resolve_id(paper_id)
        if resolved is None:
            raise NotFound(paper_id)
        return resolved

    # -- papers ----------------------------------------------------------------------------
    def upsert(self, papers: Iterable[Paper]) -> UpsertResult:
        """Add or merge papers in one transaction: the same arXiv id or title is one paper."""
        result = UpsertResult()
        with self.transaction() as conn:
            for paper in papers:
                outcome = self._upsert_one(conn, paper)
                setattr(result, outcome, getattr(result, outcome) + 1)
        return result

    def _find_target(self, conn: sqlite3.Connection, paper: Paper) -> str | None:
        key = paper.title_key
        if paper.arxiv_id:
            pid = arxiv_paper_id(paper.arxiv_id)
            if conn.execute("SELECT 1 FROM papers WHERE id = ?", (pid,)).fetchone():
                return pid
            row = conn.execute(
                "SELECT id FROM papers WHERE title_key = ? AND arxiv_id IS NULL LIMIT 1", (key,)
            ).fetchone()
            if row:  # a title-only paper gains its arXiv id; its stars, notes and tags follow it
                conn.execute("UPDATE papers SET id = ?, arxiv_id = ? WHERE id = ?", (pid, paper.arxiv_id, row[0]))
                conn.execute("INSERT OR REPLACE INTO aliases(alias, paper_id) VALUES (?, ?)", (row[0], pid))
                conn.execute("INSERT INTO changes(paper_id) VALUES (?), (?)", (row[0], pid))
                return pid
            return None
        tid = title_id(paper.title)
        row = conn.execute(
            "SELECT id FROM papers WHERE id = ? UNION ALL SELECT paper_id FROM aliases WHERE alias = ? LIMIT 1",
            (tid, tid),
        ).fetchone() or conn.execute("SELECT id FROM papers WHERE title_key = ? LIMIT 1", (key,)).fetchone()
        return row[0] if row else None

    def _upsert_one(self, conn: sqlite3.Connection, paper: Paper) -> str:
        paper = paper.cleaned()
        if not paper.title:
            raise ValueError("a paper needs a title")
        values = {
            "title": paper.title,
            "title_key": paper.title_key,
            "abstract": paper.abstract,
            "authors": json.dumps(list(paper.authors), ensure_ascii=False),
            "published": paper.published,
            "year": paper.year,
            "categories": json.dumps(list(paper.categories), ensure_ascii=False),
            "doi": paper.doi,
            "comment": paper.comment,
            "journal_ref": paper.journal_ref,
            "urls": json.dumps([[u.kind, u.url, u.label] for u in paper.urls], ensure_ascii=False),
            "source": paper.source,
        }
        target = self._find_target(conn, paper)
        stamp = now()
        if target is None:
            pid = paper.id
            conn.execute(
                f"INSERT INTO papers(id, arxiv_id, added_at, updated_at, {', '.join(values)}) "
                f"VALUES (?, ?, ?, ?, {', '.join('?' * len(values))})",
                (pid, paper.arxiv_id, stamp, stamp, *values.values()),
            )
            if title_id(paper.title) != pid:
                conn.execute("INSERT OR IGNORE INTO aliases(alias, paper_id) VALUES (?, ?)", (title_id(paper.title), pid))
            conn.execute("INSERT INTO changes(paper_id) VALUES (?)", (pid,))
            return "added"
        old = conn.execute("SELECT * FROM papers WHERE id = ?", (target,)).fetchone()
        merged = dict(values)
        weaker = old["arxiv_id"] is not None and paper.arxiv_id is None
        empty = {"", "[]", None}
        for key in values:
            if merged[key] in empty or (weaker and old[key] not in empty):
                merged[key] = old[key]
        merged["title_key"] = normalise_title(merged["title"])
        old_urls = json.loads(old["urls"])
        merged["urls"] = json.dumps(old_urls + [u for u in json.loads(values["urls"]) if u not in old_urls], ensure_ascii=False)
        if all(merged[key] == old[key] for key in merged if key != "source"):
            return "unchanged"
        assignments = ", ".join(f"{key} = ?" for key in merged)
        conn.execute(f"UPDATE papers SET {assignments}, updated_at = ? WHERE id = ?", (*merged.values(), stamp, target))
        if title_id(merged["title"]) != target:
            conn.execute("INSERT OR IGNORE INTO aliases(alias, paper_id) VALUES (?, ?)", (title_id(merged["title"]), target))
        conn.execute("INSERT INTO changes(paper_id) VALUES (?)", (target,))
        return "updated"

    def count(self) -> int:
        return self._query("SELECT count(*) FROM papers")[0][0]

    def get(self, paper_id: str) -> PaperRecord | None:
        resolved = self.resolve_id(paper_id)
        if resolved is None:
            return None
        return self.get_many([resolved]).get(resolved)

    def get_many(self, ids: list[str]) -> dict[str, PaperRecord]:
        """Records for known ids (unknown ids are left out), with notes and tags, in few queries."""
        out: dict[str, PaperRecord] = {}
        for start in range(0, len(ids), 500):
            chunk = list(dict.fromkeys(ids[start : start + 500]))
            marks = ",".join("?" * len(chunk))
            rows = self._query(f"{_SELECT} WHERE p.id IN ({marks})", chunk)
            notes = dict(self._query(f"SELECT paper_id, body FROM notes WHERE paper_id IN ({marks})", chunk))
            tags: dict[str, list[str]] = {}
            for pid, tag in self._query(f"SELECT paper_id, tag FROM tags WHERE paper_id IN ({marks}) ORDER BY tag", chunk):
                tags.setdefault(pid, []).append(tag)
            for row in rows:
                out[row["id"]] = record_from_row(row, notes.get(row["id"], ""), tuple(tags.get(row["id"], ())))
        return out

    def iter_records(self, batch: int = 2000, ids: list[str] | None = None) -> Iterator[PaperRecord]:
        """Every paper (or the given ones), in batches, for indexing."""
        if ids is not None:
            for start in range(0, len(ids), batch):
                yield from self.get_many(ids[start : start + batch]).values()
            return
        last = ""
        while True:
            page = [r[0] for r in self._query("SELECT id FROM papers WHERE id > ? ORDER BY id LIMIT ?", (last, batch))]
            if not page:
                return
            yield from self.get_many(page).values()
            last = page[-1]

    # -- user state --------------------------------------------------------------------------
    def set_star(self, paper_id: str, on: bool = True) -> bool:
        pid = self._must(paper_id)
        with self.transaction() as conn:
            if on:
                conn.execute("INSERT OR IGNORE INTO stars(paper_id, starred_at) VALUES (?, ?)", (pid, now()))
            else:
                conn.execute("DELETE FROM stars WHERE paper_id = ?", (pid,))
        return on

    def toggle_star(self, paper_id: str) -> bool:
        pid = self._must(paper_id)
        return self.set_star(pid, not self._query("SELECT 1 FROM stars WHERE paper_id = ?", (pid,)))

    def set_read(self, paper_id: str, on: bool = True) -> bool:
        pid = self._must(paper_id)
        with self.transaction() as conn:
            if on:
                conn.execute("INSERT OR IGNORE INTO reads(paper_id, read_at) VALUES (?, ?)", (pid, now()))
            else:
                conn.execute("DELETE FROM reads WHERE paper_id = ?", (pid,))
        return on

    def toggle_read(self, paper_id: str) -> bool:
        pid = self._must(paper_id)
        return self.set_read(pid, not self._query("SELECT 1 FROM reads WHERE paper_id = ?", (pid,)))

    def set_note(self, paper_id: str, body: str | None) -> str:
        """Save (or with None/blank, clear) a note; the draft, now saved, is dropped with it."""
        pid = self._must(paper_id)
        body = clean_block(body or "")
        with self.transaction() as conn:
            if body.strip():
                conn.execute("INSERT OR REPLACE INTO notes(paper_id, body, updated_at) VALUES (?, ?, ?)", (pid, body, now()))
            else:
                conn.execute("DELETE FROM notes WHERE paper_id = ?", (pid,))
            conn.execute("DELETE FROM drafts WHERE paper_id = ?", (pid,))
            conn.execute("INSERT INTO changes(paper_id) VALUES (?)", (pid,))
        return body

    def save_draft(self, paper_id: str, body: str) -> None:
        pid = self._must(paper_id)
        with self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO drafts(paper_id, body, updated_at) VALUES (?, ?, ?)", (pid, body, now()))

    def get_draft(self, paper_id: str) -> str | None:
        rows = self._query("SELECT body FROM drafts WHERE paper_id = ?", (self._must(paper_id),))
        return rows[0][0] if rows else None

    def discard_draft(self, paper_id: str) -> None:
        pid = self._must(paper_id)
        with self.transaction() as conn:
            conn.execute("DELETE FROM drafts WHERE paper_id = ?", (pid,))

    def set_tags(self, paper_id: str, tags: Iterable[str]) -> tuple[str, ...]:
        pid = self._must(paper_id)
        wanted = sorted({t for t in (clean_tag(x) for x in tags) if t})
        with self.transaction() as conn:
            conn.execute(f"DELETE FROM tags WHERE paper_id = ? AND tag NOT IN ({','.join('?' * len(wanted))})", (pid, *wanted))
            conn.executemany(
                "INSERT OR IGNORE INTO tags(paper_id, tag, added_at) VALUES (?, ?, ?)", [(pid, t, now()) for t in wanted]
            )
            conn.execute("INSERT INTO changes(paper_id) VALUES (?)", (pid,))
        return tuple(wanted)

    def add_tags(self, paper_id: str, tags: Iterable[str]) -> tuple[str, ...]:
        record = self.get(self._must(paper_id))
        return self.set_tags(record.id, [*record.tags, *tags])

    def remove_tags(self, paper_id: str, tags: Iterable[str]) -> tuple[str, ...]:
        record = self.get(self._must(paper_id))
        gone = {clean_tag(t) for t in tags}
        return self.set_tags(record.id, [t for t in record.tags if t not in gone])

    # -- sets for search filters and lists -----------------------------------------------------
    def starred_ids(self) -> set[str]:
        return {r[0] for r in self._query("SELECT paper_id FROM stars")}

    def read_ids(self) -> set[str]:
        return {r[0] for r in self._query("SELECT paper_id FROM reads")}

    def noted_ids(self) -> set[str]:
        return {r[0] for r in self._query("SELECT paper_id FROM notes")}

    def all_tags(self) -> list[tuple[str, int]]:
        return [(r[0], r[1]) for r in self._query("SELECT tag, count(*) FROM tags GROUP BY tag ORDER BY tag")]

    def list_ids(self, *, starred: bool = False, tag: str | None = None, annotated: bool = False, unread: bool = False) -> list[str]:
        """Ids matching every filter given: newest star first, then the rest by title."""
        where, params = [], []
        if starred:
            where.append("s.starred_at IS NOT NULL")
        if tag:
            where.append("p.id IN (SELECT paper_id FROM tags WHERE tag = ?)")
            params.append(clean_tag(tag))
        if annotated:
            where.append("(p.id IN (SELECT paper_id FROM notes) OR p.id IN (SELECT paper_id FROM tags))")
        if unread:
            where.append("r.read_at IS NULL")
        sql = f"{_SELECT} {'WHERE ' + ' AND '.join(where) if where else ''} ORDER BY s.starred_at DESC, p.title_key"
        return [r["id"] for r in self._query(sql.replace("p.*", "p.id"), params)]

    def stats(self) -> dict[str, int]:
        q = lambda sql: self._query(sql)[0][0]  # noqa: E731
        return {
            "papers": q("SELECT count(*) FROM papers"),
            "starred": q("SELECT count(*) FROM stars"),
            "notes": q("SELECT count(*) FROM notes"),
            "tags": q("SELECT count(DISTINCT tag) FROM tags"),
            "tagged": q("SELECT count(DISTINCT paper_id) FROM tags"),
            "read": q("SELECT count(*) FROM reads"),
            "with_arxiv_id": q("SELECT count(*) FROM papers WHERE arxiv_id IS NOT NULL"),
        }

    # -- saved searches and history ------------------------------------------------------------
    def save_search(self, name: str, query: str) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO saved_searches(name, query, created_at) VALUES (?, ?, ?)", (clean_line(name), query, now()))

    def delete_search(self, name: str) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM saved_searches WHERE name = ?", (name,))

    def saved_searches(self) -> list[tuple[str, str]]:
        return [(r[0], r[1]) for r in self._query("SELECT name, query FROM saved_searches ORDER BY name")]

    def add_history(self, query: str, keep: int = 200) -> None:
        query = clean_line(query)
        if not query:
            return
        with self.transaction() as conn:
            conn.execute("DELETE FROM history WHERE query = ?", (query,))
            conn.execute("INSERT INTO history(query, at) VALUES (?, ?)", (query, now()))
            conn.execute("DELETE FROM history WHERE id NOT IN (SELECT id FROM history ORDER BY id DESC LIMIT ?)", (keep,))

    def history(self, limit: int = 200) -> list[str]:
        """Past queries, oldest first."""
        return [r[0] for r in reversed(self._query("SELECT query FROM history ORDER BY id DESC LIMIT ?", (limit,)))]

    # -- the change log the index follows ----------------------------------------------------------
    def change_seq(self) -> int:
        """The newest change's number; never goes back, even after pruning (AUTOINCREMENT)."""
        rows = self._query("SELECT seq FROM sqlite_sequence WHERE name = 'changes'")
        return rows[0][0] if rows else 0

    def changes_since(self, seq: int) -> tuple[int, list[str]]:
        rows = self._query("SELECT seq, paper_id FROM changes WHERE seq > ? ORDER BY seq", (seq,))
        if not rows:
            return seq, []
        return rows[-1][0], list(dict.fromkeys(r[1] for r in rows))

    def prune_changes(self, upto: int) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM changes WHERE seq <= ?", (upto,))
