"""The main screen: search box, status line, results, reader. It owns the state and hands it down.

The state is reactive, here: the result set (a new immutable set for each answer, page or changed
paper), the filter, the marks, the papers new since the last visit, the unread count, the last
search's remark, the index's readiness and build progress. The status line and the list are bound
to it (`data_bind`) and draw it; nothing is pushed into them. What the keys do to papers is done
by plain services built once the library is open (`tui/actions/`), through `action_*` here.

Search runs as you type in a worker (`searching`); a newer query makes older ones moot. Nothing
here blocks the UI thread. Launch shows the library first, then loads the index (see `launch`).
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import reactive, var
from textual.screen import Screen
from textual.widgets import Input
from textual.worker import Worker, WorkerState

from paperreader.search.limits import notice_of
import paperreader.tui.messages as msg
from paperreader.tui.actions.library import LIBRARY_BINDINGS
from paperreader.tui.actions.port import UiPort
from paperreader.tui.actions.papers import PAPER_BINDINGS, UNDO_BINDINGS
from paperreader.tui.listing_views import LISTING_BINDINGS, ListingViews
from paperreader.tui.marks import MARK_BINDINGS, Marks
from paperreader.tui.paint_hold import PaintHold
from paperreader.tui.reader_follow import ReaderFollow
from paperreader.tui.reading import READING_BINDINGS, Reading
from paperreader.tui.result_set import Filter, ResultSet
from paperreader.tui.launch import Launch, sentence
from paperreader.tui.results import Row
from paperreader.tui.screens.background import BackgroundJobs
from paperreader.tui.screens.change_watch import ChangeWatcher
from paperreader.tui.screens.paper_keys import PaperKeys
from paperreader.tui.screens.saved_searches import HistoryAndSavedSearches
from paperreader.tui.searching import SearchRunner
from paperreader.tui.sorting import SORT_BINDINGS, Sorting
from paperreader.tui.view_keeping import ViewKeeping
from paperreader.tui.widgets.key_bar import KeyBar
from paperreader.tui.widgets.reader import ReaderPane
from paperreader.tui.widgets.results_list import ResultsList
from paperreader.tui.widgets.search_box import SearchBox
from paperreader.tui.widgets.status_line import Remark, StatusLine

POLL_SECONDS = 2.0
BUSY_AFTER = 0.3  # say "searching…" only when a search takes longer than this
READER_AT_THE_LATEST = 0.25  # seconds: a search's paper in the reader even if the list is not drawn


class MainScreen(
    ListingViews, PaperKeys, Reading, Sorting, ViewKeeping, HistoryAndSavedSearches, ChangeWatcher, BackgroundJobs, Screen
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

    # -- the state: the list and the status line are bound to these -------------------------------------
    result: var[ResultSet | None] = var(None, init=False)
    filter: reactive[Filter] = reactive(Filter.ALL, init=False)
    marks: var[Marks] = var(Marks(), init=False)  # space, *: what paper actions act on (see `targets()`)
    new_ids: var[frozenset] = var(frozenset(), init=False)  # arrived since the previous visit
    unread: var[int | None] = var(None, init=False)  # the view's unread papers, counted in a worker
    remark: var[Remark] = var(Remark(), init=False)  # the last search's notice, hint or error
    searching: var[bool] = var(False, init=False)  # a search is taking a noticeable time
    index_ready: var[bool] = var(False, init=False)
    index_progress: var[tuple[int, int] | None] = var(None, init=False)  # (done, total) while it builds
    reading: reactive[bool] = reactive(False, init=False)

    def __init__(self) -> None:
        super().__init__()
        self.fetcher = None  # results.Fetcher, once the library is open
        self.searches: SearchRunner | None = None  # the same, run in workers
        self.launch = Launch(UiPort(self), lambda: self.app.closing)
        self._generation = 0
        self._answered = 0
        self._index_error: str | None = None
        self._resumed = False

    def compose(self) -> ComposeResult:
        # The breakpoint class for the size the app has now, so the first layout is already the
        # right one (Textual sets it on the first Resize: a restyle and a second layout).
        width = self.app.size.width
        wide_enough = [name for minimum, name in sorted(self.HORIZONTAL_BREAKPOINTS) if width >= minimum]
        self.update_classes({name: name == wide_enough[-1] for _, name in self.HORIZONTAL_BREAKPOINTS})
        yield SearchBox(id="search")
        yield StatusLine(id="status")
        with Horizontal(id="panes"):
            yield ResultsList(id="results")
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

    def _on_screen_resume(self, event) -> None:
        # Textual restyles every widget when a screen becomes active; the first time, they were
        # styled as they mounted a moment ago (~10 ms for nothing). Later resumes (back from a
        # dialog, maybe after a theme change) restyle as usual.
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False
        super()._on_screen_resume(event)

    def on_mount(self) -> None:
        # Bound here, not in compose: binding a mounted widget takes effect at once, so the first
        # results (taken just below when the library is open already) are in the first frame.
        self.query_one(StatusLine).data_bind(
            MainScreen.result, MainScreen.filter, MainScreen.remark, MainScreen.marks, MainScreen.unread,
            MainScreen.searching, MainScreen.index_progress,
        )  # fmt: skip
        self.results.data_bind(MainScreen.result, MainScreen.marks, MainScreen.new_ids)
        self.follow = ReaderFollow(self.reader, self.set_timer)
        self.paint_hold = PaintHold(self.app)  # a quick answer is drawn in the key's own frame
        if not self.app.opening.done:  # else the library is shown at once: no "opening" frame
            self.reader.show(None, "Opening the library…")
        self.search_box.focus()  # AUTO_FOCUS did, unless the app has no focus
        self.app.take_early_keys(self.search_box)  # keys typed while the app started, in order
        self._take_opening()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The safety net: a worker that failed in a way nobody foresaw is reported, not fatal."""
        if event.state is WorkerState.ERROR:
            error = event.worker.error
            self.notify(f"Something went wrong: {error or 'an unexpected error'}", severity="error", markup=False)

    # -- launch (see `launch`) ----------------------------------------------------------------------------
    def _take_opening(self) -> None:
        """From on_mount: the library now if it is open, else once it is (in a worker)."""
        opening = self.app.opening
        if opening.done:
            self._opened(opening)
        else:
            self.launch.wait_for(opening)

    def on_workspace_opened(self, message: msg.WorkspaceOpened) -> None:
        self._opened(message.opening)

    def _opened(self, opening) -> None:
        if opening.error is not None:
            self.app.exit(return_code=2, message=Text(opening.error))
            return
        workspace = self.app.workspace = opening.workspace
        self.library_opened(opening.fetcher)  # the paper services
        self.searches = SearchRunner(opening.fetcher, UiPort(self), lambda g: g == self._generation, self.launch.search_failed)
        self.sort_browse, self.sort_search = opening.sorts  # remembered in the store; the first page is in this order
        self.set_interval(POLL_SECONDS, self._poll)
        if opening.first is not None and not self.search_box.value.strip() and self.filter is Filter.ALL:
            self._generation += 1  # the page read while Textual started is this search's answer
            # (its paper fills the reader once the list's first frame is drawn: see on_search_finished)
            self.on_search_finished(msg.SearchFinished(self._generation, opening.first))
        else:  # typed or filtered meanwhile, or the first read failed (the search reports why)
            self.search()
        if workspace.notices:
            self.notify(sentence("; ".join(workspace.notices)), severity="warning", markup=False)

    def on_unmount(self) -> None:
        if (hold := getattr(self, "paint_hold", None)) is not None:  # a hold never outlives the screen
            hold.answered()
        if self.app.workspace is not None:
            self.app.workspace.stop_searches()

    # -- searching ---------------------------------------------------------------------------------------
    def search(self, keep_id: str | None = None, keep_index: int = 0) -> None:
        """Run the box's query with the filter; results arrive as SearchFinished."""
        self._generation += 1
        if keep_id is None and (keep := self.take_keep_next()) is not None:
            keep_id, keep_index = keep
        if self.searches is None:
            return
        query = self.search_box.value
        if query.strip() and not self.index_ready:  # IndexReady runs it again
            self.remark = Remark(error=self._index_error) if self._index_error else Remark(notice="results once indexed")
            if not self.launch.background_started:  # typed before the first results: the index starts anyway
                self.call_after_refresh(self._after_first_paint)
            return
        self.searches.first(self._generation, query, self.filter, self.current_sort(query), keep_id, keep_index)
        self.paint_hold.started()
        generation = self._generation
        self.set_timer(BUSY_AFTER, lambda: self._show_busy(generation))

    def _show_busy(self, generation: int) -> None:
        if generation == self._generation and self.pending == generation:
            self.searching = True

    @property
    def pending(self) -> int | None:
        """The search still waiting for its answer (its generation), or None once the newest is shown."""
        return self._generation if self._answered != self._generation else None

    def on_search_finished(self, message: msg.SearchFinished) -> None:
        if message.generation != self._generation:
            return
        self._answered = message.generation
        self.searching = False
        self.result = message.result
        found = message.result.index_of(message.keep_id) if message.keep_id is not None else None
        self.results.cursor = message.keep_index if found is None else found  # the list's RowHighlighted: once
        if (row := self.results.current_row) is not None:
            # The reader (a wrapped abstract: ~20 ms) in the frame after the list's, as at launch:
            # a quick answer otherwise lands both in one frame, and the list waits for the reader.
            self.follow.after_paint(row)
            self.results.after_painted(self.follow.fill)
            self.set_timer(READER_AT_THE_LATEST, self.follow.fill)  # should the list not be drawn (hidden)
        self.note_kept(message.keep_id, found is not None)
        self.remark = Remark(notice=notice_of(message.result.parsed))  # a capped ~
        self.refresh_unread()
        if not message.result.total:
            self.reader.show(None, "Nothing to show.")
        if not self.launch.background_started:
            self.call_after_refresh(self._after_first_paint)
        self.paint_hold.answered()

    def on_search_failed(self, message: msg.SearchFailed) -> None:
        if message.generation != self._generation:
            return
        self._answered = message.generation
        self.searching = False
        self.remark = Remark(hint=message.error) if message.incomplete else Remark(error=message.error)
        if not self.launch.background_started:
            self.call_after_refresh(self._after_first_paint)
        self.paint_hold.answered()

    def on_rows_wanted(self, message: msg.RowsWanted) -> None:
        if self.result is not None and self.searches is not None:
            self.searches.page(self._generation, self.result, message.offset, self.results.wants, self.results.forget_page)

    def on_page_loaded(self, message: msg.PageLoaded) -> None:
        if message.generation == self._generation and self.result is not None:
            self.result = self.result.with_rows(message.rows)

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
        """The reader follows the cursor (see ReaderFollow)."""
        if message.row is None:
            if self.results.total == 0:
                self.reader.show(None, "Nothing to show.")
            return
        self.follow.highlighted(message.row)

    def on_row_opened(self, message: msg.RowOpened) -> None:
        self.open_row(message.row)

    def open_row(self, row: Row) -> None:
        """Read the paper of this row (enter, N/P): the reader shows it and it counts as opened."""
        self.follow.show_now(row)
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
        self.set_focus(self.search_box)  # now, not after a refresh: the letters typed next are the box's

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

    def open_paper(self, paper_id: str) -> None:
        """Show one paper in the reader (from the command palette), whatever the list shows."""
        if self.searches is not None:
            self.searches.paper(paper_id, self.result.parsed if self.result is not None else None, self._show_opened)

    def _show_opened(self, row: Row) -> None:
        self.reader.show(row)
        self._open_reader()
        self.paper_opened(row.record)

    def show_similar(self, paper_id: str) -> None:
        if self.searches is None:
            return
        self.remember_place()
        self._generation += 1
        self.searches.similar(self._generation, paper_id, self._after_similar)

    def _after_similar(self) -> None:
        self.reading = False
        self.results.focus()

    def loaded_records(self, limit: int = 200):
        """The papers of the rows loaded, for the command palette's quick title matches."""
        rows = self.result.rows if self.result is not None else {}
        return [rows[i].record for i in sorted(rows)[:limit]]
