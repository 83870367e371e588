"""The main screen: search box, status line, results, reader. It owns the state and hands it down.

Search runs as you type in a thread worker; a newer query makes older ones moot (each carries a
generation number, and a gate lets only the newest waiting search run). Nothing here blocks the
UI thread: the library is opened, indexed, searched and written from workers.

Launch shows the library first, then loads the index (see `startup`).
"""

from __future__ import annotations

import threading
import time

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Input
from textual.worker import Worker, WorkerState

from paperreader.search.limits import notice_of
from paperreader.tui import messages as msg
from paperreader.tui.search_hints import SearchHints
from paperreader.tui.batch_actions import UNDO_BINDINGS, BatchActions
from paperreader.tui.library_actions import LIBRARY_BINDINGS, LibraryActions
from paperreader.tui.listing_views import LISTING_BINDINGS, ListingViews
from paperreader.tui.marks import MARK_BINDINGS, MarkedPapers, Marks
from paperreader.tui.reading import READING_BINDINGS, Reading
from paperreader.tui.results import Fetcher, Filter, ResultSet, Row, RowMaker
from paperreader.tui.screens.change_watch import ChangeWatcher
from paperreader.tui.screens.paper_actions import PAPER_BINDINGS, PaperActions
from paperreader.tui.screens.saved_searches import HistoryAndSavedSearches
from paperreader.tui.screens.startup import Startup
from paperreader.tui.sorting import SORT_BINDINGS, Sorting
from paperreader.tui.undo import UndoStack
from paperreader.tui.view_keeping import ViewKeeping
from paperreader.tui.widgets.key_bar import KeyBar
from paperreader.tui.widgets.reader import ReaderPane
from paperreader.tui.widgets.results_list import ResultsList
from paperreader.tui.widgets.search_box import SearchBox
from paperreader.tui.widgets.status_line import StatusLine

POLL_SECONDS = 2.0
READER_INTERVAL = 0.08  # the reader redraws at most this often while the cursor moves
BUSY_AFTER = 0.3  # say "searching…" only when a search takes longer than this


