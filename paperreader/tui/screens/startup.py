"""Launch, in the order that puts the library on screen first: a main-screen mixin.

1. The app's Opening thread opens the store and reads the library's first page while Textual
   starts (see `paperreader.tui.opening`); the screen takes it as it mounts, or a worker waits.
2. The first results are painted.
3. Only then: the index (Whoosh is imported, the index opened, caught up or rebuilt), the daily
   backup (a copy of the whole store, on its own connection) and the search history, in workers.
Typing before the index is ready says "results once indexed" and runs the search when it is.
A search that finds the index damaged starts the same rebuild, with its progress on the status line.
Quitting stops running searches (`Workspace.stop_searches`): the app's exit joins worker threads,
so a search left running would keep the process alive.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.message import Message

from paperreader.tui import messages as msg
from paperreader.tui.results import Filter


BACKGROUND_AFTER = 0.05  # seconds after the first paint


class BuildStopped(Exception):
    """Raised from the index build's progress callback when the app is quitting."""


class IndexDamagedFound(Message):
    """A search could not read the index: rebuild it (the index has marked itself)."""


def _sentence(notice: str) -> str:
    return notice[:1].upper() + notice[1:] + "."


class Startup:
    """Needs: `fetcher`, `search()`, `on_search_finished()`, `_watch_store()`, `_load_history()`,
    `search_box`, `status`, `results`, `reader`, `_reader_next`, `_fill_reader()`, `filter`, `index_ready`,
    and Screen's app/notify/post_message."""

    _background_started = False

    def _take_opening(self) -> None:
        """From on_mount: the library now if it is open, else once it is (in a worker)."""
        opening = self.app.opening
        if opening.done:
            self._opened(opening)
        else:
            self._wait_for_opening(opening)

    @work(thread=True, exit_on_error=False, exclusive=True, group="open")
    def _wait_for_opening(self, opening) -> None:
        opening.wait()
        self.post_message(msg.WorkspaceOpened(opening))

    def on_workspace_opened(self, message: msg.WorkspaceOpened) -> None:
        self._opened(message.opening)

    def _opened(self, opening) -> None:
        if opening.error is not None:
            self.app.exit(return_code=2, message=Text(opening.error))
            return
        workspace = opening.workspace
        self.app.workspace = workspace
        self.fetcher = opening.fetcher
        self.sort_browse, self.sort_search = opening.sorts  # remembered in the store; the first page is in this order
        self._watch_store()
        if opening.first is not None and not self.search_box.value.strip() and self.filter is Filter.ALL:
            self._generation += 1  # the page read while Textual started is this search's answer
            self.on_search_finished(msg.SearchFinished(self._generation, opening.first))
            if (row := self.results.current_row) is not None:
                self._reader_next, self._reader_after_paint = row, True  # in the frame after the list's
                self.call_after_refresh(self._fill_reader)
        else:  # typed or filtered meanwhile, or the first read failed (the search reports why)
            self.search()
        if workspace.notices:
            self.notify(_sentence("; ".join(workspace.notices)), severity="warning", markup=False)

    def _after_first_paint(self) -> None:
        # Whoosh's import and the index's opening hold the GIL most of the time for ~0.5 s; started
        # at once they slow down what follows the first paint (the frame's write to the terminal,
        # the next refresh) by 20-40 ms. A moment's grace costs the index as much and no more.
        self.set_timer(BACKGROUND_AFTER, self._start_background)

    def _start_background(self) -> None:
        """After the first results are painted: the index, the daily backup, the search history."""
        workspace = self.app.workspace
        if self._background_started or workspace is None:
            return
        self._background_started = True
        self._prepare_index(workspace)
        if workspace.seeded is None:  # a library just made from the built-in corpus needs none yet
            self._daily_backup(workspace)
        self._load_history()

    @work(thread=True, exit_on_error=False, exclusive=True, group="index")
    def _prepare_index(self, workspace) -> None:
        def progress(done: int, total: int) -> None:
            if self.app.closing:
                raise BuildStopped  # the index build cleans up after itself; the next run starts again
            self.post_message(msg.IndexProgress(done, total))

        try:
            notice = workspace.ensure_index(progress)
        except BuildStopped:
            return
        except Exception as exc:  # IndexBusy, a damaged index that would not rebuild: browsing still works
            self.post_message(msg.IndexReady(error=f"The search index is not available: {exc}"))
            return
        self.post_message(msg.IndexReady(notice=notice))

    @work(thread=True, exit_on_error=False, exclusive=True, group="backup")
    def _daily_backup(self, workspace) -> None:
        """Searches and edits go on meanwhile; a failure is a warning, as when the open made it."""
        self.post_message(msg.BackupDone(workspace.auto_backup()))

    def search_failed(self, generation: int, query: str, error: Exception) -> None:
        """From a search worker: a stopped search says nothing; a damaged index is rebuilt."""
        from paperreader.search.budget import SearchCancelled
        from paperreader.search.validate import IndexDamaged

        if isinstance(error, SearchCancelled):
            return
        self.post_message(msg.SearchFailed(generation, query, str(error)))
        if isinstance(error, IndexDamaged):
            self.post_message(IndexDamagedFound())

    def on_index_damaged_found(self, message: IndexDamagedFound) -> None:
        workspace = self.app.workspace
        if not self.index_ready or workspace is None:
            return  # a build is on its way already
        self.index_ready = False
        self._prepare_index(workspace)  # its notice says what was wrong, and the search runs again

    def on_unmount(self) -> None:
        if self.app.workspace is not None:
            self.app.workspace.stop_searches()

    def on_backup_done(self, message: msg.BackupDone) -> None:
        if message.notice:
            self.notify(_sentence(message.notice), severity="warning", markup=False)

    def on_index_progress(self, message: msg.IndexProgress) -> None:
        self.status.indexing(message.done, message.total)

    def on_index_ready(self, message: msg.IndexReady) -> None:
        self.index_ready = message.error is None
        self._index_error = message.error
        self.status.indexed()
        if message.error:
            self.notify(message.error, severity="error", timeout=10, markup=False)
        elif message.notice:
            self.notify(_sentence(message.notice), markup=False)
        if self.search_box.value.strip():
            self.search()
