"""Checking a store before anything writes to it, and the errors that say what is wrong.

A store is opened read-only first (header, version, our tables), so a corrupt, foreign or newer
file is refused with its path and left byte for byte as it was. `connect` is the one place a
store's files are opened, always by SQLite (see the note above it: why nothing else may).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

from paperreader.store.schema import SCHEMA_VERSION


class StoreError(Exception):
    """The store cannot be used as it is (corrupt, newer, unwritable); the file is left alone."""


class StoreDamaged(StoreError):
    """The store's file is there but is no readable library (damaged, cut short, not SQLite, empty):
    unlike a busy, newer or read-only store, only a backup brings it back (see store/recovery)."""


def is_damage(exc: sqlite3.Error) -> bool:
    """SQLite says the file itself is bad: SQLITE_CORRUPT, SQLITE_NOTADB, or a bare DatabaseError
    ("file is not a database", "malformed") without a code."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (11, 26)
    return type(exc) is sqlite3.DatabaseError


def _fsync_dir(directory: Path) -> None:
    """Make a rename in `directory` durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# What SQLite says when the file, the disk or the lock is the problem (not our SQL): primary codes.
BUSY = "the library is busy (another paperreader is writing); try again"
_STORE_PROBLEMS = {
    3: "permission denied",  # SQLITE_PERM
    5: BUSY,  # SQLITE_BUSY
    6: BUSY,  # SQLITE_LOCKED
    8: "the library or its folder is read-only",  # SQLITE_READONLY
    10: "disk I/O error",  # SQLITE_IOERR
    11: "the library file is damaged",  # SQLITE_CORRUPT
    13: "the disk is full",  # SQLITE_FULL
    14: "cannot open the library file",  # SQLITE_CANTOPEN
    26: "not an SQLite database",  # SQLITE_NOTADB
}
_SAYS_ALL = {5, 6}  # SQLite's own words ("database is locked") add nothing to ours
_MAYBE_FULL = {10, 13, 14}  # an I/O error or a file that cannot be made: often a full disk (ENOSPC)
FULL_BELOW = 1 << 20  # bytes free under which an I/O error is taken for a full disk


def disk_full(path: Path | str) -> str | None:
    """'the disk is full (…)' if the file system holding `path` has (almost) no room left; else None.
    statvfs only: no file is opened."""
    folder = Path(path)
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    try:
        st = os.statvfs(folder)
    except OSError:
        return None
    free = st.f_bavail * st.f_frsize
    if free >= FULL_BELOW and not (st.f_files and st.f_favail == 0):
        return None
    return f"the disk is full ({folder} has {free // 1024} KiB free); free some space and try again"


def _store_problem(exc: sqlite3.Error, path: Path | str | None = None) -> str | None:
    """A plain reason if `exc` is about the file, disk or lock; None for a bug in our SQL. With the
    `path` written, an I/O error on a disk with no room left is said as a full disk."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if code is not None else None
    if path is not None and (primary in _MAYBE_FULL or (primary is None and "disk" in str(exc))):
        full = disk_full(path)
        if full:
            return full
    if primary in _SAYS_ALL:
        return _STORE_PROBLEMS[primary]
    if primary in _STORE_PROBLEMS:
        return f"{_STORE_PROBLEMS[primary]} ({exc})"
    if type(exc) is sqlite3.DatabaseError:  # "file is not a database", "malformed", without a code
        return str(exc)
    return None


# Tables every paperreader store has had since version 1.
REQUIRED_TABLES = frozenset({"meta", "papers", "aliases", "stars", "notes", "tags", "changes"})


def _readonly_uri(path: Path, immutable: bool = False) -> str:
    return Path(path).absolute().as_uri() + ("?mode=ro&immutable=1" if immutable else "?mode=ro")


# The one place a store is opened. SQLite's locks are POSIX per-process locks, and closing ANY
# descriptor of a file drops every lock the process holds on it: a process that opened the store
# some other way (a raw `open` to read its header) while it held a connection would make the next
# process to close its connection believe it was the last one and delete the WAL under us. So the
# store's files are opened only by SQLite, through `connect`, which also counts the open
# connections of this process (`is_live`): nothing reads a live store with locks switched off.
_live: dict[str, int] = {}
_live_lock = threading.Lock()


def _key(path: Path | str) -> str:
    return os.path.realpath(path)


