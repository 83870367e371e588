"""A prefix's most frequent terms over the segments, from their prepared regions (search/letter_terms.py).

Each segment holds the prefix's terms as a slice of its region: keys, document frequencies, terms.
A term's frequency in the index is the sum over the segments. Few terms (a prefix of three letters or
more): their texts are summed in a dict, as the term dictionary's path does. Many (`t` in abstracts
at a million papers: ~80k entries over ten segments): the keys are summed with numpy (np.unique,
np.bincount), and only the terms that can be among the k best are read as text; each of their
entries' texts is compared, so two terms sharing a key are never summed as one (the dict's way then).
The answer is the term dictionary's path's: the same pairs in the same order, and the same count.
"""

from __future__ import annotations

import heapq

EXACT_UP_TO = 4_096  # entries over the segments summed by their texts, in a dict


def _by_text(parts: list, k: int) -> tuple[list[tuple[int, str]], bool, dict]:
    dfs: dict = {}
    get = dfs.get
    for region, a, b in parts:
        for t, df in zip(region.terms(a, b), region.dfs[a:b].tolist()):
            dfs[t] = get(t, 0) + df
    return heapq.nlargest(k, ((df, t) for t, df in dfs.items())), len(dfs) > k, dfs


def top(parts: list, k: int) -> tuple[list[tuple[int, str]], bool, dict | None]:
    """The k best (document frequency summed, term) of [(Region, a, b)], best first (ties: the
    later term first), whether more than k terms are there, and {term: frequency} of them all
    when they were summed by their texts (else None).

    The k-th best sum is at least any one segment's k-th best frequency (`floor`): a term that
    can reach it has, in one of the S segments, a frequency of floor / S or more. Only those
    terms' keys are looked up in every segment (its keys are sorted) and summed."""
    sizes = [b - a for _r, a, b in parts]
    if sum(sizes) <= EXACT_UP_TO or k <= 0 or max(sizes) <= k:
        return _by_text(parts, k)
    import numpy as np

    floor = max(int(np.partition(r.dfs[a:b], (b - a) - k)[(b - a) - k]) for r, a, b in parts if b - a >= k)
    wide = len(parts)
    picked = []
    for r, a, b in parts:
        frequent = r.dfs[r.order].astype(np.int64) * wide >= floor
        if b - a < len(r.order):  # a slice of the region: its terms only
            frequent &= (r.order >= a) & (r.order < b)
        picked.append(r.keys[frequent])
    chosen = np.unique(np.concatenate(picked))
    sums = np.zeros(len(chosen), np.int64)
    found = []  # per segment: (which chosen, their term indices)
    for r, a, b in parts:
        at = np.minimum(np.searchsorted(r.keys, chosen), len(r.keys) - 1)
        terms = r.order[at].astype(np.int64)
        hit = np.flatnonzero((r.keys[at] == chosen) & (terms >= a) & (terms < b))
        sums[hit] += r.dfs[terms[hit]]
        found.append((hit, terms[hit]))
    order = np.argsort(-sums, kind="stable")
    cut = sums[order[k - 1]]
    best = order[sums[order] >= cut].tolist()  # the k best, and any tied with the k-th
    texts: dict = {c: set() for c in best}
    for (region, _a, _b), (hit, terms) in zip(parts, found):
        for c, i in zip(hit.tolist(), terms.tolist()):
            if c in texts:
                texts[c].add(region.term(i))
    pairs = []
    for c in best:
        if len(texts[c]) != 1:  # two terms, one key
            return _by_text(parts, k)
        pairs.append((int(sums[c]), texts[c].pop().decode("utf-8")))
    return sorted(pairs, reverse=True)[:k], True, None
