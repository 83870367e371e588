"""After a big search, memory glibc holds free goes back to the system (search/memory.py)."""

from __future__ import annotations

import pytest

from paperreader.search import memory


def resident_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * 4096 / (1 << 20)


def hold_freed(mb: int) -> list:
    """Free `mb` MB that glibc keeps: blocks in its heap, each followed by a small one left alive."""
    blocks, pins = [], []
    for _ in range(mb * 16):
        blocks.append(bytearray(64 * 1024))
        pins.append(bytearray(1024))  # (over pymalloc's 512 bytes: glibc's heap too)
    del blocks
    return pins


@pytest.fixture
def glibc():
    if not memory._glibc():
        pytest.skip("not glibc: nothing is handed back")


def test_freed_memory_is_handed_back(glibc):
    pins = hold_freed(64)
    assert memory.held_free() >= 48 << 20
    before = resident_mb()
    assert memory.release(threshold=memory.held_free() + 1) is False  # under the threshold: left alone
    assert resident_mb() > before - 8
    assert memory.release() is True
    assert resident_mb() < before - 40
    del pins


def test_a_big_search_hands_back_what_it_freed_a_quick_one_leaves_it(glibc, workspace, monkeypatch):
    ws = workspace
    ws.ensure_index()
    ws.engine.search("mamba", limit=5)
    pins = hold_freed(64)
    before = resident_mb()
    monkeypatch.setattr(memory, "BIG_SEARCH_SECONDS", 1e9)  # no search counts as big
    ws.engine.search("mamba", limit=5)  # left alone
    assert resident_mb() > before - 8
    monkeypatch.setattr(memory, "BIG_SEARCH_SECONDS", 0.0)  # every search counts as big
    ws.engine.search("mamba", limit=5)
    assert resident_mb() < before - 40
    del pins
