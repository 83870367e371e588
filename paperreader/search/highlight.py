"""Which words of a paper a query matched, as character spans per field: plain data both UIs style.

The one highlight path: `Highlighter(parsed).spans(record)` gives a `PaperSpans` (start, end offsets
into the store's cleaned text of the title, abstract, authors joined with ", ", note and tags joined
with " "), by one rule: a word matches when its analysed form is a query leaf of that field (a term
or phrase word, a prefix of the typed word, a fuzzy neighbour, a wildcard: `search/term_matcher.py`).
The CLI prints `Highlighter.shown()` (the fields it shows, the abstract's best window), the TUI
draws the spans; neither looks at the query's Whoosh tree or the analyzers. Run only for hits
that are shown, on text from the store (the index stores no text).
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_right
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # imported by the first Highlighter: the launch shows rows with no query (~1.4 ms)
    from paperreader.search.term_matcher import TermMatcher

Spans = tuple[tuple[int, int], ...]
FIELDS = ("title", "abstract", "author", "note", "tag")


def author_text(record) -> str:
    """The authors as one text, as highlighted and shown."""
    return ", ".join(record.authors)


def tag_text(record) -> str:
    """The tags as one text, as indexed."""
    return " ".join(record.tags)


class PaperSpans(NamedTuple):
    """Where a query matched one paper: spans per field (see the module's docstring for the texts).
    A named tuple: made for each row shown, it costs a tuple, not a frozen dataclass's setattrs."""

    title: Spans = ()
    abstract: Spans = ()
    author: Spans = ()
    note: Spans = ()
    tag: Spans = ()

    def __bool__(self) -> bool:
        return bool(self.title or self.abstract or self.author or self.note or self.tag)


NO_SPANS = PaperSpans()


class Highlight(NamedTuple):
    """One field as shown (the title, the abstract's window...) and the spans in that text."""

    field: str
    text: str
    spans: tuple[tuple[int, int], ...]

    def json(self) -> dict:
        return {"field": self.field, "text": self.text, "matches": [list(s) for s in self.spans]}


_ANALYZERS: dict | None = None
_ANALYZERS_LOCK = threading.Lock()
_VERDICTS: dict[tuple, dict[str, bool]] = {}  # (analysis, signature) -> word as written -> matches
VERDICT_SETS = 32  # the most recent signatures kept (a page fetch or a recount reuses its search's)
VERDICT_WORDS = 200_000  # words per signature before its set starts afresh


def _verdicts(analysis, signature: tuple) -> dict[str, bool]:
    """The words already judged for this analysis and signature (searches run in several threads)."""
    key = (id(analysis), signature)
    with _ANALYZERS_LOCK:
        found = _VERDICTS.get(key)
        if found is None or len(found) > VERDICT_WORDS:
            if len(_VERDICTS) >= VERDICT_SETS:
                _VERDICTS.pop(next(iter(_VERDICTS)), None)
            found = _VERDICTS[key] = {}
        return found


def field_analyzers() -> dict:
    """Per highlighted field, (the schema's fast analysis or None, the index's analyzer, what
    `_stemmed_words` says of it, what `_needle_cut` says of it), made once per process: their word
    caches then serve every search (made per search, every word of every row went through Whoosh's
    filters again: ~8 ms a row)."""
    global _ANALYZERS
    with _ANALYZERS_LOCK:
        if _ANALYZERS is None:
            from paperreader.search.schema import fast_analysis, name_analyzer, tag_analyzer, text_analyzer

            text, names, tags = text_analyzer(), name_analyzer(), tag_analyzer()
            pairs = {"text": (fast_analysis(text), text, _stemmed_words(text), _needle_cut(text)),
                     "author": (fast_analysis(names), names, None, _needle_cut(names)),
                     "tag": (fast_analysis(tags), tags, None, None)}
            _ANALYZERS = {"title": pairs["text"], "abstract": pairs["text"], "note": pairs["text"],
                          "author": pairs["author"], "tag": pairs["tag"]}
        return _ANALYZERS


TOKEN_PATTERN = r"\w+(\.?\w+)*"  # Whoosh's default RegexTokenizer
# Its token at a position, if one starts there: a word character neither after one nor after a dot
# that follows one ("a.b" is one token). Looked for where a needle was found, in ASCII text only.
TOKEN_AT = r"(?<!\w)(?<!\w\.)\w+(?:\.?\w+)*"
_token_at = None  # TOKEN_AT compiled, on the first search (not at import: the TUI's launch is timed)
# Porter's steps only cut a word's ending and append a replacement: what they append agrees with the
# word's own letters but for at most 2 (biliti -> ble; ational -> ate, y -> i, ing -> e: 1), and
# later steps only cut, so a term keeps all but its last 2 characters of the word (tests check it)
PORTER_CUT = 2


def _needle_cut(analyzer) -> int | None:
    """For an analyzer whose term of an ASCII word shares all but its last N characters with the
    word lowercased, N (a prefix of each query term then finds the words that can match it, with
    str.find, without tokenizing the rest of the text). The text fields' chain (lowercase, stop
    words, Porter, accent folding): PORTER_CUT; the names' (lowercase, accent folding): 0. None:
    another tokenizer or chain, or a folding that changes an ASCII word character."""
    from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
    from whoosh.lang.porter import stem as porter

    from paperreader.search.analysis import QueryStopFilter

    items = getattr(analyzer, "items", None)
    if not items or type(items[0]) is not RegexTokenizer or items[0].gaps:
        return None
    expression = items[0].expression
    if expression.pattern != TOKEN_PATTERN or expression.flags != re.UNICODE:
        return None
    filters = [f for f in items[1:] if type(f) is not QueryStopFilter]  # drops query words only
    ascii_word = "abcdefghijklmnopqrstuvwxyz0123456789_"
    if any(type(f) is CharsetFilter and ascii_word.translate(f.charmap) != ascii_word for f in filters):
        return None
    kinds = [type(f) for f in filters]
    if kinds == [LowercaseFilter, StopFilter, StemFilter, CharsetFilter] and filters[2].stemfn is porter:
        return PORTER_CUT
    if kinds in ([LowercaseFilter, CharsetFilter], [LowercaseFilter]):
        return 0
    return None


def _compile_token_at():
    global _token_at
    _token_at = re.compile(TOKEN_AT).match
    return _token_at


def _stemmed_words(analyzer):
    """For an analyzer that is exactly lowercase, stop words, Porter stem, accent folding (the
    text fields'): (stop words, min, max, folding). Porter keeps a word's first letter (it only
    rewrites endings), so a word's term starts with its folded first letter: a word that starts
    otherwise need not be stemmed to know it is none of the query's terms. None: not that chain."""
    from whoosh.analysis import CharsetFilter, LowercaseFilter, StemFilter, StopFilter
    from whoosh.lang.porter import stem as porter

    kinds = [type(f) for f in analyzer.items[1:]]
    if kinds != [LowercaseFilter, StopFilter, StemFilter, CharsetFilter]:
        return None
    _lower, stop, stemmer, charset = analyzer.items[1:]
    if stemmer.stemfn is not porter:
        return None
    return stop.stops, stop.min, stop.max, charset.charmap


class _FieldPlan:
    """How one highlighter tests one field's words: worked out once per search, not per row."""

    __slots__ = ("fast", "analyzer", "stemmed", "hits", "needles", "heads", "unstemmed")


class Highlighter:
    """Spans of one query in any paper: made once per search, used for each row shown."""

    def __init__(self, query) -> None:
        """`query`: the parsed query's Whoosh tree (search/ only: UIs use `of(parsed)`)."""
        from paperreader.search.term_matcher import TermMatcher

        self.matcher = TermMatcher.from_query(query)
        self._analyzers = field_analyzers()
        self._plans: dict[str, _FieldPlan | None] = {}  # field -> its plan (None: nothing to mark)
        self._alike: dict[tuple, _FieldPlan] = {}  # (id of the field's analyzers, its leaves' signature) -> plan

    @classmethod
    def of(cls, parsed) -> "Highlighter | None":
        """The highlighter of a ParsedQuery (None: no query, nothing to mark)."""
        return None if parsed is None else cls(parsed.whoosh)

    def _plan(self, name: str) -> _FieldPlan | None:
        matcher = self.matcher
        if matcher.empty_for(name):
            plan = None
        else:
            analyzers, signature = self._analyzers[name], matcher.signature(name)
            # Fields analysed alike whose leaves are the same (title, abstract and note for a bare
            # word) test words alike: one plan. Verdicts are also shared with later searches.
            plan = self._alike.get((id(analyzers), signature))
            if plan is None:
                plan = self._alike[(id(analyzers), signature)] = _FieldPlan()
                plan.fast, plan.analyzer, plan.stemmed, cut = analyzers
                plan.hits = _verdicts(plan.fast, signature) if plan.fast is not None else None
                plan.needles = matcher.needles(name, cut) if cut is not None and plan.fast is not None else None
                plan.heads = matcher.heads(name) if plan.stemmed is not None else None
                plan.unstemmed = bool(matcher.prefixes.get(name) or matcher.patterns.get(name))
        self._plans[name] = plan
        return plan

    def field(self, name: str, text: str) -> Spans:
        """Spans of the words of `text` (the field `name`'s text) that the query matched."""
        if not text:
            return ()
        plan = self._plans.get(name, self)  # (self: not planned yet)
        if plan is self:
            plan = self._plan(name)
        if plan is None:
            return ()
        if plan.fast is None:
            return tuple(spans_in(text, name, self.matcher, plan.analyzer))
        # The same test as spans_in, once per distinct word as written: a word's term and its
        # lowercase form depend only on it, and most words of a page of abstracts repeat.
        hits, out = plan.hits, []
        if plan.needles is not None and text.isascii():
            # Only the words that can match: those starting with a needle, found by str.find.
            low, starts = text.lower(), []
            for needle in plan.needles:
                i = low.find(needle)
                while i != -1:
                    starts.append(i)
                    i = low.find(needle, i + 1)
            if not starts:
                return ()
            if len(plan.needles) > 1:
                starts = sorted(set(starts))
            token_at = _token_at or _compile_token_at()
            for i in starts:
                m = token_at(text, i)
                if m is not None:
                    end = m.end()
                    raw = text[i:end]
                    hit = hits.get(raw)
                    if hit is None:
                        hit = self._judge(name, plan, raw)
                    if hit:
                        out.append((i, end))
            return tuple(out)
        for m in plan.fast.pattern.finditer(text):
            raw = m.group()
            hit = hits.get(raw)
            if hit is None:
                hit = self._judge(name, plan, raw)
            if hit:
                out.append(m.span())
        return tuple(out)

    def _judge(self, name: str, plan: _FieldPlan, raw: str) -> bool:
        """Does the word `raw` (as written) match the query in field `name`? Remembered in plan.hits."""
        fast, heads, stemmed = plan.fast, plan.heads, plan.stemmed
        term = fast.cache.get(raw)
        if term is None and heads is not None:  # a word new to this process: stem it only if it could match
            word = raw.lower()
            head = word[:1].translate(stemmed[3])
            if head and head[:1] not in heads:
                stops, least, most = stemmed[0], stemmed[1], stemmed[2]
                dropped = len(word) < least or (most is not None and len(word) > most) or word in stops
                hit = plan.hits[raw] = not dropped and plan.unstemmed and self.matcher.matches_unstemmed(name, word)
                return hit
        if term is None:
            term = next(iter(fast.spans(raw)), ("",))[0]
        hit = plan.hits[raw] = bool(term) and self.matcher.matches(name, term, raw.lower())
        return hit

    def shown(self, record, width: int = 160) -> list[Highlight]:
        """What the CLI prints and --json gives: the title in full, the best window of the abstract
        (and of the note, if it matched), the authors if they matched. The tags are not shown, so
        their spans are not looked for."""
        field = self.field
        out = [Highlight("title", record.title, field("title", record.title))]
        snippet, inside = fragment(record.abstract, field("abstract", record.abstract), width)
        out.append(Highlight("abstract", snippet, inside))
        where = field("note", record.note)
        if where:
            snippet, inside = fragment(record.note, where, width)
            out.append(Highlight("note", snippet, inside))
        authors = author_text(record)
        where = field("author", authors)
        if where:
            out.append(Highlight("author", authors, where))
        return out

    def spans(self, record) -> PaperSpans:
        return PaperSpans(
            title=self.field("title", record.title),
            abstract=self.field("abstract", record.abstract),
            author=self.field("author", author_text(record)),
            note=self.field("note", record.note),
            tag=self.field("tag", tag_text(record)),
        )


def spans_in(text: str, name: str, matcher: TermMatcher, analyzer) -> list[tuple[int, int]]:
    """Character spans of the words in `text` that the query matched in field `name`."""
    if not text or matcher.empty_for(name):
        return []
    spans = []
    for token in analyzer(text, chars=True, mode="index"):
        word = text[token.startchar : token.endchar].lower()
        if matcher.matches(name, token.text, word):
            spans.append((token.startchar, token.endchar))
    return spans


def fragment(text: str, spans: Spans | list[tuple[int, int]], width: int = 160) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A window of about `width` characters around the densest run of matches, cut at spaces."""
    if len(text) <= width:
        return text, tuple(spans)
    if not spans:
        cut = text.rfind(" ", 0, width)
        return text[: cut if cut > 0 else width] + " …", ()
    best = spans[0][0]
    if len(spans) > 1:
        spans = sorted(spans)  # (they come in text order; the count below relies on it)
        best = spans[0][0]
        best_count, ends = 0, [e for _, e in spans]
        for i, (start, _) in enumerate(spans):
            count = bisect_right(ends, start + width, lo=i) - i  # spans from i that end within the window
            if count > best_count:
                best, best_count = start, count
    # a window from about width/4 before the best run, cut at spaces (one branch per end: made for
    # each row shown, this is a few us of the page's highlights)
    begin = best - width // 4
    if begin > 0:
        space = text.find(" ", begin, best)
        if space != -1:
            begin = space + 1
    else:
        begin = 0
    end = begin + width
    if end < len(text):
        space = text.rfind(" ", best + 1, end)
        if space > best:
            end = space
        shown = text[begin:end] + " …"
    else:
        end = len(text)
        shown = text[begin:]
    shift = 0
    if begin:
        shown, shift = "… " + shown, 2 - begin
    return shown, tuple([(s + shift, e + shift) for s, e in spans if s >= begin and e <= end])
