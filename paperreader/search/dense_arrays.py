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
    return add_dense(parts, n).pairs()


class Dense:
    """A sum over every document: `acc` (float64, by document number, 0.0 where none was added)
    and `found` (bool: the documents some part had); `plus`: no score below zero was added.
    Adding another part's scores to every document, 0.0 where it has none, leaves the others'
    floats as they were (x + 0.0 == x for x >= 0), so each document's sum is the same float, in
    the same order, as adding the parts one by one (`add_up`), without gathering a sum into
    (ids, scores) and scattering it again (a first letter's OR over five fields at 1M: ~2M
    postings scattered, ~20-45 ms CPU, against four vector additions)."""

    __slots__ = ("acc", "found", "plus")

    def __init__(self, acc, found, plus: bool) -> None:
        self.acc, self.found, self.plus = acc, found, plus

    def pairs(self, within=None):
        """(ids, scores): every document found, or those of `within` (sorted ids) only."""
        ids = np.flatnonzero(self.found) if within is None else within[self.found[within]]
        return ids, self.acc[ids]


def add_dense(parts: list, n: int) -> Dense:
    """The parts (each (ids, scores), documents unique, or a `Dense`) added per document in
    order into an accumulator over every document."""
    acc = np.zeros(n)
    plus = all(p.plus if isinstance(p, Dense) else p[1].min() >= 0.0 for p in parts)
    # With no score below zero a document with a sum above zero was found, and only documents
    # scored zero (keyword fields) need marking; else (or NaN) a mark per document. np.add.at
    # adds one posting at a time in order (as `acc[pids] += s` does for distinct ids), in half
    # the time at 1M (48 parts, 2.9M postings, CPU: 22.8 vs 39.5 ms; the mark another 12.6).
    marks = None if plus else np.zeros(n, bool)
    for p in parts:
        if isinstance(p, Dense):
            np.add(acc, p.acc, out=acc)
            if marks is None:
                marks = p.found.copy()
            else:
                np.logical_or(marks, p.found, out=marks)
            continue
        pids, scores = p
        np.add.at(acc, pids, scores)
        if not plus:
            marks[pids] = True
        elif not scores.min() > 0.0:
            if marks is None:
                marks = np.zeros(n, bool)
            marks[pids[scores == 0.0]] = True
    if not plus:
        return Dense(acc, marks, False)
    found = acc > 0.0
    if marks is not None:
        found |= marks
    return Dense(acc, found, True)


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
