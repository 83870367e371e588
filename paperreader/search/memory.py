"""Freed memory handed back to the system once searches have left much of it resident (glibc's `malloc_trim`).

A search at a million papers allocates and frees tens of MB of arrays and dicts. glibc keeps freed
memory in the process for reuse (its threshold for mapping big blocks apart grows as they are
freed), so a reader left open would hold the peak of its biggest search for hours. After each
search this reads the process's resident anonymous memory (/proc/self/statm: one pread, ~2 us)
and trims when it has grown by GROWTH_BYTES since the lowest reading after the last trim. The
trigger is memory, not time: a trim after searches of 50 ms or more (the rule before) left 1M
"memory after the bench's query mix" at 137 MB on a loaded machine and 168-180 MB when searches
ran faster, since what quick searches freed stayed. Live memory (caches) that grows is trimmed for
once, then becomes the new low. Elsewhere than Linux with glibc (macOS, musl): nothing is done.
"""

from __future__ import annotations

import ctypes
import os
import threading

# resident memory a process may gain over its low before freed memory is handed back: a trim costs
# ~1.5 ms (glibc walks its free chunks), and what it hands back the next big search faults in again
GROWTH_BYTES = 8 << 20
M_ARENA_MAX = -8  # glibc's mallopt parameter (malloc.h)
# The reader's arenas: its searches run in Textual's worker threads, and glibc gives each new thread an
# arena of its own (up to 8 a core) whose freed top goes back only past a trim threshold it raises up
# to 64 MB: at 1M the reader held 240-300 MB after a dozen searches, ~60 MB less with one arena.
READER_ARENAS = 1

_FIELDS = ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")
_lock = threading.Lock()
_libc = None  # (mallinfo2, malloc_trim), or False where glibc's are not there
_statm: list = []  # the open /proc/self/statm (read again with pread), or False where there is none
_low = [None]  # resident anonymous bytes: the lowest reading since the last trim


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in _FIELDS]


def _glibc():
    global _libc
    if _libc is None:
        try:
            libc = ctypes.CDLL(None)  # the process's own symbols: glibc's when it is glibc (find_library runs ldconfig: ~2 ms)
            mallinfo2, trim = libc.mallinfo2, libc.malloc_trim
            mallinfo2.restype = _MallInfo2
            mallinfo2.argtypes = []
            trim.restype = ctypes.c_int
            trim.argtypes = [ctypes.c_size_t]
            _libc = (mallinfo2, trim)
        except (OSError, AttributeError):  # not glibc, or older than 2.33
            _libc = False
    return _libc


def resident_anon() -> int | None:
    """Resident anonymous bytes of this process (resident - shared pages), or None where unknown."""
    if not _statm:
        try:
            _statm.append(os.open("/proc/self/statm", os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)))
        except OSError:  # no /proc (macOS)
            _statm.append(False)
    if _statm[0] is False:
        return None
    try:
        fields = os.pread(_statm[0], 128, 0).split()
        return (int(fields[1]) - int(fields[2])) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def held_free() -> int:
    """Bytes glibc holds free in this process (0 where it cannot say)."""
    libc = _glibc()
    return libc[0]().fordblks if libc else 0


def after_search(searching=None) -> bool:
    """Called when a search has ended: hand freed memory back if resident memory grew by
    GROWTH_BYTES since its low; True if it did. `searching`: a lock other searches hold while
    they read (the index's): when it is taken, another search's arrays are alive and would be
    read as the new low, so that search's end decides instead."""
    libc = _glibc()
    if not libc or not _lock.acquire(blocking=False):  # another thread is at it: once is enough
        return False
    if searching is not None and not searching.acquire(blocking=False):
        _lock.release()
        return False
    try:
        now = resident_anon()
        if now is None:
            return False
        low = _low[0]
        if low is None or now < low:
            _low[0] = now
            return False
        if now - low < GROWTH_BYTES:
            return False
        libc[1](0)
        _low[0] = resident_anon()
        return True
    finally:
        if searching is not None:
            searching.release()
        _lock.release()


def release(threshold: int = 0) -> bool:
    """Hand freed memory back now when glibc holds more than `threshold` bytes free; True if it did."""
    libc = _glibc()
    if not libc or not _lock.acquire(blocking=False):
        return False
    try:
        if libc[0]().fordblks < threshold:
            return False
        libc[1](0)
        _low[0] = resident_anon()
        return True
    finally:
        _lock.release()


def limit_arenas(count: int = READER_ARENAS) -> bool:
    """Cap glibc's malloc arenas; called before a process starts its threads (the reader). True if
    glibc took it; elsewhere (macOS, musl) nothing is done."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.restype = ctypes.c_int
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    return _glibc() is not False and mallopt(M_ARENA_MAX, count) == 1
