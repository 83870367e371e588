"""A term's postings as numpy arrays, BM25F-scored: what the dense evaluator (`search/dense.py`)
combines. At a million papers a bare word matches most of them: `FastSearch._read_term` builds a
dict of 834k entries for `neural` (~1.3 s CPU); here a segment's list is decoded, its length bytes
gathered and its scores looked up in C, a few array passes a list.

The scores are `FastSearch._read_term`'s, bit for bit: the same table (`k1p * ratio[tf * 256 +
length byte]`), tfs beyond the table one by one through `scoring.term_score`, keyword fields
0.0, deleted documents included (the evaluator removes them). Recent terms are kept, bounded in
bytes, so typing `neural net`, `neural netw` reads `neural` once. A letter's most frequent terms
are read, when every segment has them so, from the segments' letter postings files
(`search/letter_postings.py`: documents and score cells uncompressed, one read a list).

numpy is imported at this module's import: import it only from the evaluator, lazily (launch
does not pay for numpy).
"""

from __future__ import annotations

from collections import OrderedDict
from time import monotonic

import numpy as np

from paperreader.search import scoring
from paperreader.search.budget import check as check_budget
from paperreader.search.codec import checked_arrays

CACHE_BYTES = 48 * 1024 * 1024  # recent terms' arrays kept (ids and scores: 16 bytes a posting)
# tfs below this are scored from a table, higher ones one by one: the same floats either way
# (k1p * (tf / (tf + norm))), so it need not be fast.TF_ROWS (which is the same, 64)
TF_ROWS = 64
SCALED_FROM = TF_ROWS * 256  # postings: a term's whole table times k1p (else each posting's ratio)

# A long list's segments decoded and scored on this many threads (1: in the caller's). 2 was no
# faster on the shared, loaded 2-core machine (1M, neural/model/learn/mamba, 25 alternations:
# wall p50 equal or worse, thread wake-ups under load); untried on a quiet one.
THREADS = 1
PARALLEL_FROM = 150_000  # postings: shorter lists are read in the caller's thread
RECHECK_SECONDS = 1.0  # a segment without its letter postings file (search/letter_postings.py): looked for again after this long
PACK_FROM = 4096  # postings: a longer scored term is kept packed (`_Packed`: 6 bytes a posting, not 16)
_POOL: list = []


def _pool():
    if not _POOL:
        from concurrent.futures import ThreadPoolExecutor

        _POOL.append(ThreadPoolExecutor(THREADS, thread_name_prefix="paperreader-terms"))
    return _POOL[0]


def _segment(blob, info, name: str, offset: int, lengths, ids, scores, term, cells_out=None) -> bool:
    """One segment's list: its global ids into `ids` and, when `term` (k1p, norm table, ratio
    table, the ratio table times k1p or None, tf rows) is given, its scores into `scores`, as
    `_read_term` scores them: k1p * ratio, from the scaled table or multiplied after the lookup
    (the same product). `lengths`: the field's length byte of every document, by global number.
    `cells_out`: a uint16 array given each posting's table cell (tf * 256 + length byte).
    False when a frequency was beyond the table (those scores were computed one by one)."""
    _ids, tfs = checked_arrays(info, blob, name, ids, offset)
    return _score(ids, tfs, lengths, scores, term, cells_out)


def _score(ids, tfs, lengths, scores, term, cells_out=None) -> bool:
    """`_segment`'s scoring of decoded postings (one segment's or a whole term's)."""
    if term is not None:
        k1p, table, ratios, scaled, rows = term
        lens = lengths.take(ids)
        cell_scores = ratios if scaled is None else scaled
        over = None
        if tfs is None:
            cell_scores[256:512].take(lens, out=scores, mode="clip")
            if cells_out is not None:
                np.add(lens, 256, out=cells_out, dtype=np.uint16)
        else:
            if tfs.max() > rows:
                over = np.flatnonzero(tfs > rows)
                high = tfs.take(over).tolist()
                tfs = np.minimum(tfs, rows)
            cells = np.left_shift(tfs, 8, dtype=np.intp)
            np.add(cells, lens, out=cells)
            cell_scores.take(cells, out=scores, mode="clip")
            if cells_out is not None:
                cells_out[:] = cells
        if scaled is None:
            np.multiply(scores, k1p, out=scores)
        if over is not None:  # beyond the table: one by one, as _read_term does
            norms = lens.take(over).tolist()
            scores[over] = [scoring.term_score(k1p, tf, table[b]) for tf, b in zip(high, norms)]
            return False
    return True


