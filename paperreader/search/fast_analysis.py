"""Each distinct word analysed once: an analyzer's index-mode output (terms, positions, spans)
without a generator per filter per token, for index builds (`search/bulk.py`), our posting format
(`search/formats.py`) and highlighting. The analyzers themselves are in `search/schema.py`."""

from __future__ import annotations


class _FastAnalysis:
    """An analyzer's index-mode output without a generator per filter per token.

    The analyzers of `search/schema.py` are a regex tokenizer followed by filters that each map one token to at
    most one (lowercase, stop words, stem, accent folding): so each distinct word is analysed once,
    alone, and remembered; positions are renumbered over dropped words as StopFilter does. The
    output is the analyzer's own (tests compare them)."""

    MAX_CACHE = 400_000

    def __init__(self, analyzer) -> None:
        self.analyzer = analyzer
        self.pattern = analyzer.items[0].expression
        self.cache: dict = {}
        self.filters = filter_steps(analyzer.items[1:])

    def _word(self, raw: str):
        if self.filters is not None:
            result = apply_steps(self.filters, raw)
        else:
            out = [t.text for t in self.analyzer(raw, mode="index")]
            result = out[0] if len(out) == 1 else ("" if not out else None)
        if len(self.cache) >= self.MAX_CACHE:
            self.cache.clear()
        if result is None:
            raise ValueError(f"not one token: {raw!r}")
        self.cache[raw] = result
        return result

    def analyzer_word(self, raw: str):
        """What the analyzer itself makes of one word (tests hold `_word` to it)."""
        out = [t.text for t in self.analyzer(raw, mode="index")]
        return out[0] if len(out) == 1 else ("" if not out else None)

    def terms(self, value: str):
        """(term, position) for each kept word."""
        cache, word = self.cache, self._word
        pos = None
        for i, m in enumerate(self.pattern.finditer(value)):
            raw = m.group()
            text = cache.get(raw)
            if text is None:
                text = word(raw)
            if text:
                pos = i if pos is None else pos + 1
                yield text, pos

    def spans(self, value: str):
        """(term, startchar, endchar) for each kept word (for highlighting)."""
        cache, word = self.cache, self._word
        for m in self.pattern.finditer(value):
            raw = m.group()
            text = cache.get(raw)
            if text is None:
                text = word(raw)
            if text:
                yield text, m.start(), m.end()


def filter_steps(filters, *, query: bool = False) -> list | None:
    """The filters as plain steps on one word's text (what each does to a token in index mode,
    or with `query` in query mode, read from Whoosh 2.7's code), or None if one is not known
    here: a new word costs ~3 µs this way instead of ~17 through the analyzer's generators (a
    tenth of an index build; search/simple_query.py reads queries' words the same way)."""
    from whoosh.analysis import CharsetFilter, LowercaseFilter, StemFilter, StopFilter

    from paperreader.search.analysis import STOP_WORDS, QueryStopFilter

    steps = []
    for f in filters:
        kind = type(f)
        if kind is LowercaseFilter:
            steps.append(("lower",))
        elif kind is StopFilter:
            steps.append(("stop", f.stops, f.min, f.max))
        elif kind is StemFilter:
            # the stemmer itself: each word reaches it once (the caches here), so the filter's
            # LFU-cached wrapper (Python, evicting by sorting) was ~2% of a 100k import for nothing
            steps.append(("stem", f.stemfn, f.ignore))
        elif kind is CharsetFilter:
            steps.append(("charset", f.charmap))
        elif kind is QueryStopFilter:
            if query:  # drops words from queries only
                steps.append(("querystop", STOP_WORDS))
        else:
            return None
    return steps


def apply_steps(steps, word: str, removestops: bool = True) -> str:
    """One word through `filter_steps`' steps: its term, or "" when a filter drops it.
    `removestops` False (a query's prefixes): a stop word is kept, marked stopped, and not
    stemmed, as Whoosh's filters do."""
    stopped = False
    for step in steps:
        op = step[0]
        if op == "lower":
            word = word.lower()
        elif op == "stop":
            _op, stops, least, most = step
            if len(word) < least or (most is not None and len(word) > most) or word in stops:
                if removestops:
                    return ""
                stopped = True
            else:
                stopped = False
        elif op == "stem":
            if not stopped and word not in step[2]:
                word = step[1](word)
        elif op == "charset":
            word = word.translate(step[1])
        elif word in step[1]:  # querystop: every query-mode token
            return ""
    return word


_FAST: dict = {}


def fast_analysis(analyzer) -> _FastAnalysis | None:
    """The fast path for `analyzer`, or None if it is not a regex tokenizer and 1:1 filters."""
    hit = _FAST.get(id(analyzer))
    if hit is not None and hit.analyzer is analyzer:
        return hit
    from whoosh.analysis import (CharsetFilter, CompositeAnalyzer, LowercaseFilter, RegexTokenizer, StemFilter,
                                 StopFilter)

    items = getattr(analyzer, "items", None)
    if not isinstance(analyzer, CompositeAnalyzer) or not items or type(items[0]) is not RegexTokenizer:
        return None
    from paperreader.search.analysis import QueryStopFilter  # drops nothing in index mode

    if any(type(f) not in (LowercaseFilter, StopFilter, StemFilter, CharsetFilter, QueryStopFilter) for f in items[1:]):
        return None
    if any(type(f) is StopFilter and not f.renumber for f in items[1:]):
        return None
    fast = _FAST[id(analyzer)] = _FastAnalysis(analyzer)
    return fast
