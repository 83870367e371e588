"""Freed memory handed back to the system after a big search (glibc's `malloc_trim`).

A search at a million papers allocates and frees tens of MB of arrays and dicts. glibc keeps freed
memory in the process for reuse (its threshold for mapping big blocks apart grows as they are
freed), so a reader left open holds the peak of its biggest search for hours: at 1M, RSS after
the bench's query mix was 229 MB, of which `malloc_trim` gave back 61 MB. After a search this
asks glibc how much it holds free (`mallinfo2`) and trims when that is over HELD_BYTES, after a
search of BIG_SEARCH_SECONDS or more (at 1M: ~2-20 ms a trim; a quick search is left alone). Other C libraries (macOS, musl): nothing is done.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading

HELD_BYTES = 8 << 20  # free memory glibc may keep between searches before it is handed back
# ... after a search that took this long (one that allocated much is slow): a trim costs ~1.5 ms
# even with nothing to give back (glibc walks its free chunks), too much after every quick search
BIG_SEARCH_SECONDS = 0.05

_FIELDS = ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")
_lock = threading.Lock()
_libc = None  # (mallinfo2, malloc_trim), or False where glibc's are not there


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in _FIELDS]


def _glibc():
    global _libc
    if _libc is None:
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
            mallinfo2, trim = libc.mallinfo2, libc.malloc_trim
            mallinfo2.restype = _MallInfo2
            mallinfo2.argtypes = []
            trim.restype = ctypes.c_int
            trim.argtypes = [ctypes.c_size_t]
            _libc = (mallinfo2, trim)
        except (OSError, AttributeError):  # not glibc, or older than 2.33
            _libc = False
    return _libc


def held_free() -> int:
    """Bytes glibc holds free in this process (0 where it cannot say)."""
    libc = _glibc()
    return libc[0]().fordblks if libc else 0


def after_search(seconds: float) -> bool:
    """Called when a search has ended: hand freed memory back if it was a big one."""
    return seconds >= BIG_SEARCH_SECONDS and release()


def release(threshold: int = HELD_BYTES) -> bool:
    """Hand freed memory back when glibc holds more than `threshold` bytes free; True if it did."""
    libc = _glibc()
    if not libc or not _lock.acquire(blocking=False):  # another thread is trimming: once is enough
        return False
    try:
        if libc[0]().fordblks < threshold:
            return False
        libc[1](0)
        return True
    finally:
        _lock.release()
