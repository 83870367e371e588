"""Backups: `paperreader backup`, the rolling daily backup, and `paperreader restore FILE`."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from paperreader.model import Paper
from paperreader.paths import resolve
from paperreader.store import Library, StoreError, backup
from paperreader.store import opening as store_opening
from paperreader.store import schema
from paperreader.workspace import Workspace

PAPERREADER = [sys.executable, "-m", "paperreader"]


def cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*PAPERREADER, "--data-dir", str(data_dir), *args], capture_output=True, text=True, timeout=120)


def digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def note_of(store: Path, pid: str) -> str | None:
    conn = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT body FROM notes WHERE paper_id = ?", (pid,)).fetchone()
        return row[0] if row else None
    finally:
        conn.close()


@pytest.fixture
def seeded(tmp_path):
    """A data dir with a small library, a note on its first paper, and that paper's id."""
    data_dir = tmp_path / "data"
    ws = Workspace.open(resolve(data_dir), seed=False)
    ws.library.upsert([Paper(title=f"Paper {i}", abstract=f"abstract words number{i}") for i in range(30)])
    pid = ws.library.list_ids()[0]
    ws.library.set_note(pid, "aardvark in the first note")
    ws.close()
    return data_dir, pid


def test_backup_command_copies_the_store(seeded):
    data_dir, pid = seeded
    run = cli(data_dir, "backup", "--json")
    assert run.returncode == 0, run.stderr
    path = Path(run.stdout and json.loads(run.stdout)["backup"])
    assert path.parent == resolve(data_dir).backups_dir
    assert path.name.startswith(f"library-{date.today().isoformat()}T") and path.suffix == ".sqlite3"
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
    assert conn.execute("SELECT count(*) FROM papers").fetchone()[0] == 30
    conn.close()
    assert note_of(path, pid) == "aardvark in the first note"
    assert not [p for p in path.parent.iterdir() if ".part" in p.name]
    second = cli(data_dir, "backup")
    assert second.returncode == 0 and "backed up 30 papers to" in second.stdout
    listed = json.loads(cli(data_dir, "backup", "--list", "--json").stdout)["backups"]
    kinds = sorted(b["kind"] for b in listed)
    assert kinds == ["auto", "manual", "manual"]  # the day's automatic one came with the first open


def test_daily_backup_is_made_once_a_day(seeded):
    data_dir, pid = seeded
    backups = resolve(data_dir).backups_dir
    assert not backups.exists()  # the first open (seeding) needs none
    Workspace.open(resolve(data_dir)).close()
    autos = list(backups.glob("library-auto-*.sqlite3"))
    assert [p.name for p in autos] == [f"library-auto-{date.today().isoformat()}.sqlite3"]
    stamp = autos[0].stat().st_mtime_ns
    for _ in range(3):
        Workspace.open(resolve(data_dir)).close()
    assert list(backups.glob("library-auto-*.sqlite3")) == autos and autos[0].stat().st_mtime_ns == stamp
    assert note_of(autos[0], pid) == "aardvark in the first note"


def test_a_library_that_never_held_a_paper_is_not_backed_up(tmp_path):
    """The open asks the change log (an index probe), not a count of every paper, whether there
    is anything to back up: a 1M library is counted in ~0.4 s with a cold cache."""
    data_dir = tmp_path / "data"
    for _ in range(2):
        Workspace.open(resolve(data_dir), seed=False).close()
    assert not list(resolve(data_dir).backups_dir.glob("library-auto-*.sqlite3"))
    ws = Workspace.open(resolve(data_dir), seed=False)
    ws.library.upsert([Paper(title="Only paper", abstract="words")])
    ws.close()
    Workspace.open(resolve(data_dir), seed=False).close()
    assert len(list(resolve(data_dir).backups_dir.glob("library-auto-*.sqlite3"))) == 1


def test_daily_backups_keep_the_last_seven(seeded):
    data_dir, _ = seeded
    backups = resolve(data_dir).backups_dir
    library = Library(resolve(data_dir).store)
    start = date(2026, 1, 1)
    for day in range(12):
        assert backup.auto_backup(library, backups, today=start + timedelta(days=day)) is not None
        assert backup.auto_backup(library, backups, today=start + timedelta(days=day)) is None
    manual = backup.backup(library, backups)  # rotation leaves other backups alone
    library.close()
    autos = sorted(p.name for p in backups.glob("library-auto-*.sqlite3"))
    assert autos == [f"library-auto-{(start + timedelta(days=d)).isoformat()}.sqlite3" for d in range(5, 12)]
    assert manual.exists()


