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
from math import log
from operator import mul

from paperreader.search.scoring import idf

COORD = 1.0  # exponent of the coordination factor; words count in it by their idf (a rare word matched counts for more)
FEEDBACK_DOCS = 3  # pseudo-relevance feedback: the first pass's top papers read
FEEDBACK_TERMS = 10  # ... the words added
FEEDBACK_WEIGHT = 0.5  # ... the best added word's weight, relative to one of the query's words
RERANK_DEPTH = 1000  # ... re-ranking this many of the first pass's best papers
MAX_SCORED_WORDS = 32  # a longer query is searched by its rarest words
COMMON_WEIGHT = 0.5  # a word whose idf is below this (in ~38% of the papers or more) is not scored
FEEDBACK_CANDIDATES = 40  # ... chosen among the words most used in those papers
FEEDBACK_MIN_DF = 2  # ... a word must be in this many papers of the library
FEEDBACK_MAX_SHARE = 0.05  # ... and in no more than this share of them (telling, and quick to read)


@dataclass
class Ranked:
    """One evaluation of a prose query."""

    all_words: int  # papers with every word
    total: int  # papers in the list: those with every word, then (if filled) the partial ones
    top: list[tuple[float, int, bool]]  # (score, global docnum, has every word), best first
    filled: bool  # partial matches are in the list


def _scores(fs, groups, allowed, weights):
    """(summed score, share of the query's weight matched, papers with every word) over the
    papers having any of the words."""
    found = [(fs._eval(g), w) for g, w in zip(groups, weights)]
    complete = all(p for p, _w in found)
    found = [(p, w) for p, w in found if p]
    if not found:
        return {}, {}, set()
    # every word: the smallest list intersected with the others, in C
    found.sort(key=lambda pw: len(pw[0]), reverse=True)
    every = set(found[-1][0]).intersection(*(p.keys() for p, _w in found[:-1])) if complete else set()
    # a word in most papers weighs next to nothing (its idf is floored near 0) and costs the most:
    # it counts for "every word", not in the scores (unless nothing else is left)
    parts = [(p, w) for p, w in found if w >= COMMON_WEIGHT] or found
    total = sum(weights) or 1.0
    score = dict(parts[0][0])
    share = dict.fromkeys(score, parts[0][1] / total)
    get, got = score.get, share.get
    for r, w in parts[1:]:
        w /= total
        for d, s in r.items():
            score[d] = get(d, 0.0) + s
            share[d] = got(d, 0.0) + w
    for d in every - score.keys():  # (only common words: keep them in the list)
        score[d] = share[d] = 0.0
    if allowed is not None:
        for d in [d for d in score if d not in allowed]:
            del score[d]
        every &= allowed
    for d in fs._deleted:
        score.pop(d, None)
        every.discard(d)
    return score, share, every


def _best(final: dict, every: set, k: int) -> list[int]:
    """The k best documents: those with every word first, then by score, ties by document number.
    The k-th best value is found over the floats first (in C), then only the few at or above it
    are ordered."""
    if not k or not final:
        return []
    cut = heapq.nlargest(k + len(every), final.values())[-1]
    candidates = [d for d, s in final.items() if s >= cut]
    candidates.extend(d for d in every if final[d] < cut)
    candidates.sort(key=lambda d: (d in every, final[d], -d), reverse=True)
    return candidates[:k]


def rank(fs, groups: list, allowed, limit: int, *, fill: bool | None, feedback=None, weights=None) -> Ranked:
    """Evaluate `groups` (one query node per word) over FastSearch `fs`. `allowed`: the documents a
    filter lets through (None: all). `fill`: None decides (partial matches when fewer than `limit`
    papers have every word), True/False repeats an earlier decision (paging deeper).
    `weights`: each word's weight in the coordination factor (its idf; None: all the same).
    `feedback(docnums) -> [(field, term, weight)]`, if given, names words for a second pass."""
    n = len(groups)
    score, share, every = _scores(fs, groups, allowed, weights or [1.0] * n)
    if fill is None:
        fill = len(every) < limit
    if not fill:
        top = heapq.nlargest(limit, ((score[d], -d) for d in every)) if limit else []
        return Ranked(len(every), len(every), [(s, -nd, True) for s, nd in top], False)
    coef = share if COORD == 1.0 else {d: share[d] ** COORD for d in score}
    final = dict(zip(score, map(mul, score.values(), map(coef.__getitem__, score))))
    first = _best(final, every, max(limit, RERANK_DEPTH))  # one pass over the floats
    extra = feedback(first[:FEEDBACK_DOCS]) if feedback is not None and first else None
    if extra:
        depth = set(first[:RERANK_DEPTH])  # the feedback re-ranks the first pass's best
        for field, term, weight in extra:
            scores = fs._term(field, term, weight)
            for d in (depth & scores.keys()):
                final[d] += scores[d] * coef[d]
        # scores only went up, and only in `depth`: the new top `limit` is among `first`
        first.sort(key=lambda d: (d in every, final[d], -d), reverse=True)
    best = first[:limit]
    return Ranked(len(every), len(final), [(final[d], d, d in every) for d in best], True)


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
        if FEEDBACK_MIN_DF <= df <= FEEDBACK_MAX_SHARE * N:
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


