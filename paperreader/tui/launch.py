"""Launch, in the order that puts the library on screen first.

1. The app's Opening thread opens the store and reads the library's first page while Textual
   starts (see `paperreader.tui.opening`); the screen takes it as it mounts, or `wait_for` waits.
2. The first results are painted.
3. Only then (`start_background`): the index (Whoosh is imported, the index opened, caught up or
   rebuilt), and the trash's purge and the daily backup (a copy of the whole store, on its own
   connection), in workers;
   once the index is ready, the search box's placeholder says what this library can answer.
Typing before the index is ready says "results once indexed" and runs the search when it is.
A search that finds the index damaged (`search_failed`) starts the same rebuild, with its progress
on the status line. Quitting stops running searches (`Workspace.stop_searches`): the app's exit
joins worker threads, so a search left running would keep the process alive.

A plain service: `Launch(ui, closing)`; it posts messages the main screen turns into its state.
"""

from __future__ import annotations

from collections.abc import Callable

import paperreader.tui.messages as msg
from paperreader.tui.actions.port import UiPort

BACKGROUND_AFTER = 0.05  # seconds after the first paint


class BuildStopped(Exception):
    """Raised from the index build's progress callback when the app is quitting."""


def sentence(notice: str) -> str:
    return notice[:1].upper() + notice[1:] + "."


class Launch:
    """The launch's jobs in workers: waiting for the library, then the index and the backup."""

    def __init__(self, ui: UiPort, closing: Callable[[], bool]) -> None:
        self.ui = ui
        self._closing = closing  # the app is quitting: an index build stops
        self.background_started = False
        self.catching_up = False  # a catch-up of many papers runs (catch_up_index): searches do not wait for it

    def wait_for(self, opening) -> None:
        """The library is still opening: WorkspaceOpened once it is (or failed)."""
        self.ui.in_thread(self._wait, opening, group="open", exclusive=True)

    def _wait(self, opening) -> None:
        opening.wait()
        self.ui.post(msg.WorkspaceOpened(opening))

    def start_background(self, workspace) -> bool:
        """After the first results are painted: the index and the daily backup. True the first time."""
        if self.background_started or workspace is None:
            return False
        self.background_started = True
        self.prepare_index(workspace)
        self.ui.in_thread(self._housekeeping, workspace, group="backup", exclusive=True)
        return True

    def prepare_index(self, workspace) -> None:
        """Open, catch up or (re)build the index: IndexProgress while it builds, then IndexReady."""
        self.ui.in_thread(self._prepare_index, workspace, group="index", exclusive=True)

    def _progress(self, done: int, total: int, stage: str = "indexing") -> None:
        if self._closing():
            raise BuildStopped  # the index build or catch-up cleans up after itself; the next run starts again
        self.ui.post(msg.IndexProgress(done, total, stage))

    def catch_up_index(self, workspace) -> None:
        """Many papers changed in another process: the index takes them in here with IndexProgress
        (a bar), then IndexReady runs the search again. Searches meanwhile answer from the index as
        it is (search/engine.py, catch_up_below), saying it catches up; on the UI thread."""
        if self.catching_up:
            return
        self.catching_up = True
        self.ui.in_thread(self._catch_up_index, workspace, group="index", exclusive=True)

    def _catch_up_index(self, workspace) -> None:
        try:
            self._take_in_changes(workspace)
        finally:
            self.catching_up = False

    def _take_in_changes(self, workspace) -> None:
        from paperreader.search.validate import IndexBusy

        try:
            self._in_process(workspace, "catch-up")  # many papers: out of this process
            workspace.index.catch_up(self._progress)
        except BuildStopped:
            return
        except IndexBusy:
            pass  # the other process is indexing them itself (the CLI's import): searches wait for it as before
        except Exception as exc:
            self.ui.post(msg.IndexReady(error=f"The search index is not available: {exc}"))
            return
        self.ui.post(msg.IndexReady(notice=workspace.index.take_room_notice()))  # a full disk: the index as it was

    def _prepare_index(self, workspace) -> None:
        progress = self._progress
        try:
            notice = self._in_process(workspace, "ensure")  # a big build: out of this process
            notice = workspace.ensure_index(progress) or notice
            searches_never_wait(workspace)
        except BuildStopped:
            return
        except Exception as exc:  # IndexBusy, a damaged index that would not rebuild: browsing still works
            self.ui.post(msg.IndexReady(error=f"The search index is not available: {exc}"))
            return
        self.ui.post(msg.IndexReady(notice=notice))
        if not self._closing():
            warm_search(workspace)
            prepare_letters(workspace)


    def _in_process(self, workspace, mode: str) -> str | None:
        """A build or catch-up of many papers, in a process of its own (tui/index_process.py: in this
        one, Whoosh's commit held the GIL for long stretches and keys waited); what is left after it,
        and anything it could not do, is done in this thread as before. Its notice, if any."""
        from paperreader.tui import index_process

        if not index_process.far_behind(workspace):
            return None
        try:
            return index_process.run(workspace.paths.data_dir, mode, self._progress, self._closing)
        except index_process.Stopped:
            raise BuildStopped from None
        except (index_process.Failed, OSError):
            return None

    def _housekeeping(self, workspace) -> None:
        """The trash's purge and the daily backup (none for a library just made from the built-in
        corpus). Searches and edits go on meanwhile; a failure is a warning, as when the open made it."""
        self.ui.post(msg.BackupDone(workspace.housekeeping()))

    def fill_placeholder(self, workspace, then: Callable[[str], None]) -> None:
        """Once the index is ready: the search box's placeholder, from what this library can
        answer (authors? years? arXiv ids?), asked of the engine (which reads the index)."""
        self.ui.in_thread(self._placeholder, workspace, then, group="placeholder")

    def _placeholder(self, workspace, then) -> None:
        try:
            text = workspace.engine.placeholder()
        except Exception:  # the index went away meanwhile: the default placeholder stays
            return
        self.ui.on_ui(then, text)

    def search_failed(self, generation: int, query: str, error: Exception) -> None:
        """From a search worker: a stopped search says nothing; a damaged index is rebuilt."""
        from paperreader.search.budget import SearchCancelled  # the search modules: after the first paint
        from paperreader.search.validate import IndexDamaged

        if isinstance(error, SearchCancelled):
            return
        self.ui.post(msg.SearchFailed(generation, query, str(error)))
        if isinstance(error, IndexDamaged):
            self.ui.post(msg.IndexDamagedFound())


