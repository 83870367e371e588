"""What one search answered, as immutable values: the filter, the orders, and `ResultSet`.

A result set is never changed in place. A page of rows loaded later, or a paper changed by a key,
makes a NEW set (`with_rows`, `with_records`) that keeps the `key` of the search it answers, so
"is this still the same view?" is `same_search`, and whoever holds the old set still sees it whole.
The main screen owns the current set (a reactive); the list and the status line are bound to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import Enum
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from paperreader.store import PaperRecord
    from paperreader.tui.results import Row


class Filter(Enum):
    """What `f` cycles through, as the engine's filter query and the store's list flags."""

    ALL = ("All", "")
    STARRED = ("Starred", "is:starred")
    ANNOTATED = ("Annotated", "is:annotated")
    UNREAD = ("Unread", "is:unread")
    NEW = ("New", "is:new")  # arrived since the previous visit (store.listings)

    @property
    def label(self) -> str:
        return self.value[0]

    @property
    def query(self) -> str:
        return self.value[1]

    def next(self) -> "Filter":
        members = list(Filter)
        return members[(members.index(self) + 1) % len(members)]

    def list_flags(self) -> dict[str, bool]:
        return {"starred": self is Filter.STARRED, "annotated": self is Filter.ANNOTATED, "unread": self is Filter.UNREAD}


SORTS = {
    "listing": "Listing rank",
    "added": "Newest added",
    "published": "Published date",
    "title": "Title",
    "starred": "Starred time",
    "relevance": "Relevance",
}


class ResultSet:
    """What one search answered: the total, the rows fetched so far and how to fetch more.

    Frozen, its rows a read-only mapping; compared by identity (a reactive holds it). A plain
    class, not a frozen dataclass: its generated methods cost ~0.7 ms CPU at the reader's launch."""

    __slots__ = FIELDS = ("query", "filter", "total", "rows", "total_exact", "suggestion", "seconds", "mode",
                          "similar_to", "parsed", "listing", "sort", "all_words", "notice", "key")  # fmt: skip
    query: str
    filter: Filter
    total: int
    rows: Mapping[int, Row]
    total_exact: bool
    suggestion: str | None
    seconds: float
    mode: str
    similar_to: PaperRecord | None
    parsed: object | None
    listing: object | None
    sort: str
    all_words: int | None
    notice: str | None
    key: object

    def __init__(
        self,
        query: str,
        filter: Filter,
        total: int,
        rows: Mapping[int, Row] | None = None,
        total_exact: bool = True,  # False: a prefix/fuzzy word stood for more terms than are searched
        suggestion: str | None = None,
        seconds: float = 0.0,
        mode: str = "search",  # "browse" (empty query), "search", "similar"
        similar_to: PaperRecord | None = None,
        parsed: object | None = None,  # the engine's ParsedQuery, to fetch more of the same
        listing: object | None = None,  # the ids in order when known (browse, a sorted search): .total, .ids()
        sort: str = "relevance",  # the order shown: one of SORTS
        all_words: int | None = None,  # a question: how many papers have every word (the rest are closest matches)
        notice: str | None = None,  # the engine's one line: an id's lookup, a field no paper has
        key: object | None = None,  # the search answered: kept by later pages (a new one by default)
    ) -> None:
        if not isinstance(rows, MappingProxyType):
            rows = MappingProxyType(dict(rows or {}))
        values = (query, filter, total, rows, total_exact, suggestion, seconds, mode, similar_to, parsed, listing,
                  sort, all_words, notice, object() if key is None else key)  # fmt: skip
        for name, value in zip(self.FIELDS, values):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value) -> None:
        raise AttributeError(f"a ResultSet is immutable: cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"a ResultSet is immutable: cannot delete field {name!r}")

    def replace(self, **changes) -> ResultSet:
        """This set with some fields changed (the same search: its key is kept)."""
        return ResultSet(**{name: getattr(self, name) for name in self.FIELDS} | changes)

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.FIELDS if name != "key")
        return f"ResultSet({shown})"

    def same_search(self, other: ResultSet | None) -> bool:
        """Does `other` answer the same search (maybe with more rows, or papers changed since)?"""
        return other is not None and other.key is self.key

    def with_rows(self, rows: Mapping[int, Row]) -> ResultSet:
        """This set with a page of rows added."""
        if not rows:
            return self
        return self.replace(rows=MappingProxyType({**self.rows, **rows}))

    def with_records(self, records: Iterable[PaperRecord]) -> ResultSet:
        """This set with the rows of these papers showing them as they are now."""
        by_id = {record.id: record for record in records}
        changed = {i: row.with_record(by_id[row.id]) for i, row in self.rows.items() if row.id in by_id}
        return self.with_rows(changed)

    def index_of(self, paper_id: str) -> int | None:
        """The row of a paper among the rows loaded, or None."""
        return next((i for i, row in self.rows.items() if row.id == paper_id), None)
