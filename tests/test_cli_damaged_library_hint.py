"""A library that cannot be read says which backup would bring it back, and how, in its one-line
error: before, the user read 'not a readable paperreader library (database disk image is malformed);
it was left as it was' and had to find `backup --list` and `restore` alone. Real processes, a real
store truncated on disk; the command the message gives is then run as given."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

PAPERREADER = [sys.executable, "-m", "paperreader"]


def run(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(PAPERREADER + ["--data-dir", str(data_dir), *args], capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL)  # fmt: skip


def damage(store: Path, keep: int) -> None:
    """The store cut to its first `keep` bytes (a crash of the disk, a bad copy), its WAL gone."""
    data = store.read_bytes()
    for side in ("-wal", "-shm"):
        Path(f"{store}{side}").unlink(missing_ok=True)
    store.write_bytes(data[:keep])


def test_a_damaged_library_names_the_backup_that_restores_it(tmp_path):
    data_dir = tmp_path / "data"
    pid = __import__("json").loads(run(data_dir, "list", "--json", "--limit", "1").stdout)["results"][0]["id"]
    assert run(data_dir, "star", pid).returncode == 0
    made = run(data_dir, "backup")
    assert made.returncode == 0, made.stderr
    backup = Path(made.stdout.split(" to ", 1)[1].strip())
    store = data_dir / "library.sqlite3"
    damage(store, keep=len(store.read_bytes()) // 3)

    for command in (["stats"], ["search", "neural"], ["check"]):
        refused = run(data_dir, *command)
        assert refused.returncode == 2 and refused.stdout == "", (command, refused.stdout)
        lines = refused.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in refused.stderr, refused.stderr
        assert str(store) in lines[0]  # the old message is still there
        assert f"`paperreader restore {shlex.quote(str(backup))}`" in lines[0], lines[0]

    restored = run(data_dir, "restore", str(backup))  # the command the message gives
    assert restored.returncode == 0, restored.stderr
    shown = run(data_dir, "show", pid, "--json")
    assert shown.returncode == 0 and __import__("json").loads(shown.stdout)["starred"] is True


def test_no_hint_without_a_backup_and_none_for_a_damaged_copy(tmp_path):
    """No backup: the message as before. The copies `restore` keeps of a damaged store are never offered."""
    data_dir = tmp_path / "data"
    assert run(data_dir, "stats").returncode == 0
    store = data_dir / "library.sqlite3"
    damage(store, keep=len(store.read_bytes()) // 3)
    alone = run(data_dir, "stats")
    assert alone.returncode == 2 and "paperreader restore" not in alone.stderr
    assert len(alone.stderr.strip().splitlines()) == 1 and str(store) in alone.stderr
    backups = data_dir / "backups"
    backups.mkdir()
    (backups / "library-damaged-2026-01-01T00-00-00.sqlite3").write_bytes(b"junk")
    still = run(data_dir, "stats")
    assert still.returncode == 2 and "paperreader restore" not in still.stderr
