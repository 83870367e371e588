"""The strict language's simple shapes read without Whoosh's parser, into the tree it would build.

Whoosh's QueryParser tags, filters and groups every query through a dozen plugins, then builds and
normalizes the tree: ~0.45 ms a query, a tenth of a search at 1k papers. Most strict queries are
words, `word*`, `"a phrase"`, `field:word` and `NOT word`, ANDed: for those `SimpleReader.read`
builds the same normalized tree directly, each field's analysis of a word remembered, and returns
None for anything else (other operators, brackets, fuzzy words, ranges, filters, punctuation in or
between words, a field other than the five text fields), which Whoosh's parser reads as before.
tests/test_search_simple_query.py holds it to Whoosh's tree on the bench's mix and many shapes.
"""

from __future__ import annotations

import re

from paperreader.search.fast_analysis import apply_steps, filter_steps

_TOKENS = re.compile(r'(?:[A-Za-z_]+:)?"[^"]*"|\S+')
_ITEM = re.compile(r'(?:(title|abstract|author|note|tag):)?(?:(\w+)(\*?)|"(\w+(?: \w+)*)")')
_PHRASE_WORD = re.compile(r"\w+")
# whitespace other than the space (str.isspace()'s characters: re's \s is the same test, checked
# over every code point), found in C rather than by a test of each character in Python
_OTHER_SPACE = re.compile(r"[^\S ]")
_ONE_WORD = re.compile(r"\w+")
OTHER_OPERATORS = frozenset(("AND", "OR", "ANDNOT", "ANDMAYBE", "REQUIRE"))
FEW_PARTS = 8  # up to this many parts, duplicates are found by == (Whoosh's __eq__, which agrees with its __hash__)
DROPPED = ""  # a word a field's analysis drops (a stop word, too short): what apply_steps returns for it


def _steps(analyzer):
    """A field's filters as plain steps on one word (Whoosh 2.7's own rules for a single token),
    or None if its chain holds a tokenizer or filter not known here (then no simple reading)."""
    from whoosh.analysis import CompositeAnalyzer, RegexTokenizer

    if not isinstance(analyzer, CompositeAnalyzer) or type(analyzer.items[0]) is not RegexTokenizer:
        return None
    tokenizer = analyzer.items[0]
    if tokenizer.gaps or not all(tokenizer.expression.fullmatch(w) for w in ("a", "word_9", "é")):
        return None  # every \w+ word must be one token
    return filter_steps(analyzer.items[1:], query=True)