def test_a_failed_daily_backup_does_not_stop_the_open(seeded):
    data_dir, _ = seeded
    resolve(data_dir).backups_dir.write_text("not a folder")
    ws = Workspace.open(resolve(data_dir))
    try:
        assert ws.notices and "backup" in ws.notices[0]
        assert ws.library.count() == 30
    finally:
        ws.close()


def test_restore_brings_back_the_backup_and_the_index_follows(seeded):
    data_dir, pid = seeded
    saved = Path(json.loads(cli(data_dir, "backup", "--json").stdout)["backup"])
    assert cli(data_dir, "note", pid, "--set", "zebra replaced the aardvark").returncode == 0
    assert cli(data_dir, "tag", pid, "later").returncode == 0
    assert json.loads(cli(data_dir, "search", "zebra", "--json").stdout)["total"] == 1
    before_backup = digest(saved)

    run = cli(data_dir, "restore", str(saved), "--json")
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["papers"] == 30 and out["schema"] == schema.SCHEMA_VERSION
    previous = Path(out["previous"])
    assert previous.name.startswith("library-before-restore-")
    assert note_of(previous, pid) == "zebra replaced the aardvark"  # what was replaced is kept
    assert digest(saved) == before_backup  # the backup itself is read, not touched

    assert note_of(resolve(data_dir).store, pid) == "aardvark in the first note"
    assert json.loads(cli(data_dir, "search", "zebra", "--json").stdout)["total"] == 0
    assert [r["id"] for r in json.loads(cli(data_dir, "search", "aardvark", "--json").stdout)["results"]] == [pid]
    assert json.loads(cli(data_dir, "list", "--tag", "later", "--json").stdout)["total"] == 0
    conn = sqlite3.connect(resolve(data_dir).store)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert cli(data_dir, "check").returncode == 0


def test_restore_under_an_open_library(seeded):
    """Another paperreader with the library open sees the restored content on its next read."""
    data_dir, pid = seeded
    store = resolve(data_dir).store
    library = Library(store)
    saved = backup.backup(library, resolve(data_dir).backups_dir)
    library.set_note(pid, "changed after the backup")
    other = Library(store)
    assert other.get(pid).note == "changed after the backup"
    version = other.data_version()
    backup.restore(store, resolve(data_dir).backups_dir, saved)
    assert other.data_version() != version
    assert other.get(pid).note == "aardvark in the first note"
    other.set_star(pid)  # and writes on
    assert library.get(pid).starred and library.integrity_check() == ["ok"]
    other.close()
    library.close()


