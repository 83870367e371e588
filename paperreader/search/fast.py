"""A faster way to run a parsed query over the Whoosh index: whole posting lists, not matchers.

Whoosh's matcher tree calls a few Python methods per posting per node, and its block-skipping
optimisation thrashes (`replace()`/`max_quality()`) on the wide ORs a bare word makes across five
fields; a prefix like `t*` became thousands of leaves. Here each term's posting list is decoded
whole and scored with BM25F into a dict (`search/dict_terms.py`), and the dicts are combined by
the boolean structure. That gives the exact total for free (the dict's size) and the top hits
with `heapq.nlargest`. From DENSE_FROM documents the same tree is evaluated over numpy arrays
(`search/dense.py`), with the same answers.

Prefix, wildcard and fuzzy words are expanded to at most `MAX_EXPANSIONS` index terms per field,
the most frequent ones (fuzzy words keep their first letter). When a word had more, the total
is a lower bound and says so (`Evaluation.exact` is False).

Recent answers are kept (PAGES_KEPT), found by the query with its expanded words replaced by
their terms: typing comes back to the same keystrokes, and past a few letters a word being
typed stands for the same terms at every keystroke.

Phrases are in `search/phrase.py`; anything else (ranges) runs through Whoosh's own matchers,
per segment.
"""

from __future__ import annotations

import heapq
from collections import OrderedDict
from dataclasses import dataclass

from paperreader.search.budget import check as check_budget
from paperreader.search.dict_terms import TermDicts
from paperreader.search.expansion import ExpansionScores
from paperreader.search.id_node import is_id_set
from paperreader.search.id_set import id_count, id_docs
from paperreader.search.lexicon import Lexicon
from paperreader.search.phrase import PhraseSearch

MAX_EXPANSIONS = 48
EXPANSION_POSTINGS = 1.0  # ... and at most this many postings per document in the index, in all
_EXPANSION_CACHE = 512
# Answers (total and page) of recent queries kept per evaluator (one index generation): typing
# comes back to the same keystrokes (`n`, `ne` begin many queries; a backspace), and a page is a
# few hundred bytes. Of the bench's 487 keystrokes 111 repeat an earlier one.
PAGES_KEPT = 256
PAGE_KEPT_UP_TO = 200  # a page longer than this (a CLI's --limit) is not kept
# Documents in the index from which queries are evaluated over numpy arrays (search/dense.py).
# Below it the dicts cost no more and the first search skips numpy's import (~150 ms CPU on the
# bench machine). Bench mix and keystrokes, CPU per search, dense vs dicts (alternated passes,
# load ~5): 1k mix p50 3.2-3.4 vs 3.2-4.0 ms, keystrokes p50 2.5-2.7 vs 2.5-2.8 (p95 10 vs 18);
# 10k mix p50 5.4-5.7 vs 7.3-7.9, keystrokes p50 3.3-3.4 vs 6.6-6.7 (p95 20 vs 47).
DENSE_FROM = 5_000
SORTED_CUT_UP_TO = 1_000  # scores up to which a page's lowest is found by sorting, in C (above: a heap)


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


