"""Messages that workers and widgets post up to the screen, which owns the state.

Workers finish by posting one of these (posting is thread-safe), so the UI thread never waits.
Plain classes with their own __init__, not dataclasses: making these 19 dataclasses (each
generates and compiles its __init__, __repr__ and __eq__) was ~12 ms CPU of every launch.
"""

from __future__ import annotations

from textual.message import Message

from paperreader.store import PaperRecord
from paperreader.tui.result_set import ResultSet
from paperreader.tui.results import Row


# -- the workspace and its index ---------------------------------------------------------------
class WorkspaceOpened(Message):
    """The app's Opening finished (see `paperreader.tui.opening`): the library, or why not."""

    def __init__(self, opening: object) -> None:
        self.opening = opening
        super().__init__()


class IndexProgress(Message):
    def __init__(self, done: int, total: int, stage: str = "indexing") -> None:
        self.done = done
        self.total = total
        self.stage = stage  # "indexing" (papers) or "writing" (the commit: search/rebuild.py)
        super().__init__()


class IndexReady(Message):
    def __init__(self, notice: str | None = None, error: str | None = None) -> None:
        self.notice = notice
        self.error = error
        super().__init__()


class BackupDone(Message):
    """The daily backup ran (or had been made already); `notice` says why it could not be made."""

    def __init__(self, notice: str | None = None) -> None:
        self.notice = notice
        super().__init__()


class IndexDamagedFound(Message):
    """A search could not read the index: rebuild it (the index has marked itself)."""


class IndexBehind(Message):
    """Another process changed many papers (an import from the CLI): catch the index up in the
    index worker, with progress, rather than inside the next search (a silent "searching…")."""


class LibraryChanged(Message):
    """Another process committed to the store: what we show may be stale."""


# -- searching -------------------------------------------------------------------------------------
class SearchFinished(Message):
    """A search's answer: a new result set (the screen's state becomes it)."""

    def __init__(self, generation: int, result: ResultSet, keep_id: str | None = None, keep_index: int = 0) -> None:
        self.generation = generation
        self.result = result
        self.keep_id = keep_id  # after a refresh, put the cursor back on this paper
        self.keep_index = keep_index
        super().__init__()


class SearchFailed(Message):
    def __init__(self, generation: int, query: str, error: str, incomplete: bool = False) -> None:
        self.generation = generation
        self.query = query
        self.error = error
        self.incomplete = incomplete  # a query still being typed: a hint, the last results stay
        super().__init__()


class PageLoaded(Message):
    """More rows of the shown search: the screen makes a new result set with them."""

    def __init__(self, generation: int, rows: dict[int, Row]) -> None:
        self.generation = generation
        self.rows = rows
        super().__init__()


class HistoryLoaded(Message):
    def __init__(self, history: list[str], saved: list[tuple[str, str]]) -> None:
        self.history = history
        self.saved = saved
        super().__init__()


# -- the results list --------------------------------------------------------------------------------
class RowHighlighted(Message):
    def __init__(self, index: int, row: Row | None) -> None:
        self.index = index
        self.row = row
        super().__init__()


class RowOpened(Message):
    def __init__(self, index: int, row: Row) -> None:
        self.index = index
        self.row = row
        super().__init__()


class RowsWanted(Message):
    """The list is about to show rows it does not have."""

    def __init__(self, offset: int) -> None:
        self.offset = offset
        super().__init__()


# -- the user's changes ------------------------------------------------------------------------------
class PaperUpdated(Message):
    """A paper changed in the store (by us); `what` says how, for the notification."""

    def __init__(self, record: PaperRecord, what: str = "") -> None:
        self.record = record
        self.what = what
        super().__init__()


class PapersUpdated(Message):
    """Several papers changed in the store (by us); `what` says how, for the notification."""

    def __init__(self, records: list[PaperRecord], what: str = "") -> None:
        self.records = records
        self.what = what
        super().__init__()


class PapersDeleted(Message):
    """Papers went to the trash (by us); `what` says which, for the notification."""

    def __init__(self, ids: list[str], what: str) -> None:
        self.ids = ids
        self.what = what
        super().__init__()


class TagRenamed(Message):
    """A tag was renamed or merged (`done`: store.tag_rename's answer)."""

    def __init__(self, done: object) -> None:
        self.done = done
        super().__init__()


class QueryWanted(Message):
    """Show the results of this query (the tag browser's "show")."""

    def __init__(self, query: str) -> None:
        self.query = query
        super().__init__()


class Undone(Message):
    """An undo step ran: what is shown is read again from the store."""

    def __init__(self, description: str) -> None:
        self.description = description
        super().__init__()


class ActionFailed(Message):
    def __init__(self, error: str) -> None:
        self.error = error
        super().__init__()
