"""A parsed query evaluated over numpy arrays: the same answers as `search/fast.py`'s dicts, in C.

At a million papers a bare word matches most of them: building a {docnum: score} dict per term
and merging the dicts in Python loops costs seconds a query. Here a result is a pair of arrays,
(document numbers ascending, scores), or EVERY (every live document, score 0), and the boolean
structure combines them with numpy:

- a term's scores come from `search/dense_terms.py` (the same floats as `FastSearch._read_term`);
- a prefix (wildcard, fuzzy word) and an OR sum their parts into an accumulator, `acc[ids] += s`
  part after part, in the order the dict evaluator adds them (biggest OR part first, expansions
  in `_expand`'s order): float addition is not associative, and 0.0 + s == s, so every sum is
  the same float the dicts make;
- an AND intersects its parts smallest first, the score so far plus the part's, as `_and` does;
- the page is `argpartition`'s cut, then an exact sort of the few at or above it (score
  descending, then document number ascending, as `heapq.nlargest` over (s, -d) orders them).
The array operations are in `search/dense_arrays.py`. Inside an AND, a prefix or an OR is summed
only over the documents the AND's parts so far matched, when they are few.

Between keystrokes (`deep l*`, `deep le*`, ...) four things are kept, each bounded in bytes:
recent terms' arrays (`dense_terms.py`), prefixes' sums, an AND's complete-word parts evaluated
together (`deep learning m*` evaluates `deep AND learning` once for every keystroke of `m...`),
and complete words' ORs over their fields in a query with a word being typed. Whole answers
(total and page) are kept by `FastSearch.run`.

Anything else (phrases, ranges, Whoosh's generic matchers) is evaluated by the dict evaluator
and converted. numpy is imported here, and this module only from `FastSearch.run`, so launching
the app never pays for it.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from paperreader.search.budget import check as check_budget
from paperreader.search.dense_arrays import EMPTY, IDS, Dense, add_dense, add_up, add_within, intersect, matches, member, top, union
from paperreader.search.id_node import is_id_set
from paperreader.search.id_set import id_arrays

SUM_BYTES = 4 << 20  # prefixes' sums kept: typing reuses the small ones (X measured 16 -> 4 MB: the same typing time, 145 -> 132 MB after the 1M mix)
AND_BYTES = 16 << 20  # ANDs' complete-word parts kept
# A complete word's OR over its fields, summed whole while a word is typed beside it, kept: in
# `neural network archi*` every part reads ~800k postings, the prefix is smallest and so first,
# and `neural`'s and `network`'s sums (13 MB each at 1M) would be made again every keystroke.
WORD_BYTES = 32 << 20
KEEP_AT_MOST = 0.5  # no single entry may take more than this share of its cache
# A prefix in an AND is summed only over the AND's documents when they are this many times fewer
# than its postings (and that sum is not kept). The bench's 487 keystrokes, letters read before,
# CPU, two alternated passes each: 1M whole p50 50/46 p95 278/278 sum 37.7/36.7 s, narrowed
# p50 45/46 p95 252/270 sum 34.4/36.8 s: a small gain; 100k: no difference (sum 3.8-4.0 s both).
NARROW = 4
# An expansion in an OR summed over this share of the documents or more is added to the OR's
# other parts over every document (`dense_arrays.Dense`), not gathered and scattered again.
DENSE_FROM = 8



class _Every:
    """Marker: every live document (scores 0)."""


EVERY = _Every()


class Kept:
    """Recently used entries, at most `capacity` bytes of numpy arrays in all."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.used = 0
        self._items: OrderedDict = OrderedDict()

    def get(self, key):
        hit = self._items.get(key)
        if hit is not None:
            self._items.move_to_end(key)
            return hit[0]
        return None

    def put(self, key, value) -> None:
        size = _nbytes(value)
        if size > self.capacity * KEEP_AT_MOST or key in self._items:
            return
        self._items[key] = (value, size)
        self.used += size
        while self.used > self.capacity and self._items:
            self.used -= self._items.popitem(last=False)[1][1]

    def clear(self) -> None:
        self._items.clear()
        self.used = 0


def _nbytes(value) -> int:
    return 64 if value is EVERY else value[0].nbytes + value[1].nbytes + 64


def _expandable(node) -> bool:
    """Whether a query (or any part of it) is a word being expanded (its result changes as one types)."""
    from whoosh import query as wq

    if isinstance(node, (wq.Prefix, wq.FuzzyTerm, wq.Wildcard)):
        return True
    return any(_expandable(c) for c in node.children())


