"""Backups of the store, and restoring one.

Every copy is made with SQLite's online backup API (consistent even while another paperreader
writes) into a temporary file that is renamed into place, so a backup is whole or absent. Names
carry the date, so they sort by age:

    library-auto-2026-05-09.sqlite3                  the rolling daily copy (the last 7 kept)
    library-2026-05-09T14-03-27.sqlite3              `paperreader backup`
    library-before-restore-2026-05-09T14-05-00.sqlite3
    library-before-upgrade-v1-2026-05-09T14-05-00.sqlite3
    library-damaged-2026-05-09T14-05-00.sqlite3      a raw copy of a store too damaged to read

Restoring validates the file (a paperreader store, a version this code reads, SQLite's full
integrity check), saves the current store first, then replaces the store in one step: a readable
store is overwritten through the backup API in one write transaction (other open paperreaders see
the new content at once); an unreadable one is moved into the backups and the restored file renamed
into its place. The caller rebuilds the search index afterwards (the change log starts over).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from paperreader.store import saved_check
from paperreader.store.library import Library
from paperreader.store.validation import StoreError, _fsync_dir, _readonly_uri, _store_problem, connect, inspect_store, is_live
from paperreader.store.schema import SCHEMA_VERSION, migrate

PREFIX = "library-"
SUFFIX = ".sqlite3"
AUTO = "auto"
KEEP_AUTO = 7
ROOM = 10 * 2**20  # free space a daily backup leaves, beyond a second copy of the store


@dataclass(frozen=True)
class Backup:
    path: Path
    kind: str  # auto, manual, before-restore, before-upgrade, damaged
    size: int

    def json(self) -> dict:
        return {"path": str(self.path), "kind": self.kind, "size": self.size}


@dataclass(frozen=True)
class Restored:
    source: Path
    version: int  # the schema version of the file restored (upgraded if older)
    papers: int
    previous: Path | None  # where the store it replaced was saved (None if there was none)


def stamp(moment: datetime | None = None) -> str:
    return (moment or datetime.now()).strftime("%Y-%m-%dT%H-%M-%S")


def _kind(name: str) -> str:
    rest = name[len(PREFIX) :]
    for kind in (AUTO, "before-restore", "before-upgrade", "damaged"):
        if rest.startswith(kind + "-"):
            return kind
    return "manual"


def list_backups(backups_dir: Path) -> list[Backup]:
    """Every backup in the folder, oldest first (names sort by date within a kind)."""
    backups_dir = Path(backups_dir)
    if not backups_dir.is_dir():
        return []
    found = []
    for path in backups_dir.glob(f"{PREFIX}*{SUFFIX}"):
        try:
            found.append(Backup(path, _kind(path.name), path.stat().st_size))
        except OSError:
            continue
    return sorted(found, key=lambda b: (b.path.stat().st_mtime, b.path.name))


def _free_name(backups_dir: Path, base: str) -> Path:
    path = backups_dir / f"{base}{SUFFIX}"
    n = 2
    while path.exists():
        path = backups_dir / f"{base}-{n}{SUFFIX}"
        n += 1
    return path


def _ensure_dir(backups_dir: Path) -> None:
    try:
        backups_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"{backups_dir}: cannot create the backups folder: {exc.strerror or exc}") from None


def backup(library: Library, backups_dir: Path, *, kind: str = "manual", moment: datetime | None = None) -> Path:
    """Copy the store into `backups_dir` now; returns the new file."""
    backups_dir = Path(backups_dir)
    _ensure_dir(backups_dir)
    middle = "" if kind == "manual" else f"{kind}-"
    target = _free_name(backups_dir, f"{PREFIX}{middle}{stamp(moment)}")
    library.backup_to(target)
    return target


def auto_backup(library: Library, backups_dir: Path, *, today: date | None = None, keep: int = KEEP_AUTO) -> Path | None:
    """The rolling daily backup: at most one a day, the newest `keep` kept. None if today's exists."""
    backups_dir = Path(backups_dir)
    today = today or date.today()
    target = backups_dir / f"{PREFIX}{AUTO}-{today.isoformat()}{SUFFIX}"
    if target.exists():
        return None
    _ensure_dir(backups_dir)
    _check_room(library.path, backups_dir)
    library.backup_to(target, own_connection=True)
    autos = sorted(p for p in backups_dir.glob(f"{PREFIX}{AUTO}-*{SUFFIX}"))
    for old in autos[: max(0, len(autos) - keep)]:
        try:
            old.unlink()
        except OSError:
            pass
    return target


def _check_room(store: Path, backups_dir: Path) -> None:
    """A daily backup must not take the space the library needs to keep saving notes."""
    try:
        size = store.stat().st_size
        free = shutil.disk_usage(backups_dir).free
    except OSError:
        return
    if free < 2 * size + ROOM:
        raise StoreError(f"{backups_dir}: not enough free space for a backup ({free // 2**20} MiB free)")


def backup_connection(conn: sqlite3.Connection, backups_dir: Path, base: str) -> Path:
    """Copy an open (possibly read-only) connection's database into the backups: before an upgrade."""
    backups_dir = Path(backups_dir)
    _ensure_dir(backups_dir)
    target = _free_name(backups_dir, base)
    tmp = target.with_name(target.name + f".part-{os.getpid()}")
    try:
        dest = sqlite3.connect(tmp, isolation_level=None)
        try:
            conn.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")
        finally:
            dest.close()
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        _fsync_dir(backups_dir)
    except (sqlite3.Error, OSError) as exc:
        tmp.unlink(missing_ok=True)
        reason = _store_problem(exc) if isinstance(exc, sqlite3.Error) else exc.strerror
        raise StoreError(f"{target}: the backup failed: {reason or exc}") from None
    return target


