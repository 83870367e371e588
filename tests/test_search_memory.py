"""Once searches have left much freed memory resident, glibc hands it back to the system (search/memory.py).

Each check runs in a fresh interpreter: how much glibc holds free depends on everything a process
did before, so inside a long test session the figures would say more about the session."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from paperreader.search import memory

HOLD_FREED = """
import json, sys
def resident_mb():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * 4096 / (1 << 20)
def hold_freed(mb):
    # blocks in glibc's heap, each followed by a small one left alive (over pymalloc's 512 bytes)
    blocks, pins = [], []
    for _ in range(mb * 16):
        blocks.append(bytearray(64 * 1024))
        pins.append(bytearray(1024))
    del blocks
    return pins
"""


def run(body: str, *args: str) -> dict:
    code = HOLD_FREED + textwrap.dedent(body)
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def glibc():
    if not memory._glibc():
        pytest.skip("not glibc: nothing is handed back")


def test_freed_memory_is_handed_back(glibc):
    got = run("""
        from paperreader.search import memory
        pins = hold_freed(64)
        out = {"held": memory.held_free(), "before": resident_mb()}
        out["under"] = memory.release(threshold=memory.held_free() + 1)  # under the threshold: left alone
        out["after_under"] = resident_mb()
        out["released"] = memory.release(threshold=48 << 20)
        out["after"] = resident_mb()
        print(json.dumps(out))
    """)
    assert got["held"] >= 48 << 20
    assert got["under"] is False and got["after_under"] > got["before"] - 8
    assert got["released"] is True and got["after"] < got["before"] - 40


def test_a_search_after_resident_memory_grew_hands_it_back_not_before(glibc, tmp_path):
    got = run("""
        import warnings
        warnings.simplefilter("ignore", SyntaxWarning)
        from paperreader import paths
        from paperreader.search import memory
        from paperreader.workspace import Workspace
        ws = Workspace.open(paths.resolve(sys.argv[1]).ensure(), backup=False)
        ws.ensure_index()
        ws.engine.search("mamba", limit=5)  # the low: what the process holds after a search
        pins = hold_freed(64)  # 64 MB freed but resident, as a big search leaves them
        out = {"before": resident_mb()}
        memory.GROWTH_BYTES = 1 << 40  # no growth is enough
        ws.engine.search("mamba", limit=5)
        out["after_far"] = resident_mb()
        memory.GROWTH_BYTES = 8 << 20
        ws.engine.search("mamba", limit=5)
        out["after"] = resident_mb()
        ws.engine.search("mamba", limit=5)  # nothing grew since: nothing to do
        out["again"] = memory.after_search()
        ws.close()
        print(json.dumps(out))
    """, str(tmp_path / "data"))
    assert got["after_far"] > got["before"] - 8
    assert got["after"] < got["before"] - 40
    assert got["again"] is False


def test_resident_memory_is_read_where_proc_is(glibc):
    got = run("""
        from paperreader.search import memory
        low = memory.resident_anon()
        pins = hold_freed(32)
        print(json.dumps({"low": low, "high": memory.resident_anon(), "rss": resident_mb()}))
    """)
    assert got["high"] - got["low"] >= 30 << 20
    assert got["high"] <= got["rss"] * (1 << 20)


def test_while_another_search_reads_the_trim_waits_for_its_end(glibc):
    got = run("""
        import threading
        from paperreader.search import memory
        memory.after_search()  # the low
        pins = hold_freed(64)
        reading, done = threading.Event(), threading.Event()
        searching = threading.RLock()
        def other_search():
            with searching:
                reading.set()
                done.wait()
        t = threading.Thread(target=other_search)
        t.start()
        reading.wait()
        out = {"busy": memory.after_search(searching), "after_busy": resident_mb()}
        done.set()
        t.join()
        out["free"] = memory.after_search(searching)
        out["after"] = resident_mb()
        print(json.dumps(out))
    """)
    assert got["busy"] is False
    assert got["free"] is True and got["after"] < got["after_busy"] - 40


ARENAS = """
import ctypes, threading
from paperreader.search import memory
took = memory.limit_arenas(1) if LIMIT else None
start = threading.Barrier(4)
def work():
    start.wait()  # four threads allocating at once: glibc gives each new one an arena while it may
    keep = [bytearray(32 * 1024) for _ in range(64)]
    start.wait()
threads = [threading.Thread(target=work) for _ in range(4)]
for t in threads: t.start()
for t in threads: t.join()
ctypes.CDLL(None).malloc_stats()  # one 'Arena N:' paragraph an arena, on stderr
print(json.dumps({"took": took}))
"""


def arenas_used(limit: bool) -> tuple[dict, int]:
    code = "import json\nLIMIT = %r\n" % limit + ARENAS
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr.count("Arena ")


def test_the_reader_keeps_one_malloc_arena_for_its_threads(glibc):
    """The reader's search threads would each get an arena whose freed top stays resident: capped."""
    free_run, free_arenas = arenas_used(limit=False)
    capped, capped_arenas = arenas_used(limit=True)
    assert free_arenas >= 2  # without the cap the threads take arenas of their own
    assert capped["took"] is True and capped_arenas == 1