def bad_sources(tmp_path: Path, good_store: Path) -> dict[str, Path]:
    out = {}
    out["garbage"] = tmp_path / "garbage.sqlite3"
    out["garbage"].write_bytes(os.urandom(9000))
    out["text"] = tmp_path / "notes.txt"
    out["text"].write_text("just some text\n")
    out["empty"] = tmp_path / "empty.sqlite3"
    out["empty"].write_bytes(b"")
    out["foreign"] = tmp_path / "foreign.sqlite3"
    conn = sqlite3.connect(out["foreign"])
    conn.execute("CREATE TABLE contacts(name)")
    conn.commit()
    conn.close()
    out["blank sqlite"] = tmp_path / "blank.sqlite3"
    sqlite3.connect(out["blank sqlite"]).execute("PRAGMA user_version = 0").connection.close()
    out["newer"] = tmp_path / "newer.sqlite3"
    out["newer"].write_bytes(good_store.read_bytes())
    conn = sqlite3.connect(out["newer"])
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    conn.close()
    out["damaged"] = tmp_path / "damaged.sqlite3"
    data = bytearray(good_store.read_bytes())
    for page in range(2, len(data) // 4096):
        data[page * 4096 + 8 : page * 4096 + 40] = os.urandom(32)
    out["damaged"].write_bytes(bytes(data))
    out["truncated"] = tmp_path / "truncated.sqlite3"
    out["truncated"].write_bytes(good_store.read_bytes()[:8192])
    out["missing"] = tmp_path / "no-such-file.sqlite3"
    out["the live store"] = good_store
    return out


def test_restore_refuses_what_is_not_a_readable_store(seeded, tmp_path):
    data_dir, pid = seeded
    store = resolve(data_dir).store
    good = tmp_path / "good.sqlite3"
    library = Library(store)
    library.backup_to(good)
    library.close()
    before = digest(store)
    for name, source in bad_sources(tmp_path, good).items():
        if name == "the live store":
            source = store
        source_before = digest(source) if source.exists() else None
        run = cli(data_dir, "restore", str(source))
        assert run.returncode == 2, (name, run.stdout, run.stderr)
        lines = run.stderr.strip().splitlines()
        assert len(lines) == 1 and str(source) in lines[0] and "Traceback" not in run.stderr, (name, run.stderr)
        assert digest(store) == before, name
        if source_before:
            assert digest(source) == source_before, name
    assert not list(resolve(data_dir).backups_dir.glob("library-before-restore-*"))
    assert not [p for p in data_dir.iterdir() if ".restore-" in p.name]


def test_restore_over_a_damaged_store_keeps_its_bytes(seeded, tmp_path):
    data_dir, pid = seeded
    store = resolve(data_dir).store
    library = Library(store)
    saved = backup.backup(library, resolve(data_dir).backups_dir)
    library.close()
    store.write_bytes(os.urandom(30000))
    Path(f"{store}-wal").write_bytes(os.urandom(5000))  # a WAL that must not meet the restored file
    damaged = digest(store)
    assert cli(data_dir, "stats").returncode == 2
    run = cli(data_dir, "restore", str(saved))
    assert run.returncode == 0, run.stderr
    kept = next(resolve(data_dir).backups_dir.glob("library-damaged-*.sqlite3"))
    assert digest(kept) == damaged
    assert note_of(store, pid) == "aardvark in the first note"
    assert cli(data_dir, "check").returncode == 0
    assert json.loads(cli(data_dir, "search", "aardvark", "--json").stdout)["total"] == 1


def test_restore_over_a_missing_store(seeded):
    data_dir, pid = seeded
    store = resolve(data_dir).store
    library = Library(store)
    saved = backup.backup(library, resolve(data_dir).backups_dir)
    library.close()
    for side in ("", "-wal", "-shm"):
        Path(f"{store}{side}").unlink(missing_ok=True)
    run = cli(data_dir, "restore", str(saved))
    assert run.returncode == 0, run.stderr
    assert note_of(store, pid) == "aardvark in the first note"


def test_restore_upgrades_an_older_backup(seeded, monkeypatch):
    """A backup from an older paperreader is upgraded on the way in (here: pretend we are one newer)."""
    data_dir, pid = seeded
    store = resolve(data_dir).store
    library = Library(store)
    old_backup = backup.backup(library, resolve(data_dir).backups_dir)
    library.close()
    new = schema.SCHEMA_VERSION + 1
    monkeypatch.setitem(schema.MIGRATIONS, new, "CREATE TABLE shiny(x TEXT);\n")
    monkeypatch.setattr(schema, "SCHEMA_VERSION", new)
    monkeypatch.setattr(store_opening, "SCHEMA_VERSION", new)
    monkeypatch.setattr(backup, "SCHEMA_VERSION", new)
    Library(store).close()  # the live store is upgraded
    done = backup.restore(store, resolve(data_dir).backups_dir, old_backup)
    assert done.version == new - 1
    conn = sqlite3.connect(store)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == new
    assert conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'shiny'").fetchone()
    conn.close()
    assert note_of(store, pid) == "aardvark in the first note"


def test_restore_of_a_newer_backup_is_refused_in_process(seeded, tmp_path):
    data_dir, _ = seeded
    store = resolve(data_dir).store
    newer = tmp_path / "newer.sqlite3"
    library = Library(store)
    library.backup_to(newer)
    library.close()
    sqlite3.connect(newer).execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 5}").connection.close()
    with pytest.raises(StoreError, match="newer"):
        backup.restore(store, resolve(data_dir).backups_dir, newer)


def test_restore_of_a_folder_or_a_device_says_what_it_is(seeded, tmp_path):
    """A folder was reported as 'no such file' (it exists): the line now says what was given."""
    data_dir, _pid = seeded
    store = resolve(data_dir).store
    before = digest(store)
    folder = tmp_path / "backups-folder"
    folder.mkdir()
    fifo = tmp_path / "a-fifo"
    os.mkfifo(fifo)
    for source, said in ((folder, "is a folder"), (fifo, "not a regular file"), (tmp_path / "gone.sqlite3", "no such file")):
        run = cli(data_dir, "restore", str(source))
        assert run.returncode == 2, run.stderr
        lines = run.stderr.strip().splitlines()
        assert len(lines) == 1 and str(source) in lines[0] and said in lines[0], run.stderr
    assert digest(store) == before