def _stage(source: Path, version: int, store: Path) -> Path:
    """A copy of `source` beside the store, upgraded to this version, in the live store's page size."""
    staged = store.with_name(f"{store.name}.restore-{os.getpid()}")
    for leftover in (staged, Path(f"{staged}-journal")):
        leftover.unlink(missing_ok=True)
    src = sqlite3.connect(_readonly_uri(source), uri=True, isolation_level=None)
    try:
        dest = sqlite3.connect(staged, isolation_level=None)
        try:
            src.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")
            if version < SCHEMA_VERSION:
                migrate(dest, version)
            live_page = _page_size(store)
            if live_page and dest.execute("PRAGMA page_size").fetchone()[0] != live_page:
                dest.execute(f"PRAGMA page_size = {int(live_page)}")
                dest.execute("VACUUM")
            if dest.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise StoreError(f"{source}: the copy did not check out; nothing was restored")
            damaged = saved_check.first_problem(dest)  # restored, it crashed `digest` and `export`
            if damaged:
                raise StoreError(f"{source}: {damaged}; nothing was restored")
        finally:
            dest.close()
    except BaseException:
        staged.unlink(missing_ok=True)  # (a refused copy stayed beside the store until the next restore)
        raise
    finally:
        src.close()
    with open(staged, "rb") as fh:
        os.fsync(fh.fileno())
    return staged


def _page_size(store: Path) -> int | None:
    try:
        inspect_store(store)
    except StoreError:
        return None
    conn = connect(store, read_only=True)
    try:
        return conn.execute("PRAGMA page_size").fetchone()[0]
    finally:
        conn.close()


def restore(store: Path, backups_dir: Path, source: Path, *, moment: datetime | None = None) -> Restored:
    """Replace the store with `source` (validated first); the current store is saved to the backups."""
    store, source, backups_dir = Path(store), Path(source), Path(backups_dir)
    if not source.is_file():
        if source.is_dir():
            raise StoreError(f"{source}: is a folder; name a backup file (see `paperreader backup --list`)")
        if source.exists():
            raise StoreError(f"{source}: not a regular file; name a backup file (see `paperreader backup --list`)")
        raise StoreError(f"{source}: no such file")
    if source.stat().st_size == 0:
        raise StoreError(f"{source}: the file is empty (0 bytes); nothing was restored")
    if source.resolve() == store.resolve():
        raise StoreError(f"{source}: this is the library itself; pick a backup to restore")
    version = inspect_store(source, thorough=True)
    if version < 1:
        raise StoreError(f"{source}: not a paperreader library (no schema version)")
    try:
        staged = _stage(source, version, store)
    except sqlite3.Error as exc:
        raise StoreError(f"{source}: cannot restore it: {_store_problem(exc) or exc}; nothing was changed") from None
    except OSError as exc:
        raise StoreError(f"{store.parent}: cannot restore there: {exc.strerror or exc}; nothing was changed") from None
    try:
        previous = _swap(store, staged, backups_dir, moment)
    finally:
        for leftover in (staged, Path(f"{staged}-journal")):
            leftover.unlink(missing_ok=True)
    conn = connect(store, read_only=True)
    try:
        papers = conn.execute("SELECT count(*) FROM papers").fetchone()[0]
    finally:
        conn.close()
    return Restored(source, version, papers, previous)


def _swap(store: Path, staged: Path, backups_dir: Path, moment: datetime | None) -> Path | None:
    if not store.exists():
        os.replace(staged, store)
        _fsync_dir(store.parent)
        return None
    try:
        inspect_store(store)
        readable = True
    except StoreError:
        readable = False
    if readable:
        library = Library(store)
        try:
            previous = backup(library, backups_dir, kind="before-restore", moment=moment)
            src = sqlite3.connect(staged, isolation_level=None)
            try:
                library.db.restore_from(src)  # one write: other readers see old or new, never a mix
            except sqlite3.Error as exc:
                raise StoreError(f"{store}: the restore was not saved: {_store_problem(exc) or exc}") from None
            finally:
                src.close()
        finally:
            library.close()
        return previous
    # The store cannot be read (damaged, newer, empty): keep its bytes, then put the restored file in
    # its place. Its WAL goes with it: a WAL must never meet a database it was not written for.
    # Copying its files raw is safe only where this process holds no connection to it.
    if is_live(store):
        raise StoreError(f"{store}: cannot replace the library while this paperreader has it open; nothing was changed")
    _ensure_dir(backups_dir)
    previous = _free_name(backups_dir, f"{PREFIX}damaged-{stamp(moment)}")
    try:
        shutil.copyfile(store, previous.with_name(previous.name + ".part"))
        os.replace(previous.with_name(previous.name + ".part"), previous)
        for side in ("-wal", "-shm"):
            if Path(f"{store}{side}").exists():
                shutil.copyfile(f"{store}{side}", f"{previous}{side}")
        _fsync_dir(backups_dir)
        for side in ("-wal", "-shm", "-journal"):
            Path(f"{store}{side}").unlink(missing_ok=True)
        os.replace(staged, store)
        _fsync_dir(store.parent)
    except OSError as exc:
        raise StoreError(f"{store}: cannot replace the library: {exc.strerror or exc}") from None
    return previous