class FastSearch(TermDicts, PhraseSearch):
    """Evaluates queries against one Whoosh searcher; make a new one when the searcher changes."""

    def __init__(self, searcher) -> None:
        from whoosh import query as wq
        from whoosh.reading import TermNotFound

        from paperreader.search.whoosh import internals

        self.searcher = searcher
        self._wq = wq
        # an index whose every paper was deleted has no segment: Whoosh's EmptyReader, nothing to read
        self.leaves = [(sub, offset) for sub, offset in searcher.leaf_searchers() if sub.reader().doc_count_all()]
        self.N = searcher.doc_count_all() or 1
        self._missing = TermNotFound
        self._init_terms()
        self._deleted = []
        for sub, offset in self.leaves:
            r = sub.reader()
            if r.has_deletions():
                self._deleted.extend(offset + d for d in internals.deleted_docs(r))
        self._expansions: OrderedDict = OrderedDict()
        self._init_phrases()
        self._live = None  # document numbers are below this (made on first use)
        self._lexicon = Lexicon(self.leaves)
        self._sizes: dict = {}
        self.exact = True
        self._within = None  # the documents an AND's parts so far matched (search/expansion.py)
        self._expansion_scores = None
        self._dense = None  # the numpy evaluator (search/dense.py), made on first use
        self._pages: OrderedDict = OrderedDict()  # (query, limit, dense) -> Evaluation (PAGES_KEPT)

    def _expand(self, leaf) -> list[str]:
        """The most frequent index terms a prefix/wildcard/fuzzy leaf stands for (capped)."""
        wq = self._wq  # whoosh.query (a method's import statement is ~1 us; these recurse per node)

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
                # every term of the lexicon, in Python); those under the word's first letters
                # read in one range a segment (search/fuzzy_terms.py, engineer X's hook)
                from paperreader.search.fuzzy_terms import one_edit

                scored = one_edit(self.leaves, field, leaf.text, _edits1(leaf.text))
                candidates = None
            elif isinstance(leaf, wq.FuzzyTerm):
                prefix = max(1, leaf.prefixlength)  # a whole-lexicon scan otherwise
                candidates = reader.terms_within(field, leaf.text, leaf.maxdist, prefix=prefix)
            elif isinstance(leaf, wq.Prefix):
                # the most frequent terms (and whether there are more): from the segments' prepared
                # letters (search/letter_terms.py), or the prefix's first letter's terms read once
                # (search/lexicon.py: typing `tr`, `tra`, `tran` reads the lexicon once)
                best, more = self._lexicon.top(field, leaf.text, MAX_EXPANSIONS)
                candidates = scored = None
            else:
                candidates = (t for _f, t in leaf.expanded_terms(reader))
                candidates = (c.decode("utf-8") if isinstance(c, bytes) else c for c in candidates)
            if candidates is not None:
                scored = [(reader.doc_frequency(field, t), t) for t in candidates]
            if scored is not None:
                best, more = heapq.nlargest(MAX_EXPANSIONS, scored), len(scored) > MAX_EXPANSIONS
            budget = max(20_000, EXPANSION_POSTINGS * self.N)
            terms, used = [], 0
            for df, t in best:
                if terms and used + df > budget:
                    break
                terms.append(t)
                used += df
                if candidates is None and isinstance(leaf, wq.Prefix):
                    self._sizes[(field, t)] = df  # the records' counts, as `_size` would read them again
            complete = len(terms) == len(best) and not more
            if isinstance(leaf, wq.FuzzyTerm) and leaf.text not in terms and reader.doc_frequency(field, leaf.text):
                terms.append(leaf.text)
            self._expansions[key] = (terms, complete)
            if len(self._expansions) > _EXPANSION_CACHE:
                self._expansions.popitem(last=False)
        if not complete:
            self.exact = False
        return terms

    def _doc_limit(self) -> int:
        """Every document number (deleted ones too) is below this."""
        if self._live is None:
            self._live = max((offset + sub.reader().doc_count_all() for sub, offset in self.leaves), default=0)
        return self._live

    def _all(self) -> dict:
        out: dict = {}
        for sub, offset in self.leaves:
            out.update(dict.fromkeys(range(offset, offset + sub.reader().doc_count_all()), 0.0))
        for d in self._deleted:
            out.pop(d, None)
        return out

    def _generic(self, node) -> dict:
        """Whoosh's own matcher, per segment (phrases, ranges, anything uncommon)."""
        out: dict = {}
        for sub, offset in self.leaves:
            m = node.matcher(sub, sub.context())
            scorable = True
            steps = 0
            while m.is_active():
                steps += 1
                if not steps & 4095:
                    check_budget()
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
        wq = self._wq  # whoosh.query (a method's import statement is ~1 us; these recurse per node)

        check_budget()  # the search's time budget and stop flag (search/budget.py), at every node
        if node is wq.NullQuery or isinstance(node, wq.NullQuery.__class__):
            return {}
        if isinstance(node, wq.Every):
            return EVERY
        if isinstance(node, wq.Term) and type(node) in (wq.Term,):
            return self._term(node.fieldname, node.text, node.boost)
        if isinstance(node, (wq.Prefix, wq.FuzzyTerm, wq.Wildcard)):
            # summed once and kept, or only within an AND's documents
            if self._expansion_scores is None:
                self._expansion_scores = ExpansionScores(self)
            return self._expansion_scores.scores(node, self._within)
        if isinstance(node, wq.Or) and type(node) is wq.Or:
            parts = [(self._size(child), self._eval(child)) for child in node.subqueries]
            if any(r is EVERY for _n, r in parts):
                return EVERY
            # the biggest first, by the postings' count (the dense evaluator adds in the same order)
            parts = [r for _n, r in sorted(((n, r) for n, r in parts if r), key=lambda nr: nr[0], reverse=True)]
            if len(parts) <= 1:
                return parts[0] if parts else {}
            out = dict(parts[0])  # the biggest copied in C; the others added to it
            get = out.get
            for r in parts[1:]:
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
        if is_id_set(node):  # is:starred, is:new, ... (search/id_set.py)
            return id_docs(self, node)
        return self._generic(node)

    def _and(self, positives, negatives) -> dict:
        # the parts smallest first; each evaluated knowing the documents of those before it, so
        # a prefix part scores only those (search/expansion.py; the intersection below is the same)
        results, out, outer = [], None, self._within
        try:
            for _n, c in sorted(((self._size(c), c) for c in positives), key=lambda nc: nc[0]):
                self._within = outer if out is None else out.keys()
                r = self._eval(c)
                if r is EVERY:
                    continue
                results.append(r)
                out = r if out is None else {d: s + r[d] for d, s in out.items() if d in r} if out else out
        finally:
            self._within = outer
        if out is None:
            out = self._all()
            results = [out]
        if negatives and out is results[0]:
            out = dict(out)  # (results are read-only)
        for neg in negatives:
            if not out:
                break
            r = self._docs(neg)
            if r is EVERY:
                return {}
            for d in out.keys() & r:
                del out[d]
        return out

    def _docs(self, node):
        """The documents a query matches, unscored (what a NOT takes away)."""
        wq = self._wq  # whoosh.query (a method's import statement is ~1 us; these recurse per node)

        if isinstance(node, wq.Term) and type(node) in (wq.Term,):
            cached = self._terms.get((node.fieldname, node.text, node.boost))
            if cached is not None:
                return cached.keys()
            out: set = set()
            for _sub, offset, p in self._postings(node.fieldname, node.text):
                out.update(p.ids if not offset else map(offset.__add__, p.ids))
            return out
        if isinstance(node, wq.Or) and type(node) is wq.Or:
            out = set()
            for child in node.subqueries:
                r = self._docs(child)
                if r is EVERY:
                    return EVERY
                out.update(r)
            return out
        r = self._eval(node)
        return r if r is EVERY else r.keys()

    def _size(self, node) -> int:
        """How many postings a node reads, from the term records (not its result's size, which
        only a whole evaluation knows): the order parts are added in, the same dense or not."""
        wq = self._wq  # whoosh.query (a method's import statement is ~1 us; these recurse per node)

        if type(node) is wq.Term:
            return self.doc_frequency(node.fieldname, node.text)
        if isinstance(node, (wq.Prefix, wq.FuzzyTerm, wq.Wildcard)):
            exact = self.exact  # (expanding here must not mark the total inexact twice)
            n = sum(self._size(wq.Term(node.fieldname, t)) for t in self._expand(node))
            self.exact = exact
            return n
        if type(node) is wq.Or:
            return sum(self._size(c) for c in node.subqueries)
        if type(node) is wq.And:
            return min((self._size(c) for c in node.subqueries if not isinstance(c, wq.Not)), default=self.N)
        if isinstance(node, (wq.AndNot, wq.AndMaybe)):
            return self._size(node.a)
        if type(node) is wq.Phrase:
            return min((self._size(wq.Term(node.fieldname, w)) for w in node.words), default=0)
        if node is wq.NullQuery or isinstance(node, wq.NullQuery.__class__):
            return 0
        if is_id_set(node):
            return id_count(self, node)
        return self.N

    def doc_frequency(self, field: str, text) -> int:
        """The searcher's doc_frequency of a term, kept per evaluator: a term's size (the order
        parts are added in) and then its weight ask for it, each through Whoosh's reader layers."""
        key = (field, text)
        n = self._sizes.get(key)
        if n is None:
            n = self._sizes[key] = self.searcher.doc_frequency(field, text)
        return n

    def run(self, q, limit: int, dense: bool | None = None) -> Evaluation:
        """The best `limit` hits of `q` and the total (exact unless a word stood for more index
        terms than are searched: `exact` False). `dense`: evaluate over numpy arrays
        (`search/dense.py`, the same answers); None: when the index is big enough for it to pay
        (DENSE_FROM)."""
        dense = dense if dense is not None else self.N >= DENSE_FROM
        try:
            key = (self._answer_key(q), limit, dense)
            hit = self._pages.get(key)
        except TypeError:  # a query that cannot be hashed: not kept
            key = hit = None
        if hit is not None:
            self._pages.move_to_end(key)
            self.exact = hit.exact
            return Evaluation(hit.total, list(hit.top), hit.exact)
        found = self._evaluate(q, limit, dense)
        if key is not None and limit <= PAGE_KEPT_UP_TO:
            self._pages[key] = Evaluation(found.total, list(found.top), found.exact)
            if len(self._pages) > PAGES_KEPT:
                self._pages.popitem(last=False)
        return found

    def _answer_key(self, node):
        """What decides a query's answer, for the kept pages: the query with each prefix,
        wildcard or fuzzy word replaced by the index terms it stands for (and whether they are
        all of them). Past a few letters a word being typed expands alike (`architec*`,
        `architect*`): the same sums in the same order, the same answer."""
        wq = self._wq  # whoosh.query (a method's import statement is ~1 us; these recurse per node)

        if isinstance(node, (wq.Prefix, wq.FuzzyTerm, wq.Wildcard)):
            self.exact = True
            terms = tuple(self._expand(node))
            return ("expanded", node.fieldname, node.boost, terms, self.exact)
        if type(node) in (wq.And, wq.Or, wq.AndNot, wq.AndMaybe, wq.Not):
            parts = tuple(self._answer_key(c) for c in node.children())
            return (type(node).__name__, node.boost, getattr(node, "minmatch", None), getattr(node, "scale", None), parts)
        return node

    def _evaluate(self, q, limit: int, dense: bool) -> Evaluation:
        self.exact = True
        if dense:
            if self._dense is None:
                from paperreader.search.dense import DenseSearch

                self._dense = DenseSearch(self)
            total, top = self._dense.run(q, limit)
            return Evaluation(total, top, self.exact)
        out = self._eval(q)
        if out is EVERY:
            out = self._all()
        if self._deleted:
            deleted = set(self._deleted)
            out = {d: s for d, s in out.items() if d not in deleted}
        top = []
        if limit and out:
            # the limit-th best score first (100-400 scores: sorted 2-12 us, heapq's loop 12-19),
            # then ties broken by docnum among the few at or above it
            values = out.values()
            cut = sorted(values, reverse=True)[min(limit, len(out)) - 1] if len(out) <= SORTED_CUT_UP_TO \
                else heapq.nlargest(limit, values)[-1]
            top = heapq.nlargest(limit, [(s, -d) for d, s in out.items() if s >= cut])
        return Evaluation(len(out), [(s, -nd) for s, nd in top], self.exact)
