"""Result sets for the list: the first page from the engine, more pages on demand, rows ready to draw.

Everything here blocks (store, index, search) and runs in worker threads. The engine answers top-N;
a list of 100k hits is paged: the first page comes from `SearchEngine.search` (total, suggestion,
errors), later pages re-run the same parsed query with a larger limit and read ids only for the
slice asked for, so jumping to the end of 100k hits costs one search, not 100k records.
An empty query browses the store directly (starred first, then by title; see `result_ids`), which needs
no index: the first screen shows before Whoosh is even imported.
"""

from __future__ import annotations

from functools import cached_property

from paperreader.search.highlight import NO_SPANS, Highlighter, PaperSpans, fragment
from paperreader.store import PaperRecord
from paperreader.store.ordering import sort_ids
from paperreader.tui.result_ids import BrowseList, IdList
from paperreader.tui.result_set import SORTS, Filter, ResultSet

Spans = tuple[tuple[int, int], ...]
PAGE = 100
SNIPPET_WIDTH = 120
EAGER = 20  # rows of a first page highlighted before it is shown (a 40-line terminal shows 17)


class Row:
    """One paper as the list and the reader show it, with where the query matched.

    The spans come from search/highlight.py (the one highlight path), worked out when first
    asked for: the search's worker does it for the rows a screen shows (EAGER), so the first
    frame waits for those alone, not for a whole page of 100.

    Immutable, equal when their records are. A plain class, not a frozen dataclass: its generated
    methods cost ~0.4 ms CPU at the reader's launch."""

    def __init__(self, record: PaperRecord, highlighter: Highlighter | None = None) -> None:
        object.__setattr__(self, "record", record)
        object.__setattr__(self, "highlighter", highlighter)

    def __setattr__(self, name: str, value) -> None:
        raise AttributeError(f"a Row is immutable: cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"a Row is immutable: cannot delete field {name!r}")

    def __eq__(self, other) -> bool:
        return self.record == other.record if other.__class__ is self.__class__ else NotImplemented

    def __hash__(self) -> int:
        return hash((self.record,))

    def __repr__(self) -> str:
        return f"Row(record={self.record!r})"

    @property
    def id(self) -> str:
        return self.record.id

    @cached_property
    def spans(self) -> PaperSpans:
        return self.highlighter.spans(self.record) if self.highlighter is not None else NO_SPANS

    @cached_property
    def _snippet(self) -> tuple[str, Spans, str]:
        """The list's second line: the best window of the abstract, or of the note if only it matched."""
        spans, record = self.spans, self.record
        if spans.note and not spans.abstract:
            snippet, inside = fragment(record.note.replace("\n", " "), list(spans.note), SNIPPET_WIDTH)
            return snippet, tuple(inside), "note"
        snippet, inside = fragment(record.abstract, list(spans.abstract), SNIPPET_WIDTH)
        return snippet, tuple(inside), "abstract"

    @property
    def snippet(self) -> str:
        return self._snippet[0]

    @property
    def snippet_spans(self) -> Spans:
        return self._snippet[1]

    @property
    def snippet_field(self) -> str:
        return self._snippet[2]

    @property
    def title_spans(self) -> Spans:
        return self.spans.title

    @property
    def abstract_spans(self) -> Spans:
        return self.spans.abstract

    @property
    def author_spans(self) -> Spans:
        return self.spans.author

    @property
    def note_spans(self) -> Spans:
        return self.spans.note

    def with_record(self, record: PaperRecord) -> "Row":
        return Row(record, self.highlighter)  # its spans are the new text's, when asked for

    def ready(self) -> "Row":
        """This row with its spans and snippet worked out (in the caller's thread)."""
        self._snippet  # noqa: B018
        return self


class RowMaker:
    """Turns records into rows, with the spans search/highlight.py finds when there is a query
    (the parsed query is passed through: nothing here reads it)."""

    def __init__(self, parsed=None) -> None:
        self.highlighter = Highlighter.of(parsed)

    def row(self, record: PaperRecord, ready: bool = True) -> Row:
        """A row; `ready=False`: its spans are worked out when it is first drawn."""
        row = Row(record, self.highlighter)
        return row.ready() if ready else row


class Fetcher:
    """Runs searches for the TUI against one workspace. Blocking: call from worker threads."""

    def __init__(self, workspace) -> None:
        self.ws = workspace
        self._ranking: tuple | None = None  # (parsed query, ranked ids, limit asked)
        # what the store poll compares with first: a commit by another process between this and the
        # poll's first look (2 s later) would otherwise count as the starting point, and go unseen
        self.data_version_at_open = workspace.library.data_version()

    def first(self, query: str, filter: Filter, count: int = PAGE, sort: str | None = None) -> ResultSet:
        """The first page of a search (or of the library, for an empty query); raises QueryError.

        `sort`: one of SORTS (None: listing order when browsing, relevance for a query)."""
        if not query.strip():
            order = sort if sort in SORTS and sort != "relevance" else "listing"
            listing = BrowseList(self.ws.library, filter, first=count, order=order)
            if filter not in (Filter.ALL, Filter.UNREAD):  # small lists, read whole: put in the order asked
                listing = IdList(sort_ids(self.ws.library, listing.ids(0, listing.total), order))
            result = ResultSet(query, filter, listing.total, mode="browse", listing=listing, sort=order)
        else:
            found = self.ws.engine.search(query, limit=count, highlight=False, filter_query=filter.query, typing=True)
            result = ResultSet(
                query, filter, found.total, suggestion=found.suggestion, seconds=found.seconds, parsed=found.parsed,
                total_exact=getattr(found, "total_exact", True), all_words=found.all_words, notice=found.notice,
            )
            if sort in SORTS and sort != "relevance" and found.total:
                listing = IdList(sort_ids(self.ws.library, self.ws.engine.ranked_ids(found.parsed, found.total), sort))
                result = result.replace(listing=listing, sort=sort, total=listing.total)
            else:
                maker = RowMaker(found.parsed)
                rows = {i: maker.row(hit.record, ready=i < EAGER) for i, hit in enumerate(found.hits)}
                return result.replace(rows=rows, total=max(result.total, len(rows)))
        return result.with_rows(self.page(result, 0, count))

    def page(self, result: ResultSet, offset: int, count: int = PAGE) -> dict[int, Row]:
        """Rows offset..offset+count of a result set."""
        if result.listing is not None:
            ids = result.listing.ids(offset, count)
        elif result.mode == "search" and result.parsed is not None:
            ids = self._ranked_ids(result.parsed, offset, count)
        else:
            return {}
        records = self.ws.library.get_many(ids)
        maker = RowMaker(result.parsed if result.mode == "search" else None)
        return {offset + i: maker.row(records[pid]) for i, pid in enumerate(ids) if pid in records}

    def _ranked_ids(self, parsed, offset: int, count: int) -> list[str]:
        """Ids ranked offset..offset+count, through the engine's fast path.

        The ranking is kept for the same query and grows geometrically, so scrolling through
        100k hits re-ranks a handful of times, not per page (term scores are cached in the
        engine, so a longer ranking costs little more).
        """
        cached = self._ranking
        if cached and cached[0] is parsed and (len(cached[1]) >= offset + count or len(cached[1]) < cached[2]):
            ids = cached[1]
        else:
            limit = max(offset + count, 2 * cached[2] if cached and cached[0] is parsed else 0)
            ids = self.ws.engine.ranked_ids(parsed, limit)
            self._ranking = (parsed, ids, limit)
        return ids[offset : offset + count]

    def all_ids(self, result: ResultSet, limit: int | None = None) -> list[str]:
        """Every id of a result set (the first `limit`), in its order (for `*`, next unread,
        finding a paper's row)."""
        count = result.total if limit is None else min(limit, result.total)
        if result.listing is not None:
            return result.listing.ids(0, count)
        if result.mode == "search" and result.parsed is not None:
            return self._ranked_ids(result.parsed, 0, max(count, 1))
        return [result.rows[i].id for i in sorted(result.rows)][:count]

    def find(self, result: ResultSet, paper_id: str, limit: int = 20_000) -> tuple[ResultSet, int | None]:
        """The row of a paper in a result set (among its first `limit`), and the set with that
        row's page loaded (a new set: sets are immutable); None if it is not there. For keeping
        the cursor on its paper."""
        index = result.index_of(paper_id)
        if index is not None:
            return result, index
        try:
            index = self.all_ids(result, limit).index(paper_id)
        except ValueError:
            return result, None
        result = result.with_rows(self.page(result, index - index % PAGE))
        return result, (index if index in result.rows else None)

    def unread_count(self, result: ResultSet) -> int:
        """How many papers of a result set are unread (the status line's count)."""
        library = self.ws.library
        if result.mode == "browse" and result.filter in (Filter.ALL, Filter.UNREAD) and result.listing is None:  # a listing's are its own
            from paperreader.store import listing

            return listing.count(library, unread=True)
        if result.mode == "search" and result.listing is None and result.parsed is not None:
            if not result.total:
                return 0
            query = " ".join(q for q in (result.filter.query, "is:unread") if q)
            # the list's own reading (a phrase being typed; a question's closest matches fill a page)
            return self.ws.engine.search(result.query, limit=PAGE, highlight=False, filter_query=query, typing=True).total
        ids = self.all_ids(result)
        read = library.read_ids()
        return sum(1 for pid in ids if pid not in read)

    def similar(self, paper_id: str, limit: int = 100) -> ResultSet:
        record = self.ws.library.get(paper_id)
        hits = self.ws.engine.similar(paper_id, limit=limit)
        maker = RowMaker(None)
        rows = {i: maker.row(hit.record) for i, hit in enumerate(hits)}
        return ResultSet("", Filter.ALL, len(rows), rows=rows, mode="similar", similar_to=record)

    def reload(self, paper_id: str) -> PaperRecord | None:
        return self.ws.library.get(paper_id)
