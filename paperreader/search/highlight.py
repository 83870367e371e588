"""Which words of a text a query matched, as character spans: plain data both UIs can style.

Run only for hits that are shown, on text from the store (the index stores no text).
"""

from __future__ import annotations

import fnmatch
import re
from bisect import bisect_right
from dataclasses import dataclass, field

from paperreader.search.suggest import within_distance


@dataclass(frozen=True)
class Highlight:
    field: str
    text: str
    spans: tuple[tuple[int, int], ...]

    def json(self) -> dict:
        return {"field": self.field, "text": self.text, "matches": [list(s) for s in self.spans]}


@dataclass
class TermMatcher:
    """The leaves of a query, per field, in a form a token can be tested against."""

    exact: dict[str, set[str]] = field(default_factory=dict)
    prefixes: dict[str, list[str]] = field(default_factory=dict)
    fuzzy: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    patterns: dict[str, list[re.Pattern]] = field(default_factory=dict)
    _memo: dict = field(default_factory=dict, repr=False, compare=False)  # (field, stem, word) -> bool
    _near: dict = field(default_factory=dict, repr=False, compare=False)  # fuzzy word -> one-edit spellings

    @classmethod
    def from_query(cls, q) -> "TermMatcher":
        from whoosh import query

        m = cls()
        for leaf in _positive_leaves(q):
            name = getattr(leaf, "fieldname", None)
            if name is None:
                continue
            if isinstance(leaf, query.FuzzyTerm):
                m.fuzzy.setdefault(name, []).append((str(leaf.text), leaf.maxdist))
            elif isinstance(leaf, query.Prefix):
                m.prefixes.setdefault(name, []).append(str(leaf.text).lower())
            elif isinstance(leaf, query.Wildcard):
                m.patterns.setdefault(name, []).append(re.compile(fnmatch.translate(str(leaf.text).lower())))
            elif isinstance(leaf, query.Phrase):
                m.exact.setdefault(name, set()).update(str(w) for w in leaf.words)
            elif isinstance(leaf, query.Term) and isinstance(leaf.text, str):
                m.exact.setdefault(name, set()).add(leaf.text)
        return m

    def empty_for(self, name: str) -> bool:
        return not (self.exact.get(name) or self.prefixes.get(name) or self.fuzzy.get(name) or self.patterns.get(name))

    def matches(self, name: str, stem: str, word: str) -> bool:
        key = (name, stem, word)
        hit = self._memo.get(key)
        if hit is None:
            hit = self._memo[key] = self._matches(name, stem, word)
        return hit

    def _matches(self, name: str, stem: str, word: str) -> bool:
        if stem in self.exact.get(name, ()):
            return True
        if any(word.startswith(p) for p in self.prefixes.get(name, ())):
            return True
        for text, dist in self.fuzzy.get(name, ()):
            if dist == 1:  # one set of spellings, not an edit distance per word of the text
                near = self._near.get(text)
                if near is None:
                    from paperreader.search.fast import _edits1

                    near = self._near[text] = _edits1(text)
                if stem in near:
                    return True
            elif within_distance(stem, text, dist):
                return True
        return any(p.match(word) for p in self.patterns.get(name, ()))


def _positive_leaves(q):
    """Leaves not under a NOT: words the user wants, not the ones excluded."""
    from whoosh import query

    if isinstance(q, query.Not):
        return
    if q.is_leaf():
        yield q
        return
    for child in q.children():
        yield from _positive_leaves(child)


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


def fragment(text: str, spans: list[tuple[int, int]], width: int = 160) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A window of about `width` characters around the densest run of matches, cut at spaces."""
    if len(text) <= width:
        return text, tuple(spans)
    if not spans:
        cut = text.rfind(" ", 0, width)
        return text[: cut if cut > 0 else width] + " …", ()
    spans = sorted(spans)  # (they come in text order; the count below relies on it)
    best, best_count = spans[0][0], 0
    ends = [e for _, e in spans]
    for i, (start, _) in enumerate(spans):
        count = bisect_right(ends, start + width, lo=i) - i  # spans from i that end within the window
        if count > best_count:
            best, best_count = start, count
    begin = max(0, best - width // 4)
    if begin:
        space = text.find(" ", begin, best)
        begin = space + 1 if space != -1 else begin
    end = min(len(text), begin + width)
    if end < len(text):
        space = text.rfind(" ", max(best + 1, begin), end)
        end = space if space > best else end
    prefix = "… " if begin else ""
    suffix = " …" if end < len(text) else ""
    shift = len(prefix) - begin
    inside = tuple((s + shift, e + shift) for s, e in spans if s >= begin and e <= end)
    return prefix + text[begin:end] + suffix, inside
