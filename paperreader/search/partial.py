"""Ranking a question or a long query: every word's papers first, then the closest partial matches.

Each content word is one group (the word in every default field, BM25F-weighted, as a bare word is
searched). A paper's score is the sum of its groups' scores times a coordination factor,
(words matched / words asked) ** COORD, so a paper with more of the words ranks higher; the papers
with all the words always come first. With pseudo-relevance feedback, the most telling words of the
first pass's top papers are added (weighted below the query's own words) and the candidates ranked
again: "titles" in a question about descriptive titles brings in "headings" and "indexing".

The settings were chosen on the CISI collection (bench/quality.py); they are general rules, not
rules of that collection. The work is the same as the query's words OR'd: each word's posting
list is scored once (and cached), then combined in C where possible.
"""

from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass
from itertools import chain
from math import log
from operator import mul

COORD = 1.0  # exponent of the coordination factor
COORD_WEIGHTED = True  # words count in it by their idf (a rare word matched counts for more)
FEEDBACK_DOCS = 3  # pseudo-relevance feedback: the first pass's top papers read
FEEDBACK_TERMS = 10  # ... the words added
FEEDBACK_WEIGHT = 0.5  # ... the best added word's weight, relative to one of the query's words
FEEDBACK_CANDIDATES = 40  # ... chosen among the words most used in those papers
FEEDBACK_MIN_DF = 2  # ... a word must be in this many papers of the library


@dataclass
class Ranked:
    """One evaluation of a prose query."""

    all_words: int  # papers with every word
    total: int  # papers in the list: those with every word, then (if filled) the partial ones
    top: list[tuple[float, int, bool]]  # (score, global docnum, has every word), best first
    filled: bool  # partial matches are in the list


def _scores(fs, groups, allowed, weights):
    """(summed score, words matched, share of the query's weight matched) per paper having any
    of the words."""
    parts = [(fs._eval(g), w) for g, w in zip(groups, weights)]
    parts = [(p, w) for p, w in parts if p]
    if not parts:
        return {}, Counter(), {}
    parts.sort(key=lambda pw: len(pw[0]), reverse=True)
    total = sum(weights) or 1.0
    score = dict(parts[0][0])
    share = dict.fromkeys(score, parts[0][1] / total)
    get, got = score.get, share.get
    for r, w in parts[1:]:
        w /= total
        for d, s in r.items():
            score[d] = get(d, 0.0) + s
            share[d] = got(d, 0.0) + w
    counts = Counter(chain.from_iterable(p for p, _w in parts))  # counted in C
    if allowed is not None:
        for d in [d for d in score if d not in allowed]:
            del score[d]
    for d in fs._deleted:
        score.pop(d, None)
    return score, counts, share


def rank(fs, groups: list, allowed, limit: int, *, fill: bool | None, feedback=None, weights=None) -> Ranked:
    """Evaluate `groups` (one query node per word) over FastSearch `fs`. `allowed`: the documents a
    filter lets through (None: all). `fill`: None decides (partial matches when fewer than `limit`
    papers have every word), True/False repeats an earlier decision (paging deeper).
    `weights`: each word's weight in the coordination factor (its idf; None: all the same).
    `feedback(docnums) -> [(field, term, weight)]`, if given, names words for a second pass."""
    n = len(groups)
    score, counts, share = _scores(fs, groups, allowed, weights or [1.0] * n)
    every = [d for d in score if counts[d] >= n]
    if fill is None:
        fill = len(every) < limit
    if not fill:
        top = heapq.nlargest(limit, ((score[d], -d) for d in every)) if limit else []
        return Ranked(len(every), len(every), [(s, -nd, True) for s, nd in top], False)
    coef = {d: min(1.0, share[d]) ** COORD for d in score}
    final = dict(zip(score, map(mul, score.values(), map(coef.__getitem__, score))))
    if feedback is not None and final:
        first = heapq.nlargest(FEEDBACK_DOCS, final, key=_order(final, counts, n))
        extra = feedback(first)
        if extra:
            for field, term, weight in extra:
                for d, s in fs._term(field, term, weight).items():
                    if d in final:
                        final[d] += s * coef[d]
    if not limit:
        return Ranked(len(every), len(final), [], True)
    best = heapq.nlargest(limit, final, key=_order(final, counts, n))
    return Ranked(len(every), len(final), [(final[d], d, counts[d] >= n) for d in best], True)


