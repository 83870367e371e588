"""A faster way to run a parsed query over the Whoosh index: whole posting blocks, not matchers.

Whoosh's matcher tree calls a few Python methods per posting per node, and its block-skipping
optimisation thrashes (`replace()`/`max_quality()`) on the wide ORs a bare word makes across five
fields; a prefix like `t*` became thousands of leaves. Here each term's postings are read a block
at a time (ids and weights only), scored with BM25F in a tight loop into a dict, and the dicts are
combined by the boolean structure. That gives the exact total for free (the dict's size) and the
top hits with `heapq.nlargest`.

Prefix, wildcard and fuzzy words are expanded to at most `MAX_EXPANSIONS` index terms per field,
the most frequent ones (fuzzy words keep their first letter). When a word had more, the total
is a lower bound and says so (`Evaluation.exact` is False).

Anything else (phrases, proximity, ranges) runs through Whoosh's own matchers, per segment.
"""

from __future__ import annotations

import heapq
from collections import OrderedDict
from itertools import accumulate, compress, repeat
from dataclasses import dataclass
from math import log

B, K1 = 0.75, 1.2
MAX_EXPANSIONS = 48
EXPANSION_POSTINGS = 1.0  # ... and at most this many postings per document in the index, in all
TERM_CACHE_POSTINGS = 250_000  # scores of recent terms kept, in postings (about 100 bytes each)
_EXPANSION_CACHE = 512


@dataclass
class Evaluation:
    total: int
    top: list[tuple[float, int]]  # (score, global docnum), best first
    exact: bool = True


