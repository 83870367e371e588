"""What the index holds: analysed text, the id, and the few fields filters read. Nothing to show:
the store holds the text, so the index stays lean and rebuildable."""

from __future__ import annotations

INDEX_SCHEMA_VERSION = 3  # 2: the PRCodec posting format (search/codec.py); 3: position keys

# Fields a bare word searches, with their query-time weights (BM25F).
DEFAULT_FIELDS = ("title", "abstract", "author", "note", "tag")
FIELD_BOOSTS = {"title": 3.0, "abstract": 1.0, "author": 2.0, "note": 1.5, "tag": 2.0}
# What users type -> the index field.
FIELD_ALIASES = {"authors": "author", "notes": "note", "tags": "tag", "category": "cat", "summary": "abstract"}
USER_FIELDS = ("title", "abstract", "author", "note", "tag", "cat", "year", "id", "is", "has")


def text_analyzer():
    """Words, lowercased, accents folded, stop words dropped, Porter-stemmed."""
    from whoosh.analysis import CharsetFilter, StemmingAnalyzer
    from whoosh.support.charset import accent_map

    return StemmingAnalyzer() | CharsetFilter(accent_map)


def _query_stop_filter():
    from paperreader.search.analysis import QueryStopFilter

    return QueryStopFilter()


def name_analyzer():
    """Author names: words, lowercased, accents folded, no stemming; stop words dropped in queries."""
    from whoosh.analysis import CharsetFilter, StandardAnalyzer
    from whoosh.support.charset import accent_map

    return StandardAnalyzer(stoplist=None, minsize=1) | CharsetFilter(accent_map) | _query_stop_filter()


def tag_analyzer():
    """Tags: whole space-separated words, lowercased; stop words dropped in queries."""
    from whoosh.analysis import LowercaseFilter, SpaceSeparatedTokenizer

    return SpaceSeparatedTokenizer() | LowercaseFilter() | _query_stop_filter()


class _FastAnalysis:
    """An analyzer's index-mode output without a generator per filter per token.

    The analyzers above are a regex tokenizer followed by filters that each map one token to at
    most one (lowercase, stop words, stem, accent folding): so each distinct word is analysed once,
    alone, and remembered; positions are renumbered over dropped words as StopFilter does. The
    output is the analyzer's own (tests compare them)."""

    MAX_CACHE = 400_000

    def __init__(self, analyzer) -> None:
        self.analyzer = analyzer
        self.pattern = analyzer.items[0].expression
        self.cache: dict = {}
        self.filters = _filter_steps(analyzer.items[1:])

    def _word(self, raw: str):
        if self.filters is not None:
            result = _apply(self.filters, raw)
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


def _filter_steps(filters) -> list | None:
    """The filters as plain steps on one word's text (what each does to a token in index mode,
    read from Whoosh 2.7's code), or None if one is not known here: a new word costs ~3 µs this
    way instead of ~17 through the analyzer's generators (a tenth of an index build)."""
    from whoosh.analysis import CharsetFilter, LowercaseFilter, StemFilter, StopFilter

    from paperreader.search.analysis import QueryStopFilter
    from paperreader.search.whoosh.internals import stem_function

    steps = []
    for f in filters:
        kind = type(f)
        if kind is LowercaseFilter:
            steps.append(("lower",))
        elif kind is StopFilter:
            steps.append(("stop", f.stops, f.min, f.max))
        elif kind is StemFilter:
            steps.append(("stem", stem_function(f), f.ignore))
        elif kind is CharsetFilter:
            steps.append(("charset", f.charmap))
        elif kind is QueryStopFilter:
            continue  # drops words from queries only
        else:
            return None
    return steps


def _apply(steps: list, text: str) -> str:
    for step in steps:
        op = step[0]
        if op == "lower":
            text = text.lower()
        elif op == "stop":
            _op, stops, least, most = step
            if len(text) < least or (most is not None and len(text) > most) or text in stops:
                return ""
        elif op == "stem":
            if text not in step[2]:
                text = step[1](text)
        else:
            text = text.translate(step[1])
    return text


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


def __getattr__(name: str):
    # indexes built before CompactPositions moved to search/formats.py pickled it under this module
    if name == "CompactPositions":
        from paperreader.search.formats import CompactPositions

        return CompactPositions
    raise AttributeError(name)


def _text_field(analyzer):
    from whoosh import fields

    from paperreader.search.formats import CompactPositions

    field = fields.TEXT(analyzer=analyzer, phrase=True)
    field.format = CompactPositions(field_boost=field.format.field_boost)
    return field


def build_schema():
    from whoosh import fields

    text = text_analyzer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=_text_field(text),
        abstract=_text_field(text),
        author=_text_field(name_analyzer()),
        note=_text_field(text),
        # a TEXT field (positions kept) so a bare "phrase", which also searches tags, can run
        tag=_text_field(tag_analyzer()),
        cat=fields.KEYWORD(lowercase=True, commas=False),
        year=fields.NUMERIC(int, bits=32, signed=False),
        has=fields.KEYWORD(lowercase=True, commas=False),
        # `is:` is answered from the store (stars and reads change without touching the index);
        # the field exists so the parser accepts the syntax.
        **{"is": fields.ID()},
    )


def document_for(record) -> dict:
    """The index document of a store record."""
    has = []
    if record.has_code:
        has.append("code")
    if record.has_note:
        has.append("note")
    if record.tags:
        has.append("tags")
    if record.arxiv_id:
        has.append("arxiv")
    doc = {
        "id": record.id,
        "title": record.title,
        "abstract": record.abstract,
        "author": "\n".join(record.authors),
        "note": record.note,
        "tag": " ".join(record.tags),
        "cat": " ".join(c.lower() for c in record.categories),
        "has": " ".join(has),
    }
    if record.year:
        doc["year"] = record.year
    return doc
