"""Top-k pruning for `search/fast.py`: a query's best page without reading all of its postings.

The document numbers are cut into windows of `window_size` documents. Each term's posting list
is read as blocks (`postings.Directory`: a long list is written as blocks of 256 postings, each
with the (tf, length byte) cells that bound its scores for any average length), so before
decoding anything a term has, per window, an upper bound of its score there and an estimate of
its postings. The query's structure combines them: an OR adds its parts' bounds, an AND adds them
where every part has postings (elsewhere the window cannot match), a NOT leaves them as they are.

Windows are then evaluated best bound first, each by the same code as a whole query
(`FastSearch._eval` with the window set: each term's dict holds only the window's documents, so
the scores are the same floats, added in the same order), into a heap of the best `limit`; the
search stops when the next window's bound is below the page's last score. An AND skips every
window where one of its parts has no block; blocks outside the evaluated windows are never
decoded. The total is then exact for the windows read and estimated for the others ("about N").

Phrases and anything uncommon are evaluated whole (once per query) and cut to each window.
Short lists and chunks written without bounds (Whoosh's own writer: updates, merges) are decoded
up front, their scores known exactly, so every index gives the same answers, pruned or not.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections import OrderedDict
from itertools import repeat
from operator import add

from paperreader.search import scoring
from paperreader.search.budget import check as check_budget
from paperreader.search.postings import BOUND_TF, Directory

PRUNE_FROM = 20_000  # postings a query reads (all its terms' lists) before pruning is worth it
SLACK = 1e-9  # bounds are widened by this much (sums of rounded floats)
LEAF_CACHE = 96  # recent terms' directories and decoded blocks kept (typing refines a query)
LEAF_CACHE_POSTINGS = 150_000  # ... and at most this many decoded postings among them (400k: see phrase.DECODED_CACHE_INTS)


def window_size(doc_count: int) -> int:
    """Documents per window: at least 1,024, and at most ~512 windows however big the index."""
    return max(1024, -(-doc_count // 512))


class Leaf:
    """One term's posting lists (every segment) as blocks: global first/last document, postings,
    score bound, and the decoded (documents, scores) of the blocks read so far."""

    __slots__ = ("firsts", "lasts", "counts", "ubs", "dirs", "decoded", "score_block", "size")

    def __init__(self, segments, score_block, bound) -> None:
        """`segments`: (offset, Directory, lengths) per segment with the term; `score_block(offset,
        postings, lengths)` -> (global ids, scores); `bound(cells)` -> the score bound of a block."""
        self.firsts: list = []
        self.lasts: list = []
        self.counts: list = []
        self.ubs: list = []
        self.dirs: list = []  # per block: (Directory, index, offset, lengths)
        self.decoded: dict = {}
        self.score_block = score_block
        self.size = 0
        for offset, directory, lengths in segments:
            for i in range(len(directory)):
                cells = directory.cells[i]
                here = len(self.firsts)
                self.dirs.append((directory, i, offset, lengths))
                self.counts.append(directory.counts[i])
                if cells is None:  # a plain chunk: decoded now, its bound exact
                    gids, scores = self._decode(here)
                    self.firsts.append(gids[0])
                    self.lasts.append(gids[-1])
                    self.ubs.append(max(scores))
                else:
                    self.firsts.append(directory.firsts[i] + offset)
                    self.lasts.append(directory.lasts[i] + offset)
                    self.ubs.append(bound(cells))
        self.size = sum(len(v[0]) for v in self.decoded.values())

    def _decode(self, i: int):
        hit = self.decoded.get(i)
        if hit is None:
            directory, k, offset, lengths = self.dirs[i]
            hit = self.decoded[i] = self.score_block(offset, directory.block(k), lengths)
            self.size += len(hit[0])
        return hit

    def bounds(self, nwin: int, width: int) -> tuple[list, list]:
        """Per window: the best score any of its documents can have here, and about how many of
        its documents have the term (0: none can)."""
        ubw = [0.0] * nwin
        cnt = [0.0] * nwin
        for f, last, c, u in zip(self.firsts, self.lasts, self.counts, self.ubs):
            w0, w1 = f // width, last // width
            if w0 == w1:
                if u > ubw[w0]:
                    ubw[w0] = u
                cnt[w0] += c
                continue
            share = c / (last - f + 1)
            for w in range(w0, w1 + 1):
                if u > ubw[w]:
                    ubw[w] = u
                lo, hi = max(f, w * width), min(last, w * width + width - 1)
                cnt[w] += share * (hi - lo + 1)
        return ubw, cnt

    def window(self, lo: int, hi: int) -> dict:
        """{global docnum: score} of the term's documents in [lo, hi)."""
        out: dict = {}
        i = bisect_left(self.lasts, lo)
        firsts, n = self.firsts, len(self.firsts)
        while i < n and firsts[i] < hi:
            gids, scores = self._decode(i)
            a = bisect_left(gids, lo) if gids[0] < lo else 0
            b = bisect_left(gids, hi) if gids[-1] >= hi else len(gids)
            if a == 0 and b == len(gids):
                out.update(zip(gids, scores))
            else:
                out.update(zip(gids[a:b], scores[a:b]))
            i += 1
        return out