class SimpleReader:
    """Reads the simple shapes of one schema's strict queries (see the module's docstring)."""

    MEMO = 20_000  # (analysis, word, removestops) -> term, remembered

    def __init__(self, fields: tuple[str, ...], boosts: dict[str, float], steps: dict) -> None:
        self.fields = fields
        self.boosts = boosts
        self._steps = steps
        # fields analysed alike (title, abstract, note) share one number: a word is stemmed once
        kinds: list = []
        self._kind: dict[str, int] = {}
        for name, own in steps.items():
            if own not in kinds:
                kinds.append(own)
            self._kind[name] = kinds.index(own)
        self._memo: dict[tuple, str] = {}

    @classmethod
    def of(cls, schema, fields, boosts) -> "SimpleReader | None":
        """None when a field's analysis is not one this module knows (Whoosh's parser reads all)."""
        steps = {}
        for name in ("title", "abstract", "author", "note", "tag"):
            if name not in schema.names():
                return None
            found = _steps(schema[name].analyzer)
            if found is None:
                return None
            steps[name] = found
        return cls(tuple(fields), dict(boosts), steps)

    def term(self, field: str, word: str, removestops: bool = True) -> str:
        key = (self._kind[field], word, removestops)
        term = self._memo.get(key)
        if term is None:
            if len(self._memo) >= self.MEMO:
                self._memo.clear()
            term = self._memo[key] = apply_steps(self._steps[field], word, removestops)
        return term

    def query_analyzer(self, field: str, analyzer) -> "QueryWords":
        """`analyzer` (the field's own) answering a single word in query mode from the memo."""
        return QueryWords(self, field, analyzer)

    def read(self, text: str):
        """The normalized Whoosh tree Whoosh's parser makes of `text` (already checked and
        rewritten by search/query.py), or None if `text` is not one of the simple shapes."""
        from whoosh import query as wq

        if not text or _OTHER_SPACE.search(text):
            return None
        items, negate = [], False
        for m in _TOKENS.finditer(text):
            token, start, end = m.group(), m.start(), m.end()
            if (start and text[start - 1] != " ") or (end < len(text) and text[end] != " "):
                return None
            if token == "NOT":
                if negate:
                    return None
                negate = True
                continue
            if token in OTHER_OPERATORS:
                return None
            item = _ITEM.fullmatch(token)
            if item is None:
                return None
            field, word, star, phrase = item.groups()
            if phrase is not None:
                node = self._phrase(field, phrase, start + token.index('"') + 1)
            else:
                node = self._word(field, word, bool(star))
            if negate:
                node = wq.NullQuery if node is wq.NullQuery else wq.Not(node)
                negate = False
            items.append(node)
        if negate or not items:
            return None
        return _normalized(wq.And, items)

    def _word(self, field: str | None, word: str, prefix: bool):
        from whoosh import query as wq

        kind = wq.Prefix if prefix else wq.Term
        if field is not None:
            term = self.term(field, word, not prefix)
            return kind(field, term) if term else wq.NullQuery
        leaves = []
        for name in self.fields:
            term = self.term(name, word, not prefix)
            if term:
                leaves.append(kind(name, term, boost=self.boosts.get(name, 1.0)))
        return _normalized(wq.Or, leaves)

    def _phrase(self, field: str | None, phrase: str, at: int):
        """`at`: where the phrase's text starts in the query (Whoosh keeps each word's characters)."""
        from whoosh import query as wq

        spots = [(m.group(), at + m.start(), at + m.end()) for m in _PHRASE_WORD.finditer(phrase)]
        if field is not None:
            return self._phrase_in(field, spots, 1.0)
        return _normalized(wq.Or, [self._phrase_in(name, spots, self.boosts.get(name, 1.0)) for name in self.fields])

    def _phrase_in(self, field: str, spots: list, boost: float):
        from whoosh import query as wq

        words, ranges = [], []
        for word, start, end in spots:
            term = self.term(field, word)
            if term:
                words.append(term)
                ranges.append((start, end))
        if not words:
            return wq.NullQuery
        if len(words) == 1:  # Phrase.normalize: a one-word phrase is a Term (without the boost)
            t = wq.Term(field, words[0])
            t.startchar, t.endchar = ranges[0]
            return t
        return wq.Phrase(field, words, slop=1, boost=boost, char_ranges=ranges)


def _normalized(kind, subqueries: list):
    """CompoundQuery.normalize of `kind(subqueries)` for already normalized leaves, Nots and Ors
    (no nested `kind`, no Every, no ranges): duplicates and NullQuery dropped, one left stands alone."""
    from whoosh import query as wq

    out: list = []
    if len(subqueries) <= FEW_PARTS:  # compared with ==, not hashed (a tree's hash walks all of it)
        for q in subqueries:
            if q is not wq.NullQuery and q not in out:
                out.append(q)
    else:
        seen: set = set()
        for q in subqueries:
            if q is wq.NullQuery or q in seen:
                continue
            seen.add(q)
            out.append(q)
    if not out:
        return wq.NullQuery
    if len(out) == 1:
        return out[0]
    return kind(out)


class _Term:
    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


class QueryWords:
    """A field's analyzer whose query-mode answer for one plain word (letters, digits, _) comes from the
    SimpleReader's memo: a prose query's words are analysed per field by search/partial.py and
    "did you mean" (Whoosh's filter chain: ~15 us a field a word; remembered: ~1 us). Anything
    else (another mode, other arguments, a word with dots or hyphens) goes to the analyzer itself.
    The tokens have only `.text`, all those callers read."""

    def __init__(self, reader: SimpleReader, field: str, analyzer) -> None:
        self.reader, self.field, self.analyzer = reader, field, analyzer

    def __call__(self, text: str, mode: str = "", **kwargs):
        if mode == "query" and not kwargs and _ONE_WORD.fullmatch(text):
            term = self.reader.term(self.field, text)
            return [_Term(term)] if term else []
        return self.analyzer(text, mode=mode, **kwargs)