def searches_never_wait(workspace) -> None:
    """The reader's searches answer from the index as it is when it is far behind the store (as far
    as a build in a process of its own: tui/index_process.FROM) or another process writes it: the
    search's thread would hold the GIL catching up, or wait on the lock. In tmux (a shared 2-core
    machine, one run each): 15,000 papers imported with --no-index under the open reader, then typed:
    "searching…" for 40 s and keys up to 0.88 s late before; the answer at once, keys at most 0.16 s after."""
    from paperreader.tui import index_process

    workspace.engine.catch_up_below = index_process.FROM


def warm_search(workspace) -> None:
    """Once the index is ready, in its worker (long after the first paint): import what the first
    search would, so the first key does not pay for it. An index big enough for the numpy evaluator
    (search/dense.py, from fast.DENSE_FROM documents) imports numpy there: ~150 ms CPU. A warm-up
    only: if anything here fails, the first search imports what it needs itself."""
    import importlib
    import importlib.util

    try:
        from paperreader.search import fast

        documents = (workspace.index.read_stamp() or {}).get("docs", 0)
        if documents >= getattr(fast, "DENSE_FROM", 0) and importlib.util.find_spec("paperreader.search.dense") is not None:
            importlib.import_module("paperreader.search.dense")
    except Exception:  # noqa: BLE001 (a warm-up must never fail the index worker)
        pass


def prepare_letters(workspace) -> None:
    """Once the index is ready, in its worker: segments indexed before letter files existed get
    theirs (the first keystroke on a letter reads them, ~150 ms CPU less at a million papers), in a
    process of its own at the lowest priority (search/letter_backfill.py). Started only if a segment
    lacks its file; never fails the index worker."""
    try:
        from paperreader.search import letter_backfill

        letter_backfill.start(workspace.index)
    except Exception:  # noqa: BLE001 (a cache: the term dictionary answers meanwhile)
        pass