class _Packed(tuple):
    """A long term's entry in the cache, 6 bytes a posting instead of 16: its global ids (uint32)
    and each posting's table cell (uint16), scored again on a hit with the same table and k1p,
    so the same floats (`term`: k1p, the table was scaled by it). The letters' lists a keystroke
    reads at 1M are 20-40 MB as scores: 2.7 times as many of them stay kept in the same bytes."""

    term: tuple

    def unpack(self, ratios):
        ids32, cells = self
        k1p, scaled = self.term
        if scaled:
            scores = (ratios * k1p).take(cells)
        else:
            scores = ratios.take(cells)
            np.multiply(scores, k1p, out=scores)
        return _frozen(ids32.astype(np.int64)), _frozen(scores)


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
        self._terms_reader = internals.terms_reader
        self._readers: dict = {}  # segment index -> its term dictionary
        self._cache: OrderedDict = OrderedDict()  # (field, text, boost or None) -> (ids, scores) or (ids,)
        self._keys: dict = {}  # (field, text) -> the keys of its cached entries (docs() finds any)
        self.cached_bytes = 0
        self._lengths: dict = {}  # field -> its length bytes of every document (uint8, by global number)
        self._ratios: dict = {}  # field -> float64 array: tf / (tf + norm), TF_ROWS rows of 256
        self._packed = None  # the last read's packed entry (`_read` leaves it for `scores`)
        self._tfs = None  # a term's frequencies read at once (`_read_at_once` leaves them for `_read`)
        self._letter_files: dict = {}  # segment index -> its letter_postings.LetterPostings, or when it had none

    # -- reading ----------------------------------------------------------------------------------
    def _records(self, field: str, text):
        """(segment index, segment, offset, its term dictionary, the term's record) for each
        segment that has the term."""
        fieldobj = self.fs.searcher.schema[field]
        btext = fieldobj.to_bytes(text) if isinstance(text, str) else text
        found = []
        readers = self._readers
        for i, (sub, offset) in enumerate(self.fs.leaves):
            terms = readers.get(i)
            if terms is None:
                terms = readers[i] = self._terms_reader(sub.reader())
            span = getattr(terms, "term_span", None)
            if span is not None:  # (codec.RecordSpan: the figures read here, without a TermInfo)
                info = span(field, btext)
                if info is not None:
                    found.append((i, sub, offset, terms, info))
                continue
            try:
                found.append((i, sub, offset, terms, terms.term_info(field, btext)))
            except self._missing:
                continue
        return found

    def _length_column(self, field: str):
        """`field`'s length byte of every document, by global number (one byte a document: 1 MB
        a field at 1M papers): every segment's column, zeros where a segment has none (as
        `_read_term` takes a segment without one). Raises the fence's LengthsUnreadable."""
        column = self._lengths.get(field)
        if column is None:
            fs = self.fs
            last, offset = fs.leaves[-1] if fs.leaves else (None, 0)
            column = np.zeros(offset + (last.reader().doc_count_all() if last is not None else 0), np.uint8)
            for sub, offset in fs.leaves:
                col = fs._length_column(sub.reader(), field)
                column[offset : offset + len(col)] = np.frombuffer(col, np.uint8)
            column = self._lengths[field] = _frozen(column)
        return column

    def _ratio_array(self, field: str, table: list[float]):
        """`scoring.ratio_table(table, TF_ROWS)` in C (15 ms less a word's first read at 1M):
        the same two float operations an entry, so the same floats."""
        ratios = self._ratios.get(field)
        if ratios is None:
            tf = np.arange(TF_ROWS, dtype=np.float64)[:, None]
            ratios = self._ratios[field] = _frozen((tf / (tf + np.array(table, np.float64))).ravel())
        return ratios

    def _read(self, field: str, text, boost: float, scored: bool = True):
        """(ids, scores or None) of a term: every segment's list decoded into one array (the
        segments of a long list on `THREADS` threads if more than one: inflating and numpy's
        passes release the GIL)."""
        found = self._records(field, text)
        total = sum(info.doc_frequency() for *_x, info in found)
        ids = np.empty(total, np.int64)
        fs = self.fs
        scorable = scored and fs.searcher.schema[field].scorable
        scores = np.empty(total, np.float64) if scorable else None
        term = None
        if scorable:
            # fs._scorer's weight, with the document frequency from the records just read
            # (searcher.doc_frequency sums the same records' counts, looking each up again)
            k1p, table = scoring.term_weight(fs.N, total, boost), fs._norm_table(field)
            ratios = self._ratio_array(field, table)
            # this term's score by cell (tf * 256 + length byte), tfs up to TF_ROWS - 1, as a
            # table when the list is longer than it (else each posting's ratio times k1p)
            term = (k1p, table, ratios, ratios * k1p if total >= SCALED_FROM else None, len(ratios) // 256 - 1)
        cells = np.empty(total, np.uint16) if scorable and total >= PACK_FROM else None
        rest = self._read_letters(field, text, found, ids, scores, cells, term)
        if rest is None:
            tabled = self._read_lists(field, found, total, ids, scores, term, cells, scorable)
        else:  # the segments whose file does not hold the term: their lists, into their places
            tabled = True
            for pos, entry in rest:
                n = entry[4].doc_frequency()
                tabled = self._read_lists(field, [entry], n, ids[pos : pos + n],
                                          None if scores is None else scores[pos : pos + n], term,
                                          None if cells is None else cells[pos : pos + n], scorable) and tabled
        if not scored:
            return ids, None
        if cells is not None and tabled and ids[-1] < 1 << 32:  # (kept packed; PACK_FROM > 0 postings)
            packed = _Packed((ids.astype(np.uint32), cells))
            packed.term = (term[0], term[3] is not None)
            self._packed = packed
        return ids, scores if scorable else np.zeros(total, np.float64)

    def _letter_lists(self, i: int, sub, field: str, btext: bytes, info):
        """(documents <u4, score cells <u2) of a term in segment `i` from its letter postings file
        (`search/letter_postings.py`), or None: no file, not held there, or not what the term's
        record says (its length, first or last document)."""
        lp = self._letter_files.get(i)
        if lp is None or (type(lp) is float and monotonic() - lp >= RECHECK_SECONDS):
            from paperreader.search.letter_postings import LetterPostings

            lp = self._letter_files[i] = LetterPostings.open(sub.reader()) or monotonic()
        if type(lp) is float:
            return None
        try:
            pair = lp.lists(np, field, btext)
        except (OSError, ValueError):
            return None
        if pair is None:
            return None
        docs, n = pair[0], info.doc_frequency()
        if len(docs) != n or not n or docs[0] != info.min_id() or docs[-1] != info.max_id():
            return None
        return pair

    def _read_letters(self, field: str, text, found, ids, scores, cells, term):
        """A term's lists from the segments' letter postings files: the ids into `ids` (segment
        offsets added) and, when scored (`term`), the score cells into `cells` (if given) and the
        scores into `scores`, looked up as `_score` does (the same floats). Returns the segments'
        entries not read so, each with its place in the arrays [(position, entry)], or None when
        no file held the term (nothing written)."""
        if not found:
            return None
        btext = self.fs.searcher.schema[field].to_bytes(text) if isinstance(text, str) else text
        got, rest, pos = [], [], 0
        for entry in found:
            i, sub, offset, _terms, info = entry
            pair = self._letter_lists(i, sub, field, btext, info)
            if pair is None:
                rest.append((pos, entry))
            else:
                got.append((pos, offset, pair))
            pos += info.doc_frequency()
        if not got:
            return None
        if term is not None:
            cell_scores = term[2] if term[3] is None else term[3]
            if cells is None:
                cells = np.empty(len(ids), np.uint16)
        for pos, offset, (docs, cell) in got:
            n = len(docs)
            np.add(docs, np.int64(offset), out=ids[pos : pos + n])
            if term is not None:
                cells[pos : pos + n] = cell
                if rest:  # scored here, slice by slice (else all at once below)
                    cell_scores.take(cell, out=scores[pos : pos + n], mode="clip")
                    if term[3] is None:
                        np.multiply(scores[pos : pos + n], term[0], out=scores[pos : pos + n])
        if term is not None and not rest:
            cell_scores.take(cells, out=scores, mode="clip")
            if term[3] is None:
                np.multiply(scores, term[0], out=scores)
        return rest

    def _read_lists(self, field: str, found, total: int, ids, scores, term, cells, scorable: bool) -> bool:
        """A term's posting lists decoded and scored into `ids` and `scores` (and `cells`); False
        when a frequency was beyond the table (not kept packed)."""
        jobs, pos = [], 0
        for i, sub, offset, terms, info in found:
            n = info.doc_frequency()
            lengths = self._length_column(field) if scorable else None
            jobs.append((info.blob(terms.postings_file()), info, getattr(terms, "name", ""), offset, lengths,
                         ids[pos : pos + n], None if scores is None else scores[pos : pos + n], term,
                         None if cells is None else cells[pos : pos + n]))
            pos += n
        if len(jobs) > 1 and not (total >= PARALLEL_FROM and THREADS > 1) and self._read_at_once(found, jobs, ids):
            check_budget()
            tabled = _score(ids, self._tfs, jobs[0][4], scores, term, cells)
            self._tfs = None
        elif len(jobs) > 1 and total >= PARALLEL_FROM and THREADS > 1:
            tabled = True
            for done in [_pool().submit(_segment, *job) for job in jobs]:
                check_budget()  # between segments
                tabled = done.result() and tabled
        else:
            tabled = True
            for job in jobs:
                check_budget()  # between segments (a segment's list is scored in C)
                tabled = _segment(*job) and tabled
        return tabled

    def _read_at_once(self, found, jobs, ids) -> bool:
        """Every segment's list of a term decoded as one (`postings_arrays.decode_many`), into `ids`,
        checked against each record as `codec.checked_arrays` checks one; the frequencies left in
        `self._tfs`. False when anything does not match: the lists are then read one by one, and
        the damaged one named (IndexDamaged)."""
        from paperreader.search.postings_arrays import decode_many

        try:
            ids_, tfs, sizes = decode_many([job[0] for job in jobs], [job[3] for job in jobs], ids)
            ends = np.cumsum(sizes)
            infos = [info for *_x, info in found]
            ok = (sizes == [info.doc_frequency() for info in infos] and all(sizes)
                  and ids[ends - sizes].tolist() == [info.min_id() + job[3] for info, job in zip(infos, jobs)]
                  and ids[ends - 1].tolist() == [info.max_id() + job[3] for info, job in zip(infos, jobs)])
        except Exception:
            ok = False
        self._tfs = tfs if ok else None
        return ok

    # -- the cache --------------------------------------------------------------------------------
    def _keep(self, key, value) -> None:
        size = sum(a.nbytes for a in value)
        if size > self.cache_bytes // 2:  # (abstract:model at 1M: 15 MB, kept under the default)
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
            return hit.unpack(self._ratio_array(field, self.fs._norm_table(field))) if type(hit) is _Packed else hit
        self._packed = None
        ids, scores = self._read(field, text, boost)
        value = (_frozen(ids), _frozen(scores))
        packed, self._packed = self._packed, None
        self._keep(key, value if packed is None else packed)
        return value

    def blobs(self, field: str, text) -> list:
        """(segment offset, posting list bytes) of each segment that has the term (for phrases:
        `postings_arrays.decode_keys` reads positions from them)."""
        return [(offset, info.blob(terms.postings_file())) for _i, _sub, offset, terms, info in self._records(field, text)]

    def docs(self, field: str, text):
        """The global document numbers of a term, ascending (int64, read-only; unscored: for NOT
        and filters). A term scored recently is not read again."""
        for key in self._keys.get((field, text), ()):
            self._cache.move_to_end(key)
            ids = self._cache[key][0]
            return _frozen(ids.astype(np.int64)) if ids.dtype != np.int64 else ids
        ids = _frozen(self._read(field, text, 1.0, scored=False)[0])
        self._keep((field, text, None), (ids,))
        return ids
