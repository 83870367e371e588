"""Running searches: a query string in, ranked hits with highlights and a suggestion out.

Plain data for the CLI to print and the TUI to show. Highlights are computed only for the hits
asked for (what is on screen), from the store's text.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from paperreader.search.budget import SEARCH_SECONDS, guarded
from paperreader.search.highlight import Highlight, TermMatcher, fragment, spans_in
from paperreader.search.index import SearchIndex
from paperreader.search.query import ParsedQuery, QueryError, make_parser, parse
from paperreader.search.schema import fast_analysis, name_analyzer, text_analyzer
from paperreader.search.suggest import suggest
from paperreader.store import PaperRecord

FEW = 3  # at or below this many hits, offer "did you mean"


@dataclass
class Hit:
    id: str
    score: float
    record: PaperRecord
    highlights: list[Highlight] = field(default_factory=list)

    def json(self) -> dict:
        return {**self.record.summary_json(), "score": round(self.score, 4), "highlights": [h.json() for h in self.highlights]}


@dataclass
class SearchResults:
    query: str
    total: int = 0
    hits: list[Hit] = field(default_factory=list)
    suggestion: str | None = None
    error: str | None = None
    seconds: float = 0.0
    parsed: ParsedQuery | None = None
    # `total` is exact unless a prefix, wildcard or fuzzy word stood for more index terms than
    # are searched (the most frequent ones are): then it counts the papers those terms match,
    # a lower bound, and this is False ("at least 12,000").
    total_exact: bool = True

    def json(self) -> dict:
        out = {"query": self.query, "total": self.total, "suggestion": self.suggestion, "results": [h.json() for h in self.hits]}
        if not self.total_exact:
            out["total_exact"] = False
        if self.error:
            out["error"] = self.error
        return out


class _Token:
    __slots__ = ("text", "startchar", "endchar")


def _for_highlights(analyzer):
    """The analyzer as highlighting calls it (index mode, chars), through the fast path: each
    distinct word analysed once, not every token through every filter's generator."""
    fast = fast_analysis(analyzer)
    if fast is None:
        return analyzer

    def tokens(text, **_kwargs):
        token = _Token()
        for token.text, token.startchar, token.endchar in fast.spans(text):
            yield token

    return tokens


