"""A term's postings as numpy arrays, BM25F-scored: what the dense evaluator (`search/dense.py`)
combines. At a million papers a bare word matches most of them: `FastSearch._read_term` builds a
dict of 834k entries for `neural` (~1.3 s CPU); here a segment's list is decoded, its length bytes
gathered and its scores looked up in C, a few array passes a list.

The scores are `FastSearch._read_term`'s, bit for bit: the same table (`k1p * ratio[tf * 256 +
length byte]`), tfs beyond `fast.TF_ROWS` one by one through `scoring.term_score`, keyword fields
0.0, deleted documents included (the evaluator removes them). Recent terms are kept, bounded in
bytes, so typing `neural net`, `neural netw` reads `neural` once.

numpy is imported at this module's import: import it only from the evaluator, lazily (launch
does not pay for numpy).
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from paperreader.search import scoring
from paperreader.search.budget import check as check_budget

CACHE_BYTES = 48 * 1024 * 1024  # recent terms' arrays kept (ids and scores: 16 bytes a posting)

_NO_IDS = np.zeros(0, np.int64)
_NO_IDS.flags.writeable = False
_NO_SCORES = np.zeros(0, np.float64)
_NO_SCORES.flags.writeable = False


def _frozen(a):
    a.flags.writeable = False  # cached and shared: callers copy before changing
    return a


class TermArrays:
    """Term results as arrays for one FastSearch (one searcher): global document numbers
    ascending (segment offsets added) and their float64 scores. Arrays returned are read-only."""

    def __init__(self, fs, cache_bytes: int = CACHE_BYTES) -> None:
        from whoosh.reading import TermNotFound

        from paperreader.search.whoosh import internals

        self.fs = fs
        self.cache_bytes = cache_bytes
        self._missing = TermNotFound
        self._term_arrays = internals.term_arrays
        self._cache: OrderedDict = OrderedDict()  # (field, text, boost or None) -> (ids, scores) or (ids,)
        self._keys: dict = {}  # (field, text) -> the keys of its cached entries (docs() finds any)
        self.cached_bytes = 0
        self._lengths: dict = {}  # (segment index, field) -> uint8 view of the length bytes, or None
        self._ratios: dict = {}  # field -> float64 array of fs._ratios (fast.TF_ROWS rows of 256)

    # -- reading ----------------------------------------------------------------------------------
    def _segments(self, field: str, text):
        """(segment index, segment, offset, ids, tfs) of a term, for each segment that has it."""
        fieldobj = self.fs.searcher.schema[field]
        btext = fieldobj.to_bytes(text) if isinstance(text, str) else text
        for i, (sub, offset) in enumerate(self.fs.leaves):
            try:
                ids, tfs = self._term_arrays(sub.reader(), field, btext)
            except self._missing:
                continue
            yield i, sub, offset, ids, tfs

    def _length_view(self, i: int, sub, field: str):
        """A segment's length bytes of `field` as a uint8 view (None: no document has the field)."""
        key = (i, field)
        view = self._lengths.get(key, False)
        if view is False:
            col = self.fs._length_bytes(sub, field)
            view = self._lengths[key] = np.frombuffer(col, np.uint8) if col else None
        return view

    def _ratio_array(self, field: str, table: list[float]):
        ratios = self._ratios.get(field)
        if ratios is None:
            ratios = self._ratios[field] = np.array(self.fs._ratios(field, table), np.float64)
        return ratios

    def _read(self, field: str, text, boost: float):
        fs = self.fs
        if not fs.searcher.schema[field].scorable:  # keywords: a filter, every score 0.0
            ids = self._read_ids(field, text)
            return ids, np.zeros(len(ids), np.float64)
        k1p, table = fs._scorer(field, text, boost)
        ratios = self._ratio_array(field, table)
        rows = len(ratios) // 256 - 1  # tfs up to fast.TF_ROWS - 1 from the table (not imported: a cycle)
        id_parts, score_parts = [], []
        for i, sub, offset, ids, tfs in self._segments(field, text):
            check_budget()  # between segments (a segment's list is scored in C)
            lengths = self._length_view(i, sub, field)
            lens = lengths.take(ids) if lengths is not None else np.zeros(len(ids), np.uint8)
            if tfs is None:
                scores = (ratios[256:512] * k1p).take(lens)
            else:
                over = None
                if tfs.max() > rows:
                    over = np.flatnonzero(tfs > rows)
                    high = tfs.take(over).tolist()
                    tfs = np.minimum(tfs, rows)
                cells = tfs.astype(np.intp) << 8
                cells += lens
                scores = ratios.take(cells)
                scores *= k1p
                if over is not None:  # beyond the table: one by one, as _read_term does
                    norms = lens.take(over).tolist()
                    scores[over] = [scoring.term_score(k1p, tf, table[b]) for tf, b in zip(high, norms)]
            if offset:
                ids = ids + offset
            id_parts.append(ids)
            score_parts.append(scores)
        if not id_parts:
            return _NO_IDS, _NO_SCORES
        if len(id_parts) == 1:
            return id_parts[0], score_parts[0]
        return np.concatenate(id_parts), np.concatenate(score_parts)

    def _read_ids(self, field: str, text):
        parts = [ids + offset if offset else ids for _i, _sub, offset, ids, _tfs in self._segments(field, text)]
        if not parts:
            return _NO_IDS
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    # -- the cache --------------------------------------------------------------------------------
    def _keep(self, key, value) -> None:
        size = sum(a.nbytes for a in value)
        if size > self.cache_bytes // 4:
            return
        self._cache[key] = value
        self._keys.setdefault(key[:2], set()).add(key)
        self.cached_bytes += size
        while self.cached_bytes > self.cache_bytes:
            old_key, old = self._cache.popitem(last=False)
            self.cached_bytes -= sum(a.nbytes for a in old)
            keys = self._keys[old_key[:2]]
            keys.discard(old_key)
            if not keys:
                del self._keys[old_key[:2]]

    # -- the interface ----------------------------------------------------------------------------
    def scores(self, field: str, text, boost: float = 1.0):
        """(ids, scores) of one term: global document numbers ascending (int64, deleted ones
        included) and their BM25F scores (float64), exactly `FastSearch._read_term`'s. Read-only."""
        key = (field, text, boost)
        hit = self._cache.get(key)
        if hit is not None:
            self._cache.move_to_end(key)
            return hit
        ids, scores = self._read(field, text, boost)
        value = (_frozen(ids), _frozen(scores))
        self._keep(key, value)
        return value

    def docs(self, field: str, text):
        """The global document numbers of a term, ascending (int64, read-only; unscored: for NOT
        and filters). A term scored recently is not read again."""
        for key in self._keys.get((field, text), ()):
            self._cache.move_to_end(key)
            return self._cache[key][0]
        ids = _frozen(self._read_ids(field, text))
        self._keep((field, text, None), (ids,))
        return ids
