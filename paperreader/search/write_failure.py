"""What a failed index write leaves behind, taken away (a full disk above all).

The index is a cache: a write that fails must leave the last committed index as it was, and must
not keep the bytes it managed to write. Whoosh's `cancel()` closes the writer's files first and,
when that close fails too (it flushes: ENOSPC again), never removes its temp dir nor releases the
write lock; and its half-written segment files stay until some later commit cleans them. On a
full disk those files hold the last free bytes, so the store's next change (a tag, a note) failed
for the sake of a cache. A rebuild's side directory is resumable after a kill, but after a full
disk it is only a big partial copy: it goes too.
"""

from __future__ import annotations

import errno
import shutil
import threading
import time
from pathlib import Path

# errors that mean "no room": the device is full, a quota is reached, or a file size limit (ulimit -f)
OUT_OF_SPACE = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


NO_ROOM_RETRY_S = 30.0  # after a catch-up found no room on the disk, the next write is tried this much later


class NoRoom:
    """A catch-up that found no room: the index is searched as it was, the next write waits
    NO_ROOM_RETRY_S (in the reader every search asks for a catch-up: each would fill the disk
    and fail again), and the one line that says so is given once (until a catch-up succeeds)."""

    def __init__(self) -> None:
        self.notice: str | None = None
        self._retry = 0.0  # (time.monotonic()) when a write is tried again
        self._said = False
        self._lock = threading.Lock()

    def failed(self, notice: str) -> None:
        self.notice, self._retry = notice, time.monotonic() + NO_ROOM_RETRY_S

    def cleared(self) -> None:
        self.notice, self._said = None, False

    def waiting(self) -> bool:
        return self.notice is not None and time.monotonic() < self._retry

    def take(self) -> str | None:
        """The notice, the first time it is asked for; then None."""
        with self._lock:
            if self.notice is None or self._said:
                return None
            self._said = True
            return self.notice


def out_of_space(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in OUT_OF_SPACE


def abandon_writer(writer, index_dir: Path) -> None:
    """Undo a SegmentWriter that failed before or during its commit, whatever state it is in: its
    open files closed (errors ignored), its new segment's files and its temp dir deleted unless
    the index's latest table of contents names that segment (the commit got that far: then it is
    the index), and its write lock released. Never raises."""
    from whoosh.index import TOC

    for step in (writer.perdocwriter.close, writer.fieldwriter.close, writer.pool.cleanup):
        try:
            step()
        except Exception:  # each may flush into a full disk, or be closed already
            pass
    storage, name = writer.storage, writer.indexname
    try:
        committed = {s.segment_id() for s in TOC.read(storage, name).segments}
    except Exception:
        committed = None  # no readable table of contents: touch no segment file
    segment = writer.newsegment.segment_id()
    if committed is not None and segment not in committed:
        for filename in writer.newsegment.list_files(storage):
            _delete(storage, filename)
        unfinished_toc = f"_{name}_{writer.generation}.toc."  # TOC.write's temp file
        for filename in list(storage):
            if filename.startswith(unfinished_toc):
                _delete(storage, filename)
    shutil.rmtree(Path(index_dir) / f"{name}.tmp", ignore_errors=True)  # the posting pool's temp storage
    lock, writer.writelock = writer.writelock, None
    writer.is_closed = True
    if lock is not None:
        try:
            lock.release()
        except Exception:
            pass


def discard_side(side: Path) -> None:
    """A rebuild's side directory after the disk filled up: not worth resuming, and it holds the space."""
    shutil.rmtree(side, ignore_errors=True)


def _delete(storage, filename: str) -> None:
    try:
        storage.delete_file(filename)
    except OSError:
        pass
