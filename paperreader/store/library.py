"""The library: SQLite in the data dir, the one source of truth.

Papers and everything the user did to them. WAL mode, `synchronous=FULL`, and every change is one
`BEGIN IMMEDIATE` transaction, so a crash at any instant leaves either the old or the new state.
Changes that alter what the search index holds are logged in `changes`, so whichever process
holds the index next can catch it up.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from paperreader.model import Paper, arxiv_paper_id, parse_arxiv_id
from paperreader.store.records import PaperRecord, now, record_from_row  # noqa: F401 (now: re-exported)
from paperreader.store import notes
from paperreader.store.bulk import upsert_many
from paperreader.store.notes import NoteConflict, NoteState, NoteTooLarge  # noqa: F401 (re-exported)
from paperreader.store.schema import SCHEMA_VERSION, migrate
from paperreader.store.validation import BUSY, StoreError, _fsync_dir, _store_problem, connect, inspect_store
from paperreader.text import clean_block, clean_line, clean_tag, strip_controls


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


_SELECT = """SELECT p.*, s.starred_at, r.read_at FROM papers p
    LEFT JOIN stars s ON s.paper_id = p.id LEFT JOIN reads r ON r.paper_id = p.id"""


class Library:
    """One connection to the store, safe to share between threads (calls are serialised)."""

    def __init__(self, path: Path, *, before_migrate: Callable[[sqlite3.Connection, int], None] | None = None) -> None:
        """Open (or create) the store. `before_migrate(read_only_conn, version)` runs before an
        older store is upgraded: the workspace backs it up there."""
        self.path = Path(path)
        self._lock = threading.RLock()
        self._before_migrate = before_migrate
        self._conn = self._connect()

    # -- opening ---------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        """Validate read-only first; only a store we can read is opened for writing."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not self.path.exists():
                self._create()
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot create the library: {exc.strerror or exc}") from None
        version = inspect_store(self.path)
        if 0 < version < SCHEMA_VERSION and self._before_migrate is not None:
            ro = connect(self.path, read_only=True)
            try:
                self._before_migrate(ro, version)
            finally:
                ro.close()
        try:
            conn = connect(self.path, check_same_thread=False)
        except sqlite3.Error as exc:
            raise StoreError(self._cannot("open", exc)) from None
        conn.row_factory = sqlite3.Row
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:  # upgraded by a newer paperreader since we looked
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
                try:
                    migrate(conn, version)
                except sqlite3.Error as exc:
                    raise StoreError(
                        f"{self.path}: cannot upgrade the library from schema {version} ({exc}); it was left at schema {version}"
                    ) from None
        except sqlite3.Error as exc:
            conn.close()
            raise StoreError(self._cannot("use", exc, "; it was left as it was")) from None
        except StoreError:
            conn.close()
            raise
        return conn

    def _cannot(self, verb: str, exc: sqlite3.Error, tail: str = "") -> str:
        why = self._why(exc)
        if why == BUSY or why.startswith("the disk is full"):  # a whole sentence already
            return f"{self.path}: cannot {verb} the library: {why}"
        return f"{self.path}: cannot {verb} the library ({why}){tail}"

    def _why(self, exc: sqlite3.Error) -> str:
        if not (os.access(self.path.parent, os.W_OK) and os.access(self.path, os.W_OK)):
            return "the library or its folder is read-only; paperreader needs to write there"
        return _store_problem(exc, self.path) or str(exc)

    def _create(self) -> None:
        """A new, empty store, built beside and linked into place whole: never a half-made file."""
        tmp = self.path.with_name(f"{self.path.name}.new-{os.getpid()}-{threading.get_ident()}")
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm"), Path(f"{tmp}-journal")):
            leftover.unlink(missing_ok=True)
        try:
            conn = sqlite3.connect(tmp, isolation_level=None)
            try:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = FULL")
                migrate(conn, 0)
            finally:
                conn.close()
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
            try:
                os.link(tmp, self.path)  # fails if another process created it meanwhile: use theirs
            except FileExistsError:
                pass
            except OSError:  # no hard links here (some network/FUSE file systems)
                if not self.path.exists():
                    os.replace(tmp, self.path)
            _fsync_dir(self.path.parent)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot create the library ({_store_problem(exc, self.path) or exc})") from None
        finally:
            for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
                leftover.unlink(missing_ok=True)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic change: all of it lands, or none of it."""
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise StoreError(f"{self.path}: cannot write the library: {_store_problem(exc, self.path) or exc}") from None
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except sqlite3.Error as exc:
                self._rollback()
                reason = _store_problem(exc, self.path)
                if reason is None and not isinstance(exc, sqlite3.OperationalError):
                    raise
                raise StoreError(f"{self.path}: the change was not saved: {reason or exc}") from None
            except BaseException:
                self._rollback()
                raise

    def _rollback(self) -> None:
        # SQLite rolls back by itself on some errors (a full disk at COMMIT): then there is nothing to undo
        if self._conn.in_transaction:
            try:
                self._conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass

    def _query(self, sql: str, params: Iterable = ()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                return self._conn.execute(sql, tuple(params)).fetchall()
            except sqlite3.Error as exc:
                reason = _store_problem(exc, self.path)
                if reason is None:
                    raise
                raise StoreError(f"{self.path}: cannot read the library: {reason}") from None

    def integrity_check(self) -> list[str]:
        """SQLite's full check of the store: `["ok"]` or the problems found (at most 20)."""
        return [r[0] for r in self._query("PRAGMA integrity_check(20)")]

    def backup_to(self, target: Path, *, own_connection: bool = False) -> None:
        """A consistent copy of the store at `target` (SQLite's online backup API; readers and
        writers carry on meanwhile). Written beside and renamed, so `target` is whole or absent.

        own_connection copies through a read-only connection of its own (opened by SQLite, like
        every connection: see `validation.connect`), so a long copy never holds up this one."""
        target = Path(target)
        tmp = target.with_name(f"{target.name}.part-{os.getpid()}-{threading.get_ident()}")
        try:
            tmp.unlink(missing_ok=True)
            dest = sqlite3.connect(tmp, isolation_level=None)
            try:
                if own_connection:
                    source = connect(self.path, read_only=True)
                    try:
                        source.backup(dest)
                    finally:
                        source.close()
                else:
                    with self._lock:
                        self._conn.backup(dest)
                dest.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            finally:
                dest.close()
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, target)
            _fsync_dir(target.parent)
        except sqlite3.Error as exc:
            raise StoreError(f"{target}: the backup failed: {_store_problem(exc, target) or exc}") from None
        except OSError as exc:
            raise StoreError(f"{target}: the backup failed: {exc.strerror or exc}") from None
        finally:
            for leftover in (tmp, Path(f"{tmp}-journal"), Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
                try:
                    leftover.unlink(missing_ok=True)
                except OSError:
                    pass

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
        with self.transaction() as conn:
            return UpsertResult(**upsert_many(conn, papers))

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
            self._flag(conn, "stars", "starred_at", pid, on)
        return on

    def toggle_star(self, paper_id: str) -> bool:
        """Flip the star; read and written in one transaction, so two processes never lose a flip."""
        pid = self._must(paper_id)
        with self.transaction() as conn:
            on = conn.execute("SELECT 1 FROM stars WHERE paper_id = ?", (pid,)).fetchone() is None
            self._flag(conn, "stars", "starred_at", pid, on)
        return on

    def set_read(self, paper_id: str, on: bool = True) -> bool:
        pid = self._must(paper_id)
        with self.transaction() as conn:
            self._flag(conn, "reads", "read_at", pid, on)
        return on

    def toggle_read(self, paper_id: str) -> bool:
        pid = self._must(paper_id)
        with self.transaction() as conn:
            on = conn.execute("SELECT 1 FROM reads WHERE paper_id = ?", (pid,)).fetchone() is None
            self._flag(conn, "reads", "read_at", pid, on)
        return on

    @staticmethod
    def _flag(conn: sqlite3.Connection, table: str, column: str, pid: str, on: bool) -> None:
        if on:
            conn.execute(f"INSERT OR IGNORE INTO {table}(paper_id, {column}) VALUES (?, ?)", (pid, now()))
        else:
            conn.execute(f"DELETE FROM {table} WHERE paper_id = ?", (pid,))

    # -- notes, drafts and tags: the rules for two editors at once are in store/notes.py ------------
    def set_busy_timeout(self, seconds: float) -> None:
        """How long a write waits for another process's lock before failing as busy (tests shorten it)."""
        with self._lock:
            self._conn.execute(f"PRAGMA busy_timeout = {max(0, int(seconds * 1000))}")

    def note(self, paper_id: str) -> NoteState:
        """The note and its version, for an editor to save against."""
        pid = self._must(paper_id)
        with self._reading() as conn:
            return notes.note_state(conn, pid)

    def save_note(
        self,
        paper_id: str,
        body: str | None,
        *,
        expected_version: int | None = None,
        owner: str | None = None,
        recovered: Iterable[notes.Draft] = (),
    ) -> NoteState:
        """Save (blank: remove) a note. With `expected_version`, only if nobody saved it since
        (else NoteConflict, nothing written). Drops `owner`'s draft and the `recovered` drafts that
        still hold what they held; never another session's draft. NoteTooLarge over NOTE_LIMIT."""
        pid = self._must(paper_id)
        body = clean_block(body or "")
        notes.check_size(body)
        with self.transaction() as conn:
            state = notes.write_note(conn, pid, body, expected_version=expected_version)
            notes.settle_drafts(conn, pid, owner, recovered)
        return state

    def set_note(self, paper_id: str, body: str | None, *, owner: str | None = "") -> str:
        """Save (or with None/blank, clear) a note whatever its version (the CLI's `note --set`);
        drops the draft of `owner` ('' is the session-less owner; None: no draft is touched)."""
        return self.save_note(paper_id, body, owner=owner).body

    def save_draft(self, paper_id: str, body: str, *, owner: str = "", base_version: int | None = None) -> None:
        """Keep the note being written (as typed, less control characters) until saved or discarded;
        one draft per paper and owner (an editing session), with the note version it started from."""
        pid = self._must(paper_id)
        body = strip_controls(body or "", keep_newlines=True)
        with self.transaction() as conn:
            notes.write_draft(conn, pid, owner, body, base_version)

    def drafts(self, paper_id: str) -> list[notes.Draft]:
        """Every unsaved draft of the paper's note (one per session), newest first."""
        pid = self._must(paper_id)
        with self._reading() as conn:
            return notes.read_drafts(conn, pid)

    def get_draft(self, paper_id: str, owner: str | None = None) -> str | None:
        """The newest draft's text (of `owner`, if given)."""
        found = [d for d in self.drafts(paper_id) if owner is None or d.owner == owner]
        return found[0].body if found else None

    def discard_draft(self, paper_id: str, owner: str = "", body: str | None = None) -> None:
        """Drop `owner`'s draft (only if it still holds `body`, when given)."""
        pid = self._must(paper_id)
        with self.transaction() as conn:
            if body is None:
                conn.execute("DELETE FROM drafts WHERE paper_id = ? AND owner = ?", (pid, owner))
            else:
                conn.execute("DELETE FROM drafts WHERE paper_id = ? AND owner = ? AND body = ?", (pid, owner, body))

    def change_tags(self, paper_id: str, add: Iterable[str] = (), remove: Iterable[str] = ()) -> tuple[str, ...]:
        """Add and remove tags in one transaction; every other tag (someone else's) stays."""
        pid = self._must(paper_id)
        added = {t for t in (clean_tag(x) for x in add) if t}
        removed = {t for t in (clean_tag(x) for x in remove) if t}
        with self.transaction() as conn:
            return notes.change_tags(conn, pid, added, removed)

    def set_tags(self, paper_id: str, tags: Iterable[str]) -> tuple[str, ...]:
        """Make the tags exactly `tags` (read and changed in one transaction)."""
        pid = self._must(paper_id)
        wanted = {t for t in (clean_tag(x) for x in tags) if t}
        with self.transaction() as conn:
            have = set(self._tags_of(conn, pid))
            return notes.change_tags(conn, pid, wanted - have, have - wanted)

    def add_tags(self, paper_id: str, tags: Iterable[str]) -> tuple[str, ...]:
        """Add tags, keeping the others; one transaction, so concurrent taggers never lose a tag."""
        return self.change_tags(paper_id, add=tags)

    def remove_tags(self, paper_id: str, tags: Iterable[str]) -> tuple[str, ...]:
        return self.change_tags(paper_id, remove=tags)

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                yield self._conn
            except sqlite3.Error as exc:
                reason = _store_problem(exc, self.path)
                if reason is None:
                    raise
                raise StoreError(f"{self.path}: cannot read the library: {reason}") from None

    @staticmethod
    def _tags_of(conn: sqlite3.Connection, pid: str) -> tuple[str, ...]:
        return tuple(r[0] for r in conn.execute("SELECT tag FROM tags WHERE paper_id = ? ORDER BY tag", (pid,)))

    # -- sets for search filters and lists -----------------------------------------------------
    def starred_ids(self) -> set[str]:
        return {r[0] for r in self._query("SELECT paper_id FROM stars")}

    def read_ids(self) -> set[str]:
        return {r[0] for r in self._query("SELECT paper_id FROM reads")}

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
