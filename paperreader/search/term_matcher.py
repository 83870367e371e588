"""Which words a query's leaves match: the query's Whoosh tree read once per search into per-field
sets (terms and phrase words, prefixes, fuzzy words, wildcards) a word can be tested against.

`search/highlight.py` asks it of each word it may mark (by its analysed form and as written); only
words the user asked for count (leaves under a NOT are left out).
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field

from paperreader.search.suggest import within_distance


@dataclass
class TermMatcher:
    """The leaves of a query, per field, in a form a token can be tested against."""

    exact: dict[str, set[str]] = field(default_factory=dict)
    prefixes: dict[str, list[str]] = field(default_factory=dict)
    fuzzy: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    patterns: dict[str, list[re.Pattern]] = field(default_factory=dict)
    wildcards: dict[str, list[str]] = field(default_factory=dict)  # the patterns' texts, lowercase
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
                m.wildcards.setdefault(name, []).append(str(leaf.text).lower())
            elif isinstance(leaf, query.Phrase):
                m.exact.setdefault(name, set()).update(str(w) for w in leaf.words)
            elif isinstance(leaf, query.Term) and isinstance(leaf.text, str):
                m.exact.setdefault(name, set()).add(leaf.text)
        return m

    def signature(self, name: str) -> tuple:
        """What decides a word's match in field `name`: fields (and queries) with the same
        signature match the same words."""
        return (frozenset(self.exact.get(name, ())), tuple(self.prefixes.get(name, ())),
                tuple(self.fuzzy.get(name, ())), tuple(p.pattern for p in self.patterns.get(name, ())))

    def heads(self, name: str) -> frozenset[str] | None:
        """The first letters of the field's exact terms, when only those need a word's stem (no
        fuzzy leaf): a word starting otherwise can match only a prefix or a wildcard."""
        if self.fuzzy.get(name):
            return None
        return frozenset(t[:1] for t in self.exact.get(name, ()))

    def needles(self, name: str, cut: int) -> tuple[str, ...] | None:
        """Strings one of which every matching word of field `name`, lowercased, starts with, for
        an analysis whose term shares all but its last `cut` characters with the word (see
        `_needle_cut`); None when no such strings exist (a fuzzy leaf, a wildcard starting with
        * ? or [, an empty prefix): then every word must be looked at."""
        if self.fuzzy.get(name):
            return None
        out = {t[: max(1, len(t) - cut)] for t in self.exact.get(name, ()) if t}
        for p in self.prefixes.get(name, ()):
            if not p:
                return None
            out.add(p)
        for text in self.wildcards.get(name, ()):
            literal = re.match(r"[^*?\[]*", text).group()
            if not literal:
                return None
            out.add(literal)
        return tuple(sorted(out))

    def matches_unstemmed(self, name: str, word: str) -> bool:
        """The tests that read the lowercase word, not its stem: prefixes and wildcards."""
        return any(word.startswith(p) for p in self.prefixes.get(name, ())) or any(p.match(word) for p in self.patterns.get(name, ()))

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


def _positive_leaves(q) -> list:
    """Leaves not under a NOT: words the user wants, not the ones excluded; in the tree's order
    (a stack, not nested generators: this runs for every search shown)."""
    from whoosh.query import Not

    out, stack = [], [q]
    while stack:
        node = stack.pop()
        if isinstance(node, Not):
            continue
        if node.is_leaf():
            out.append(node)
        else:
            stack.extend(reversed(list(node.children())))
    return out
