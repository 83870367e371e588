"""The Whoosh index: a cache of the store that any process can build, catch up or throw away.

A stamp file (`paperreader-index.json`) holds the index schema version, the paperreader version
that wrote it, a build id, the library's identity and the store change number it has caught up
to (checked on open: `search/validate.py`). A missing, damaged,
older or newer index is rebuilt from the store into a side directory and swapped in, so a crash
mid-build leaves the old index (or none) but never a half one.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import threading
import time
import uuid
from pathlib import Path

from paperreader import __version__
from paperreader.search import rebuild as side_build
from paperreader.search import validate
from paperreader.search.rebuild import Progress
from paperreader.search.schema import INDEX_SCHEMA_VERSION, build_schema
from paperreader.search.suggest import VOCAB, Vocabulary
from paperreader.search.validate import IndexBusy
from paperreader.search.write_failure import NoRoom, abandon_writer, discard_side, out_of_space
from paperreader.search.whoosh import whoosh_index as _whoosh_index
from paperreader.store.change_log import ChangeLogPruned

STAMP = "paperreader-index.json"
# The index dir's listing is trusted unchanged while its stat is, once its last change is this old
# (the clock's tick is milliseconds: a later change then always moves the dir's mtime): _dir_settled
DIR_SETTLED_NS = 2_000_000_000
BRIEF_WRITER_WAIT = 3.0  # seconds a CLI search waits for another process's writer before answering without it
REBUILD_FROM = 20_000  # changed papers: catching up more than this (or a fifth of the index) rebuilds


def needs_rebuild(changed: int, indexed: int) -> bool:
    """Whether `changed` papers are better indexed by rebuilding an index of `indexed` papers than
    by catching it up (a catch-up costs per paper what a rebuild costs per paper several times
    over). The one rule: `SearchIndex.catch_up` and the CLI's import (which rebuilds with a
    progress bar) both ask it."""
    return changed > max(REBUILD_FROM, indexed // 5)


class SearchIndex:
    """Owns the index directory of one data dir; thread-safe (calls are serialised)."""

    def __init__(self, index_dir: Path, library, lock_timeout: float = 10.0) -> None:
        self.dir = Path(index_dir)
        self.library = library
        self.lock_timeout = lock_timeout
        self._lock = threading.RLock()
        self._ix = None
        self._searcher = None
        self._fast = None
        self._stamp: dict = {}
        self._stamp_seen: tuple | None = None  # (the stamp file's stat, its content): _stamp_now
        self._stamp_path = os.path.join(self.dir, STAMP)  # (a Path join is ~5 us a search)
        self._dir_path = str(self.dir)
        self._dir_seen: tuple | None = None  # the index dir's stat when its listing was last read: _dir_settled
        self._vocabulary: Vocabulary | None = Vocabulary()
        self.schema = build_schema()
        self._damaged: str | None = None  # why a search found the open index unreadable: rebuild it
        self._rebuilt_for_damage: set[str] = set()  # builds made because of damage (not rebuilt twice)
        self._repaired: str | None = None  # the notice of a rebuild for damage, for the next ensure()
        self._no_room = NoRoom()  # the last catch-up found a full disk: the index is searched as it was

    # -- state -----------------------------------------------------------------------------
    def read_stamp(self) -> dict | None:
        try:
            stamp = json.loads((self.dir / STAMP).read_text(encoding="utf-8"))
            return stamp if isinstance(stamp, dict) else None
        except (OSError, ValueError):
            return None

    def _stamp_now(self) -> dict:
        """read_stamp() for the check before every search: the file is read again only when its
        stat changed (a stamp is replaced whole, by os.replace: a new inode), ~10 us instead of ~50."""
        try:
            st = os.stat(self._stamp_path)
        except OSError:
            return {}
        key = (st.st_ino, st.st_mtime_ns, st.st_ctime_ns, st.st_size)
        seen = self._stamp_seen
        if seen is None or seen[0] != key:
            seen = self._stamp_seen = (key, self.read_stamp() or {})
        return dict(seen[1])

    def problem(self) -> str | None:
        """Why the index cannot be used as it is, or None if it can."""
        stamp = self.read_stamp()
        if not self.dir.exists():
            return "the search index is missing"
        if stamp is None:
            return "the search index has no valid stamp"
        if stamp.get("schema") != INDEX_SCHEMA_VERSION:
            newer = isinstance(stamp.get("schema"), int) and stamp["schema"] > INDEX_SCHEMA_VERSION
            return f"the search index was built by {'a newer' if newer else 'an older'} paperreader"
        reason = validate.stamp_problem(stamp, self.library)
        if reason:
            return reason
        try:
            ix = _whoosh_index().open_dir(str(self.dir))
        except Exception:  # whoosh raises many kinds on damaged files
            return "the search index is damaged (its table of contents cannot be read)"
        try:
            return validate.open_problem(ix, stamp, self.library)
        except Exception:
            return "the search index is damaged (a segment cannot be opened)"
        finally:
            ix.close()

    def reopen_if_replaced(self) -> bool:
        """If another process swapped a rebuilt index in since this one was opened (its files
        may be gone under our reader), open the new one; True if it did."""
        with self._lock:
            if self._ix is None or (self.read_stamp() or {}).get("build") == self._stamp.get("build"):
                return False
            try:
                self._open()
            except Exception:
                self._close()  # the next search's ensure() looks at it afresh
            return True

    def mark_damaged(self, reason: str) -> bool:
        """A search could not read the open index: the next ensure() or catch-up rebuilds it.
        False (not marked) if this index was itself rebuilt because of damage."""
        with self._lock:
            if self._stamp.get("build") in self._rebuilt_for_damage:
                return False
            self._damaged = reason
            self._drop_searcher()
            return True

    def ensure(self, progress: Progress | None = None, wait_for_writer: bool = True) -> str | None:
        """Make the index usable: rebuild if it must be, else catch up. Returns a notice if rebuilt.
        wait_for_writer=False (a CLI search): while another process writes the index for longer
        than BRIEF_WRITER_WAIT (the reader's catch-up, an import indexing), the index as it is, not
        a wait on the lock (10 s, then IndexBusy); the search then says what it did not see
        (catch_up_if_near)."""
        with self._lock:
            if self._damaged is not None:
                self._rebuild_damaged(progress)
            if self._repaired is not None:  # (or a catch-up in another thread rebuilt it)
                notice, self._repaired = self._repaired, None
                return notice
            if self._ix is None:
                reason = self.problem()
                if reason:
                    self.rebuild(progress)
                    return f"{reason}; rebuilt it from the library"
                self._open()
                self._adopt()
            if wait_for_writer:
                self.catch_up(progress)
            else:
                self._catch_up_briefly(progress)
            return self._no_room.take() or self._no_room.notice

    def _catch_up_briefly(self, progress: Progress | None = None) -> None:
        """catch_up(), waiting at most BRIEF_WRITER_WAIT for another process's writer: a CLI search
        right after its own note sees it though another CLI command is catching up one paper
        (~0.1 s); a longer writer (the reader catching up thousands) is not waited for."""
        kept, self.lock_timeout = self.lock_timeout, min(self.lock_timeout, BRIEF_WRITER_WAIT)
        try:
            self.catch_up(progress)
        except IndexBusy:
            pass  # the index as it is; the search says what it has not taken in
        finally:
            self.lock_timeout = kept

    def _rebuild_damaged(self, progress: Progress | None = None) -> int:
        done = self.rebuild(progress)
        self._repaired = f"{self._damaged.split('; rebuilding')[0]}; rebuilt it from the library"
        self._damaged = None
        self._rebuilt_for_damage.add(self._stamp.get("build"))
        return done

    def _adopt(self) -> None:
        """An index stamped before stamps named their library: name it now (it passed the checks)."""
        if "library" in self._stamp:
            return
        on_disk = self.read_stamp() or {}
        if on_disk.get("build") == self._stamp.get("build") and on_disk.get("seq") == self._stamp.get("seq"):
            self._write_stamp(self.dir, self._stamp["seq"], self._stamp["build"], self._stamp["docs"])

    def _open(self) -> None:
        self._close()
        self._ix = _whoosh_index().open_dir(str(self.dir))
        self._stamp = self.read_stamp() or {}
        self._vocabulary = None  # loaded when first needed: "did you mean" or a catch-up

    @property
    def vocabulary(self) -> Vocabulary:
        """The words of titles and abstracts (a file beside the index; 12 MB in memory at 100k
        papers, so not read before a search needs a suggestion)."""
        with self._lock:
            if self._vocabulary is None:
                self._vocabulary = Vocabulary.load(self.dir / VOCAB)
            return self._vocabulary

    def _drop_searcher(self) -> None:
        self._fast = None
        self._dir_seen = None
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def _close(self) -> None:
        self._drop_searcher()
        if self._ix is not None:
            self._ix.close()
            self._ix = None

    def close(self) -> None:
        with self._lock:
            self._close()

    def _write_stamp(self, directory: Path, seq: int, build: str, docs: int) -> None:
        self._stamp = {"schema": INDEX_SCHEMA_VERSION, "paperreader": __version__, "build": build, "seq": seq, "docs": docs}
        owner = validate.library_id(self.library) if self.library is not None else None
        if owner is not None:
            self._stamp["library"] = owner
        tmp = directory / f"{STAMP}.{os.getpid()}-{threading.get_ident()}.tmp"  # one per writer
        try:
            tmp.write_text(json.dumps(self._stamp), encoding="utf-8")
            os.replace(tmp, directory / STAMP)
        except BaseException:  # a full disk: no half-written copy left beside the stamp
            tmp.unlink(missing_ok=True)
            raise

    # -- building ------------------------------------------------------------------------------
    def rebuild(self, progress: Progress | None = None) -> int:
        """Build a fresh index from the store beside the old one, then swap it in."""
        with self._lock:
            self._close()
            parent = self.dir.parent
            parent.mkdir(parents=True, exist_ok=True)
            rebuilding = side_build.rebuild_lock(self.dir, self.lock_timeout)  # one rebuild at a time across processes
            try:
                return self._rebuild(progress)
            finally:
                rebuilding.release()

    def _rebuild(self, progress: Progress | None) -> int:
        """Build into the side directory (`search/rebuild.py`: chunks with checkpoints, resumed
        after an interruption), then stamp it and swap it in for the old index."""
        with self._lock:
            side = side_build.side_dir(self.dir)
            try:
                seq, done, total = side_build.build_in_side(side, self.library, self.schema, progress)
                self._write_stamp(side, seq, uuid.uuid4().hex, done)
                side_build.finished(side)
            except OSError as exc:
                if not out_of_space(exc):
                    raise
                discard_side(side)  # the old index stays, and so does the space it had
                raise OSError(exc.errno, exc.strerror, str(self.dir)) from None
            old = self.dir.parent / f"{self.dir.name}.old-{os.getpid()}"
            if self.dir.exists():
                os.replace(self.dir, old)
            os.replace(side, self.dir)
            shutil.rmtree(old, ignore_errors=True)
            self._open()
            self.library.changes_taken_in(seq)  # the log up to the new index's stamp goes
            if progress:
                side_build.stages(progress)(done, total, side_build.WRITING)  # (until the caller says it is ready)
            return done

    def catch_up(self, progress: Progress | None = None) -> int:
        """Apply the store's changes since the stamp; returns how many papers were updated.

        An index deleted or damaged since it was opened (by the user, under a running TUI) is
        rebuilt from the store rather than failing the search that needed it."""
        with self._lock:
            if self._damaged is not None:
                return self._rebuild_damaged(progress)
            if self._no_room.waiting():
                return 0  # no room a moment ago: the index as it was, without writing (and failing) again
            try:
                done = self._catch_up(progress)
                self._no_room.cleared()
                return done
            except IndexBusy:
                raise
            except Exception as exc:
                if out_of_space(exc) and self._usable_as_it_was():
                    self._no_room.failed(f"the search index is {self.behind():,} changes behind: {exc.strerror or exc} "
                                         f"in {self.dir}; searching it as it was until there is room")  # fmt: skip
                    return 0
                if self.problem() is not None:
                    return self.rebuild(progress)
                if (self.read_stamp() or {}).get("build") != self._stamp.get("build"):
                    self._open()  # another process swapped a rebuilt index in under the writer: once more
                    return self._catch_up(progress)
                raise

    def catch_up_if_near(self, far: int) -> int:
        """catch_up() for a search that must not wait (the reader's): only when fewer than `far`
        changes wait and no other process holds the index's writer; else the index as other
        processes left it, nothing written. Returns the changes left waiting (0: caught up)."""
        with self._lock:
            on_disk = self._stamp_now()
            if self._ix is None or self._damaged is not None or self._no_room.waiting() or on_disk.get("build") != self._stamp.get("build"):
                self.catch_up()  # opened anew, rebuilt or searched as it was: as before
                return 0
            if on_disk.get("seq", 0) > self._stamp.get("seq", 0):
                self._stamp = on_disk  # another process caught it up (the reader's catch-up process)
                self._drop_searcher()
            waiting = self.library.change_seq() - self._stamp.get("seq", 0)
            if waiting <= 0:
                return 0
            if waiting >= far or self.writer_busy():
                return waiting
            self.catch_up()
            return 0

    def _usable_as_it_was(self) -> bool:
        """After a write that found no room (its files are gone: write_failure.py): the index on
        disk still passes the checks, and is open again if the failed rebuild had closed it."""
        if self.problem() is not None:
            return False
        if self._ix is None:
            self._open()
        return True

    def waiting_for_room(self) -> bool:
        """A catch-up found no room on the disk a moment ago: asking again now would only fail again."""
        return self._no_room.waiting()

    def take_room_notice(self) -> str | None:
        """The one line saying the index is behind for lack of room, once (until it catches up)."""
        return self._no_room.take()

    def behind(self) -> int:
        """How many changes the store has that this index has not taken in (an upper bound on the
        papers a catch-up would index; cheap: one SQLite read, no index access)."""
        taken = max(self._stamp.get("seq", 0), (self.read_stamp() or {}).get("seq", 0))  # or by another process
        return max(0, self.library.change_seq() - taken)

    def writer_busy(self) -> bool:
        """Someone (another process's import indexing what it stored, a search of ours catching
        up) holds the index's writer lock now: taking it at once would only make them wait."""
        ix = self._ix
        if ix is None:
            return False
        lock = ix.storage.lock(ix.indexname + "_WRITELOCK")
        if lock.acquire(blocking=False):
            lock.release()
            return False
        return True

    def _catch_up(self, progress: Progress | None = None) -> int:
        with self._lock:
            if self._ix is None:
                self.ensure()
                return 0
            on_disk = self._stamp_now()
            if on_disk.get("build") != self._stamp.get("build"):
                self._open()  # another process rebuilt it
            elif on_disk.get("seq", 0) > self._stamp.get("seq", 0):
                self._stamp = on_disk  # another process caught it up
                self._drop_searcher()
            seq = self._stamp.get("seq", 0)
            if self.library.change_seq() <= seq:
                return 0
            try:
                new_seq, ids = self.library.changes_since(seq)
            except ChangeLogPruned as gap:
                on_disk = self.read_stamp() or {}
                if on_disk.get("build") == self._stamp.get("build") and on_disk.get("seq", 0) >= gap.pruned_to:
                    self._stamp = on_disk  # another process caught it up and pruned meanwhile
                    self._drop_searcher()
                    return self._catch_up(progress)
                return self.rebuild(progress)  # behind changes that are gone (an old copy of the index)
            if needs_rebuild(len(ids), self._stamp.get("docs", 0)):
                self.rebuild(progress)
                return len(ids)
            from whoosh.index import LockError

            from paperreader.search.codec import PRCodec

            try:
                writer = self._ix.writer(timeout=self.lock_timeout, delay=0.1, compound=False, codec=PRCodec())
            except LockError:
                raise IndexBusy(f"{self.dir}: another paperreader is writing the search index; try again") from None
            from paperreader.search.catch_up import take_in

            docs = self._stamp.get("docs", 0)
            try:  # (papers changed meanwhile are taken in too while it stays a catch-up)
                new_seq, count = take_in(writer, self.library, new_seq, ids, self.vocabulary,
                                         lambda n: not needs_rebuild(n, docs), progress)
                writer.commit()
            except BaseException:
                abandon_writer(writer, self.dir)  # (cancel() leaves the files written so far)
                raise
            self.vocabulary.save(self.dir / VOCAB)
            with self._ix.reader() as reader:
                docs = reader.doc_count()
            self._write_stamp(self.dir, new_seq, self._stamp.get("build", uuid.uuid4().hex), docs)
            self._drop_searcher()
            self.library.changes_taken_in(new_seq)  # stamped first: the log up to it may go
            return count

    # -- reading ---------------------------------------------------------------------------------
    def searcher(self):
        """The shared searcher, refreshed if the index changed; call with the lock held."""
        if self._ix is None:
            self.ensure()
        if self._searcher is None:
            self._searcher = self._ix.searcher()
        elif not self._dir_settled():
            self._searcher = self._searcher.refresh()  # lists the dir for a newer table of contents
        return self._searcher

    def _dir_settled(self) -> bool:
        """True when the index dir surely holds the same files as when its listing was last read
        (by the refresh that follows a False), so the refresh can be skipped: ~7 us, where
        listing it is ~40 us a search. Another process's commit adds a table of contents (a
        rename into the dir), which sets the dir's mtime to the time of that change; a rebuild
        swaps in another dir (another inode). A stat is trusted only once the dir's last change
        is DIR_SETTLED_NS old: any later change then leaves another mtime, even one in the same
        clock tick as the look that read it."""
        try:
            st = os.stat(self._dir_path)
        except OSError:
            self._dir_seen = None
            return False
        key = (st.st_ino, st.st_dev, st.st_mtime_ns, st.st_ctime_ns)
        if key == self._dir_seen:
            return True
        settled = time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) > DIR_SETTLED_NS
        self._dir_seen = key if settled else None
        return False

    def fast_search(self):
        """The query evaluator over the current searcher (made anew when the searcher changes)."""
        searcher = self.searcher()
        if self._fast is None or self._fast.searcher is not searcher:
            from paperreader.search.fast import FastSearch

            self._fast = FastSearch(searcher)
        return self._fast

    @property
    def lock(self) -> threading.RLock:
        return self._lock
