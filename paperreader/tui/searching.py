"""The searches the main screen asks for, run in workers; each ends by posting its answer.

A newer query makes older ones moot: each carries the screen's generation number, `is_current`
says whether it is still the newest, and a gate lets only one search (and one page) run at a
time. Answers are new immutable result sets (SearchFinished, PageLoaded); nothing here changes
the screen's state. A plain service: `SearchRunner(fetcher, ui, is_current, failed)`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import paperreader.tui.messages as msg
from paperreader.tui.actions.port import UiPort
from paperreader.tui.result_set import Filter, ResultSet
from paperreader.tui.results import Fetcher, RowMaker


class SearchRunner:
    def __init__(self, fetcher: Fetcher, ui: UiPort, is_current: Callable[[int], bool], failed: Callable) -> None:
        self.fetcher = fetcher
        self.ui = ui
        self._is_current = is_current
        self._failed = failed  # (generation, query, error), from the worker: Launch.search_failed
        self._search_gate = threading.Lock()
        self._page_gate = threading.Lock()

    def first(self, generation: int, query: str, filter: Filter, sort: str, keep_id: str | None, keep_index: int) -> None:
        """The first page of a search (or of the library, for an empty query), the cursor's paper loaded."""
        self.ui.in_thread(self._first, generation, query, filter, sort, keep_id, keep_index, group="search", exclusive=True)

    def _first(self, generation: int, query: str, filter: Filter, sort: str, keep_id: str | None, keep_index: int) -> None:
        from paperreader.search.query import QueryError, QueryIncomplete  # not before the first paint

        with self._search_gate:
            if not self._is_current(generation):
                return  # a newer query was typed while this one waited
            try:
                result = self.fetcher.first(query, filter, sort=sort)
                if keep_id is not None:
                    result, found = self.fetcher.find(result, keep_id)
                    keep_index = keep_index if found is None else found  # its page is loaded: the cursor stays on its paper
            except QueryError as exc:  # QueryIncomplete: still being typed, a hint (search/prose.py)
                self.ui.post(msg.SearchFailed(generation, query, str(exc), incomplete=isinstance(exc, QueryIncomplete)))
                return
            except Exception as exc:  # IndexBusy, StoreError: one line, keep the old results
                self._failed(generation, query, exc)  # (a damaged index is rebuilt)
                return
        self.ui.post(msg.SearchFinished(generation, result, keep_id, keep_index))
        room = self.fetcher.ws.index.take_room_notice()  # the catch-up found a full disk: said once
        if room:
            self.ui.post(msg.ActionFailed(room[0].upper() + room[1:]))
        if query.strip() and self._far_behind():
            self.ui.post(msg.IndexBehind())  # the catch-up, out of process with its bar; then this search again

    def _far_behind(self) -> bool:
        """The search just answered without waiting for many changes (search/engine.py: a catch-up
        of them in this thread held the GIL for seconds), and nobody is taking them in: another
        process holding the writer (an import indexing what it stored, our own catch-up) is."""
        from paperreader.tui.index_process import FROM

        ws = self.fetcher.ws
        try:
            return ws.engine.left_behind >= FROM and not ws.index.writer_busy() and not ws.index.waiting_for_room()
        except Exception:  # noqa: BLE001 (the index is being replaced: the change poll looks again)
            return False

    def page(self, generation: int, result: ResultSet, offset: int, wanted: Callable[[int], bool], dropped: Callable[[int], None]) -> None:
        """Rows offset..offset+PAGE, if the list still `wanted` them when their turn comes; else `dropped`."""
        self.ui.in_thread(self._page, generation, result, offset, wanted, dropped, group="pages")

    def _page(self, generation: int, result: ResultSet, offset: int, wanted, dropped) -> None:
        with self._page_gate:  # one page at a time; pages scrolled past while waiting are skipped
            try:
                rows = self.fetcher.page(result, offset) if self._is_current(generation) and wanted(offset) else None
            except Exception:
                rows = None
        if rows is None:
            self.ui.on_ui(dropped, offset)
        else:
            self.ui.post(msg.PageLoaded(generation, rows))

    def similar(self, generation: int, paper_id: str, then: Callable[[], None]) -> None:
        """More like this paper: its answer, then `then` on the UI thread."""
        self.ui.in_thread(self._similar, generation, paper_id, then, group="search", exclusive=True)

    def _similar(self, generation: int, paper_id: str, then) -> None:
        try:
            result = self.fetcher.similar(paper_id)
        except Exception as exc:
            self.ui.post(msg.SearchFailed(generation, "", str(exc)))
            return
        self.ui.post(msg.SearchFinished(generation, result))
        self.ui.on_ui(then)

    def paper(self, paper_id: str, parsed, then: Callable) -> None:
        """One paper as a row (highlighted for `parsed`), handed to `then` on the UI thread."""
        self.ui.in_thread(self._paper, paper_id, parsed, then, group="open-paper")

    def _paper(self, paper_id: str, parsed, then) -> None:
        try:
            record = self.fetcher.reload(paper_id)
        except Exception as exc:
            self.ui.post(msg.ActionFailed(str(exc)))
            return
        if record is None:
            self.ui.post(msg.ActionFailed(f"No paper with id {paper_id}"))
            return
        self.ui.on_ui(then, RowMaker(parsed).row(record))
