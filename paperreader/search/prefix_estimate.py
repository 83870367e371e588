"""The "about N" of a lone prefix (`g*`, `x*`): the papers the searched terms found, plus an
estimate of those only the terms left unsearched would add.

A prefix is searched by its most frequent terms (`fast.MAX_EXPANSIONS` a field, fewer past the
postings budget), so its total counted only the papers having one of those: at 10k papers `g*`
showed 4% too few, `x*` 29% (engineer B, s8). With N documents, `covered` the papers found and
miss = the product over every term not searched (every field) of (1 - df / N), the chance that a
paper not yet counted has none of them (terms taken as independent):

    estimate = covered + (live - covered) * (1 - miss)

B measured it within 0.4% of the exact count for g, co, gr, x, q, z at 10k. The dfs come from
the lexicon (no postings read). Only a lone prefix whose total is not exact is estimated; the
total stays "about N". Other shapes (a prefix ANDed with words) keep the lower bound.
"""

from __future__ import annotations

import math
import sys

# Where a segment has no letter file (search/letter_terms.py), or numpy is not loaded yet (a small
# library's dict evaluator: its import would cost more than the estimate), the dfs are read with
# the lexicon's `prefixed` instead (a whole letter's terms from the term dictionary: +2 ms a lone
# letter at 10k, +15-20 ms at 100k, ~200 ms a field at 1M): only in libraries up to this size.
ESTIMATE_UP_TO = 50_000
_KEPT = 256  # (field, prefix, terms searched) -> its share of log(miss), per evaluator


def lone_prefixes(q) -> list | None:
    """The Prefix leaves of `q` when it is one prefix (a Prefix, or an OR of Prefix leaves, one a
    field), else None."""
    from whoosh import query as wq

    if type(q) is wq.Prefix:
        return [q]
    if type(q) is wq.Or and q.subqueries and all(type(c) is wq.Prefix for c in q.subqueries):
        return list(q.subqueries)
    return None


def _filters_only(node) -> bool:
    """Whether `node` only filters (is: sets, has:/cat: terms, NOT, everything): no word scored."""
    from whoosh import query as wq

    from paperreader.search.id_node import is_id_set

    if is_id_set(node) or isinstance(node, wq.Every) or node is wq.NullQuery:
        return True
    if type(node) is wq.Term:
        return node.fieldname in ("has", "cat")
    if type(node) is wq.Not:
        return _filters_only(node.query)
    if type(node) in (wq.And, wq.Or):
        return all(_filters_only(c) for c in node.subqueries)
    return False


def _split(q):
    """(the Prefix leaves, the filters ANDed with them or None) of a lone prefix, or (None, None)."""
    from whoosh import query as wq

    leaves = lone_prefixes(q)
    if leaves:
        return leaves, None
    if type(q) is wq.And:
        prefixes = [c for c in q.subqueries if lone_prefixes(c)]
        rest = [c for c in q.subqueries if not lone_prefixes(c)]
        if len(prefixes) == 1 and rest and all(_filters_only(c) for c in rest):
            return lone_prefixes(prefixes[0]), rest
    return None, None


def estimate_total(fs, q, total: int) -> int:
    """`total` (the papers the searched terms found, a lower bound), estimated up to the papers
    every term under the prefix would find when `q` is a lone prefix (alone, or ANDed with
    filters only: the reader's unread count is `x*` with is:unread); else `total` as it is."""
    from whoosh import query as wq

    leaves, filters = _split(q)
    if not leaves:
        return total
    log_miss = 0.0
    for leaf in leaves:
        part = _log_miss(fs, leaf)
        if part is None:  # (no cheap way to the dfs: the lower bound, as before)
            return total
        log_miss += part
    if filters is None:
        live = fs.searcher.doc_count()
    else:  # the papers the filters let through (taken as independent of the prefix's words)
        live = fs.run(wq.And(filters), 0).total
        fs.exact = False
    estimate = total + (live - total) * -math.expm1(log_miss)
    return max(total, min(live, round(estimate)))


def _log_miss(fs, leaf) -> float | None:
    """The sum of log(1 - df / N) over the terms under `leaf`'s prefix that were not searched
    (kept per evaluator: typing comes back to the same letters), or None when it would cost too much."""
    searched = fs._expand(leaf)
    key = (leaf.fieldname, leaf.text, tuple(searched))
    kept = getattr(fs, "_prefix_misses", None)
    if kept is None or len(kept) > _KEPT:
        kept = fs._prefix_misses = {}
    if key not in kept:
        small = fs.N <= ESTIMATE_UP_TO
        segments = fs._lexicon.letter_dfs(leaf.fieldname, leaf.text) if "numpy" in sys.modules or not small else None
        if segments is not None:
            kept[key] = _from_letter_files(fs.N, segments, searched)
        elif small:
            n, skip = fs.N, set(searched)
            kept[key] = math.fsum(math.log1p(-min(df, n - 1) / n)
                                  for df, term in fs._lexicon.prefixed(leaf.fieldname, leaf.text) if term not in skip)
        else:
            kept[key] = None
    return kept[key]


def _from_letter_files(n: int, segments, searched: list[str]) -> float:
    """The sum over each segment's terms (`Lexicon.letter_dfs`), the searched ones left out by key.
    A term in several segments is counted per segment: sum of log(1 - df_s / N) instead of
    log(1 - df / N), the same to first order for the rare terms left unsearched."""
    import numpy as np

    from paperreader.search.letter_terms import term_keys

    skip = term_keys(np, [t.encode("utf-8") for t in searched])
    total = 0.0
    for _offset, _docs, keys, dfs in segments:
        rest = dfs[~np.isin(keys, skip)] if len(skip) else dfs
        if len(rest):
            total += float(np.log1p(-np.minimum(rest.astype(np.float64), n - 1) / n).sum())
    return total
