"""Running searches: a query string in, ranked hits with highlights and a suggestion out.

Plain data for the CLI to print and the TUI to show. Highlights are computed only for the hits
asked for (what is on screen), from the store's text.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from paperreader.search import partial
from paperreader.search.coverage import Coverage
from paperreader.search.fast import EVERY
from paperreader.search.budget import SEARCH_SECONDS, guarded
from paperreader.search.highlight import Highlight, Highlighter
from paperreader.search.index import SearchIndex
from paperreader.search.lookup import identify, identify_all, in_named_order, look_up
from paperreader.search.memory import after_search as release_memory
from paperreader.search.partial import ProsePlan, word_groups
from paperreader.search.partial import leaf_texts as _leaf_texts
from paperreader.search.prose import read as read_query
from paperreader.search.completion import complete_phrase
from paperreader.search.prefix_estimate import estimate_total
from paperreader.search.query import ParsedQuery, QueryError, QueryIncomplete, check_fields, ids_query, make_parser, parse
from paperreader.search.schema import DEFAULT_FIELDS, FIELD_BOOSTS, fast_analysis, text_analyzer
from paperreader.search.suggest import suggest
from paperreader.store import PaperRecord

FEW = 3  # at or below this many hits, offer "did you mean"
SUGGEST_LENGTH = 40  # longer "words" (a pasted hash, a run of letters) are not spelling mistakes
SUGGEST_WORDS = 4  # a longer question gets its closest matches, not a spelling check of every word
IDS_KEPT = 50_000  # docnum -> paper id remembered per searcher (~5 MB at most)


def catching_up(behind: int) -> str:
    """The notice of an answer that did not wait for the index to take in `behind` changes."""
    papers = "new or changed paper is" if behind == 1 else "new or changed papers are"
    return f"the index is catching up: {behind:,} {papers} not in these results yet"


@dataclass
class Hit:
    id: str
    score: float
    record: PaperRecord
    highlights: list[Highlight] = field(default_factory=list)
    match: str = "all"  # "partial": a question's closest match, without every word

    def json(self) -> dict:
        return {**self.record.summary_json(), "score": round(self.score, 4), "match": self.match,
                "highlights": [h.json() for h in self.highlights]}


@dataclass
class SearchResults:
    query: str
    total: int = 0
    hits: list[Hit] = field(default_factory=list)
    suggestion: str | None = None
    error: str | None = None
    seconds: float = 0.0
    parsed: ParsedQuery | None = None
    # `total` is exact unless a prefix, wildcard or fuzzy word stood for more index terms than are
    # searched (the most frequent ones are): then this is False ("about 12,000").
    total_exact: bool = True
    # A question or long query: how many papers have every word (the list then holds the closest
    # partial matches too, and `total` counts them all); None for other queries.
    all_words: int | None = None
    notice: str | None = None  # one line: why nothing was found and what would help, or an id's lookup

    def json(self) -> dict:
        out = {"query": self.query, "total": self.total, "suggestion": self.suggestion, "results": [h.json() for h in self.hits]}
        if not self.total_exact:
            out["total_exact"] = False
        if self.all_words is not None:
            out["all_words"] = self.all_words
        if self.notice:
            out["notice"] = self.notice
        if self.error:
            out["error"] = self.error
        return out


class SearchEngine:
    def __init__(self, index: SearchIndex) -> None:
        self.index = index
        self.library = index.library
        self._parser = None
        self.time_budget: float | None = SEARCH_SECONDS  # per search (search/budget.py)
        self.stopping = threading.Event()  # set by stop(): running and later searches end at once
        self._text_analyzer = self._text_fast = None
        self._field_analyzers = None
        self._coverage_of: tuple | None = None  # (searcher, Coverage)
        self._ids_of: tuple | None = None  # (searcher, {docnum: paper id}, its stored fields' reader): _ids
        # None: every search catches the index up first (the CLI: a search sees every paper). The
        # reader sets a number (tui/index_process.FROM): from that many changes waiting, or while
        # another process writes the index, a search answers from the index as it is, at once (a
        # catch-up of 15,000 papers in the reader's search said nothing for 40 s, keys up to 0.88 s
        # late: tui/launch.py); the reader has it done in a process of its own and searches again after.
        self.catch_up_below: int | None = None
        self.left_behind = 0  # changes the last search() did not wait for (0: it saw every paper)

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
    def search(self, text: str, *, limit: int = 20, highlight: bool = True, filter_query: str = "",
               typing: bool = False, _suggest: bool = True) -> SearchResults:
        """Ranked hits for `text` (ANDed with `filter_query`, e.g. "is:starred"); raises QueryError
        (QueryIncomplete for a query still being typed, when `typing`: the search box)."""
        start = time.perf_counter()
        ident = identify(text) or identify_all(text)  # one id or link, or several pasted at once
        reading = None if ident else read_query(text, self._keeps, typing=typing)
        if reading is not None and reading.kind == "incomplete":
            raise QueryIncomplete(reading.hint)
        if reading is not None and reading.kind == "prose":
            check_fields(text)  # `auther:gu` names no field (a strict query is checked by parse)
        from whoosh import query as wq

        with self.index.lock:
            self.left_behind = behind = self._catch_up()
            fast = self.index.fast_search()  # one searcher for the whole search (each refresh lists the index dir)
            searcher = fast.searcher
            notice = None
            if ident is not None:
                parsed, notice = self._lookup(text, ident, filter_query)
            elif reading.kind == "prose":
                parsed = self._parse_prose(text, reading, filter_query, fast)
            else:
                parsed = self._parse_strict(text if reading.kind == "empty" else reading.text, filter_query)
                if reading.prefix:
                    parsed.whoosh = self._complete_phrase(parsed.whoosh, reading.prefix, fast)
            parsed.text = text
            if isinstance(parsed.whoosh, wq.Every) or (parsed.whoosh is wq.NullQuery and ident is None):
                return self._browse(parsed, limit, start, empty=parsed.whoosh is wq.NullQuery)
            plan = parsed.prose
            try:
                if plan is not None and plan.fill is not False:
                    ranked = self._rank_prose(parsed, limit, fast)
                    total, exact, all_words = ranked.total, fast.exact, ranked.all_words
                    found = [(score, docnum, every) for score, docnum, every in ranked.top]
                else:
                    evaluation = fast.run(parsed.whoosh, max(limit, len(parsed.named or ())))
                    total, exact, all_words = evaluation.total, evaluation.exact, evaluation.total
                    if not exact:  # a lone prefix: the papers its unsearched terms would add, estimated
                        total = estimate_total(fast, parsed.whoosh, total)
                    found = [(score, docnum, True) for score, docnum in evaluation.top]
            except wq.QueryError as exc:  # e.g. a phrase in a field that has no positions
                raise QueryError(str(exc)) from None
            ids = self._ids(searcher, [docnum for _s, docnum, _e in found])
            scored = [(pid, score, every) for pid, (score, _d, every) in zip(ids, found)]
            if parsed.named:  # pasted ids: in the order pasted, not the index's
                scored = in_named_order(scored, parsed.named)[:limit]
            if not all_words and notice is None and ident is None:
                notice = self._why_nothing(searcher, text, filter_query)
        records = self.library.get_many([pid for pid, _, _ in scored])
        hits = [Hit(pid, score, records[pid], match="all" if every else "partial") for pid, score, every in scored if pid in records]
        if highlight:
            highlighter = Highlighter(parsed.whoosh)
            for hit in hits:
                hit.highlights = highlighter.shown(hit.record)
        if behind:
            notice = "; ".join(filter(None, (notice, catching_up(behind))))
        out = SearchResults(text, total, hits, parsed=parsed, total_exact=exact, notice=notice,
                            all_words=all_words if plan is not None and plan.fill else None)
        # a word still being typed is not misspelt, while it can still become a word of some paper
        typed_on = reading is not None and bool(reading.prefix) and all_words > 0
        if _suggest and all_words <= FEW and parsed.words and ident is None and not typed_on and (plan is None or len(parsed.words) <= SUGGEST_WORDS):
            out.suggestion = self._better(text, parsed.words, all_words, filter_query, typing)
        out.seconds = time.perf_counter() - start
        release_memory(self.index.lock)  # freed memory left resident goes back to the system (search/memory.py)
        return out

    def _better(self, text: str, words: list[str], found: int, filter_query: str, typing: bool) -> str | None:
        """ "Did you mean": the query with unknown words corrected, only if that finds more."""
        with self.index.lock:
            searcher = self.index.searcher()
            analyzer = self._query_analyzers()["abstract"]
            words = [w for w in words if len(w) <= SUGGEST_LENGTH and not any(  # a known stem is not misspelt
                searcher.doc_frequency(name, t.text) for t in analyzer(w, mode="query") for name in ("title", "abstract"))]
        fix = suggest(text, words, self.index.vocabulary) if words else None
        if fix is None:
            return None
        try:
            other = self.search(fix, limit=0, highlight=False, filter_query=filter_query, typing=typing, _suggest=False)
        except QueryError:
            return None
        more = other.all_words if other.all_words is not None else other.total
        return fix if more > found else None

    def placeholder(self) -> str:
        """The search box's hint, from what this library has (reads the index: call from a worker)."""
        with self.index.lock:
            self._catch_up()
            return self._coverage(self.index.searcher()).placeholder()

    def _catch_up(self) -> int:
        """The store's changes taken into the index before searching it (call with the index lock),
        unless the reader asked not to wait for many (`catch_up_below`); the changes left waiting."""
        if self.catch_up_below is None:
            self.index.catch_up()
            return 0
        return self.index.catch_up_if_near(self.catch_up_below)

    # -- reading a query ------------------------------------------------------------------------------
    def _keeps(self, word: str) -> bool:
        """Would the index keep this word (not a stop word, not too short)?"""
        if self._text_fast is None:
            self._text_analyzer = text_analyzer()
            self._text_fast = fast_analysis(self._text_analyzer)
        try:
            return bool(self._text_fast._word(word) if word not in self._text_fast.cache else self._text_fast.cache[word])
        except ValueError:
            return False

    def _parse_strict(self, text: str, filter_query: str) -> ParsedQuery:
        combined = f"({text}) {filter_query}" if text.strip() and filter_query else (text or filter_query)
        try:
            return self.parse(combined)
        except QueryError:
            raise
        except Exception as exc:  # Whoosh's parser on input we did not foresee
            raise QueryError("cannot read this query: check its quotes, brackets, ~ and field names") from None

    def _filter_node(self, filter_query: str):
        return self._parse_strict(filter_query, "").whoosh if filter_query.strip() else None

    def _parse_prose(self, text: str, reading, filter_query: str, fast) -> ParsedQuery:
        from whoosh import query as wq

        groups, weights = word_groups(reading.words, self._query_analyzers(), fast.searcher if reading.fill else None,
                                      prefix=reading.prefix, stem=self._text_fast._word, expand=fast._expand)
        flt = self._filter_node(filter_query)
        if not groups:
            return ParsedQuery(text, wq.NullQuery, words=list(reading.words))
        node = wq.And(groups + ([flt] if flt is not None else [])) if len(groups) > 1 or flt is not None else groups[0]
        plan = ProsePlan(groups, flt, fill=None if reading.fill else False, weights=weights)
        return ParsedQuery(text, node, words=list(reading.words), prose=plan)

    def _query_analyzers(self) -> dict:
        """Each default field's analyzer; a plain word's query-mode terms remembered (search/simple_query.py)."""
        if self._field_analyzers is None:
            schema, simple = self.index.schema, getattr(self.parser, "simple_reader", None)
            self._field_analyzers = {name: schema[name].analyzer if simple is None
                                     else simple.query_analyzer(name, schema[name].analyzer) for name in DEFAULT_FIELDS}
        return self._field_analyzers

    def _lookup(self, text: str, ident, filter_query: str):
        """Ids or links: those papers, by exact lookup in the store, and a notice
        saying which were found and how to get the others (search/lookup.py)."""
        from whoosh import query as wq

        pids, notice = look_up(self.library, ident if isinstance(ident, list) else [ident])
        if not pids:
            return ParsedQuery(text, wq.NullQuery), notice
        flt = self._filter_node(filter_query)
        node = ids_query(set(pids)) if flt is None else wq.And([ids_query(set(pids)), flt])
        return ParsedQuery(text, node, named=pids), notice

    def _complete_phrase(self, q, raw: str, fast):
        """The phrase still being typed, its last word `raw` a prefix (search/completion.py)."""
        from whoosh import query as wq

        from paperreader.text import clean_tag

        stem = fast_analysis(self._text_analyzer or text_analyzer())
        q = complete_phrase(q, raw, self._query_analyzers(), fast, stem._word)
        begun = "-" + clean_tag(raw)  # `tag:"deep lea`: the tag's name (query.rewrite: deep-lea) is begun

        def tag_begun(node):
            if type(node) is wq.Term and node.fieldname == "tag" and str(node.text).endswith(begun):
                return wq.Prefix("tag", node.text, boost=node.boost)
            return node

        return q.accept(tag_begun)

    def _ids(self, searcher, docnums: list[int]) -> list[str]:
        """The paper ids of index documents, remembered per searcher (a page asked again, or a
        paper on many pages, reads its stored fields once: ~8 us each); call with the index lock."""
        memo = self._ids_of
        if memo is None or memo[0] is not searcher:
            from paperreader.search.whoosh.internals import stored_fields_reader

            memo = self._ids_of = (searcher, {}, stored_fields_reader(searcher))
        known, stored_fields = memo[1], memo[2]
        out = []
        for docnum in docnums:
            pid = known.get(docnum)
            if pid is None:
                if len(known) >= IDS_KEPT:
                    known.clear()
                pid = known[docnum] = stored_fields(docnum)["id"]
            out.append(pid)
        return out

    def _coverage(self, searcher) -> Coverage:
        cached = self._coverage_of
        if cached is None or cached[0] is not searcher:
            cached = self._coverage_of = (searcher, Coverage(searcher))
        return cached[1]

    def _why_nothing(self, searcher, text: str, filter_query: str) -> str | None:
        """A query on a field no paper has: say so, and what would fill it."""
        missing = self._coverage(searcher).missing_in(f"{text} {filter_query}")
        return f"{missing[0]}: {missing[1]}" if missing else None

    # -- questions --------------------------------------------------------------------------------
    def _rank_prose(self, parsed: ParsedQuery, limit: int, fast):
        """A question or long query: all the words first, then (when few) the closest matches."""
        plan = parsed.prose
        fast.exact = True
        allowed = None
        if plan.filter is not None:
            docs = fast._docs(plan.filter)
            allowed = None if docs is EVERY else set(docs)
        ranked = partial.rank(fast, plan.groups, allowed, limit, fill=plan.fill, weights=plan.weights,
                              feedback=lambda docnums: self._feedback(plan, fast, docnums))
        if plan.fill is None:
            plan.fill = ranked.filled
        return ranked

    def _feedback(self, plan, fast, docnums: list[int]) -> list:
        """Pseudo-relevance feedback: the most telling words of the first pass's top papers
        (kept in the plan, so later pages rank the same way)."""
        if plan.feedback is None:
            searcher = fast.searcher
            ids = self._ids(searcher, docnums)
            records = self.library.get_many(ids)
            texts = [f"{records[i].title} {records[i].abstract}" for i in ids if i in records]
            analysis = fast_analysis(self._text_analyzer or text_analyzer())
            skip = {t for g in plan.groups for t in _leaf_texts(g)}
            plan.feedback = partial.feedback_terms(
                texts, lambda text: [t for t, _pos in analysis.terms(text)],
                lambda t: searcher.doc_frequency("abstract", t), fast.N, skip, partial.PROSE_BOOSTS)
        return plan.feedback

    @guarded
    def ranked_ids(self, parsed: ParsedQuery, limit: int) -> list[str]:
        """The ids of the best `limit` hits of an already parsed query, best first, through the
        same fast evaluation as search() (for paging deep into a result list; term scores of the
        query are cached, so asking again for a longer list costs little)."""
        from whoosh import query as wq

        with self.index.lock:
            self._catch_up()
            fast = self.index.fast_search()
            searcher = fast.searcher
            if isinstance(parsed.whoosh, wq.Every) or parsed.whoosh is wq.NullQuery:
                return [] if parsed.whoosh is wq.NullQuery else self.library.list_ids()[:limit]
            if parsed.prose is not None and parsed.prose.fill is not False:
                return self._ids(searcher, [docnum for _s, docnum, _all in self._rank_prose(parsed, limit, fast).top])
            try:
                found = fast.run(parsed.whoosh, max(limit, len(parsed.named or ())))
            except wq.QueryError as exc:
                raise QueryError(str(exc)) from None
            ids = self._ids(searcher, [docnum for _score, docnum in found.top])
            return in_named_order(ids, parsed.named, key=str)[:limit] if parsed.named else ids

    def _browse(self, parsed: ParsedQuery, limit: int, start: float, empty: bool) -> SearchResults:
        """An empty query lists the library: starred first, then by title."""
        if empty:
            return SearchResults(parsed.text, 0, [], parsed=parsed)
        ids = self.library.list_ids()
        records = self.library.get_many(ids[:limit])
        hits = [Hit(pid, 0.0, records[pid]) for pid in ids[:limit] if pid in records]
        return SearchResults(parsed.text, len(ids), hits, parsed=parsed, seconds=time.perf_counter() - start)

    @guarded
    def similar(self, paper_id: str, limit: int = 10) -> list[Hit]:
        """Papers like this one, offline: its most distinctive words, searched in title and abstract."""
        from whoosh import query as wq

        record = self.library.get(paper_id)
        if record is None:
            return []
        text = f"{record.title} {record.title} {record.abstract}"
        with self.index.lock:
            self._catch_up()
            searcher = self.index.searcher()
            terms = searcher.key_terms_from_text("abstract", text, numterms=12)
            if not terms:
                return []
            q = wq.Or([wq.Term(f, word, boost=weight) for word, weight in terms for f in ("title", "abstract")])
            found = self.index.fast_search().run(q, limit + 1)  # BM25F of search/scoring.py, as every search
            scored = [(searcher.stored_fields(docnum)["id"], score) for score, docnum in found.top]
            scored = [(pid, score) for pid, score in scored if pid != record.id][:limit]
        records = self.library.get_many([pid for pid, _ in scored])
        return [Hit(pid, score, records[pid]) for pid, score in scored if pid in records]
