"""Keeping what is shown true to the store: our own changes at once, other processes' within seconds.

`PRAGMA data_version` changes only when another connection commits (the CLI, a second app), so
polling it every couple of seconds is cheap; when it moves, the search runs again and the cursor
stays on the same paper. The same poll notices the library file itself gone (the data dir deleted
or moved, the file replaced) and says so at once, for good.
"""

from __future__ import annotations

import shlex

from textual import work

import paperreader.tui.messages as msg
from paperreader.tui.results import Row
from paperreader.tui.widgets.status_line import Remark


GONE_TOAST_SECONDS = 30.0  # the toast draws the eye; the status line keeps saying it until the reader quits


def library_gone_line(paths) -> str:
    """One line: the library at its path is gone; what to do, naming the newest backup if one is left
    (an `rm -rf` of the data dir takes its backups folder too)."""
    from paperreader.store.recovery import newest_backup

    try:
        newest = newest_backup(paths.backups_dir)
    except OSError:
        newest = None
    if newest is None:
        way = " (no backup is left in the data dir: started without it, paperreader makes a new library)"
    else:
        way = f", or restore the newest backup: `paperreader restore {shlex.quote(str(newest))}`"
    return f"The library at {paths.store} was deleted or moved: nothing more is saved. Put it back and restart paperreader{way}."


# Changes from another process past this many (an import from the CLI) are indexed with a progress
# bar by the index worker; fewer are caught up by the next search, as before (~1-2 s at most).
CATCH_UP_SHOWN_FROM = 1_000


class ChangeWatcher:
    """Needs: `fetcher`, `results`, `reader`, `result`, `index_ready`, `search()`, `keep_args()`, `_data_version`,
    `searches`, `searching`, `remark`, and Screen's notify/post_message. A changed paper is shown by the screen's PaperUpdated handler."""

    _data_version: int | None = None
    _behind_before = False  # the last poll found the index far behind, nobody writing it
    library_gone = False  # the store file was deleted, moved or replaced under us: see _say_library_gone
    _gone_line = ""

    def _poll(self) -> None:
        if self.fetcher is not None and not self.library_gone:
            self._check_version()

    @work(thread=True, exit_on_error=False, exclusive=True, group="poll")
    def _check_version(self) -> None:
        try:
            if not self.fetcher.ws.library.db.still_there():  # one stat, no open (store/connection.py)
                self.app.call_from_thread(self._say_library_gone)
                return
            version = self.fetcher.ws.library.data_version()
        except Exception:
            return
        if self._data_version is None:
            self._data_version = self.fetcher.data_version_at_open
        if self._data_version is not None and version != self._data_version:
            self.post_message(msg.LibraryChanged())
        self._data_version = version
        self._check_index_behind()

    def _check_index_behind(self) -> None:
        """Many changes the index has not taken in, seen on two polls in a row with nobody
        writing the index: the process that made them is not indexing them (the CLI's import
        indexes its own, right after storing them; taking the writer first made it fail)."""
        behind = False
        if self.index_ready:
            try:
                index = self.fetcher.ws.index
                behind = index.behind() >= CATCH_UP_SHOWN_FROM and not index.writer_busy() and not index.waiting_for_room()
            except Exception:  # the index is being replaced: the next search finds out
                behind = False
        if behind and self._behind_before:
            self.post_message(msg.IndexBehind())
            behind = False
        self._behind_before = behind

    def _say_library_gone(self) -> None:
        """The data dir deleted (rm -rf) or moved, or the store file replaced, while we run: say so at
        once, in a notice that stays, rather than at the first refused write; and search no more: a
        search of the vanished index would rebuild it (recreating the data dir) from the stale store."""
        if self.library_gone:
            return
        self.library_gone = True
        self.searches = None  # search() runs nothing from now on: the results shown stay readable
        self.searching = False
        self._gone_line = library_gone_line(self.fetcher.ws.paths)
        self.remark = Remark(error=self._gone_line)
        self.notify(self._gone_line, severity="error", timeout=GONE_TOAST_SECONDS, markup=False)

    def on_search_finished(self, message: msg.SearchFinished) -> None:
        """After MainScreen's own handler (Textual calls each class's in the MRO): a listing view read
        from the store, or a search in flight, must not take the notice off the status line."""
        if self.library_gone:
            self.remark = Remark(error=self._gone_line)

    def on_search_failed(self, message: msg.SearchFailed) -> None:
        if self.library_gone:
            self.remark = Remark(error=self._gone_line)

    def on_index_damaged_found(self, message: msg.IndexDamagedFound) -> None:
        """A search in flight when the library went found the index gone: no rebuild from the stale store."""
        if self.library_gone:
            message.prevent_default()  # BackgroundJobs' handler, after this one in the MRO, would rebuild

    def on_library_changed(self, message: msg.LibraryChanged) -> None:
        if self.library_gone:
            return
        if self.result is not None and self.result.mode == "similar":
            return
        self.search(**self.keep_args())  # the paper a filter left out stays the one to come back to
        if self.reader.row is not None:
            self._reload_reader(self.reader.row)

    @work(thread=True, exit_on_error=False, group="reader")
    def _reload_reader(self, row: Row) -> None:
        try:
            record = self.fetcher.reload(row.id)
        except Exception:  # the next poll tries again
            return
        if record is not None and record != row.record:
            self.post_message(msg.PaperUpdated(record))
        elif record is None:  # deleted by another process (it is in the trash)
            self.app.call_from_thread(self._paper_gone, row.id)

    def _paper_gone(self, paper_id: str) -> None:
        if self.reader.row is not None and self.reader.row.id == paper_id:
            self.reader.show(None, "This paper was deleted elsewhere: `paperreader trash` lists it, `restore-paper` brings it back.")
