"""Errors say what happened (issue 10, case 12): a full disk is "the disk is full" with the path, not
"not a readable paperreader library (disk I/O error)"; a write lock held by another process is "the
library is busy (another paperreader is writing); try again"; no Python exception names."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap

import pytest

from paperreader.model import Paper
from paperreader.paths import resolve
from paperreader.store import Library, StoreError
from paperreader.workspace import Workspace

EXCEPTION_NAME = re.compile(r"\b\w*(Error|Exception)\b|Traceback")


def fill(folder) -> None:
    """Take every free byte of the file system holding `folder`."""
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        for size in (65536, 4096, 512, 1):
            try:
                while True:
                    os.write(fd, b"x" * size)
            except OSError:
                continue
    finally:
        os.close(fd)


def run_cli(data_dir, *args, env_dir):
    env = {**os.environ, "PAPERREADER_CONFIG_DIR": str(env_dir / "config")}
    return subprocess.run([sys.executable, "-m", "paperreader", "--data-dir", str(data_dir), *args],
                          capture_output=True, text=True, env=env, timeout=120)


def test_opening_on_a_full_disk_says_the_disk_is_full(tiny_disk, tmp_path):
    data_dir = tiny_disk / "data"
    ws = Workspace.open(resolve(data_dir), seed=False, backup=False)
    ws.library.upsert([Paper(title=f"Paper {i}", abstract="words") for i in range(10)])
    pid = ws.library.list_ids()[0]
    ws.close()
    assert not (data_dir / "library.sqlite3-shm").exists()  # the last close removed it: the next open makes it
    fill(tiny_disk)
    for args in (("star", pid), ("show", pid), ("stats",)):
        done = run_cli(data_dir, *args, env_dir=tmp_path)
        assert done.returncode == 2, (args, done.stderr)
        line = done.stderr.strip()
        assert len(line.splitlines()) == 1, line
        assert "disk is full" in line and str(data_dir) in line, line
        assert "not a readable" not in line and not EXCEPTION_NAME.search(line), line
    (tiny_disk / "filler").unlink()
    assert run_cli(data_dir, "star", pid, env_dir=tmp_path).returncode == 0


def test_a_write_on_a_full_disk_says_the_disk_is_full(tiny_disk):
    data_dir = tiny_disk / "data"
    library = Library(resolve(data_dir).store)
    library.upsert([Paper(title=f"Paper {i}", abstract="a b c") for i in range(20)])
    pid = library.list_ids()[0]
    fill(tiny_disk)
    try:
        with pytest.raises(StoreError) as caught:
            for i in range(200):
                library.set_note(pid, f"note {i} " + "z" * 20_000)
        message = str(caught.value)
        assert "disk is full" in message and str(data_dir) in message, message
        assert not EXCEPTION_NAME.search(message)
    finally:
        library.close()


HOLDER = textwrap.dedent(
    """
    import sqlite3, sys
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    print("held", flush=True)
    sys.stdin.read()
    """
)


def test_a_held_write_lock_says_busy_try_again(tmp_path):
    store = tmp_path / "data" / "library.sqlite3"
    library = Library(store)
    library.upsert([Paper(title="Paper", abstract="a")])
    pid = library.list_ids()[0]
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(store)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        library.set_busy_timeout(0.05)  # not 15 s: the message is what is tested
        with pytest.raises(StoreError) as caught:
            library.set_star(pid)
        message = str(caught.value)
        assert "the library is busy (another paperreader is writing); try again" in message, message
        assert str(store) in message and not EXCEPTION_NAME.search(message)
        assert "database is locked" not in message
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)
    library.set_star(pid)
    library.close()
