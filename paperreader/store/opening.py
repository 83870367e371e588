"""Opening a store: created whole if missing, checked read-only before anything writes, upgraded.

`open_store` is how a `Library` gets its `StoreConnection`: a new store is built beside and linked
into place (never a half-made file); an existing one is validated read-only first, so only a store
we can read is opened for writing; an older schema is migrated (after `before_migrate` has seen
it: the workspace backs it up there); a newer one is refused and left as it was.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

from paperreader.store.connection import StoreConnection
from paperreader.store.schema import SCHEMA_VERSION, migrate
from paperreader.store.validation import BUSY, StoreError, _fsync_dir, _store_problem, connect, inspect_store

BeforeMigrate = Callable[[sqlite3.Connection, int], None]


def open_store(path: Path, before_migrate: BeforeMigrate | None = None) -> StoreConnection:
    """The store at `path` (made if missing), ready to read and write; StoreError if it cannot be."""
    path = Path(path)
    folder = next((p for p in (path.parent, *path.parent.parents) if p.exists()), None)
    if folder is not None and not folder.is_dir():  # --data-dir names a file
        raise StoreError(f"{folder}: is a file, not a folder: the data dir must be a folder")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            _create(path)
    except OSError as exc:
        raise StoreError(f"{path}: cannot create the library: {exc.strerror or exc}") from None
    version = inspect_store(path)
    if 0 < version < SCHEMA_VERSION and before_migrate is not None:
        ro = connect(path, read_only=True)
        try:
            before_migrate(ro, version)
        finally:
            ro.close()
    try:
        conn = connect(path, check_same_thread=False)
    except sqlite3.Error as exc:
        raise StoreError(_cannot(path, "open", exc)) from None
    conn.row_factory = sqlite3.Row
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:  # upgraded by a newer paperreader since we looked
            raise StoreError(
                f"{path}: this library was written by a newer paperreader "
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
                    f"{path}: cannot upgrade the library from schema {version} ({exc}); it was left at schema {version}"
                ) from None
    except sqlite3.Error as exc:
        conn.close()
        raise StoreError(_cannot(path, "use", exc, "; it was left as it was")) from None
    except StoreError:
        conn.close()
        raise
    return StoreConnection(conn, path)


def _cannot(path: Path, verb: str, exc: sqlite3.Error, tail: str = "") -> str:
    why = _why(path, exc)
    if why == BUSY or why.startswith("the disk is full"):  # a whole sentence already
        return f"{path}: cannot {verb} the library: {why}"
    return f"{path}: cannot {verb} the library ({why}){tail}"


def _why(path: Path, exc: sqlite3.Error) -> str:
    if not (os.access(path.parent, os.W_OK) and os.access(path, os.W_OK)):
        return "the library or its folder is read-only; paperreader needs to write there"
    return _store_problem(exc, path) or str(exc)


def _create(path: Path) -> None:
    """A new, empty store, built beside and linked into place whole: never a half-made file."""
    tmp = path.with_name(f"{path.name}.new-{os.getpid()}-{threading.get_ident()}")
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
            os.link(tmp, path)  # fails if another process created it meanwhile: use theirs
        except FileExistsError:
            pass
        except OSError:  # no hard links here (some network/FUSE file systems)
            if not path.exists():
                os.replace(tmp, path)
        _fsync_dir(path.parent)
    except sqlite3.Error as exc:
        raise StoreError(f"{path}: cannot create the library ({_store_problem(exc, path) or exc})") from None
    finally:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)
