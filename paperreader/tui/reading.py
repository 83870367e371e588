"""Reading like newsboat: `N`/`P` open the next/previous unread paper of the view, opening a paper
marks it read (at once, after some seconds, or never: `[reader] mark_read` in config.toml), the
status line counts the view's unread papers, and `R` lists the papers read lately.
A main-screen mixin.
"""

from __future__ import annotations

from textual import work
from textual.binding import Binding
from textual.message import Message

from paperreader.store import PaperRecord
from paperreader.tui.messages import ActionFailed
from paperreader.tui.result_set import ResultSet
from paperreader.tui.results import PAGE, Row

READING_BINDINGS = [
    Binding("N", "next_unread", "Next unread", id="read.next_unread"),
    Binding("P", "previous_unread", "Previous unread", show=False, id="read.previous_unread"),
    Binding("R", "recently_read", "Recently read", show=False, id="read.recent"),
]

UNREAD_COUNT_AFTER = 0.15  # seconds after a search's answer: the count waits for the typing to pause


class UnreadFound(Message):
    def __init__(self, result: ResultSet, index: int | None, rows: dict[int, Row], direction: int) -> None:
        super().__init__()
        self.result = result
        self.index = index  # None: no unread paper that way
        self.rows = rows
        self.direction = direction


class UnreadCounted(Message):
    def __init__(self, result: ResultSet, count: int) -> None:
        super().__init__()
        self.result = result
        self.count = count


class Reading:
    """Needs: `result`, `unread`, `papers`, `results`, `reader`, `fetcher`, `app.settings`, `open_row()`, `open_paper()`,
    and Screen's notify/app/post_message/set_timer."""

    _read_timer = None
    _unread_timer = None

    # -- N, P ---------------------------------------------------------------------------------------
    def action_next_unread(self) -> None:
        self._go_unread(+1)

    def action_previous_unread(self) -> None:
        self._go_unread(-1)

    def _go_unread(self, direction: int) -> None:
        result = self.result
        if result is None or self.fetcher is None or not result.total:
            self.app.bell()
            return
        self._find_unread(result, self.results.cursor, direction)

    @work(thread=True, exit_on_error=False, exclusive=True, group="unread-find")
    def _find_unread(self, result: ResultSet, start: int, direction: int) -> None:
        """The read marks from the store (another process may have read some): the loaded rows
        first, and only past them the view's whole id list."""
        try:
            read = self.fetcher.ws.library.read_ids()
            index, step = start + direction, None
            while 0 <= index < result.total and (row := result.rows.get(index)) is not None:
                if row.id not in read:
                    step = index
                    break
                index += direction
            if step is None and 0 <= index < result.total:
                ids = self.fetcher.all_ids(result)
                steps = range(index, len(ids)) if direction > 0 else range(min(index, len(ids) - 1), -1, -1)
                step = next((i for i in steps if ids[i] not in read), None)
            rows = {}
            if step is not None and step not in result.rows:
                rows = self.fetcher.page(result, step - step % PAGE)
        except Exception as exc:
            self.post_message(ActionFailed(str(exc)))
            return
        self.post_message(UnreadFound(result, step, rows, direction))

    def on_unread_found(self, message: UnreadFound) -> None:
        if not message.result.same_search(self.result):
            return  # the view changed meanwhile
        if message.index is None:
            self._no_unread(message.direction)
            return
        self.result = self.result.with_rows(message.rows)
        row = self.result.rows.get(message.index)
        if row is not None:
            self._open_unread(message.index, row)

    def _open_unread(self, index: int, row: Row) -> None:
        self.results.cursor = index
        self.open_row(row)

    def _no_unread(self, direction: int) -> None:
        self.notify(f"No unread paper {'below' if direction > 0 else 'above'} this one in this list.", timeout=2)

    # -- opening marks read -----------------------------------------------------------------------------
    def paper_opened(self, record: PaperRecord) -> None:
        """The user opened a paper (enter, N/P, the palette): mark it read as configured."""
        if self._read_timer is not None:
            self._read_timer.stop()
            self._read_timer = None
        after = self.app.settings.mark_read_after
        if record.read or after is None or self.papers is None:
            return
        if after <= 0:
            self.papers.mark_read(record.id)
        else:
            self._read_timer = self.set_timer(after, lambda: self._read_long_enough(record.id))

    def _read_long_enough(self, paper_id: str) -> None:
        self._read_timer = None
        if self.reader.row is not None and self.reader.row.id == paper_id and self.papers is not None:
            self.papers.mark_read(paper_id)

    # -- the unread count ------------------------------------------------------------------------------
    def refresh_unread(self) -> None:
        """Count the view's unread papers soon (typing on waits: one count, not one a key)."""
        if self._unread_timer is not None:
            self._unread_timer.stop()
        self._unread_timer = self.set_timer(UNREAD_COUNT_AFTER, self._count_unread)

    def _count_unread(self) -> None:
        self._unread_timer = None
        if self.result is not None and self.fetcher is not None and self.pending is None:
            self._count_unread_in(self.result)

    @work(thread=True, exit_on_error=False, exclusive=True, group="unread-count")
    def _count_unread_in(self, result: ResultSet) -> None:
        try:
            count = self.fetcher.unread_count(result)
        except Exception:  # the status line keeps the last count; the next change counts again
            return
        self.post_message(UnreadCounted(result, count))

    def on_unread_counted(self, message: UnreadCounted) -> None:
        if message.result.same_search(self.result):
            self.unread = message.count

    # -- recently read -----------------------------------------------------------------------------------
    def action_recently_read(self) -> None:
        if self.fetcher is not None:
            self._load_recent()

    @work(thread=True, exit_on_error=False, exclusive=True, group="recent")
    def _load_recent(self) -> None:
        from paperreader.store.recent import recently_read

        library = self.fetcher.ws.library
        try:
            read = recently_read(library)
            records = library.get_many([pid for pid, _ in read])
        except Exception as exc:
            self.post_message(ActionFailed(str(exc)))
            return
        entries = [(records[pid], at) for pid, at in read if pid in records]
        from paperreader.tui.screens.recent import RecentlyRead

        self.app.call_from_thread(self.app.push_screen, RecentlyRead(entries), lambda pid: pid and self.open_paper(pid))