class MainScreen(
    SearchHints, ListingViews, Startup, MarkedPapers, BatchActions, LibraryActions, Reading, Sorting, ViewKeeping, PaperActions, HistoryAndSavedSearches, ChangeWatcher, Screen
):
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    AUTO_FOCUS = "#search"  # type to search: focused as the screen is composed, not moved there after
    BINDINGS = [
        Binding("slash", "focus_search", "Search", id="search.focus"),
        Binding("escape", "back", "Back", show=False, id="main.back"),
        Binding("f", "cycle_filter", "Filter", id="filter.cycle"),
        Binding("S", "save_search", "Save search", show=False, id="search.save"),
        Binding("b", "saved_searches", "Saved searches", show=False, id="search.saved"),
        *PAPER_BINDINGS,
        *MARK_BINDINGS,
        *LIBRARY_BINDINGS,
        *UNDO_BINDINGS,
        *SORT_BINDINGS,
        *READING_BINDINGS,
        *LISTING_BINDINGS,
    ]

    filter: reactive[Filter] = reactive(Filter.ALL, init=False)
    reading: reactive[bool] = reactive(False, init=False)

    def __init__(self) -> None:
        super().__init__()
        self.fetcher: Fetcher | None = None
        self.result: ResultSet | None = None
        self.index_ready = False
        self._generation = 0
        self._reader_next: Row | None = None
        self._reader_shown_at = 0.0
        self._reader_timer = None
        self._reader_after_paint = False  # the first results: the reader fills in after the list is painted
        self._answered = 0
        self._index_error: str | None = None
        self._search_gate = threading.Lock()
        self._page_gate = threading.Lock()
        self._data_version: int | None = None
        self.saved_cache: list[tuple[str, str]] = []
        self._resumed = False
        self.marks = Marks()  # space, *: what paper actions act on (see `targets()`)
        self.undo = UndoStack()  # u: this session's changes, newest last

    def compose(self) -> ComposeResult:
        # The breakpoint class for the size the app has now, so the first layout is already the
        # right one (Textual sets it on the first Resize: a restyle and a second layout).
        width = self.app.size.width
        wide_enough = [name for minimum, name in sorted(self.HORIZONTAL_BREAKPOINTS) if width >= minimum]
        self.update_classes({name: name == wide_enough[-1] for _, name in self.HORIZONTAL_BREAKPOINTS})
        yield SearchBox(id="search")
        yield StatusLine(id="status")
        with Horizontal(id="panes"):
            results = ResultsList(id="results")
            results.marks = self.marks
            yield results
            yield ReaderPane(id="reader", classes="-empty -no-note")  # as show(None) leaves it: no restyle
        yield KeyBar()

    @property
    def results(self) -> ResultsList:
        return self.query_one(ResultsList)

    @property
    def reader(self) -> ReaderPane:
        return self.query_one(ReaderPane)

    @property
    def search_box(self) -> SearchBox:
        return self.query_one(SearchBox)

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    def _on_screen_resume(self, event) -> None:
        # Textual restyles every widget when a screen becomes active; the first time, they were
        # styled as they mounted a moment ago (~10 ms for nothing). Later resumes (back from a
        # dialog, maybe after a theme change) restyle as usual.
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False
        super()._on_screen_resume(event)

    def on_mount(self) -> None:
        if not self.app.opening.done:  # else the library is shown at once: no "opening" frame
            self.status.show(None, self.filter)
            self.reader.show(None, "Opening the library…")
        self.search_box.focus()  # AUTO_FOCUS did, unless the app has no focus
        self.app.take_early_keys(self.search_box)  # keys typed while the app started, in order
        self._take_opening()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The safety net: a worker that failed in a way nobody foresaw is reported, not fatal."""
        if event.state is WorkerState.ERROR:
            error = event.worker.error
            self.notify(f"Something went wrong: {error or 'an unexpected error'}", severity="error", markup=False)

    def _watch_store(self) -> None:
        self.set_interval(POLL_SECONDS, self._poll)

    # -- searching ---------------------------------------------------------------------------------------
    def search(self, keep_id: str | None = None, keep_index: int = 0) -> None:
        """Run the box's query with the filter; results arrive as SearchFinished."""
        self._generation += 1
        if keep_id is None and (keep := self.take_keep_next()) is not None:
            keep_id, keep_index = keep
        if self.fetcher is None:
            return
        query = self.search_box.value
        if query.strip() and not self.index_ready:  # IndexReady runs it again
            if self._index_error:
                self.status.show(self.result, self.filter, error=self._index_error)
            else:
                self.status.show(self.result, self.filter, notice="results once indexed")
            if not self._background_started:  # typed before the first results: the index starts anyway
                self.call_after_refresh(self._after_first_paint)
            return
        self._run_search(self._generation, query, self.filter, self.current_sort(query), keep_id, keep_index)
        generation = self._generation
        self.set_timer(BUSY_AFTER, lambda: self._show_busy(generation))

    def _show_busy(self, generation: int) -> None:
        if generation == self._generation and self.pending == generation:
            self.status.busy(True)

    @property
    def pending(self) -> int | None:
        """The search still waiting for its answer (its generation), or None once the newest is shown."""
        return self._generation if self._answered != self._generation else None

    _pending = pending  # bench/tui.py reads this name

    @work(thread=True, exit_on_error=False, exclusive=True, group="search")
    def _run_search(self, generation: int, query: str, filter: Filter, sort: str, keep_id: str | None, keep_index: int) -> None:
        from paperreader.search.query import QueryError, QueryIncomplete

        with self._search_gate:
            if generation != self._generation:
                return  # a newer query was typed while this one waited
            try:
                result = self.fetcher.first(query, filter, sort=sort)
                if keep_id is not None and (found := self.fetcher.find(result, keep_id)) is not None:
                    keep_index = found  # its page is loaded: the cursor stays on its paper
            except QueryError as exc:  # QueryIncomplete: still being typed, a hint (search/prose.py)
                self.post_message(msg.SearchFailed(generation, query, str(exc), incomplete=isinstance(exc, QueryIncomplete)))
                return
            except Exception as exc:  # IndexBusy, StoreError: one line, keep the old results
                self.search_failed(generation, query, exc)  # (startup: a damaged index is rebuilt)
                return
        self.post_message(msg.SearchFinished(generation, result, keep_id, keep_index))

    def on_search_finished(self, message: msg.SearchFinished) -> None:
        if message.generation != self._generation:
            return
        self._answered = message.generation
        self.status.busy(False)
        self.result = message.result
        cursor = found = None
        if message.keep_id is not None:
            cursor = found = next((i for i, row in message.result.rows.items() if row.id == message.keep_id), None)
        self.results.show(message.result, message.keep_index if cursor is None else cursor, self._empty_message(message.result))
        self.note_kept(message.keep_id, found is not None)
        self.status.show(message.result, self.filter, notice=notice_of(message.result.parsed))  # a capped ~
        self.refresh_unread()
        if not message.result.total:
            self.reader.show(None, "Nothing to show.")
        if not self._background_started:
            self.call_after_refresh(self._after_first_paint)

    def _empty_message(self, result: ResultSet) -> Text:
        if result.mode == "browse" and self.filter is Filter.ALL:
            return Text("   The library is empty. Import papers with: paperreader import FILE", style="dim")
        text = Text("   No papers match", style="dim")
        if self.filter is not Filter.ALL:
            text.append(f" with the filter {self.filter.label} (f changes it)", style="dim")
        if result.suggestion:
            text.append(". Did you mean ", style="dim")
            text.append(result.suggestion, style="bold")
            text.append("? (ctrl+t)", style="dim")
        return text

    def on_search_failed(self, message: msg.SearchFailed) -> None:
        if message.generation != self._generation:
            return
        self._answered = message.generation
        self.status.busy(False)
        if message.incomplete:
            self.status.show(self.result, self.filter, hint=message.error)
        else:
            self.status.show(self.result, self.filter, error=message.error)
        if not self._background_started:
            self.call_after_refresh(self._after_first_paint)

    def on_rows_wanted(self, message: msg.RowsWanted) -> None:
        if self.result is not None and self.fetcher is not None:
            self._fetch_page(self._generation, self.result, message.offset)

    @work(thread=True, exit_on_error=False, group="pages")
    def _fetch_page(self, generation: int, result: ResultSet, offset: int) -> None:
        with self._page_gate:  # one page at a time; pages scrolled past while waiting are skipped
            if generation != self._generation or not self.results.wants(offset):
                self.app.call_from_thread(self.results.forget_page, offset)
                return
            try:
                rows = self.fetcher.page(result, offset)
            except Exception:
                self.app.call_from_thread(self.results.forget_page, offset)
                return
        self.post_message(msg.PageLoaded(generation, rows))

    def on_page_loaded(self, message: msg.PageLoaded) -> None:
        if message.generation == self._generation:
            self.results.add_rows(message.rows)

    @on(Input.Changed, "#search")
    def _query_changed(self, event: Input.Changed) -> None:
        if self.focused is self.search_box:  # typed: escape no longer returns to a saved search's place
            self._place = None
        self.search()

    @on(Input.Submitted, "#search")
    def _query_submitted(self, event: Input.Submitted) -> None:
        self._remember_query(event.value)
        self.results.focus()
        self.results.cursor = 0

    def on_search_box_left(self, message: SearchBox.Left) -> None:
        self.results.focus()

    def on_search_box_suggestion_wanted(self, message: SearchBox.SuggestionWanted) -> None:
        self.action_use_suggestion()

    def on_status_line_suggestion_clicked(self, message: StatusLine.SuggestionClicked) -> None:
        self.action_use_suggestion()

    def action_use_suggestion(self) -> None:
        if self.result is not None and self.result.suggestion:
            self.search_box.value = self.result.suggestion
            self.search_box.cursor_position = len(self.search_box.value)
        else:
            self.app.bell()

    # -- the list, the reader, the filter -------------------------------------------------------------------
    def on_row_highlighted(self, message: msg.RowHighlighted) -> None:
        """The reader follows the cursor; while a key repeats, it catches up at most every 80 ms."""
        if message.row is None:
            if self.results.total == 0:
                self.reader.show(None, "Nothing to show.")
            return
        if self._reader_after_paint and message.row is self._reader_next:
            return  # the first results' own highlight: _fill_reader shows it once the list is painted
        self._reader_after_paint = False  # the cursor moved before that: the reader follows it as usual
        self._reader_next = message.row
        now = time.monotonic()
        if now - self._reader_shown_at >= READER_INTERVAL:
            self._show_next_in_reader()
        elif self._reader_timer is None:
            self._reader_timer = self.set_timer(READER_INTERVAL, self._show_next_in_reader)

    def _fill_reader(self) -> None:
        """The first results' paper, shown one frame after the list: the reader (a wrapped abstract,
        its layout and paint: ~13 ms) is not in the first frame the user waits for."""
        if not self._reader_after_paint:  # the cursor moved first and the reader followed it
            return
        self._reader_after_paint = False
        # Not _show_next_in_reader: the cursor's first move must not wait READER_INTERVAL after this.
        if self._reader_next is not None:
            self.reader.show(self._reader_next)
            self._reader_next = None

    def _show_next_in_reader(self) -> None:
        self._reader_timer = None
        if self._reader_next is not None:
            self.reader.show(self._reader_next)
            self._reader_next = None
            self._reader_shown_at = time.monotonic()

    def on_row_opened(self, message: msg.RowOpened) -> None:
        self.open_row(message.row)

    def open_row(self, row: Row) -> None:
        """Read the paper of this row (enter, N/P): the reader shows it and it counts as opened."""
        self._reader_next = None
        self.reader.show(row)
        self._remember_query(self.search_box.value)
        self._open_reader()
        self.paper_opened(row.record)

    def _open_reader(self) -> None:
        if self.has_class("-narrow"):
            self.reading = True
        self.reader.focus()

    def watch_reading(self, reading: bool) -> None:
        self.set_class(reading, "-reading")
        if not reading:
            self.results.focus()

    def current_record(self):
        """The paper a key acts on when none are marked: the one under the list's cursor while the
        list has focus (the reader may lag a fast cursor by a frame), else the reader's."""
        if self.focused is self.results and not self.reading and (row := self.results.current_row) is not None:
            return row.record
        row = self.reader.row
        return row.record if row is not None else None

    def action_focus_search(self) -> None:
        self.reading = False
        self.search_box.focus()

    def action_back(self) -> None:
        if self.focused is self.results and self.clear_marks():
            return
        if self.reading:
            self.reading = False
        elif self.focused is self.reader:
            self.results.focus()
        elif self.return_to_place():  # from more-like-this or a saved search, to the paper it left
            pass
        elif self.focused is not self.results:
            self.results.focus()

    def action_cycle_filter(self) -> None:
        self.filter = self.filter.next()

    def watch_filter(self, filter: Filter) -> None:
        self.search(**self.keep_args())
        self.notify(f"Filter: {filter.label}", timeout=2)

    def on_reader_pane_link_clicked(self, message: ReaderPane.LinkClicked) -> None:
        self.open_url(message.url)

    def open_paper(self, paper_id: str) -> None:
        """Show one paper in the reader (from the command palette), whatever the list shows."""
        self._load_paper(paper_id)

    @work(thread=True, exit_on_error=False, group="open-paper")
    def _load_paper(self, paper_id: str) -> None:
        try:
            record = self.fetcher.reload(paper_id) if self.fetcher else None
        except Exception as exc:
            self.post_message(msg.ActionFailed(str(exc)))
            return
        if record is None:
            self.post_message(msg.ActionFailed(f"No paper with id {paper_id}"))
            return
        parsed = self.result.parsed if self.result is not None else None
        row = RowMaker(parsed).row(record)
        self.app.call_from_thread(self._show_opened, row)

    def _show_opened(self, row: Row) -> None:
        self.reader.show(row)
        self._open_reader()
        self.paper_opened(row.record)

    def show_similar(self, paper_id: str) -> None:
        if self.fetcher is None:
            return
        self.remember_place()
        self._generation += 1
        self._run_similar(self._generation, paper_id)

    @work(thread=True, exit_on_error=False, exclusive=True, group="search")
    def _run_similar(self, generation: int, paper_id: str) -> None:
        try:
            result = self.fetcher.similar(paper_id)
        except Exception as exc:
            self.post_message(msg.SearchFailed(generation, "", str(exc)))
            return
        self.post_message(msg.SearchFinished(generation, result))
        self.app.call_from_thread(self._after_similar)

    def _after_similar(self) -> None:
        self.reading = False
        self.results.focus()

    # -- the command palette --------------------------------------------------------------------------
    def loaded_records(self, limit: int = 200):
        rows = self.result.rows if self.result is not None else {}
        return [rows[i].record for i in sorted(rows)[:limit]]

    def palette_commands(self):
        """(name, help, callback) for every action, for the command palette."""
        from paperreader.tui.keys import palette_entries

        yield from palette_entries(self)
