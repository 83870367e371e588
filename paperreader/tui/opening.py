"""Opening the library while Textual starts up.

The app starts this thread as it loads, before its screen is even imported: the store is opened
and the first page of the library (browsed: no index needed) is read while Textual imports,
composes and styles the main screen. By the time the screen mounts the page is usually there, and
the first frame painted already shows it; if not, a worker waits for it (never the UI thread).
A thread of its own rather than a Textual worker, since no screen exists yet to own one.

The modules it needs are imported here, on the UI thread, before the thread starts (the main
screen imports them anyway): imported in the thread, they raced the screen's own imports for the
GIL, and the first page came after the first frame, which was drawn empty and then again.
"""

from __future__ import annotations

import threading

from paperreader.store import StoreError
from paperreader.tui.result_set import Filter
from paperreader.tui.results import Fetcher
from paperreader.tui.sort_order import remembered
from paperreader.workspace import Workspace

# Rows read for the first frame (a 100-line terminal shows 50); the rest of the page is read once it
# is painted (BackgroundJobs). Each row read gives up the GIL and waits to get it back from the UI
# thread composing the screen: a page of 100 came after the first frame at 100k papers (Pilot launch
# 241 -> 209 ms from the child's start with 40, 11 launches each).
FIRST_ROWS = 40


class Opening:
    """The workspace, its fetcher and the first page, or the one-line reason the open failed."""

    def __init__(self, paths) -> None:
        self.paths = paths
        self.workspace = None
        self.fetcher = None
        self.first = None  # the library's first page (a ResultSet), if it could be read
        self.sorts = ("listing", "relevance")  # the remembered browse and search orders
        self.error: str | None = None
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._abandoned = False

    def start(self) -> "Opening":
        threading.Thread(target=self._run, name="paperreader-open").start()
        return self

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)

    def _run(self) -> None:
        try:
            workspace = Workspace.open(self.paths, backup=False, purge=False)  # both after the first paint
        except StoreError as exc:  # a damaged library: and the backup that brings it back, as the CLI says
            from paperreader.store.recovery import with_restore_hint

            self.error = with_restore_hint(exc, self.paths.backups_dir)
        except Exception as exc:  # OSError, a corpus that would not import: one line, then exit
            self.error = f"{self.paths.data_dir}: cannot open the library: {exc}"
        else:
            self.workspace, self.fetcher = workspace, Fetcher(workspace)
            try:
                self.sorts = remembered(workspace.library)
                self.first = self.fetcher.first("", Filter.ALL, count=FIRST_ROWS, sort=self.sorts[0])
            except Exception:  # the screen searches again and reports what went wrong
                self.first = None
        with self._lock:
            self._done.set()
            abandoned = self._abandoned
        if abandoned:
            self._close()

    def abandon(self) -> None:
        """The app is closing without having used the workspace: close it once it is open."""
        with self._lock:
            self._abandoned = True
            done = self._done.is_set()
        if done:
            self._close()

    def _close(self) -> None:
        workspace, self.workspace = self.workspace, None
        if workspace is not None:
            workspace.close()
