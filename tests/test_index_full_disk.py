"""A full disk while the index is written (s10-B): the index is a cache, so a failed write leaves
the last committed index as it was, searchable, and gives the bytes it wrote back. Before: a
catch-up that hit ENOSPC left its half-written segment files and its temp dir in the index dir
(Whoosh's cancel() keeps them), holding the last free bytes, so the user's next tag failed with
'the disk is full'; `index --rebuild` said only 'paperreader: No space left on device' and left
its partial side directory (index.building) holding the space. And a catch-up that found no room
is now a notice: the index as it was is searched (a write tried again 30 s later), not an error
that stopped searching."""

from __future__ import annotations

import os
import random
import resource
import subprocess
import sys

import pytest

from paperreader.model import Paper
from paperreader.paths import resolve
from paperreader.workspace import Workspace


@pytest.fixture
def small_disk(tmp_path):
    """An 8 MB tmpfs (root only: elsewhere skipped, saying why; the rebuild test below runs anywhere)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mount = tmp_path / "small"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=True)


def papers(n: int, seed: int = 7) -> list[Paper]:
    rng = random.Random(seed)
    words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(4, 10))) for _ in range(4000)]
    return [Paper(title=f"Quasar survey {i} " + " ".join(rng.sample(words, 6)),
                  abstract=" ".join(rng.choice(words) for _ in range(150))) for i in range(n)]


def free_kib(path) -> int:
    st = os.statvfs(path)
    return st.f_bavail * st.f_frsize // 1024


def leave_free(mount, kib: int) -> None:
    """Fill the file system with one file so that about `kib` KiB stay free."""
    with open(mount / "filler", "ab") as f:
        f.write(b"\0" * max(0, (free_kib(mount) - kib) * 1024))


def orphans(index_dir) -> list[str]:
    """Files in the index dir that its latest table of contents does not name (and temp files)."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC

    committed = {s.segment_id() for s in TOC.read(FileStorage(str(index_dir)), "MAIN").segments}
    return sorted(name for name in os.listdir(index_dir)
                  if name.endswith(".tmp") or ".toc." in name
                  or (name.startswith("MAIN_") and name != "MAIN_WRITELOCK" and name.split(".")[0] not in committed))


def test_a_catch_up_on_a_full_disk_leaves_the_old_index_and_the_space(small_disk, monkeypatch):
    from paperreader.search import write_failure

    monkeypatch.setattr(write_failure, "NO_ROOM_RETRY_S", 0.0)  # (the reader waits 30 s before trying again)
    data_dir = small_disk / "data"
    ws = Workspace.open(resolve(data_dir), seed=False, backup=False)
    ws.library.upsert(papers(20, seed=1))
    ws.ensure_index()
    build = ws.index.read_stamp()["build"]
    ws.library.upsert(papers(150))  # committed to the store; the index catches up at the next search
    leave_free(small_disk, 96)
    before = free_kib(small_disk)
    for _ in range(2):  # the second try finds the write lock free and the same room
        notice = ws.ensure_index()
        assert notice == (f"the search index is 150 changes behind: No space left on device in {data_dir / 'index'}; "
                          "searching it as it was until there is room")  # fmt: skip
    assert orphans(ws.index.dir) == []
    assert free_kib(small_disk) >= before - 8  # the bytes the failed writes took came back
    stamp = ws.index.read_stamp()
    assert stamp["build"] == build and not any(n.endswith(".tmp") for n in os.listdir(ws.index.dir))
    assert ws.engine.search("quasar", limit=200).total == 20  # the index as it was answers
    pid = ws.library.list_ids()[0]
    ws.library.set_star(pid)  # the user's change is saved: the space is still there for it
    assert ws.library.get(pid).starred
    (small_disk / "filler").unlink()
    assert ws.ensure_index() is None  # the space is back: the catch-up goes through
    assert ws.engine.search("quasar", limit=200).total == 170
    ws.close()


def test_after_no_room_searches_use_the_old_index_without_writing_again(small_disk):
    """In the reader every search asks for a catch-up: for a while after one found no room, they
    search the index as it was instead of filling the disk and failing again (said once)."""
    data_dir = small_disk / "data"
    ws = Workspace.open(resolve(data_dir), seed=False, backup=False)
    ws.library.upsert(papers(20, seed=1))
    ws.ensure_index()
    ws.library.upsert(papers(150))
    leave_free(small_disk, 96)
    assert ws.engine.search("quasar", limit=200).total == 20  # the catch-up failed; the search did not
    notice = ws.index.take_room_notice()
    assert notice and "150 changes behind: No space left on device" in notice
    assert ws.index.take_room_notice() is None  # once
    assert ws.index.waiting_for_room()
    (small_disk / "filler").unlink()
    listing = sorted(os.listdir(ws.index.dir))
    assert ws.engine.search("quasar", limit=200).total == 20  # within the wait: no write tried
    assert sorted(os.listdir(ws.index.dir)) == listing
    ws.close()


def test_a_rebuild_that_runs_out_of_room_says_so_and_keeps_the_old_index(workspace, data_dir, tmp_path):
    """RLIMIT_FSIZE (ulimit -f) in the CLI's process: any file the rebuild grows past 64 KiB fails
    with EFBIG, as a full disk fails with ENOSPC. Runs without root."""
    workspace.library.upsert(papers(150))
    workspace.ensure_index()
    build = workspace.index.read_stamp()["build"]
    workspace.close()

    def small_files():
        import signal

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of the signal's death
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))

    env = {**os.environ, "PAPERREADER_CONFIG_DIR": str(tmp_path / "config")}
    done = subprocess.run([sys.executable, "-m", "paperreader", "--data-dir", str(data_dir), "index", "--rebuild"],
                          capture_output=True, text=True, env=env, timeout=300, preexec_fn=small_files)
    lines = done.stderr.strip().splitlines()
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert lines[-1] == f"paperreader: {data_dir / 'index'}: cannot rebuild the search index: File too large; the old index is kept", lines
    assert not (data_dir / "index.building").exists()  # the partial copy does not stay to hold the space
    ws = Workspace.open(resolve(data_dir), seed=False, backup=False)
    assert ws.index.read_stamp()["build"] == build and orphans(ws.index.dir) == []
    assert ws.engine.search("quasar", limit=200).total == 150  # the old index, still answering
    ws.close()
