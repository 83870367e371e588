"""The library: SQLite in the data dir, the one source of truth.

Papers and everything the user did to them, as the rest of paperreader asks for them. The parts:
`opening.py` opens (creates, checks, upgrades) the store; `connection.py` is the boundary every
store module reads and writes through (WAL mode, `synchronous=FULL`, every change one
`BEGIN IMMEDIATE` transaction, so a crash at any instant leaves either the old or the new state);
`change_log.py` logs the changes that alter what the search index holds, so whichever process
holds the index next can catch it up; `annotations.py` holds the Library's notes, drafts and tags
methods (the rules for two editors at once are `notes.py`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

from paperreader.model import Paper, arxiv_paper_id, parse_arxiv_id
from paperreader.store import change_log
from paperreader.store.annotations import Annotations
from paperreader.store.bulk import upsert_many
from paperreader.store.connection import StoreConnection
from paperreader.store.opening import BeforeMigrate, open_store
from paperreader.store.records import RECORD_COLUMNS, PaperRecord, RecordCache, now, record_from_row
from paperreader.store.validation import StoreError
from paperreader.text import clean_line, clean_tag


class NotFound(KeyError):
    def __str__(self) -> str:
        return f"no paper with id {self.args[0]!r}"


class UpsertResult:
    """How many papers an upsert added, updated and left unchanged. A plain class, not a dataclass:
    its generated methods cost ~0.4 ms CPU at the reader's launch."""

    __slots__ = ("added", "updated", "unchanged")
    __hash__ = None  # mutable (the counts are added to), as the dataclass was

    def __init__(self, added: int = 0, updated: int = 0, unchanged: int = 0) -> None:
        self.added, self.updated, self.unchanged = added, updated, unchanged

    def __eq__(self, other) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return (self.added, self.updated, self.unchanged) == (other.added, other.updated, other.unchanged)

    def __repr__(self) -> str:
        return f"UpsertResult(added={self.added!r}, updated={self.updated!r}, unchanged={self.unchanged!r})"

    def __add__(self, other: "UpsertResult") -> "UpsertResult":
        return UpsertResult(self.added + other.added, self.updated + other.updated, self.unchanged + other.unchanged)


_SELECT = """SELECT p.*, s.starred_at, r.read_at FROM papers p
    LEFT JOIN stars s ON s.paper_id = p.id LEFT JOIN reads r ON r.paper_id = p.id"""
# A page of records in one statement: RECORD_COLUMNS, then the note and whether the paper has tags
_COLUMNS = ", ".join(f"{'s' if c == 'starred_at' else 'r' if c == 'read_at' else 'p'}.{c}" for c in RECORD_COLUMNS)
_SELECT_PAGE = f"""SELECT {_COLUMNS},
    n.body, EXISTS(SELECT 1 FROM tags t WHERE t.paper_id = p.id) FROM papers p
    LEFT JOIN stars s ON s.paper_id = p.id LEFT JOIN reads r ON r.paper_id = p.id
    LEFT JOIN notes n ON n.paper_id = p.id"""


def _read_records(conn: sqlite3.Connection, ids: list[str]) -> dict[str, PaperRecord]:
    """The records of up to 500 distinct ids, in the store's order (under the connection's lock)."""
    marks = ",".join("?" * len(ids))
    cursor = conn.cursor()
    cursor.row_factory = None  # plain tuples: record_from_row reads by position
    rows = cursor.execute(f"{_SELECT_PAGE} WHERE p.id IN ({marks})", ids).fetchall()
    note_at = len(RECORD_COLUMNS)
    tagged = [row[0] for row in rows if row[note_at + 1]]
    tags: dict[str, list[str]] = {}
    if tagged:
        sql = f"SELECT paper_id, tag FROM tags WHERE paper_id IN ({','.join('?' * len(tagged))}) ORDER BY tag"
        for pid, tag in conn.execute(sql, tagged):
            tags.setdefault(pid, []).append(tag)
    return {row[0]: record_from_row(row, row[note_at] or "", tuple(tags.get(row[0], ()))) for row in rows}


