"""The store boundary: one SQLite connection with public reads and writes.

Every store module (and anything outside store/ that must run SQL of its own) goes through a
`StoreConnection`: reads take its lock and turn file, disk and lock problems into `StoreError`s,
and every write is one `BEGIN IMMEDIATE` transaction, so a crash at any instant leaves either the
old or the new state. The connection itself is opened only by `store.opening.open_store` (which
uses `validation.connect`, the one place a store's files are opened).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from paperreader.store.validation import StoreDamaged, StoreError, _fsync_dir, _store_problem, connect, is_damage


def _file_identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file at `path`, or None if there is none."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


class StoreConnection:
    """One connection to the store at `path`, safe to share between threads (calls are serialised)."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.path = Path(path)
        self._conn = conn
        self._lock = threading.RLock()
        self._file = _file_identity(self.path)  # the file SQLite opened (see `still_there`)

    # -- reading -------------------------------------------------------------------------------
    def read(self, sql: str, args: Iterable = ()) -> list[sqlite3.Row]:
        """Every row of one statement."""
        with self.reading() as conn:
            return conn.execute(sql, tuple(args)).fetchall()

    def query_one(self, sql: str, args: Iterable = ()) -> sqlite3.Row | None:
        """The first row of one statement, or None."""
        with self.reading() as conn:
            return conn.execute(sql, tuple(args)).fetchone()

    def scalar(self, sql: str, args: Iterable = (), default: Any = None) -> Any:
        """The first column of the first row (`default` if there is no row)."""
        row = self.query_one(sql, args)
        return row[0] if row is not None else default

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """The connection for several statements under the lock; read problems become StoreErrors.
        Each statement sees its own moment: use `snapshot()` when they must agree."""
        with self._lock:
            try:
                yield self._conn
            except sqlite3.Error as exc:
                reason = _store_problem(exc, self.path)
                if reason is None:
                    raise
                raise (StoreDamaged if is_damage(exc) else StoreError)(f"{self.path}: cannot read the library: {reason}") from None

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """Several reads that see one moment of the store (a read transaction: takes no write lock)."""
        with self.reading() as conn:
            if conn.in_transaction:  # inside a write of this thread's: that is one moment already
                yield conn
                return
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                if conn.in_transaction:
                    conn.execute("COMMIT")

    # -- writing -------------------------------------------------------------------------------
    @contextmanager
    def write(self, *, wait: bool = True) -> Iterator[sqlite3.Connection]:
        """One atomic change: all of it lands, or none of it. With wait=False, a StoreError at once
        (not after the busy timeout) if another process is writing: for work that can wait a turn."""
        with self._lock:
            try:
                if wait:
                    self._conn.execute("BEGIN IMMEDIATE")
                else:
                    self._begin_now()
            except sqlite3.Error as exc:
                raise StoreError(f"{self.path}: cannot write the library: {_store_problem(exc, self.path) or exc}") from None
            if not self.still_there():
                self._rollback()
                raise StoreError(f"{self.path}: the library file was moved, deleted or replaced while paperreader had it "
                                 "open; the change was not saved: start paperreader again")  # fmt: skip
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

    def still_there(self) -> bool:
        """Is the file at `path` still the one this connection writes? SQLite keeps writing to the
        file it opened: after the data dir was moved or deleted, or another process renamed a
        restored copy into place, a change would land where nobody will read it. One stat (no
        open: see validation.connect), taken under the write lock."""
        return self._file is None or _file_identity(self.path) == self._file

    def _begin_now(self) -> None:
        timeout = self._conn.execute("PRAGMA busy_timeout").fetchone()[0]
        self._conn.execute("PRAGMA busy_timeout = 0")
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        finally:
            self._conn.execute(f"PRAGMA busy_timeout = {int(timeout)}")

    @contextmanager
    def scratch(self) -> Iterator[sqlite3.Connection]:
        """A transaction over this connection's own TEMP tables (a deferred BEGIN: no write lock on
        the store, so it never waits for another process's writer)."""
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                yield self._conn
                self._conn.execute("COMMIT")
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

    # -- the connection as a whole ---------------------------------------------------------------
    def set_busy_timeout(self, seconds: float) -> None:
        """How long a write waits for another process's lock before failing as busy (tests shorten it)."""
        with self._lock:
            self._conn.execute(f"PRAGMA busy_timeout = {max(0, int(seconds * 1000))}")

    def data_version(self) -> int:
        """Changes when any other connection commits: a cheap "has anything changed?" poll."""
        return self.scalar("PRAGMA data_version")

    def integrity_check(self) -> list[str]:
        """SQLite's full check of the store: `["ok"]` or the problems found (at most 20)."""
        return [r[0] for r in self.read("PRAGMA integrity_check(20)")]

    def restore_from(self, source: sqlite3.Connection) -> None:
        """Replace the whole store with `source`'s content in one write (SQLite's backup API):
        other readers see the old store or the new one, never a mix. sqlite3.Error if it fails."""
        with self._lock:
            source.backup(self._conn)

    def copy_to(self, target: Path, *, own_connection: bool = False) -> None:
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

    def close(self) -> None:
        with self._lock:
            self._conn.close()