class PrunedSearch:
    """The pruning part of `FastSearch` (which provides `_eval`, `_size`, `_expand`, `_scorer`,
    `_ratios`, `_length_bytes`, `leaves`, `searcher`, `N`)."""

    def _init_pruning(self) -> None:
        self._win: tuple[int, int] | None = None  # the window being evaluated, or None: everything
        self._leaf_cache: OrderedDict = OrderedDict()
        self._whole: dict = {}  # per pruned run: node id -> (sorted docnums, scores) evaluated whole
        self._live = None

    # -- terms as blocks ---------------------------------------------------------------------------
    def _leaf(self, field: str, text, boost: float) -> Leaf:
        key = (field, text, boost)
        leaf = self._leaf_cache.get(key)
        if leaf is not None:
            self._leaf_cache.move_to_end(key)
            return leaf
        from paperreader.search.whoosh import internals

        fieldobj = self.searcher.schema[field]
        btext = fieldobj.to_bytes(text) if isinstance(text, str) else text
        segments = []
        for sub, offset in self.leaves:
            terms = internals.terms_reader(sub.reader())
            try:
                info = terms.term_info(field, btext)
            except self._missing:
                continue
            lengths = self._length_bytes(sub, field) if fieldobj.scorable else b""
            segments.append((offset, Directory(info.blob(terms.postings_file())), lengths))
        if fieldobj.scorable:
            k1p, table = self._scorer(field, text, boost)
            ratio = self._ratios(field, table)
            bound_table = ratio[: BOUND_TF * 256] + [1.0] * 256  # tf/(tf+norm) < 1 for any higher tf
            score_block = self._block_scorer(k1p, table, ratio)

            def bound(cells, k1p=k1p, bt=bound_table):
                return k1p * max(map(bt.__getitem__, cells))
        else:
            def score_block(offset, p, _lengths):
                gids = p.ids if not offset else list(map(offset.__add__, p.ids))
                return gids, [0.0] * len(gids)

            def bound(_cells):
                return 0.0
        leaf = Leaf(segments, score_block, bound)
        self._leaf_cache[key] = leaf
        total = sum(x.size for x in self._leaf_cache.values())
        while (len(self._leaf_cache) > LEAF_CACHE or total > LEAF_CACHE_POSTINGS) and len(self._leaf_cache) > 1:
            total -= self._leaf_cache.popitem(last=False)[1].size
        return leaf

    @staticmethod
    def _block_scorer(k1p: float, table: list, ratio: list):
        """Scores of a block's postings: the same floats as `FastSearch._read_term` makes
        (k1p * ratio[tf * 256 + length byte], and tf past the table one by one)."""
        rows = len(ratio) // 256 - 1
        scores_of: list = []  # k1p * ratio[cell], the term's score by cell: rows made as blocks need them

        def score_block(offset, p, lengths):
            ids, tfs = p.ids, p.tfs
            top = 1 if tfs is None else max(tfs)
            need = (min(top, rows) + 1) * 256
            if len(scores_of) < need:
                scores_of.extend(map(k1p.__mul__, ratio[len(scores_of) : need]))
            lens = map(lengths.__getitem__, ids) if lengths else repeat(0, len(ids))
            if tfs is None:
                cells = map((256).__add__, lens)
            elif top <= rows:
                cells = map(add, map((256).__mul__, tfs), lens)
            else:
                cells = map(add, map((256).__mul__, map(min, tfs, repeat(rows))), lens)
            scores = list(map(scores_of.__getitem__, cells))
            if top > rows:
                for i, tf in enumerate(tfs):
                    if tf > rows:
                        scores[i] = scoring.term_score(k1p, tf, table[lengths[ids[i]] if lengths else 0])
            gids = ids if not offset else list(map(offset.__add__, ids))
            return gids, scores

        return score_block

    def _window_term(self, field: str, text, boost: float) -> dict:
        lo, hi = self._win
        return self._leaf(field, text, boost).window(lo, hi)

    def _window_whole(self, node, evaluate) -> dict:
        """A node that is not pruned (a phrase, a range): evaluated whole once, cut to the window."""
        lo, hi = self._win
        hit = self._whole.get(id(node))
        if hit is None:
            win, self._win = self._win, None
            try:
                result = evaluate(node)
            finally:
                self._win = win
            if hasattr(result, "items"):
                docs = sorted(result)
                hit = (docs, [result[d] for d in docs])
            else:
                hit = None  # EVERY
            self._whole[id(node)] = (node, hit)
        else:
            hit = hit[1]
        if hit is None:
            return self._window_all()
        docs, scores = hit
        a, b = bisect_left(docs, lo), bisect_left(docs, hi)
        return dict(zip(docs[a:b], scores[a:b]))

    def _window_all(self) -> dict:
        lo, hi = self._win
        out = dict.fromkeys(range(lo, min(hi, self._doc_limit())), 0.0)
        for d in self._deleted:
            if lo <= d < hi:
                out.pop(d, None)
        return out

    def _doc_limit(self) -> int:
        if self._live is None:
            self._live = max((offset + sub.reader().doc_count_all() for sub, offset in self.leaves), default=0)
        return self._live

    # -- bounds ------------------------------------------------------------------------------------
    def _bound(self, node, nwin: int, width: int) -> tuple[list, list]:
        """(score bound, postings estimate) per window of a query node."""
        from whoosh import query as wq

        check_budget()
        if node is wq.NullQuery or isinstance(node, wq.NullQuery.__class__):
            return [0.0] * nwin, [0.0] * nwin
        if isinstance(node, (wq.Every, wq.Not)):
            return [0.0] * nwin, self._every_counts(nwin, width)
        if type(node) is wq.Term:
            return self._leaf(node.fieldname, node.text, node.boost).bounds(nwin, width)
        if isinstance(node, (wq.Prefix, wq.FuzzyTerm, wq.Wildcard)):
            parts = [self._leaf(node.fieldname, t, node.boost).bounds(nwin, width) for t in self._expand(node)]
            return _or_bounds(parts, nwin)
        if type(node) is wq.Or:
            return _or_bounds([self._bound(c, nwin, width) for c in node.subqueries], nwin)
        if type(node) is wq.And or isinstance(node, wq.AndNot):
            if isinstance(node, wq.AndNot):
                positives, negatives = [node.a], [node.b]
            else:
                positives = [c for c in node.subqueries if not isinstance(c, wq.Not)]
                negatives = [c.query for c in node.subqueries if isinstance(c, wq.Not)]
            parts = [self._bound(c, nwin, width) for c in positives] or [self._bound(wq.Every(), nwin, width)]
            ub, cnt = parts[0]
            for u, c in parts[1:]:
                ub = list(map(add, ub, u))
                cnt = [a * b / width for a, b in zip(cnt, c)]
            ub = [u if c else 0.0 for u, c in zip(ub, cnt)]
            for neg in negatives:
                _u, c = self._bound(neg, nwin, width)
                cnt = [a * max(0.0, 1.0 - b / width) if b < width else a * 0.01 for a, b in zip(cnt, c)]
            return ub, cnt
        if isinstance(node, wq.AndMaybe):
            ua, ca = self._bound(node.a, nwin, width)
            ub_b, _cb = self._bound(node.b, nwin, width)
            return [a + b if c else 0.0 for a, b, c in zip(ua, ub_b, ca)], ca
        # evaluated whole: exact per window
        ubw, cnt = [0.0] * nwin, [0.0] * nwin
        self._win = (0, 0)
        try:
            self._window_whole(node, self._eval)
        finally:
            self._win = None
        hit = self._whole[id(node)][1]
        if hit is None:
            return [0.0] * nwin, self._every_counts(nwin, width)
        for d, s in zip(*hit):
            w = d // width
            cnt[w] += 1
            if s > ubw[w]:
                ubw[w] = s
        return ubw, cnt

    def _every_counts(self, nwin: int, width: int) -> list:
        limit = self._doc_limit()
        return [float(max(0, min(width, limit - w * width))) for w in range(nwin)]

    # -- the pruned run ----------------------------------------------------------------------------
    def _cost(self, node) -> int:
        """Postings a whole evaluation of `node` reads (its terms' lists, prefixes expanded)."""
        from whoosh import query as wq

        if type(node) is wq.Term:
            return self._size(node)
        if isinstance(node, (wq.Prefix, wq.FuzzyTerm, wq.Wildcard)):
            return self._size(node)
        if isinstance(node, wq.Phrase):
            return 0
        if isinstance(node, wq.Not):
            return self._cost(node.query)
        if isinstance(node, wq.CompoundQuery) or isinstance(node, (wq.AndNot, wq.AndMaybe)):
            return sum(self._cost(c) for c in node.children())
        return 0

    def _run_pruned(self, q, limit: int):
        """(total, top [(score, docnum)], exact) of `q`'s best `limit`, window by window."""
        width = window_size(self._doc_limit())
        nwin = max(1, -(-self._doc_limit() // width))
        self._whole = {}
        try:
            ub, cnt = self._bound(q, nwin, width)
            order = sorted((w for w in range(nwin) if cnt[w] > 0), key=lambda w: -ub[w])
            heap: list = []  # (score, -docnum), the worst of the best `limit` first
            deleted = set(self._deleted)
            found = 0
            read = set()
            for w in order:
                top = ub[w] * (1 + SLACK) + 1e-300
                if len(heap) == limit:
                    worst, neg = heap[0]
                    if top < worst:
                        break  # no later window can reach the page
                    if ub[w] == 0.0 and worst >= 0.0 and w * width > -neg:
                        break  # scores of 0 from here on, and later documents lose ties
                check_budget()
                lo = w * width
                self._win = (lo, lo + width)
                out = self._eval(q)
                if not hasattr(out, "items"):  # fast.EVERY: every live document
                    out = self._window_all()
                read.add(w)
                if deleted:
                    out = {d: s for d, s in out.items() if d not in deleted}
                found += len(out)
                if not out:
                    continue
                if len(heap) == limit:
                    floor = heap[0][0]
                    items = [(s, -d) for d, s in out.items() if s >= floor]
                else:
                    items = [(s, -d) for d, s in out.items()]
                for item in items:
                    if len(heap) < limit:
                        heapq.heappush(heap, item)
                    elif item > heap[0]:
                        heapq.heapreplace(heap, item)
        finally:
            self._win = None
            self._whole = {}
        skipped = [w for w in order if w not in read]
        total = found + int(round(sum(cnt[w] for w in skipped)))
        top = sorted(heap, reverse=True)
        return total, [(s, -nd) for s, nd in top], not skipped


def _or_bounds(parts: list, nwin: int) -> tuple[list, list]:
    if not parts:
        return [0.0] * nwin, [0.0] * nwin
    ub, cnt = parts[0]
    for u, c in parts[1:]:
        ub = list(map(add, ub, u))
        cnt = list(map(add, cnt, c))
    return ub, cnt