def _order(final, counts, n):
    """Sort key: every word first, then the score; ties by document number (stable across runs)."""
    return lambda d: (counts[d] >= n, final[d], -d)


def feedback_terms(texts: list[str], analyze, doc_frequency, N: int, skip: set[str], boosts: dict) -> list:
    """The words that best describe the top papers' texts (tf share × idf, summed over papers),
    as (field, term, weight) for the title and abstract fields, the query's own words skipped."""
    weights: Counter = Counter()
    for text in texts:
        terms = analyze(text)
        if not terms:
            continue
        tf = Counter(terms)
        for t, c in tf.items():
            if t not in skip and len(t) > 2 and not t.isdigit():
                weights[t] += c / len(terms)
    scored = []
    for w, t in heapq.nlargest(FEEDBACK_CANDIDATES, ((w, t) for t, w in weights.items())):
        df = doc_frequency(t)
        if df >= FEEDBACK_MIN_DF:
            scored.append((w * log(N / df), t))
    best = heapq.nlargest(FEEDBACK_TERMS, scored)
    if not best:
        return []
    top = best[0][0]
    out = []
    for w, t in best:
        weight = FEEDBACK_WEIGHT * w / top * idf_ratio(N, doc_frequency(t))
        out += [(field, t, weight * boosts[field]) for field in ("title", "abstract")]
    return out


@dataclass
class ProsePlan:
    """A prose query ready to run: one node per word, the filter's node, and the decisions of
    its first run (kept so later pages rank the same way)."""

    groups: list
    filter: object | None = None
    fill: bool | None = None  # None: decide on the first run; False: all the words only
    feedback: list | None = None  # the feedback words, once computed
    weights: list | None = None  # each word's weight in the coordination factor, once computed


def word_groups(words: list[str], analyzers: dict, searcher=None) -> list:
    """One query node per word: the word in every default field, BM25F-weighted as a bare word
    is (`search/query.make_parser`). With `searcher`, a word's weight follows Robertson and
    Spärck Jones's idf, which gives a word in most papers next to nothing (the evaluator's own
    idf, kept for the strict language, never falls below 1): questions are full of such words."""
    from whoosh import query as wq

    from paperreader.search.schema import FIELD_BOOSTS

    N = searcher.doc_count_all() if searcher is not None else 0
    boosts = PROSE_BOOSTS if N else FIELD_BOOSTS
    groups = []
    for word in words:
        leaves = []
        for name, analyzer in analyzers.items():
            for token in analyzer(word, mode="query"):
                boost = boosts.get(name, 1.0)
                if N:
                    boost *= idf_ratio(N, searcher.doc_frequency(name, token.text))
                leaves.append(wq.Term(name, token.text, boost=boost))
        if leaves:
            groups.append(wq.Or(leaves) if len(leaves) > 1 else leaves[0])
    return groups


def word_weight(group, searcher) -> float:
    """A word's weight in the coordination factor: its idf in the abstracts (or titles)."""
    N = searcher.doc_count_all() or 1
    leaves = group.leaves() if not group.is_leaf() else [group]
    df = max((searcher.doc_frequency(leaf.fieldname, leaf.text) for leaf in leaves
              if leaf.fieldname in ("abstract", "title")), default=0)
    if not COORD_WEIGHTED:
        return 1.0
    return max(log((N - df + 0.5) / (df + 0.5)), 0.05) if df else log(N + 0.5)


IDF = "rsj"
# Field weights of a question's words: a title weighs less than in a keyword search (a question's
# words describe the content, and most of them are not in the title).
PROSE_BOOSTS = {"title": 2.0, "abstract": 1.0, "author": 2.0, "note": 1.5, "tag": 2.0}


def idf_ratio(N: int, df: int) -> float:
    """Prose idf over the evaluator's (log(N / (df + 1)) + 1), as a boost."""
    base = log(N / (df + 1)) + 1
    if IDF == "rsj":
        idf = max(log((N - df + 0.5) / (df + 0.5)), 0.05)
    elif IDF == "lucene":
        idf = log(1 + (N - df + 0.5) / (df + 0.5))
    else:
        return 1.0
    return idf / base if base > 0 else 1.0


def leaf_texts(node) -> set[str]:
    """The term texts in a word's node."""
    return {leaf.text for leaf in node.leaves()} if hasattr(node, "leaves") and not node.is_leaf() else {node.text}