class Library(Annotations):
    """The store's operations on papers and the user's state, over one `StoreConnection` (`db`),
    safe to share between threads (its calls are serialised)."""

    def __init__(self, path: Path, *, before_migrate: BeforeMigrate | None = None) -> None:
        """Open (or create) the store. `before_migrate(read_only_conn, version)` runs before an
        older store is upgraded: the workspace backs it up there."""
        self.path = Path(path)
        self.db: StoreConnection = open_store(self.path, before_migrate)
        self._kept = RecordCache()  # the last pages read (get_many), while the store is unchanged

    def close(self) -> None:
        self.db.close()

    def transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        """One atomic change: all of it lands, or none of it (`StoreConnection.write`)."""
        return self.db.write()

    def integrity_check(self) -> list[str]:
        """SQLite's full check of the store: `["ok"]` or the problems found (at most 20)."""
        return self.db.integrity_check()

    def backup_to(self, target: Path, *, own_connection: bool = False) -> None:
        """A consistent copy of the store at `target`, whole or absent (`StoreConnection.copy_to`)."""
        self.db.copy_to(target, own_connection=own_connection)

    def data_version(self) -> int:
        """Changes when any other connection commits: a cheap "has anything changed?" poll."""
        return self.db.data_version()

    def set_busy_timeout(self, seconds: float) -> None:
        """How long a write waits for another process's lock before failing as busy (tests shorten it)."""
        self.db.set_busy_timeout(seconds)

    # -- meta ------------------------------------------------------------------------------
    def get_meta(self, key: str, default: str | None = None) -> str | None:
        rows = self.db.read("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else default

    def set_meta(self, key: str, value: str) -> None:
        with self.db.write() as conn:
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
            if self.db.read("SELECT 1 FROM papers WHERE id = ?", (candidate,)):
                return candidate
            rows = self.db.read("SELECT paper_id FROM aliases WHERE alias = ?", (candidate,))
            if rows:
                return rows[0][0]
        return None

    def id_by_doi(self, doi: str) -> str | None:
        """The id of the paper with this DOI (any case), or None."""
        return self.db.scalar("SELECT id FROM papers WHERE doi = ? COLLATE NOCASE LIMIT 1", (doi,))

    def require_id(self, paper_id: str) -> str:
        """The paper's id from what a user typed; NotFound if there is no such paper."""
        resolved = self.resolve_id(paper_id)
        if resolved is None:
            raise NotFound(paper_id)
        return resolved

    # -- papers ----------------------------------------------------------------------------
    def upsert(self, papers: Iterable[Paper]) -> UpsertResult:
        """Add or merge papers in one transaction: the same arXiv id or title is one paper."""
        with self.db.write() as conn:
            return UpsertResult(**upsert_many(conn, papers))

    def count(self) -> int:
        return self.db.read("SELECT count(*) FROM papers")[0][0]

    def is_empty(self) -> bool:
        """No paper at all (one row looked at, not every one counted: a launch asks)."""
        return not self.db.read("SELECT 1 FROM papers LIMIT 1")

    def get(self, paper_id: str) -> PaperRecord | None:
        resolved = self.resolve_id(paper_id)
        if resolved is None:
            return None
        return self.get_many([resolved]).get(resolved)

    def get_many(self, ids: list[str]) -> dict[str, PaperRecord]:
        """Records for known ids (unknown ids are left out), with notes and tags: one statement a
        chunk of ids, one more for the tags of papers that have any. A page (<= RecordCache.PAGE
        ids) comes in the order asked, from the records kept while the store is unchanged where it
        can; a larger request, in the store's order."""
        if len(ids) > RecordCache.PAGE:
            out: dict[str, PaperRecord] = {}
            for start in range(0, len(ids), 500):
                with self.db.reading() as conn:
                    out.update(_read_records(conn, list(dict.fromkeys(ids[start : start + 500]))))
            return out
        with self.db.reading() as conn:
            if conn.in_transaction:  # inside a write: what it changed may yet be rolled back
                return _read_records(conn, list(dict.fromkeys(ids)))
            kept = self._kept
            kept.check(conn)
            wanted = list(dict.fromkeys(ids))
            found = {pid: kept.get(pid) for pid in wanted}
            missing = [pid for pid, record in found.items() if record is None]
            if missing:
                for record in _read_records(conn, missing).values():
                    found[record.id] = record
                    kept.keep(record)
        return {pid: record for pid, record in found.items() if record is not None}

    def iter_records(self, batch: int = 2000, ids: list[str] | None = None) -> Iterator[PaperRecord]:
        """Every paper (or the given ones), in batches, for indexing."""
        if ids is not None:
            for start in range(0, len(ids), batch):
                yield from self.get_many(ids[start : start + batch]).values()
            return
        last = ""
        while True:
            page = [r[0] for r in self.db.read("SELECT id FROM papers WHERE id > ? ORDER BY id LIMIT ?", (last, batch))]
            if not page:
                return
            yield from self.get_many(page).values()
            last = page[-1]

    # -- user state --------------------------------------------------------------------------
    def set_star(self, paper_id: str, on: bool = True) -> bool:
        pid = self.require_id(paper_id)
        with self.db.write() as conn:
            self._flag(conn, "stars", "starred_at", pid, on)
        return on

    def toggle_star(self, paper_id: str) -> bool:
        """Flip the star; read and written in one transaction, so two processes never lose a flip."""
        pid = self.require_id(paper_id)
        with self.db.write() as conn:
            on = conn.execute("SELECT 1 FROM stars WHERE paper_id = ?", (pid,)).fetchone() is None
            self._flag(conn, "stars", "starred_at", pid, on)
        return on

    def set_read(self, paper_id: str, on: bool = True) -> bool:
        pid = self.require_id(paper_id)
        with self.db.write() as conn:
            self._flag(conn, "reads", "read_at", pid, on)
        return on

    def toggle_read(self, paper_id: str) -> bool:
        pid = self.require_id(paper_id)
        with self.db.write() as conn:
            on = conn.execute("SELECT 1 FROM reads WHERE paper_id = ?", (pid,)).fetchone() is None
            self._flag(conn, "reads", "read_at", pid, on)
        return on

    @staticmethod
    def _flag(conn: sqlite3.Connection, table: str, column: str, pid: str, on: bool) -> None:
        if on:
            conn.execute(f"INSERT OR IGNORE INTO {table}(paper_id, {column}) VALUES (?, ?)", (pid, now()))
        else:
            conn.execute(f"DELETE FROM {table} WHERE paper_id = ?", (pid,))

    # -- sets for search filters and lists -----------------------------------------------------
    def starred_ids(self) -> set[str]:
        return {r[0] for r in self.db.read("SELECT paper_id FROM stars")}

    def read_ids(self) -> set[str]:
        return {r[0] for r in self.db.read("SELECT paper_id FROM reads")}

    def tags_of(self, ids: list[str]) -> dict[str, tuple[str, ...]]:
        """The tags of each paper given that the library holds, nothing else of them: the tag editor
        on 48k marked papers read them whole (get_many) to intersect their tags, ~0.8 s CPU."""
        from paperreader.store.batch import _known, tags_of

        with self.db.snapshot() as conn:
            return tags_of(conn, _known(conn, ids))

    def all_tags(self) -> list[tuple[str, int]]:
        return [(r[0], r[1]) for r in self.db.read("SELECT tag, count(*) FROM tags GROUP BY tag ORDER BY tag")]

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
        return [r["id"] for r in self.db.read(sql.replace("p.*", "p.id"), params)]

    def stats(self) -> dict[str, int]:
        q = lambda sql: self.db.read(sql)[0][0]  # noqa: E731
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
        with self.db.write() as conn:
            conn.execute("INSERT OR REPLACE INTO saved_searches(name, query, created_at) VALUES (?, ?, ?)", (clean_line(name), query, now()))

    def delete_search(self, name: str) -> None:
        with self.db.write() as conn:
            conn.execute("DELETE FROM saved_searches WHERE name = ?", (name,))

    def saved_searches(self) -> list[tuple[str, str]]:
        return [(r[0], r[1]) for r in self.db.read("SELECT name, query FROM saved_searches ORDER BY name")]

    def add_history(self, query: str, keep: int = 200) -> None:
        query = clean_line(query)
        if not query:
            return
        with self.db.write() as conn:
            conn.execute("DELETE FROM history WHERE query = ?", (query,))
            conn.execute("INSERT INTO history(query, at) VALUES (?, ?)", (query, now()))
            conn.execute("DELETE FROM history WHERE id NOT IN (SELECT id FROM history ORDER BY id DESC LIMIT ?)", (keep,))

    def history(self, limit: int = 200) -> list[str]:
        """Past queries, oldest first."""
        return [r[0] for r in reversed(self.db.read("SELECT query FROM history ORDER BY id DESC LIMIT ?", (limit,)))]

    # -- the change log the index follows (store/change_log.py) ----------------------------------
    def change_seq(self) -> int:
        """The newest change's number; never goes back, even after pruning (AUTOINCREMENT)."""
        return change_log.change_seq(self.db)

    def changes_since(self, seq: int) -> tuple[int, list[str]]:
        """(newest change, papers changed after `seq`); ChangeLogPruned if some were pruned."""
        return change_log.changes_since(self.db, seq)

    def changes_pruned_to(self) -> int:
        """Every change up to this number has been pruned: positions before it cannot catch up."""
        with self.db.reading() as conn:
            return change_log.pruned_to(conn)

    def prune_changes(self, upto: int) -> int:
        """Delete the change log up to `upto` now; returns the rows deleted."""
        return change_log.prune(self.db, upto)

    def changes_taken_in(self, upto: int) -> int:
        """The index holds every change up to `upto` (its catch-up or rebuild just committed): the
        log up to there goes, once PRUNE_EVERY changes have gathered (a one-paper catch-up writes
        nothing). Never waits for or fails the caller: a prune that cannot be written now (another
        process is writing, a read-only library) is left to the next one. Returns the rows deleted."""
        try:
            return change_log.prune(self.db, upto, every=change_log.PRUNE_EVERY, wait=False)
        except StoreError:
            return 0
