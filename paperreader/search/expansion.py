"""A word being typed: the scores of a prefix (or wildcard, or fuzzy word), cheap keystroke after keystroke.

A prefix's scores are the sum of its expansions' term scores (`FastSearch._expand`: at most
MAX_EXPANSIONS terms per field). Summing them is most of what a keystroke costs: `m*` over five
fields at 100k papers is ~200 terms and ~400k postings added into dicts. Two things make it cheap:

- Within the other words' documents. In `deep learning m*` the words typed before match fewer
  papers than `m*`'s expansions do; the evaluator (`FastSearch._and`) evaluates them first and
  hands their documents here, and only the postings of those documents are scored. The scores are
  the same floats, added in the same order, as the whole sum's (the AND would drop the others).
- Kept between keystrokes. A whole sum (a prefix alone: `t*`, `tr*`; or in a wide AND) is kept
  per index generation, bounded in postings: the first letters of words come back again and again
  (`n*` in `neural network`, `neural architecture`, ...).
"""

from __future__ import annotations

from collections import OrderedDict
from itertools import compress

from paperreader.search import scoring
from paperreader.search.budget import check as check_budget

KEPT_POSTINGS = 300_000  # documents' scores kept over all kept sums (about 100 bytes each)
NARROW = 2  # a candidate set this many times smaller than a word's postings is used to cut them (100k: 4, 2, 1 measured; 2 best overall)


class ExpansionScores:
    """The summed scores of expanded words for one `FastSearch` (one index generation)."""

    def __init__(self, fast) -> None:
        self.fast = fast
        self._kept: OrderedDict = OrderedDict()
        self._size = 0

    def scores(self, node, within=None) -> dict:
        """{global docnum: score} of `node`'s expansions summed (read-only: it may be kept).
        `within`: a set-like of documents (None: all); documents outside it may be left out."""
        fast = self.fast
        terms = fast._expand(node)
        field, boost = node.fieldname, node.boost
        key = (type(node).__name__, field, node.text, getattr(node, "maxdist", 0), getattr(node, "prefixlength", 0), boost)
        kept = self._kept.get(key)
        if kept is not None:
            self._kept.move_to_end(key)
            return kept
        if within is not None and not within:
            return {}
        if within is not None and len(within) * NARROW < sum(self._df(field, t) for t in terms):
            out: dict = {}
            for t in terms:
                check_budget()
                self._add_within(field, t, boost, within, out)
            return out
        out = {}
        for t in terms:
            check_budget()
            fast._term(field, t, boost, out)
        if len(out) <= KEPT_POSTINGS // 4:
            self._kept[key] = out
            self._size += len(out)
            while self._size > KEPT_POSTINGS and self._kept:
                self._size -= len(self._kept.popitem(last=False)[1])
        return out

    def _df(self, field: str, text: str) -> int:
        sizes = self.fast._sizes
        n = sizes.get((field, text))
        if n is None:
            n = sizes[(field, text)] = self.fast.searcher.doc_frequency(field, text)
        return n

    def _add_within(self, field: str, text: str, boost: float, within, out: dict) -> None:
        """Add one term's scores of the documents in `within` into `out` (the same floats as
        `FastSearch._read_term` gives them)."""
        fast = self.fast
        get = out.get
        cached = fast._terms.get((field, text, boost))
        if cached is not None:
            if len(cached) <= len(within):
                pairs = [(d, s) for d, s in cached.items() if d in within]
            else:
                pairs = [(d, cached[d]) for d in within if d in cached]
            for d, s in pairs:
                out[d] = get(d, 0.0) + s
            return
        fieldobj = fast.searcher.schema[field]
        scorable = fieldobj.scorable
        if scorable:
            k1p, table = fast._scorer(field, text, boost)
            ratio = fast._ratios(field, table)
            rows = len(ratio) // 256  # the rows fast.py tabled (TF_ROWS), 256 length bytes a row
        for sub, offset, p in fast._postings(field, text):
            ids = p.ids
            gids = ids if not offset else list(map(offset.__add__, ids))
            keep = list(map(within.__contains__, gids))
            if not any(keep):
                continue
            kept_ids = list(compress(ids, keep))
            if not scorable:
                for d in kept_ids:
                    d += offset
                    out[d] = get(d, 0.0) + 0.0
                continue
            lengths = fast._length_bytes(sub, field) or bytes(ids[-1] + 1)
            tfs = [1] * len(kept_ids) if p.tfs is None else list(compress(p.tfs, keep))
            for d, tf in zip(kept_ids, tfs):
                lb = lengths[d]
                s = k1p * ratio[tf * 256 + lb] if tf < rows else scoring.term_score(k1p, tf, table[lb])
                d += offset
                out[d] = get(d, 0.0) + s
