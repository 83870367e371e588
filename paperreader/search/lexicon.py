"""The terms a prefix stands for, for search as you type: one read of the lexicon per first letter.

Typing `t`, `tr`, `tra`, `tran`... asks for the terms under each prefix in turn. Reading them from
the term dictionary costs a record decoded per term, every keystroke (`t` at a million papers is
tens of thousands of terms). Here a one- or two-letter prefix reads its first letter's terms once,
with their document frequencies summed over the segments, into two lists sorted by term (a longer
prefix typed first reads only its own); every longer prefix is then a slice of the longest one
read before, found by bisection (`tra` refines `tr`'s candidates without reading the lexicon).

Kept per index generation (a `FastSearch` holds one), for a few letters per field at a time.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import OrderedDict

LETTERS_KEPT = 200  # (field, first letter) term lists kept (every letter of five fields: typing comes back to them)
TERMS_KEPT = 1_500_000  # ... and at most this many terms among them


class Lexicon:
    def __init__(self, leaves) -> None:
        """`leaves`: the searcher's (segment searcher, offset) pairs."""
        self.leaves = leaves
        self._letters: OrderedDict = OrderedDict()  # (field, letter) -> (terms, dfs)
        self._kept = 0

    def prefixed(self, field: str, prefix: str) -> list[tuple[int, str]]:
        """(document frequency, term) of every term of `field` starting with `prefix`."""
        if not prefix:
            terms, dfs = self._read(field, "")
            return list(zip(dfs, terms))
        for k in range(len(prefix), 0, -1):  # a shorter prefix read before: refine its terms
            hit = self._letters.get((field, prefix[:k]))
            if hit is not None:
                self._letters.move_to_end((field, prefix[:k]))
                break
        else:  # a first letter or two: the letter's terms (typing goes on); longer: its own
            hit = self._letter(field, prefix[0] if len(prefix) <= 2 else prefix)
        terms, dfs = hit
        a = bisect_left(terms, prefix)
        b = bisect_left(terms, prefix + "\U0010ffff", a)
        return list(zip(dfs[a:b], terms[a:b]))

    def _letter(self, field: str, letter: str):
        """The terms under `letter` (a first letter, or a longer prefix), read once and kept."""
        key = (field, letter)
        hit = self._letters.get(key)
        if hit is not None:
            self._letters.move_to_end(key)
            return hit
        hit = self._read(field, letter)
        self._letters[key] = hit
        self._kept += len(hit[0])
        while (len(self._letters) > LETTERS_KEPT or self._kept > TERMS_KEPT) and len(self._letters) > 1:
            self._kept -= len(self._letters.popitem(last=False)[1][0])
        return hit

    def _read(self, field: str, prefix: str):
        dfs: dict = {}
        for sub, _offset in self.leaves:
            for t, info in sub.reader().iter_prefix(field, prefix):
                t = t.decode("utf-8") if isinstance(t, bytes) else t
                dfs[t] = dfs.get(t, 0) + info.doc_frequency()
        terms = sorted(dfs)
        return terms, [dfs[t] for t in terms]