def is_live(path: Path | str) -> bool:
    """True while this process holds a connection to the store at `path`."""
    with _live_lock:
        return _live.get(_key(path), 0) > 0


class CountedConnection(sqlite3.Connection):
    """A connection made by `connect`: counted in `_live` until closed."""

    _store_key: str | None = None

    def close(self) -> None:
        key, self._store_key = self._store_key, None
        try:
            super().close()
        finally:
            if key is not None:
                with _live_lock:
                    _live[key] -= 1
                    if not _live[key]:
                        del _live[key]


def connect(path: Path, *, read_only: bool = False, immutable: bool = False, timeout: float = 15,
            check_same_thread: bool = True) -> sqlite3.Connection:
    """A connection to the store at `path`: the only way paperreader opens a store's files.

    read_only opens it with `mode=ro` (nothing written, no WAL switch, no checkpoint);
    immutable (only with no other connection anywhere: no -wal/-shm beside it) also takes no lock."""
    target = _readonly_uri(path, immutable=immutable) if read_only else str(path)
    conn = sqlite3.connect(
        target, uri=read_only, timeout=timeout, isolation_level=None, check_same_thread=check_same_thread,
        factory=CountedConnection,
    )
    key = _key(path)
    with _live_lock:
        _live[key] = _live.get(key, 0) + 1
    conn._store_key = key
    return conn


def inspect_store(path: Path, *, thorough: bool = False) -> int:
    """The schema version of the store at `path`, read without writing a byte; else StoreError.

    Opened read-only, so a newer or damaged store is never switched to WAL, checkpointed, rolled
    back or migrated; and only through SQLite (its header is SQLite's to check), so it is safe in
    a process that holds a connection. `thorough` runs SQLite's full `integrity_check` (used for
    backups and restores; opening runs only the cheap checks).
    """
    path = Path(path)
    if not path.is_file():
        raise StoreError(f"{path}: no such library file")
    if path.stat().st_size == 0 and not Path(f"{path}-wal").exists():
        raise StoreDamaged(f"{path}: the library file is empty (0 bytes); restore a backup or delete it to start afresh")
    if not os.access(path, os.R_OK):
        raise StoreError(f"{path}: cannot read the library: permission denied")
    for attempt in range(2):
        # With no WAL beside it and no connection of ours, read the file as immutable: no lock,
        # no -wal or -shm file is created.
        quiet = not _sidecars(path) and not is_live(path)
        stamp = _fingerprint(path)
        try:
            return _inspect(path, quiet, thorough)
        except sqlite3.Error as exc:
            if quiet and attempt == 0 and (_sidecars(path) or _fingerprint(path) != stamp):
                continue  # another paperreader wrote it meanwhile: read again, with locks
            raise (StoreDamaged if is_damage(exc) else StoreError)(unreadable(path, exc)) from None
    raise AssertionError("unreachable")


def unreadable(path: Path, exc: sqlite3.Error) -> str:
    """Why the store at `path` could not be read, in one line."""
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    if code == 26 or str(exc) == "file is not a database":  # SQLITE_NOTADB
        return f"{path}: not a paperreader library (not an SQLite database); it was left as it was"
    if code in _SAYS_ALL or (code in _MAYBE_FULL and disk_full(path)):
        return f"{path}: cannot open the library: {_store_problem(exc, path)}"
    return f"{path}: not a readable paperreader library ({exc}); it was left as it was"


def _fingerprint(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def _sidecars(path: Path) -> bool:
    return any(Path(f"{path}{side}").exists() for side in ("-wal", "-shm", "-journal"))


def _inspect(path: Path, immutable: bool, thorough: bool) -> int:
    conn = connect(path, read_only=True, immutable=immutable)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{path}: this library was written by a newer paperreader "
                f"(schema {version}, this version reads {SCHEMA_VERSION}); it was left as it was"
            )
        if (version == 0 and tables) or (version > 0 and not REQUIRED_TABLES <= tables):
            raise StoreError(f"{path}: not a paperreader library (unexpected tables); it was left as it was")
        if thorough:
            problems = [r[0] for r in conn.execute("PRAGMA integrity_check(5)")]
            if problems != ["ok"]:
                detail = " ".join(" ".join(problems).replace("*** in database main ***", "").split())[:160]
                raise StoreDamaged(f"{path}: the library is damaged ({detail}); it was left as it was")
        elif version > 0:
            conn.execute("SELECT count(*) FROM meta").fetchone()
        return version
    finally:
        conn.close()
