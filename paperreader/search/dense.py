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

Between keystrokes (`deep l*`, `deep le*`, ...) three things are kept, each bounded in bytes:
recent terms' arrays (`dense_terms.py`), prefixes' sums, and an AND's complete-word parts
evaluated together (`deep learning m*` evaluates `deep AND learning` once for every keystroke
of `m...`).

Anything else (phrases, ranges, Whoosh's generic matchers) is evaluated by the dict evaluator
and converted. numpy is imported here, and this module only from `FastSearch.run`, so launching
the app never pays for it.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from paperreader.search.budget import check as check_budget

SUM_BYTES = 16 << 20  # prefixes' sums kept
AND_BYTES = 16 << 20  # ANDs' complete-word parts kept
# A complete word's OR over its fields, summed whole while a word is typed beside it, kept: in
# `neural network archi*` every part reads ~800k postings, the prefix is smallest and so first,
# and `neural`'s and `network`'s sums (13 MB each at 1M) would be made again every keystroke.
WORD_BYTES = 32 << 20
KEEP_AT_MOST = 0.5  # no single entry may take more than this share of its cache
# Parts with fewer postings in all than 1/COMPACT of the documents are summed over their own
# documents, not an accumulator over every document (1M documents, CPU: 2,000 postings 0.5 ms
# compact vs 2.0 over all; 10,000: 2.7 vs 1.8; 200,000: 115 vs 9.9)
COMPACT = 200
# Two sorted lists are matched by bisection when one is this many times shorter, else by a mark
# per document (1M, CPU: 800k with 700k 23.6 ms bisecting vs 5.6 marking; 50k with 800k 3.2 vs
# 2.7; 5k with 800k 0.9 vs 2.1)
SEARCH_RATIO = 32
# A prefix in an AND is summed only over the AND's documents when they are this many times fewer
# than its postings (and that sum is not kept). The bench's 487 keystrokes, letters read before,
# CPU, two alternated passes each: 1M whole p50 50/46 p95 278/278 sum 37.7/36.7 s, narrowed
# p50 45/46 p95 252/270 sum 34.4/36.8 s: a small gain; 100k: no difference (sum 3.8-4.0 s both).
NARROW = 4

_IDS = np.int64
_EMPTY = (np.zeros(0, _IDS), np.zeros(0, np.float64))


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
            dead[np.asarray(fs._deleted, _IDS)] = True
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
            ids = np.arange(self.n, dtype=_IDS)
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
            return _EMPTY
        if isinstance(node, wq.Every):
            return EVERY
        if type(node) is wq.Term:
            if within is not None and not len(within):
                return _EMPTY
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
                a = (np.arange(self.n, dtype=_IDS), np.zeros(self.n))
            b = self._eval(node.b, within)
            if b is EVERY or not len(a[0]) or not len(b[0]):
                return a
            pa, pb = _matches(a[0], b[0], self.n)
            scores = a[1].copy()
            scores[pa] += b[1][pb]
            return a[0], scores
        if isinstance(node, wq.Not):
            return self._and([wq.Every()], [node.query], within)
        if within is not None and not len(within):
            return _EMPTY
        if type(node) is wq.Phrase and self.fs.searcher.schema[node.fieldname].format.supports("positions"):
            from paperreader.search.dense_phrase import phrase  # engineer X's hook: phrases over arrays

            return phrase(self, node, within)
        return self._from_dict(self.fs._eval(node))

    def _from_dict(self, result):
        """The dict evaluator's answer (phrases, ranges) as arrays."""
        if not hasattr(result, "items"):
            return EVERY
        if not result:
            return _EMPTY
        ids = np.fromiter(result.keys(), _IDS, len(result))
        scores = np.fromiter(result.values(), np.float64, len(result))
        order = np.argsort(ids, kind="stable")
        return ids[order], scores[order]

    # -- leaves ------------------------------------------------------------------------------------
    def _term(self, field: str, text, boost: float):
        return self.arrays.scores(field, text, boost)  # recent terms kept there

    def _expansion(self, node, within):
        """A prefix's (wildcard's, fuzzy word's) expansions summed in `_expand`'s order, as
        `search/expansion.py` sums them; kept when summed whole."""
        fs = self.fs
        terms = fs._expand(node)  # first, always: it says whether the total is exact
        field, boost = node.fieldname, node.boost
        key = (type(node).__name__, field, node.text, getattr(node, "maxdist", 0), getattr(node, "prefixlength", 0), boost)
        kept = self.sums.get(key)
        if kept is not None:
            return kept
        if within is not None and not len(within):
            return _EMPTY
        parts = []
        for t in terms:
            check_budget()
            parts.append(self._term(field, t, boost))
        if within is not None and len(within) * NARROW < sum(len(p[0]) for p in parts):
            return _add_within(parts, within, self.n)  # an AND's few documents: not kept
        out = add_up(parts, self.n)
        self.sums.put(key, out)
        return out

    # -- structure ---------------------------------------------------------------------------------
    def _or(self, node, within):
        fs = self.fs
        keep = self._typing and not _expandable(node)
        if keep:
            kept = self.words.get(node)
            if kept is not None:
                return kept
        parts = [(fs._size(child), self._eval(child, within)) for child in node.subqueries]
        if any(r is EVERY for _n, r in parts):
            return EVERY
        # the biggest first, by postings (as `_eval`'s Or: the same order of additions)
        ordered = [r for _n, r in sorted(((n, r) for n, r in parts if len(r[0])), key=lambda nr: nr[0], reverse=True)]
        if within is not None and len(within) * NARROW < sum(len(r[0]) for r in ordered):
            return _add_within(ordered, within, self.n)  # `neural` in `neural network arch*`: the AND's few documents
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
                    out = _intersect(out, r, self.n)
            if within is None and k + 1 == steady and k + 1 > start:
                self.ands.put(tuple(order[: k + 1]), EVERY if out is None else out)
        if out is None:
            out = (np.arange(self.n, dtype=_IDS), np.zeros(self.n))
        for neg in negatives:
            if not len(out[0]):
                break
            r = self._docs(neg, within)
            if r is EVERY:
                return _EMPTY
            if len(r):
                keep = ~_member(out[0], r)
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
            return _union(found)
        r = self._eval(node, within)
        return r if r is EVERY else r[0]


# -- array helpers -----------------------------------------------------------------------------
def add_up(parts: list, n: int):
    """The parts' scores summed per document in the parts' order (each part's documents unique):
    the same floats as adding them one by one into a dict."""
    parts = [p for p in parts if len(p[0])]
    if not parts:
        return _EMPTY
    if len(parts) == 1:
        return parts[0]
    postings = sum(len(p[0]) for p in parts)
    if postings * COMPACT < n:  # few: positions among the union of their documents
        ids = np.sort(np.concatenate([p[0] for p in parts]))
        if len(ids) > 1:
            ids = ids[np.concatenate(([True], ids[1:] != ids[:-1]))]
        acc = np.zeros(len(ids))
        for pids, scores in parts:
            acc[np.searchsorted(ids, pids)] += scores
        return ids, acc
    acc = np.zeros(n)
    seen = np.zeros(n, bool)
    for pids, scores in parts:
        acc[pids] += scores
        seen[pids] = True
    ids = np.flatnonzero(seen)
    return ids, acc[ids]


def _add_within(parts: list, within, n: int):
    """`add_up` of the parts' documents that are in `within` (sorted), the same floats: each
    document's scores added in the parts' order. A part much longer than `within` is searched
    for its documents (bisection), a shorter one mapped onto them (a position per document)."""
    acc = np.zeros(len(within))
    seen = np.zeros(len(within), bool)
    where = None
    for pids, scores in parts:
        if not len(pids):
            continue
        if len(within) * SEARCH_RATIO <= len(pids):
            at = np.searchsorted(pids, within)
            at[at == len(pids)] = 0
            hit = pids[at] == within
            acc[hit] += scores[at[hit]]
            seen |= hit
            continue
        if where is None:
            where = np.full(n, -1, np.int64)
            where[within] = np.arange(len(within))
        pos = where[pids]
        hit = pos >= 0
        pos = pos[hit]
        acc[pos] += scores[hit]
        seen[pos] = True
    return within[seen], acc[seen]


def _union(arrays: list):
    """The sorted documents of several sorted arrays."""
    arrays = [a for a in arrays if len(a)]
    if len(arrays) <= 1:
        return arrays[0] if arrays else _EMPTY[0]
    ids = np.sort(np.concatenate(arrays))
    return ids[np.concatenate(([True], ids[1:] != ids[:-1]))]


def _matches(a, b, n: int):
    """Positions (in a, in b) of the documents both sorted arrays hold (below `n`)."""
    if len(a) > len(b):
        pb, pa = _matches(b, a, n)
        return pa, pb
    if len(a) * SEARCH_RATIO > len(b):  # both long: a mark per document, the k-th match in each alike
        in_a = np.zeros(n, bool)
        in_a[a] = True
        in_b = np.zeros(n, bool)
        in_b[b] = True
        return np.flatnonzero(in_b[a]), np.flatnonzero(in_a[b])
    at = np.searchsorted(b, a)
    at[at == len(b)] = 0
    hit = b[at] == a
    return np.flatnonzero(hit), at[hit]


def _member(a, b):
    """Which of sorted `a` are in sorted `b` (a boolean per element of `a`)."""
    at = np.searchsorted(b, a)
    at[at == len(b)] = 0
    return b[at] == a


def _intersect(a, b, n: int):
    """Documents in both, scored a's score plus b's (in that order, as `_and` adds)."""
    pa, pb = _matches(a[0], b[0], n)
    return a[0][pa], a[1][pa] + b[1][pb]


def top(ids, scores, limit: int) -> list[tuple[float, int]]:
    """The best `limit` (score, docnum), score descending then docnum ascending."""
    n = len(ids)
    if not limit or not n:
        return []
    if n > limit:
        cut = np.partition(scores, n - limit)[n - limit]  # the limit-th best score
        above = np.flatnonzero(scores > cut)
        at = np.flatnonzero(scores == cut)[: limit - len(above)]  # ids ascending: the first win ties
        pick = np.concatenate([above, at])
    else:
        pick = np.arange(n)
    order = np.lexsort((ids[pick], -scores[pick]))
    pick = pick[order]
    return list(zip(scores[pick].tolist(), ids[pick].tolist()))
