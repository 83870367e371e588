"""A store that is corrupt, truncated, empty, foreign or newer is never written to: a clear message
naming its path (exit 2 from the CLI), and the file byte for byte as it was. A read-only data dir
or a full disk gives a clear error and leaves nothing half-written."""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from paperreader.model import Paper
from paperreader.paths import resolve
from paperreader.store import Library, StoreError
from paperreader.store.schema import SCHEMA_VERSION
from paperreader.workspace import Workspace

PAPERREADER = [sys.executable, "-m", "paperreader"]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def dir_state(directory: Path) -> dict[str, str]:
    """Every file's hash. A `-shm` file is left out: it is SQLite's shared-memory index of a WAL
    (no data), which reading a store that has a WAL beside it needs, even read-only."""
    return {p.name: digest(p) for p in sorted(directory.iterdir()) if p.is_file() and not p.name.endswith("-shm")}


def make_store(path: Path, papers: int = 300) -> None:
    library = Library(path)
    library.upsert([Paper(title=f"Paper number {i}", abstract="words " * 50 + f"w{i}") for i in range(papers)])
    pid = library.list_ids()[0]
    library.set_note(pid, "my precious note")
    library.close()


def garbage(path: Path) -> None:
    path.write_bytes(os.urandom(20000))


def garbage_with_header(path: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00" + os.urandom(20000))


def truncated(path: Path) -> None:
    make_store(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def truncated_to_one_page(path: Path) -> None:
    make_store(path)
    path.write_bytes(path.read_bytes()[:4096])


def empty(path: Path) -> None:
    make_store(path)
    path.write_bytes(b"")


def newer(path: Path) -> None:
    make_store(path)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.execute("PRAGMA journal_mode = DELETE")  # a store opened in WAL mode would be switched back: we must not
    conn.close()


def newer_with_wal_pending(path: Path) -> None:
    """A newer paperreader's store with committed changes still in its WAL: not even a checkpoint."""
    make_store(path)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("UPDATE notes SET body = 'written by the future'")
    conn.commit()
    # keep the WAL: copy the files while the connection is open, then drop it without a checkpoint
    wal = Path(f"{path}-wal").read_bytes()
    main = path.read_bytes()
    conn.close()
    path.write_bytes(main)
    Path(f"{path}-wal").write_bytes(wal)
    assert len(wal) > 0


def foreign(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contacts(name TEXT, phone TEXT)")
    conn.execute("INSERT INTO contacts VALUES ('Ada', '555')")
    conn.commit()
    conn.close()


DAMAGES = [garbage, garbage_with_header, truncated, truncated_to_one_page, empty, newer, newer_with_wal_pending, foreign]


@pytest.mark.parametrize("damage", DAMAGES, ids=[d.__name__ for d in DAMAGES])
def test_a_bad_store_is_refused_and_left_as_it_was(tmp_path, damage):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    store = resolve(data_dir).store
    damage(store)
    before = dir_state(data_dir)

    with pytest.raises(StoreError) as caught:
        Library(store)
    assert str(store) in str(caught.value)
    with pytest.raises(StoreError):
        Workspace.open(resolve(data_dir))
    assert dir_state(data_dir) == before  # no byte written, no WAL/shm left behind with content

    for args in (["stats"], ["search", "note"], ["list", "--json"], ["note", "x", "--set", "y"]):
        run = subprocess.run(
            PAPERREADER + ["--data-dir", str(data_dir), *args], capture_output=True, text=True, timeout=60,
            env={**os.environ, "PAPERREADER_DATA_DIR": str(data_dir)},
        )
        assert run.returncode == 2, (args, run.stderr)
        assert run.stdout == ""
        lines = run.stderr.strip().splitlines()
        assert len(lines) == 1 and str(store) in lines[0] and "Traceback" not in run.stderr, run.stderr
    assert dir_state(data_dir) == before
    assert digest(store) == before[store.name]


def test_messages_say_what_is_wrong(tmp_path):
    cases = {newer: "newer paperreader", empty: "empty", foreign: "not a paperreader library", garbage: "not"}
    for damage, words in cases.items():
        store = tmp_path / damage.__name__ / "library.sqlite3"
        store.parent.mkdir()
        damage(store)
        with pytest.raises(StoreError, match=words):
            Library(store)


def test_corruption_found_later_is_a_store_error_not_a_crash(tmp_path):
    """Damage inside the file (a page of garbage) passes the cheap open checks; reading it then gives
    a StoreError naming the store, and `paperreader check` reports it."""
    store = tmp_path / "data" / "library.sqlite3"
    store.parent.mkdir()
    make_store(store, papers=2000)
    data = bytearray(store.read_bytes())
    page = 4096
    for n in range(len(data) // page // 2, len(data) // page - 2):  # wreck the second half
        data[n * page : n * page + 100] = os.urandom(100)
    store.write_bytes(bytes(data))
    try:
        library = Library(store)
    except StoreError as exc:
        assert str(store) in str(exc)
    else:
        with pytest.raises(StoreError) as caught:
            list(library.iter_records())
            library.integrity_check()
            assert library.integrity_check() == ["ok"]  # unreachable if the damage is seen
        assert str(store) in str(caught.value)
        library.close()
    run = subprocess.run(PAPERREADER + ["--data-dir", str(store.parent), "check"], capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and str(store) in run.stderr and "Traceback" not in run.stderr


def test_a_new_store_appears_whole(tmp_path):
    """The first open builds the store beside and links it into place: no empty file ever."""
    store = tmp_path / "data" / "library.sqlite3"
    Library(store).close()
    conn = sqlite3.connect(store)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    assert sorted(p.name for p in store.parent.iterdir()) == ["library.sqlite3"]


def test_an_empty_sqlite_file_is_made_a_store(tmp_path):
    """A version-0 file with no tables holds nothing to lose: it becomes a store."""
    store = tmp_path / "library.sqlite3"
    sqlite3.connect(store).execute("PRAGMA user_version = 0").connection.close()
    Library(store).close()
    assert sqlite3.connect(store).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


# -- a read-only data dir -----------------------------------------------------------------------


@contextlib.contextmanager
def read_only(directory: Path):
    """Make `directory` read-only: a read-only bind mount as root (root ignores modes), else chmod."""
    if os.geteuid() == 0:
        if subprocess.run(["mount", "--bind", str(directory), str(directory)], capture_output=True).returncode:
            pytest.skip("cannot bind-mount as root here")
        try:
            if subprocess.run(["mount", "-o", "remount,bind,ro", str(directory)], capture_output=True).returncode:
                pytest.skip("cannot remount read-only here")
            yield
        finally:
            subprocess.run(["umount", str(directory)], check=True)
    else:
        modes = {p: p.stat().st_mode for p in [directory, *directory.rglob("*")]}
        for p in modes:
            p.chmod(0o555 if p.is_dir() else 0o444)
        try:
            yield
        finally:
            for p, mode in modes.items():
                p.chmod(mode)


def cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(PAPERREADER + ["--data-dir", str(data_dir), *args], capture_output=True, text=True, timeout=120)


def test_read_only_data_dir_gives_a_clear_error_and_changes_nothing(tmp_path):
    data_dir = tmp_path / "data"
    assert cli(data_dir, "stats").returncode == 0  # a seeded library (no index yet)
    before = dir_state(data_dir)
    with read_only(data_dir):
        for args in (["stats"], ["star", "nope"], ["search", "model"]):
            run = cli(data_dir, *args)
            assert run.returncode == 2, (args, run.stdout, run.stderr)
            lines = run.stderr.strip().splitlines()
            assert len(lines) == 1 and str(data_dir) in lines[0] and "Traceback" not in run.stderr, run.stderr
    assert dir_state(data_dir) == before
    assert cli(data_dir, "search", "model").returncode == 0  # writable again: all well


def test_read_only_index_dir_gives_a_clear_error(tmp_path):
    data_dir = tmp_path / "data"
    assert cli(data_dir, "stats").returncode == 0
    (data_dir / "index").mkdir()
    with read_only(data_dir / "index"):
        run = cli(data_dir, "search", "model")
        assert run.returncode == 2
        assert "index" in run.stderr and "Traceback" not in run.stderr and len(run.stderr.strip().splitlines()) == 1


# -- a full disk --------------------------------------------------------------------------------


def test_full_store_is_a_clear_error_and_nothing_half_written(tmp_path):
    """SQLite's page limit stands in for a full disk: the failing change is rolled back whole."""
    store = tmp_path / "library.sqlite3"
    make_store(store, papers=50)
    library = Library(store)
    pid = library.list_ids()[0]
    pages = library.db.read("PRAGMA page_count")[0][0]
    library.db.read(f"PRAGMA max_page_count = {pages + 2}")
    with pytest.raises(StoreError, match="full"):
        library.upsert([Paper(title=f"Extra {i}", abstract="x" * 3000) for i in range(200)])
    with pytest.raises(StoreError, match=str(store)):
        library.set_note(pid, "y" * 100_000)
    assert library.count() == 50 and library.get(pid).note == "my precious note"
    library.set_star(pid)  # small changes still fit
    assert library.get(pid).starred
    assert library.integrity_check() == ["ok"]
    library.close()


def test_full_disk_is_a_clear_error_and_the_store_stays_whole(tiny_disk):
    store = tiny_disk / "data" / "library.sqlite3"
    library = Library(store)
    library.upsert([Paper(title=f"Paper {i}", abstract="a b c") for i in range(20)])
    pid = library.list_ids()[0]
    saved = []
    with pytest.raises(StoreError) as caught:
        for i in range(1000):
            library.set_note(pid, f"note {i} " + "z" * 20_000)
            saved.append(i)
            library.upsert([Paper(title=f"Filler {i}", abstract="f " * 10_000)])
    assert "full" in str(caught.value) and str(store) in str(caught.value)
    assert saved  # some notes went in before the disk filled
    assert library.get(pid).note.startswith(f"note {saved[-1]} ")
    library.close()
    conn = sqlite3.connect(store)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_full_disk_during_indexing_is_a_clear_error(tiny_disk):
    data_dir = tiny_disk / "data"
    ws = Workspace.open(resolve(data_dir), seed=False, backup=False)
    ws.library.upsert([Paper(title=f"Paper {i}", abstract=" ".join(f"w{i}x{j}" for j in range(200))) for i in range(400)])
    from paperreader.workspace import DataDirError

    try:
        ws.ensure_index()
    except DataDirError as exc:
        assert str(data_dir / "index") in str(exc)
    else:
        pytest.skip("the index fitted on the tiny disk")
    finally:
        ws.close()


def test_backups_on_a_full_disk_fail_cleanly(tiny_disk):
    from paperreader.store import backup

    data_dir = tiny_disk / "data"
    library = Library(resolve(data_dir).store)
    library.upsert([Paper(title=f"Paper {i}", abstract="words " * 300) for i in range(150)])
    pid = library.list_ids()[0]
    library.set_note(pid, "kept")
    filler = tiny_disk / "filler"
    with open(filler, "wb") as fh:  # leave less room than a copy of the store needs
        try:
            while True:
                fh.write(b"x" * 4096)
                fh.flush()
                if os.statvfs(tiny_disk).f_bavail * os.statvfs(tiny_disk).f_frsize < library.path.stat().st_size // 2:
                    break
        except OSError:
            pass
    backups = resolve(data_dir).backups_dir
    with pytest.raises(StoreError) as caught:
        backup.backup(library, backups)
    assert "backup failed" in str(caught.value) and str(backups) in str(caught.value)
    assert not [p for p in backups.iterdir() if ".part" in p.name]  # no half-written backup left
    with pytest.raises(StoreError, match="not enough free space"):
        backup.auto_backup(library, backups)  # the daily one does not even try to take the last space
    library.close()
    ws = Workspace.open(resolve(data_dir))  # and opening carries on, with a notice
    try:
        # (a library made without the workspace also says its listings could not be set up)
        assert any("daily backup" in notice for notice in ws.notices), ws.notices
        assert ws.library.get(pid).note == "kept"
        assert ws.library.integrity_check() == ["ok"]
    finally:
        ws.close()