class DenseSearch:
    """The dense evaluator of one `FastSearch` (one searcher: a new index generation makes a new one)."""

    def __init__(self, fs) -> None:
        from paperreader.search.dense_terms import TermArrays

        self.fs = fs
        self.arrays = TermArrays(fs)
        self.n = fs._doc_limit()  # document numbers are below this
        dead = np.zeros(self.n, bool) if fs._deleted else None
        if dead is not None:
            dead[np.asarray(fs._deleted, IDS)] = True
        self._dead = dead
        self.sums = Kept(SUM_BYTES)
        self.ands = Kept(AND_BYTES)
        self.words = Kept(WORD_BYTES)
        self._typing = False  # the query has a word being expanded (its complete words' ORs are kept)

    # -- the query ---------------------------------------------------------------------------------
    def run(self, q, limit: int) -> tuple[int, list[tuple[float, int]]]:
        """(total, top page [(score, docnum)]) of `q` over the live documents; `fs.exact` says
        whether the total is exact, as the dict evaluator sets it."""
        self._typing = _expandable(q)
        out = self._eval(q, None)
        if out is EVERY:
            ids = np.arange(self.n, dtype=IDS)
            out = (ids, np.zeros(self.n))
        if self._dead is not None and len(out[0]):
            keep = ~self._dead[out[0]]
            out = (out[0][keep], out[1][keep])
        return len(out[0]), top(out[0], out[1], limit)

    def _eval(self, node, within):
        """(ids, scores) or EVERY. `within`: the documents an AND's parts so far matched (sorted
        ids), or None; documents outside it may be left out (the AND drops them)."""
        from whoosh import query as wq

        check_budget()
        if node is wq.NullQuery or isinstance(node, wq.NullQuery.__class__):
            return EMPTY
        if isinstance(node, wq.Every):
            return EVERY
        if type(node) is wq.Term:
            if within is not None and not len(within):
                return EMPTY
            return self._term(node.fieldname, node.text, node.boost)
        if isinstance(node, (wq.Prefix, wq.FuzzyTerm, wq.Wildcard)):
            return self._expansion(node, within)
        if type(node) is wq.Or:
            return self._or(node, within)
        if type(node) is wq.And:
            return self._and([c for c in node.subqueries if not isinstance(c, wq.Not)],
                             [c.query for c in node.subqueries if isinstance(c, wq.Not)], within)
        if isinstance(node, wq.AndNot):
            return self._and([node.a], [node.b], within)
        if isinstance(node, wq.AndMaybe):
            a = self._eval(node.a, within)
            if a is EVERY:
                a = (np.arange(self.n, dtype=IDS), np.zeros(self.n))
            b = self._eval(node.b, within)
            if b is EVERY or not len(a[0]) or not len(b[0]):
                return a
            pa, pb = matches(a[0], b[0], self.n)
            scores = a[1].copy()
            scores[pa] += b[1][pb]
            return a[0], scores
        if isinstance(node, wq.Not):
            return self._and([wq.Every()], [node.query], within)
        if within is not None and not len(within):
            return EMPTY
        if type(node) is wq.Phrase and self.fs.searcher.schema[node.fieldname].format.supports("positions"):
            from paperreader.search.dense_phrase import phrase  # engineer X's hook: phrases over arrays

            return phrase(self, node, within)
        if is_id_set(node):  # is:starred, is:new, ... (search/id_set.py)
            return id_arrays(self.fs, node)
        return self._from_dict(self.fs._eval(node))

    def _from_dict(self, result):
        """The dict evaluator's answer (phrases, ranges) as arrays."""
        if not hasattr(result, "items"):
            return EVERY
        if not result:
            return EMPTY
        ids = np.fromiter(result.keys(), IDS, len(result))
        scores = np.fromiter(result.values(), np.float64, len(result))
        order = np.argsort(ids, kind="stable")
        return ids[order], scores[order]

    # -- leaves ------------------------------------------------------------------------------------
    def _term(self, field: str, text, boost: float):
        return self.arrays.scores(field, text, boost)  # recent terms kept there

    def _expansion(self, node, within, dense: bool = False):
        """A prefix's (wildcard's, fuzzy word's) expansions summed in `_expand`'s order, as
        `search/expansion.py` sums them; kept when summed whole. `dense`: a sum over many
        documents may be returned as a `Dense` (for an OR to add up without scattering it)."""
        fs = self.fs
        terms = fs._expand(node)  # first, always: it says whether the total is exact
        field, boost = node.fieldname, node.boost
        key = (type(node).__name__, field, node.text, getattr(node, "maxdist", 0), getattr(node, "prefixlength", 0), boost)
        kept = self.sums.get(key)
        if kept is not None:
            return kept
        if within is not None and not len(within):
            return EMPTY
        parts = []
        for t in terms:
            check_budget()
            parts.append(self._term(field, t, boost))
        postings = sum(len(p[0]) for p in parts)
        if within is not None and len(within) * NARROW < postings:
            return add_within(parts, within, self.n)  # an AND's few documents: not kept
        if dense and postings * DENSE_FROM >= self.n and sum(1 for p in parts if len(p[0])) > 1:
            out = add_dense(parts, self.n)
            if int(np.count_nonzero(out.found)) * 16 + 64 <= self.sums.capacity * KEEP_AT_MOST:
                self.sums.put(key, out.pairs())  # (most are too big to keep)
            return out
        out = add_up(parts, self.n)
        self.sums.put(key, out)
        return out

    # -- structure ---------------------------------------------------------------------------------
    def _or(self, node, within):
        from whoosh import query as wq

        fs = self.fs
        expanded = (wq.Prefix, wq.FuzzyTerm, wq.Wildcard)
        keep = self._typing and not _expandable(node)
        if keep:
            kept = self.words.get(node)
            if kept is not None:
                return kept
        parts = [(fs._size(child), self._expansion(child, within, dense=True) if isinstance(child, expanded)
                  else self._eval(child, within)) for child in node.subqueries]
        if any(r is EVERY for _n, r in parts):
            return EVERY
        # the biggest first, by postings (as `_eval`'s Or: the same order of additions)
        ordered = [r for _n, r in sorted(((n, r) for n, r in parts if isinstance(r, Dense) or len(r[0])),
                                          key=lambda nr: nr[0], reverse=True)]
        if any(isinstance(r, Dense) for r in ordered):  # a first letter's fields: added over every document
            if len(ordered) == 1:
                return ordered[0].pairs(within)
            return add_dense(ordered, self.n).pairs(within)
        if within is not None and len(within) * NARROW < sum(len(r[0]) for r in ordered):
            return add_within(ordered, within, self.n)  # `neural` in `neural network arch*`: the AND's few documents
        out = add_up(ordered, self.n)
        if keep:
            self.words.put(node, out)
        return out

    def _and(self, positives, negatives, within):
        fs = self.fs
        order = [c for _n, c in sorted(((fs._size(c), c) for c in positives), key=lambda nc: nc[0])]
        out, start = None, 0
        if within is None:  # the complete words first parts, kept between keystrokes
            steady = 0
            while steady < len(order) and not _expandable(order[steady]):
                steady += 1
            for k in range(steady, 0, -1):
                hit = self.ands.get(tuple(order[:k]))
                if hit is not None:
                    out, start = (None if hit is EVERY else hit), k
                    break
        for k in range(start, len(order)):
            r = self._eval(order[k], within if out is None else out[0])
            if r is not EVERY:
                if out is None:
                    out = r
                elif len(out[0]):
                    out = intersect(out, r, self.n)
            if within is None and k + 1 == steady and k + 1 > start:
                self.ands.put(tuple(order[: k + 1]), EVERY if out is None else out)
        if out is None:
            out = (np.arange(self.n, dtype=IDS), np.zeros(self.n))
        for neg in negatives:
            if not len(out[0]):
                break
            r = self._docs(neg, within)
            if r is EVERY:
                return EMPTY
            if len(r):
                keep = ~member(out[0], r)
                out = (out[0][keep], out[1][keep])
        return out

    def _docs(self, node, within):
        """The documents a query matches, unscored (what a NOT takes away): sorted ids or EVERY."""
        from whoosh import query as wq

        if type(node) is wq.Term:
            return self.arrays.docs(node.fieldname, node.text)
        if type(node) is wq.Or:
            found = []
            for child in node.subqueries:
                r = self._docs(child, within)
                if r is EVERY:
                    return EVERY
                found.append(r)
            return union(found)
        r = self._eval(node, within)
        return r if r is EVERY else r[0]