_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def _edits1(word: str) -> set[str]:
    """The word and every string one deletion, transposition, replacement or insertion away."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {word}
    out.update(a + b[1:] for a, b in splits if b)
    out.update(a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1)
    out.update(a + c + b[1:] for a, b in splits if b for c in _ALPHABET)
    out.update(a + c + b for a, b in splits for c in _ALPHABET)
    return out


class _Every:
    """Marker: every live document (scores 0)."""


EVERY = _Every()


class _AllDocs(dict):
    """A `positions` argument that wants every document."""

    def __contains__(self, key) -> bool:
        return True


class FastSearch:
    """Evaluates queries against one Whoosh searcher; make a new one when the searcher changes."""

    def __init__(self, searcher) -> None:
        from whoosh.codec.whoosh3 import W3LeafMatcher
        from whoosh.reading import TermNotFound
        from whoosh.util.numeric import byte_to_length

        from paperreader.search.codec import PRTermsReader

        self.searcher = searcher
        self.leaves = list(searcher.leaf_searchers())
        self.N = searcher.doc_count_all() or 1
        self._w3 = W3LeafMatcher
        self._pr = PRTermsReader
        self._missing = TermNotFound
        self._byte_to_length = byte_to_length
        self._norms: dict = {}
        self._lengths: dict = {}
        self._deleted = []
        for sub, offset in self.leaves:
            r = sub.reader()
            if r.has_deletions():
                self._deleted.extend(offset + d for d in r._segment.deleted_docs())
        self._expansions: OrderedDict = OrderedDict()
        self._terms: OrderedDict = OrderedDict()
        self._cached = 0
        self.exact = True

    # -- scoring helpers -----------------------------------------------------------------------
    def _norm_table(self, field: str) -> list[float]:
        table = self._norms.get(field)
        if table is None:
            avg = self.searcher.avg_field_length(field) or 1.0
            btl = self._byte_to_length
            table = [K1 * ((1 - B) + B * btl(i) / avg) for i in range(256)]
            self._norms[field] = table
        return table

    def _length_bytes(self, sub, field: str):
        key = (id(sub), field)
        col = self._lengths.get(key)
        if col is None:
            col = b""
            reader = sub.reader()
            perdoc = getattr(reader, "_perdoc", None)
            try:
                from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

                cr = perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN) if perdoc is not None else None
                if cr is not None:
                    n = reader.doc_count_all()
                    try:  # the column's bytes in one read (iterating reads a byte at a time)
                        col = cr._dbfile.get(cr._basepos, min(n * cr._fixedlen, cr._length) if hasattr(cr, "_length") else n)
                        if cr._fixedlen != 1 or any(col[i] != cr[i] for i in range(0, len(col), max(1, len(col) // 64))):
                            raise ValueError("not a byte column")
                        col = bytes(col) + b"\0" * (n - len(col))
                    except Exception:
                        col = bytes(bytearray(cr))
            except Exception:  # an unexpected codec: lengths unknown, every doc is average
                col = b""
            self._lengths[key] = col
        return col

    def _term(self, field: str, text, boost: float, out: dict | None = None, positions: dict | None = None) -> dict:
        """Scores of one term: added into `out` if given, else a dict to treat as read-only
        (recent terms are kept: typing "neural net" then "neural netw" reads "neural" once)."""
        if positions is not None:
            return self._read_term(field, text, boost, out, positions)
        key = (field, text, boost)
        scores = self._terms.get(key)
        if scores is None:
            scores = self._read_term(field, text, boost)
            if len(scores) <= TERM_CACHE_POSTINGS // 4:
                self._terms[key] = scores
                self._cached += len(scores)
                while self._cached > TERM_CACHE_POSTINGS and self._terms:
                    self._cached -= len(self._terms.popitem(last=False)[1])
        else:
            self._terms.move_to_end(key)
        if out is None:
            return scores
        if not out:
            out.update(scores)
        else:
            get = out.get
            for d, sc in scores.items():
                out[d] = get(d, 0.0) + sc
        return out

    def _read_term(self, field: str, text, boost: float, out: dict | None = None, positions: dict | None = None) -> dict:
        """BM25F scores of one term, added into `out`; with `positions` ({docnum: None} for the
        documents wanted), also each wanted document's raw position value."""
        fresh = out is None and positions is None  # each document once: no sums needed
        if out is None:
            out = {}
        one = None
        searcher = self.searcher
        try:
            df = searcher.doc_frequency(field, text)
        except Exception:
            return out
        if not df:
            return out
        fieldobj = searcher.schema[field]
        if not fieldobj.scorable:
            btext = fieldobj.to_bytes(text) if isinstance(text, str) else text
            for sub, offset in self.leaves:
                r = sub.reader()
                terms = getattr(r, "_terms", None)
                if isinstance(terms, self._pr):
                    try:
                        ids = terms.postings(field, btext).ids
                    except self._missing:
                        continue
                    gids = ids if not offset else map(offset.__add__, ids)
                    if out:
                        for g in gids:
                            out.setdefault(g, 0.0)
                    else:
                        out.update(dict.fromkeys(gids, 0.0))
                elif (field, text) in r:
                    for d in r.postings(field, text).all_ids():
                        out.setdefault(offset + d, 0.0)
            return out
        idf = (log(self.N / (df + 1)) + 1) * boost
        table = self._norm_table(field)
        avgnorm = K1  # used when lengths are unknown
        k1p = (K1 + 1) * idf
        get = out.get
        btext = fieldobj.to_bytes(text) if isinstance(text, str) else text
        for sub, offset in self.leaves:
            r = sub.reader()
            terms = getattr(r, "_terms", None)
            if isinstance(terms, self._pr):
                try:
                    p = terms.postings(field, btext)
                except self._missing:
                    continue
                lengths = self._length_bytes(sub, field)
                if one is None:
                    one = [k1p / (1.0 + n) for n in table] if lengths else None
                self._score_pr(p, offset, lengths, table, k1p, one, out, positions, fresh)
                continue
            if (field, text) not in r:
                continue
            lengths = self._length_bytes(sub, field)
            m = r.postings(field, text)
            if isinstance(m, self._w3):
                while m.is_active():
                    if m._data is None:
                        m._read_data()
                    ids = tuple(accumulate(m._data[0]))  # (Whoosh's delta_decode, in C)
                    weights = m._data[1]
                    if weights is None or isinstance(weights, float):
                        weights = repeat(weights or 1.0, len(ids))
                    if positions is not None:
                        m._read_values()
                        for d, tf, v in zip(ids, weights, m._values):
                            g = d + offset
                            if g in positions:
                                positions[g] = fieldobj.format.decode_positions(v)
                                out[g] = get(g, 0.0) + tf * k1p / (tf + (table[lengths[d]] if lengths else avgnorm))
                    elif lengths and fresh:
                        # most postings have tf 1: their score depends on the length byte only
                        if one is None:
                            one = [k1p / (1.0 + n) for n in table]
                        for d, tf in zip(ids, weights):
                            out[d + offset] = one[lengths[d]] if tf == 1.0 else tf * k1p / (tf + table[lengths[d]])
                    elif lengths:
                        for d, tf in zip(ids, weights):
                            g = d + offset
                            out[g] = get(g, 0.0) + tf * k1p / (tf + table[lengths[d]])
                    else:
                        for d, tf in zip(ids, weights):
                            g = d + offset
                            out[g] = get(g, 0.0) + tf * k1p / (tf + avgnorm)
                    m._next_block()
            else:
                while m.is_active():
                    d, tf = m.id(), m.weight()
                    g = d + offset
                    if positions is None or g in positions:
                        if positions is not None:
                            positions[g] = m.value_as("positions")
                        n = table[lengths[d]] if lengths else avgnorm
                        out[g] = get(g, 0.0) + tf * k1p / (tf + n)
                    m.next()
        return out

    @staticmethod
    def _score_pr(p, offset, lengths, table, k1p, one, out, positions, fresh) -> None:
        """Scores of one segment's decoded posting list (`search/codec.py`) into `out`: with
        every frequency 1 and a fresh dict, the whole list in C (zip/map over typed arrays)."""
        ids, tfs = p.ids, p.tfs
        get = out.get
        if positions is not None:
            for i, d in enumerate(ids):
                g = d + offset
                if g in positions:
                    positions[g] = p.positions(i)
                    tf = 1 if tfs is None else tfs[i]
                    n = table[lengths[d]] if lengths else K1
                    out[g] = get(g, 0.0) + tf * k1p / (tf + n)
            return
        gids = ids if not offset else map(offset.__add__, ids)
        if lengths and fresh:
            out.update(zip(gids, map(one.__getitem__, map(lengths.__getitem__, ids))))
            if tfs is not None:
                for i in compress(range(len(ids)), map((1).__lt__, tfs)):
                    d, tf = ids[i], tfs[i]
                    out[d + offset] = tf * k1p / (tf + table[lengths[d]])
            return
        if tfs is None:
            tfs = repeat(1)
        for d, tf in zip(ids, tfs):
            g = d + offset
            n = table[lengths[d]] if lengths else K1
            out[g] = get(g, 0.0) + tf * k1p / (tf + n)

    def _expand(self, leaf) -> list[str]:
        """The most frequent index terms a prefix/wildcard/fuzzy leaf stands for (capped)."""
        from whoosh import query as wq

        key = (type(leaf).__name__, leaf.fieldname, leaf.text, getattr(leaf, "maxdist", 0))
        hit = self._expansions.get(key)
        if hit is not None:
            self._expansions.move_to_end(key)
            terms, complete = hit
        else:
            reader = self.searcher.reader()
            field = leaf.fieldname
            if isinstance(leaf, wq.FuzzyTerm) and leaf.maxdist == 1 and not leaf.prefixlength:
                # every spelling one edit away, looked up (Whoosh would compare the word with
                # every term of the lexicon, in Python)
                candidates = [t for t in _edits1(leaf.text) if (field, t) in reader]
            elif isinstance(leaf, wq.FuzzyTerm):
                prefix = max(1, leaf.prefixlength)  # a whole-lexicon scan otherwise
                candidates = reader.terms_within(field, leaf.text, leaf.maxdist, prefix=prefix)
            elif isinstance(leaf, wq.Prefix):
                # terms with their stats in one pass (not a lookup per term for its frequency)
                # per segment: through the combined reader, each term is looked up in every segment
                dfs: dict = {}
                for sub, _offset in self.leaves:
                    for t, info in sub.reader().iter_prefix(field, leaf.text):
                        dfs[t] = dfs.get(t, 0) + info.doc_frequency()
                scored = [(df, t.decode("utf-8") if isinstance(t, bytes) else t) for t, df in dfs.items()]
                candidates = None
            else:
                candidates = leaf._btexts(reader)
                candidates = (c.decode("utf-8") if isinstance(c, bytes) else c for c in candidates)
            if candidates is not None:
                scored = [(reader.doc_frequency(field, t), t) for t in candidates]
            budget = max(20_000, EXPANSION_POSTINGS * self.N)
            terms, used = [], 0
            for df, t in heapq.nlargest(MAX_EXPANSIONS, scored):
                if terms and used + df > budget:
                    break
                terms.append(t)
                used += df
            complete = len(terms) == len(scored)
            if isinstance(leaf, wq.FuzzyTerm) and leaf.text not in terms and reader.doc_frequency(field, leaf.text):
                terms.append(leaf.text)
            self._expansions[key] = (terms, complete)
            if len(self._expansions) > _EXPANSION_CACHE:
                self._expansions.popitem(last=False)
        if not complete:
            self.exact = False
        return terms

    def _phrase(self, node) -> dict:
        """Words in order, each within `slop` positions of the one before: the words' postings
        intersected first (rarest first), positions read and checked for the survivors only."""
        field, words, slop = node.fieldname, list(node.words), max(1, node.slop)
        searcher = self.searcher
        if len(words) == 1:
            return self._term(field, words[0], node.boost)
        dfs = [searcher.doc_frequency(field, w) for w in words]
        if not all(dfs):
            return {}
        order = sorted(range(len(words)), key=lambda i: dfs[i])
        scores: dict = {}
        poses: list = [None] * len(words)
        first = order[0]
        found: dict = {}
        allpos = _AllDocs()
        self._term(field, words[first], node.boost, found, allpos)
        poses[first] = allpos
        scores = found
        for i in order[1:]:
            want = {d: None for d in scores}
            part: dict = {}
            self._term(field, words[i], node.boost, part, want)
            scores = {d: s + part[d] for d, s in scores.items() if d in part}
            poses[i] = want
            if not scores:
                return {}
        out = {}
        steps = range(1, slop + 1)
        for d, s in scores.items():
            reach = set(poses[0][d])
            for i in range(1, len(words)):
                nxt = set(poses[i][d])
                if slop == 1:
                    reach = {p + 1 for p in reach} & nxt
                else:
                    reach = {p + k for p in reach for k in steps} & nxt
                if not reach:
                    break
            if reach:
                out[d] = s
        return out

    # -- evaluation ---------------------------------------------------------------------------
    def _all(self) -> dict:
        out = {}
        deleted = set(self._deleted)
        for sub, offset in self.leaves:
            for d in range(sub.reader().doc_count_all()):
                g = offset + d
                if g not in deleted:
                    out[g] = 0.0
        return out

    def _generic(self, node) -> dict:
        """Whoosh's own matcher, per segment (phrases, ranges, anything uncommon)."""
        out: dict = {}
        for sub, offset in self.leaves:
            m = node.matcher(sub, sub.context())
            scorable = True
            while m.is_active():
                s = 0.0
                if scorable:
                    try:
                        s = m.score()
                    except Exception:  # a matcher without scores (ranges): a filter
                        scorable = False
                g = m.id() + offset
                out[g] = out.get(g, 0.0) + s
                m.next()
        return out

    def _eval(self, node):
        from whoosh import query as wq

        if node is wq.NullQuery or isinstance(node, wq.NullQuery.__class__):
            return {}
        if isinstance(node, wq.Every):
            return EVERY
        if isinstance(node, wq.Term) and type(node) in (wq.Term,):
            return self._term(node.fieldname, node.text, node.boost)
        if isinstance(node, (wq.Prefix, wq.FuzzyTerm, wq.Wildcard)):
            out: dict = {}
            for t in self._expand(node):
                self._term(node.fieldname, t, node.boost, out)
            return out
        if isinstance(node, wq.Or) and type(node) is wq.Or:
            out = {}
            for child in node.subqueries:
                r = self._eval(child)
                if r is EVERY:
                    return EVERY
                if not out:
                    out = dict(r) if len(node.subqueries) > 1 else r
                    continue
                get = out.get
                for d, s in r.items():
                    out[d] = get(d, 0.0) + s
            return out
        if isinstance(node, wq.And) and type(node) is wq.And:
            return self._and([c for c in node.subqueries if not isinstance(c, wq.Not)],
                             [c.query for c in node.subqueries if isinstance(c, wq.Not)])
        if isinstance(node, wq.AndNot):
            return self._and([node.a], [node.b])
        if isinstance(node, wq.AndMaybe):
            a = self._eval(node.a)
            a = self._all() if a is EVERY else dict(a)
            b = self._eval(node.b)
            if b is not EVERY:
                for d, s in b.items():
                    if d in a:
                        a[d] += s
            return a
        if isinstance(node, wq.Not):
            return self._and([wq.Every()], [node.query])
        if type(node) is wq.Phrase and self.searcher.schema[node.fieldname].format.supports("positions"):
            return self._phrase(node)
        return self._generic(node)

    def _and(self, positives, negatives) -> dict:
        results = [self._eval(c) for c in positives]
        results = [r for r in results if r is not EVERY] or [self._all()]
        results.sort(key=len)
        out = results[0]
        for r in results[1:]:
            if not out:
                break
            out = {d: s + r[d] for d, s in out.items() if d in r}
        if negatives and out is results[0]:
            out = dict(out)  # (results are read-only)
        for neg in negatives:
            if not out:
                break
            r = self._eval(neg)
            if r is EVERY:
                return {}
            for d in r:
                out.pop(d, None)
        return out

    def run(self, q, limit: int) -> Evaluation:
        self.exact = True
        out = self._eval(q)
        if out is EVERY:
            out = self._all()
        if self._deleted:
            deleted = set(self._deleted)
            out = {d: s for d, s in out.items() if d not in deleted}
        top = heapq.nlargest(limit, ((s, -d) for d, s in out.items())) if limit else []
        return Evaluation(len(out), [(s, -nd) for s, nd in top], self.exact)
