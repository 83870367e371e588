"""Messages that workers and widgets post up to the screen, which owns the state.

Workers finish by posting one of these (posting is thread-safe), so the UI thread never waits.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from paperreader.store import PaperRecord
from paperreader.tui.result_set import ResultSet
from paperreader.tui.results import Row


# -- the workspace and its index ---------------------------------------------------------------
@dataclass
class WorkspaceOpened(Message):
    """The app's Opening finished (see `paperreader.tui.opening`): the library, or why not."""

    opening: object


@dataclass
class IndexProgress(Message):
    done: int
    total: int


@dataclass
class IndexReady(Message):
    notice: str | None = None
    error: str | None = None


@dataclass
class BackupDone(Message):
    """The daily backup ran (or had been made already); `notice` says why it could not be made."""

    notice: str | None = None


class IndexDamagedFound(Message):
    """A search could not read the index: rebuild it (the index has marked itself)."""


@dataclass
class LibraryChanged(Message):
    """Another process committed to the store: what we show may be stale."""


# -- searching -------------------------------------------------------------------------------------
@dataclass
class SearchFinished(Message):
    """A search's answer: a new result set (the screen's state becomes it)."""

    generation: int
    result: ResultSet
    keep_id: str | None = None  # after a refresh, put the cursor back on this paper
    keep_index: int = 0


@dataclass
class SearchFailed(Message):
    generation: int
    query: str
    error: str
    incomplete: bool = False  # a query still being typed: a hint, the last results stay


@dataclass
class PageLoaded(Message):
    """More rows of the shown search: the screen makes a new result set with them."""

    generation: int
    rows: dict[int, Row]


@dataclass
class HistoryLoaded(Message):
    history: list[str]
    saved: list[tuple[str, str]]


# -- the results list --------------------------------------------------------------------------------
@dataclass
class RowHighlighted(Message):
    index: int
    row: Row | None


@dataclass
class RowOpened(Message):
    index: int
    row: Row


@dataclass
class RowsWanted(Message):
    """The list is about to show rows it does not have."""

    offset: int


# -- the user's changes ------------------------------------------------------------------------------
@dataclass
class PaperUpdated(Message):
    """A paper changed in the store (by us); `what` says how, for the notification."""

    record: PaperRecord
    what: str = ""


@dataclass
class PapersUpdated(Message):
    """Several papers changed in the store (by us); `what` says how, for the notification."""

    records: list[PaperRecord]
    what: str = ""


@dataclass
class PapersDeleted(Message):
    """Papers went to the trash (by us); `what` says which, for the notification."""

    ids: list[str]
    what: str


@dataclass
class TagRenamed(Message):
    """A tag was renamed or merged (`done`: store.tag_rename's answer)."""

    done: object


@dataclass
class QueryWanted(Message):
    """Show the results of this query (the tag browser's "show")."""

    query: str


@dataclass
class Undone(Message):
    """An undo step ran: what is shown is read again from the store."""

    description: str


@dataclass
class ActionFailed(Message):
    error: str