def word_groups(words: list[str], analyzers: dict, searcher=None, prefix: str = "", stem=None,
                expand=None) -> tuple[list, list[float]]:
    """One query node per word, and each word's weight in the coordination factor.

    A node is the word in every default field, BM25F-weighted as a bare word is
    (`search/query.make_parser`). With `searcher` (a question), a word's weight follows Robertson
    and Spärck Jones's idf, which gives a word in most papers next to nothing (the evaluator's own
    idf, kept for the strict language, never falls below 1): questions are full of such words.
    Fields where the word is in no paper are left out (a word in none is a NullQuery: no paper has
    every word); the coordination weight is the word's idf in titles and abstracts."""
    from whoosh import query as wq

    from paperreader.search.schema import FIELD_BOOSTS

    N = searcher.doc_count_all() if searcher is not None else 0
    boosts = PROSE_BOOSTS if N else FIELD_BOOSTS
    groups, weights = [], []
    if prefix:  # the last word is still being typed: a prefix (search/completion.py's rules)
        words = words[:-1]
    for word in words:
        leaves, text_df = [], 0
        for name, analyzer in analyzers.items():
            for token in analyzer(word, mode="query"):
                boost = boosts.get(name, 1.0)
                if N:
                    df = searcher.doc_frequency(name, token.text)
                    if not df:
                        continue
                    if name in ("title", "abstract"):
                        text_df = max(text_df, df)
                    boost *= idf_ratio(N, df)
                leaves.append(wq.Term(name, token.text, boost=boost))
        if leaves:
            groups.append(wq.Or(leaves) if len(leaves) > 1 else leaves[0])
        elif N:
            groups.append(wq.NullQuery)
        else:
            continue
        weights.append(rsj_idf(N, text_df) if N and text_df else log(N + 1.5) if N else 1.0)
    if prefix and not N:  # a keyword query: `word*` as the strict language reads it, in every field
        from paperreader.search.completion import prefix_text

        groups.append(wq.Or([wq.Prefix(name, prefix_text(name, prefix, stem, expand), boost=boosts.get(name, 1.0)) for name in analyzers]))
        weights.append(1.0)
    elif prefix:
        from paperreader.search.completion import prefix_text

        leaves, text_df = [], 0
        for name in analyzers:
            start = prefix_text(name, prefix, stem, expand)
            terms = expand(wq.Prefix(name, start))
            if terms:
                df = max(searcher.doc_frequency(name, t) for t in terms)
                if name in ("title", "abstract"):
                    text_df = max(text_df, df)
                leaves.append(wq.Prefix(name, start, boost=boosts.get(name, 1.0) * idf_ratio(N, df)))
        groups.append(wq.Or(leaves) if len(leaves) > 1 else leaves[0] if leaves else wq.NullQuery)
        weights.append(rsj_idf(N, text_df) if text_df else log(N + 1.5))
    if N and len(groups) > MAX_SCORED_WORDS:  # a pasted paragraph: its rarest words (the cost is per word)
        keep = set(sorted(range(len(groups)), key=lambda i: -weights[i])[:MAX_SCORED_WORDS])
        groups = [g for i, g in enumerate(groups) if i in keep]
        weights = [w for i, w in enumerate(weights) if i in keep]
    return groups, weights


# Field weights of a question's words: a title weighs less than in a keyword search (a question's
# words describe the content, and most of them are not in the title).
PROSE_BOOSTS = {"title": 2.0, "abstract": 1.0, "author": 2.0, "note": 1.5, "tag": 2.0}


def rsj_idf(N: int, df: int) -> float:
    """Robertson–Spärck Jones idf, floored just above 0 (a word in most papers weighs little)."""
    return max(log((N - df + 0.5) / (df + 0.5)), 0.05)


def idf_ratio(N: int, df: int) -> float:
    """Prose idf over the evaluator's (`scoring.idf`), as a boost."""
    base = idf(N, df)
    return rsj_idf(N, df) / base if base > 0 else 1.0


def leaf_texts(node) -> set[str]:
    """The term texts in a word's node."""
    if not hasattr(node, "leaves"):
        return set()
    return {leaf.text for leaf in node.leaves()} if not node.is_leaf() else {getattr(node, "text", "")}
