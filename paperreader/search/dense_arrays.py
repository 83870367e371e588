"""Sorted document arrays combined for the dense evaluator (`search/dense.py`): sums in the
dict evaluator's order of additions (the same floats), intersections, unions, and the page.

A result is a pair of arrays: document numbers ascending (int64) and their float64 scores.
"""

from __future__ import annotations

import numpy as np

# Parts with fewer postings in all than 1/COMPACT of the documents are summed over their own
# documents, not an accumulator over every document (1M documents, CPU: 2,000 postings 0.5 ms
# compact vs 2.0 over all; 10,000: 2.7 vs 1.8; 200,000: 115 vs 9.9)
COMPACT = 200
# Two sorted lists are matched by bisection when one is this many times shorter, else by a mark
# per document (1M, CPU: 800k with 700k 23.6 ms bisecting vs 5.6 marking; 50k with 800k 3.2 vs
# 2.7; 5k with 800k 0.9 vs 2.1)
SEARCH_RATIO = 32

IDS = np.int64
EMPTY = (np.zeros(0, IDS), np.zeros(0, np.float64))


def add_up(parts: list, n: int):
    """The parts' scores summed per document in the parts' order (each part's documents unique):
    the same floats as adding them one by one into a dict."""
    parts = [p for p in parts if len(p[0])]
    if not parts:
        return EMPTY
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
    if not all(scores.min() >= 0.0 for _pids, scores in parts):  # (or NaN): a mark per document
        seen = np.zeros(n, bool)
        for pids, scores in parts:
            np.add.at(acc, pids, scores)
            seen[pids] = True
        ids = np.flatnonzero(seen)
        return ids, acc[ids]
    # No score below zero: a document with a score above zero has a sum above zero, and only the
    # documents scored zero (keyword fields) need marking. np.add.at adds one posting at a time in
    # order (as `acc[pids] += s` does for distinct ids), in half the time at 1M (48 parts, 2.9M
    # postings, CPU: 22.8 vs 39.5 ms; the mark per document another 12.6).
    zeros = None
    for pids, scores in parts:
        np.add.at(acc, pids, scores)
        if not scores.min() > 0.0:
            if zeros is None:
                zeros = np.zeros(n, bool)
            zeros[pids[scores == 0.0]] = True
    found = acc > 0.0
    if zeros is not None:
        found |= zeros
    ids = np.flatnonzero(found)
    return ids, acc[ids]


def add_within(parts: list, within, n: int):
    """`add_up` of the parts' documents that are in `within` (sorted), the same floats: each
    document's scores added in the parts' order. A part much longer than `within` is searched
    for its documents (bisection), a shorter one's documents are looked up in a mark per document
    and added with np.add.at (1M, 97 parts, 3.3M postings, 300k documents: 110 -> 75 ms CPU)."""
    parts = [p for p in parts if len(p[0])]
    if all(len(within) * SEARCH_RATIO <= len(pids) for pids, _s in parts):  # a few documents
        acc = np.zeros(len(within))
        seen = np.zeros(len(within), bool)
        for pids, scores in parts:
            at = np.searchsorted(pids, within)
            at[at == len(pids)] = 0
            hit = pids[at] == within
            acc[hit] += scores[at[hit]]
            seen |= hit
        return within[seen], acc[seen]
    mark = np.zeros(n, bool)
    mark[within] = True
    acc = np.zeros(n)
    seen = np.zeros(n, bool)
    for pids, scores in parts:
        if len(within) * SEARCH_RATIO <= len(pids):
            at = np.searchsorted(pids, within)
            at[at == len(pids)] = 0
            hit = pids[at] == within
            docs, add = within[hit], scores[at[hit]]
        else:
            hit = mark[pids]
            docs, add = pids[hit], scores[hit]
        np.add.at(acc, docs, add)
        seen[docs] = True
    ids = within[seen[within]]
    return ids, acc[ids]


def union(arrays: list):
    """The sorted documents of several sorted arrays."""
    arrays = [a for a in arrays if len(a)]
    if len(arrays) <= 1:
        return arrays[0] if arrays else EMPTY[0]
    ids = np.sort(np.concatenate(arrays))
    return ids[np.concatenate(([True], ids[1:] != ids[:-1]))]


def matches(a, b, n: int):
    """Positions (in a, in b) of the documents both sorted arrays hold (below `n`)."""
    if len(a) > len(b):
        pb, pa = matches(b, a, n)
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


def member(a, b):
    """Which of sorted `a` are in sorted `b` (a boolean per element of `a`)."""
    at = np.searchsorted(b, a)
    at[at == len(b)] = 0
    return b[at] == a


def intersect(a, b, n: int):
    """Documents in both, scored a's score plus b's (in that order, as `_and` adds)."""
    pa, pb = matches(a[0], b[0], n)
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