class SearchEngine:
    def __init__(self, index: SearchIndex) -> None:
        self.index = index
        self.library = index.library
        self._parser = None
        self.time_budget: float | None = SEARCH_SECONDS  # per search (search/budget.py)
        self.stopping = threading.Event()  # set by stop(): running and later searches end at once
        self._analyzers = {name: _for_highlights(a) for name, a in
                           (("title", text_analyzer()), ("abstract", text_analyzer()), ("note", text_analyzer()), ("author", name_analyzer()))}

    @property
    def parser(self):
        if self._parser is None:
            self._parser = make_parser(self.index.schema)
        return self._parser

    def parse(self, text: str) -> ParsedQuery:
        return parse(text, self.parser, self.library)

    def stop(self) -> None:
        """End running searches and refuse new ones (the app is quitting: nobody waits for them)."""
        self.stopping.set()

    @guarded
    def search(self, text: str, *, limit: int = 20, highlight: bool = True, filter_query: str = "") -> SearchResults:
        """Ranked hits for `text` (ANDed with `filter_query`, e.g. "is:starred"); raises QueryError."""
        start = time.perf_counter()
        combined = f"({text}) {filter_query}" if text.strip() and filter_query else (text or filter_query)
        try:
            parsed = self.parse(combined)
        except QueryError:
            raise
        except Exception as exc:  # Whoosh's parser on input we did not foresee
            raise QueryError("cannot read this query: check its quotes, brackets, ~ and field names") from None
        parsed.text = text
        from whoosh import query as wq

        with self.index.lock:
            self.index.catch_up()
            searcher = self.index.searcher()
            if isinstance(parsed.whoosh, wq.Every) or parsed.whoosh is wq.NullQuery:
                return self._browse(parsed, limit, start, empty=parsed.whoosh is wq.NullQuery)
            try:
                found = self.index.fast_search().run(parsed.whoosh, limit)
            except wq.QueryError as exc:  # e.g. a phrase in a field that has no positions
                raise QueryError(str(exc)) from None
            total, exact = found.total, found.exact
            scored = [(searcher.stored_fields(docnum)["id"], score) for score, docnum in found.top]
        records = self.library.get_many([pid for pid, _ in scored])
        hits = [Hit(pid, score, records[pid]) for pid, score in scored if pid in records]
        if highlight:
            matcher = TermMatcher.from_query(parsed.whoosh)
            for hit in hits:
                hit.highlights = self.highlights(hit.record, matcher)
        out = SearchResults(text, total, hits, parsed=parsed, total_exact=exact)
        if total <= FEW and parsed.words:
            out.suggestion = suggest(text, parsed.words, self.index.vocabulary)
        out.seconds = time.perf_counter() - start
        return out

    @guarded
    def ranked_ids(self, parsed: ParsedQuery, limit: int) -> list[str]:
        """The ids of the best `limit` hits of an already parsed query, best first, through the
        same fast evaluation as search() (for paging deep into a result list; term scores of the
        query are cached, so asking again for a longer list costs little)."""
        from whoosh import query as wq

        with self.index.lock:
            self.index.catch_up()
            searcher = self.index.searcher()
            if isinstance(parsed.whoosh, wq.Every) or parsed.whoosh is wq.NullQuery:
                return [] if parsed.whoosh is wq.NullQuery else self.library.list_ids()[:limit]
            try:
                found = self.index.fast_search().run(parsed.whoosh, limit)
            except wq.QueryError as exc:
                raise QueryError(str(exc)) from None
            return [searcher.stored_fields(docnum)["id"] for _score, docnum in found.top]

    def _browse(self, parsed: ParsedQuery, limit: int, start: float, empty: bool) -> SearchResults:
        """An empty query lists the library: starred first, then by title."""
        if empty:
            return SearchResults(parsed.text, 0, [], parsed=parsed)
        ids = self.library.list_ids()
        records = self.library.get_many(ids[:limit])
        hits = [Hit(pid, 0.0, records[pid]) for pid in ids[:limit] if pid in records]
        return SearchResults(parsed.text, len(ids), hits, parsed=parsed, seconds=time.perf_counter() - start)

    def highlights(self, record: PaperRecord, matcher: TermMatcher, width: int = 160) -> list[Highlight]:
        """Title spans in full, and the best window of the abstract (and note, if it matched)."""
        out = [Highlight("title", record.title, tuple(spans_in(record.title, "title", matcher, self._analyzers["title"])))]
        for name, text in (("abstract", record.abstract), ("note", record.note)):
            spans = spans_in(text, name, matcher, self._analyzers[name])
            if spans or name == "abstract":
                snippet, inside = fragment(text, spans, width)
                out.append(Highlight(name, snippet, inside))
        author_text = ", ".join(record.authors)
        spans = spans_in(author_text, "author", matcher, self._analyzers["author"])
        if spans:
            out.append(Highlight("author", author_text, tuple(spans)))
        return out

    @guarded
    def similar(self, paper_id: str, limit: int = 10) -> list[Hit]:
        """Papers like this one, offline: its most distinctive words, searched in title and abstract."""
        from whoosh import query as wq

        record = self.library.get(paper_id)
        if record is None:
            return []
        text = f"{record.title} {record.title} {record.abstract}"
        with self.index.lock:
            self.index.catch_up()
            searcher = self.index.searcher()
            terms = searcher.key_terms_from_text("abstract", text, numterms=12)
            if not terms:
                return []
            q = wq.Or([wq.Term(f, word, boost=weight) for word, weight in terms for f in ("title", "abstract")])
            results = searcher.search(q, limit=limit + 1)
            scored = [(hit["id"], hit.score) for hit in results if hit["id"] != record.id][:limit]
        records = self.library.get_many([pid for pid, _ in scored])
        return [Hit(pid, score, records[pid]) for pid, score in scored if pid in records]
