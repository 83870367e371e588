"""Phrases over numpy arrays, for the dense evaluator (`search/dense.py`): the same documents and
the same floats as `search/phrase.py`'s dict path, without a Python int per posting.

The candidates are the documents holding every word (the intersection of the words' document
arrays, `dense_terms.TermArrays`, which the words' scores come from too); only their positions
are read (`postings_arrays.decode_keys`: chunks without a candidate are not inflated), and "these
words in this order" is the same arithmetic on position keys (`document << 20 | position`) as
`phrase._phrase_docs`, with sorted arrays instead of sets. A found document scores the sum of
its words' scores in the phrase's order, starting from 0.0, as `PhraseSearch._phrase` adds them.
At 1M papers the dict path held every position of `neural` as Python ints (2.3M of them).
"""

from __future__ import annotations

import numpy as np

from paperreader.search.budget import check as check_budget
from paperreader.search.postings import POSITION_BITS
from paperreader.search.postings_arrays import decode_keys

_IDS = np.int64


def _member(a, b):
    """Which of `a` are in sorted `b` (a boolean per element of `a`)."""
    if not len(b):
        return np.zeros(len(a), bool)
    at = np.searchsorted(b, a)
    at[at == len(b)] = 0
    return b[at] == a


def _distinct(a):
    """The distinct values of a sorted array (np.unique sorts again: ~35 ms a phrase at 1M)."""
    if len(a) < 2:
        return a
    keep = np.empty(len(a), bool)
    keep[0] = True
    np.not_equal(a[1:], a[:-1], out=keep[1:])
    return a[keep]


def _common(a, b, n: int):
    """The documents of sorted `a` that are in sorted `b` (both below `n`): a mark per document
    when `b` is not much longer, else a bisection per element of `a`."""
    if len(a) * 32 < len(b):
        return a[_member(a, b)]
    mark = np.zeros(n, bool)
    mark[b] = True
    return a[mark[a]]


def phrase_docs(keys: list, slop: int):
    """`phrase._phrase_docs` over sorted int64 key arrays: the documents (sorted, unique) where
    word k is at position p + k (or, with `slop`, within `slop` positions after the word before)."""
    if slop == 1:
        rare = min(range(len(keys)), key=lambda k: len(keys[k]))
        found = _distinct(keys[rare])
        for k in range(len(keys)):
            if k == rare or not len(found):
                continue
            found = found[_member(found + (k - rare), keys[k])]
        return _distinct(found >> POSITION_BITS)
    reach = _distinct(keys[0])
    for kk in keys[1:]:  # the next word's keys 1..slop after one reached (no sort: kk stays in order)
        hit = np.zeros(len(kk), bool)
        for j in range(1, slop + 1):
            check_budget()
            hit |= _member(kk - j, reach)
        reach = kk[hit]
        if not len(reach):
            break
    return _distinct(reach >> POSITION_BITS)


def phrase(dense, node, within):
    """(ids, scores) of a phrase node (positions kept in its field), `PhraseSearch._phrase`'s
    answer. `within`: an AND's documents so far (sorted) or None; others may be left out."""
    field, words, slop = node.fieldname, list(node.words), max(1, node.slop)
    arrays = dense.arrays
    if len(words) == 1:
        return arrays.scores(field, words[0], node.boost)
    scored = [arrays.scores(field, w, node.boost) for w in words]
    empty = (np.zeros(0, _IDS), np.zeros(0, np.float64))
    if not all(len(ids) for ids, _s in scored):
        return empty
    cands = min((ids for ids, _s in scored), key=len)
    n = dense.n
    if within is not None:
        cands = _common(cands, within, n)
    for ids, _s in scored:
        check_budget()
        if not len(cands):
            return empty
        if ids is not cands:
            cands = _common(cands, ids, n)
    if not len(cands):
        return empty
    blobs = [dict(arrays.blobs(field, w)) for w in words]
    found = []
    for _sub, offset in dense.fs.leaves:
        check_budget()
        local = cands[(cands >= offset) & (cands < offset + _sub.reader().doc_count_all())] - offset
        if not len(local):
            continue
        keys = [decode_keys(b[offset], local) for b in blobs]
        if any(k is None for k in keys):  # a list written without positions: the dict path's answer
            return dense._from_dict(dense.fs._phrase(node))
        docs = phrase_docs(keys, slop)
        if len(docs):
            found.append(docs + offset)
    if not found:
        return empty
    docs = np.concatenate(found)
    score = np.zeros(len(docs))
    for ids, scores in scored:  # in the phrase's order, as the dict path adds them
        score = score + scores[np.searchsorted(ids, docs)]
    return docs, score
