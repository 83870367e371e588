"""A term's BM25F scores as a dict ({global docnum: score}): the leaves of the dict evaluator
(`search/fast.py`), which runs below `fast.DENSE_FROM` documents, and the phrase and prefix
helpers built on them (`search/phrase.py`, `search/expansion.py`).

A segment's whole posting list is decoded (`search/postings.py`) and scored in C through
map/zip over typed arrays: score = k1p * ratio[tf * 256 + length byte], the ratios tabled per
field (`search/scoring.py`), the products tabled per term unless the list is shorter than the
table (a small library's terms: then k1p * ratio[cell] per posting, the same floats); the dense
evaluator's `search/dense_terms.py` gives the same floats as arrays. Recent terms are kept,
bounded in postings.
"""

from __future__ import annotations

import sys
from collections import OrderedDict
from itertools import compress, repeat
from operator import add

from paperreader.search import scoring
from paperreader.search.budget import check as check_budget

TERM_CACHE_POSTINGS = 250_000  # scores of recent terms kept, in postings (about 100 bytes each)
TF_ROWS = 64  # term frequencies scored from a table (higher ones one by one)
SHORT_LIST = 2  # a list under a half of its table's cells is scored posting by posting (the same products)
# postings from which a segment's list is scored over numpy arrays (~4x faster, the same floats), once
# numpy is loaded (by a prefix, a phrase, a bigger library): importing it here would cost a small
# library's first search ~0.1 s and every later garbage collection more objects to scan
NUMPY_FROM = 64


class TermDicts:
    """The term part of `FastSearch` (which provides `searcher`, `leaves`, `N`, `_missing` and
    `doc_frequency`)."""

    def _init_terms(self) -> None:
        from paperreader.search.codec import checked_arrays  # (here: the launch imports this module, not Whoosh)
        from paperreader.search.whoosh import internals

        self._checked_arrays = checked_arrays
        self._norms: dict = {}
        self._lengths: dict = {}
        self._length_column = internals.length_column
        self._term_postings = internals.term_postings
        self._terms_reader = internals.terms_reader
        self._ratio_tables: dict = {}
        self._ratio_arrays: dict = {}  # field -> its ratio table as a numpy array (_scores_numpy)
        self._terms: OrderedDict = OrderedDict()
        self._cached = 0

    def _norm_table(self, field: str) -> list[float]:
        table = self._norms.get(field)
        if table is None:
            table = self._norms[field] = scoring.norm_table(scoring.average_length(self.searcher, field))
        return table

    def _length_bytes(self, sub, field: str) -> bytes:
        """Each document's length byte of `field` in a segment (b"": no document has the field);
        raises the fence's LengthsUnreadable rather than scoring every document as empty."""
        key = (id(sub), field)
        col = self._lengths.get(key)
        if col is None:
            col = self._lengths[key] = self._length_column(sub.reader(), field)
        return col

    def _term(self, field: str, text, boost: float, out: dict | None = None) -> dict:
        """Scores of one term: added into `out` if given, else a dict to treat as read-only
        (recent terms are kept: typing "neural net" then "neural netw" reads "neural" once)."""
        key = (field, text, boost)
        scores = self._terms.get(key)
        if scores is None:
            scores = self._read_term(field, text, boost)
            if len(scores) <= TERM_CACHE_POSTINGS // 4:
                self._terms[key] = scores
                self._cached += len(scores)
                while self._cached > TERM_CACHE_POSTINGS and self._terms:
                    self._cached -= len(self._terms.popitem(last=False)[1])
        else:
            self._terms.move_to_end(key)
        if out is None:
            return scores
        if not out:
            out.update(scores)
        else:
            get = out.get
            for d, sc in scores.items():
                out[d] = get(d, 0.0) + sc
        return out

    def _postings(self, field: str, text, arrays: bool = False):
        """(segment, offset, decoded postings) of a term, for each segment that has it. `arrays`
        (numpy loaded): a list of NUMPY_FROM postings or more comes as (ids, tfs) numpy arrays,
        decoded in C (`codec.checked_arrays`, checked as `checked_decode` checks a list), not as
        Python lists that `_scores_numpy` would turn into arrays again."""
        fieldobj = self.searcher.schema[field]
        btext = fieldobj.to_bytes(text) if isinstance(text, str) else text
        for sub, offset in self.leaves:
            try:
                if arrays:
                    terms = self._terms_reader(sub.reader())
                    info = terms.term_info(field, btext)
                    if info.doc_frequency() >= NUMPY_FROM:
                        yield sub, offset, self._checked_arrays(info, info.blob(terms.postings_file()), getattr(terms, "name", ""))
                        continue
                yield sub, offset, self._term_postings(sub.reader(), field, btext)
            except self._missing:
                continue

    def _scorer(self, field: str, text, boost: float):
        """(weight, norm table) of BM25F for a term (`search/scoring.py`):
        score = scoring.term_score(weight, tf, table[length byte])."""
        weight = scoring.term_weight(self.N, self.doc_frequency(field, text), boost)  # (FastSearch's, kept)
        return weight, self._norm_table(field)

    def _read_term(self, field: str, text, boost: float) -> dict:
        """BM25F scores of one term ({global docnum: score}), a segment's whole list at a time
        in C: score = k1p * ratio[tf][length byte], the ratios tabled per field."""
        out: dict = {}
        fieldobj = self.searcher.schema[field]
        if not self.doc_frequency(field, text):  # in no segment (a bare word's author, note, tag): known
            return out  # from its size already, no list looked for, no weight worked out
        if not fieldobj.scorable:  # keywords: a filter
            for _sub, offset, p in self._postings(field, text):
                out.update(dict.fromkeys(p.ids if not offset else map(offset.__add__, p.ids), 0.0))
            return out
        k1p, table = self._scorer(field, text, boost)
        ratio = self._ratios(field, table)
        arrays = "numpy" in sys.modules
        for sub, offset, p in self._postings(field, text, arrays):
            check_budget()  # between segments (a term's list is scored in C)
            if type(p) is tuple:  # a long list, decoded as numpy arrays
                ids, tfs = p
                self._scores_numpy(field, ratio, k1p, table, ids, tfs, self._length_bytes(sub, field) or bytes(int(ids[-1]) + 1),
                                   offset, out)
                continue
            ids, tfs = p.ids, p.tfs
            lengths = self._length_bytes(sub, field) or bytes(ids[-1] + 1)
            gids = ids if not offset else map(offset.__add__, ids)
            lens = map(lengths.__getitem__, ids)
            top = 1 if tfs is None else max(tfs)
            rows = min(top, TF_ROWS - 1)
            if tfs is None:
                cells = map((256).__add__, lens)
            elif top == rows:
                cells = map(add, map((256).__mul__, tfs), lens)
            else:
                cells = map(add, map((256).__mul__, map(min, tfs, repeat(rows))), lens)
            if len(ids) * SHORT_LIST < (rows + 1) * 256:  # a short list: each posting's product
                out.update(zip(gids, map(k1p.__mul__, map(ratio.__getitem__, cells))))
            else:  # this term's score by (tf, length byte), then looked up per posting
                scores = [k1p * r for r in ratio[: (rows + 1) * 256]]
                out.update(zip(gids, map(scores.__getitem__, cells)))
            if top > rows:  # beyond the table: one by one
                for i in compress(range(len(ids)), map(rows.__lt__, tfs)):
                    d, tf = ids[i], tfs[i]
                    out[d + offset] = scoring.term_score(k1p, tf, table[lengths[d]])
        return out

    def _scores_numpy(self, field: str, ratio: list[float], k1p: float, table: list[float], ids, tfs,
                      lengths: bytes, offset: int, out: dict) -> None:
        """One segment's list scored as `_read_term`'s loop scores it, over arrays: the same
        k1p * ratio[min(tf, TF_ROWS - 1) * 256 + length byte] (a float64 product is Python's), tf
        beyond the table one by one; added into `out` ({global docnum: score})."""
        import numpy as np

        ratios = self._ratio_arrays.get(field)
        if ratios is None:
            ratios = self._ratio_arrays[field] = np.asarray(ratio, dtype=np.float64)
        docs = np.asarray(ids, dtype=np.int64)  # (numpy's own int64 ids: the same array)
        cells = np.frombuffer(lengths, dtype=np.uint8)[docs].astype(np.int64)
        if tfs is None:
            cells += 256
        else:
            freqs = np.asarray(tfs, dtype=np.int64)
            cells += np.minimum(freqs, TF_ROWS - 1) * 256
        scores = (k1p * ratios[cells]).tolist()
        out.update(zip((docs + offset).tolist() if offset or type(ids) is not list else ids, scores))
        if tfs is not None and int(freqs.max()) > TF_ROWS - 1:  # beyond the table: one by one
            for i in np.flatnonzero(freqs > TF_ROWS - 1).tolist():
                d, tf = int(docs[i]), int(freqs[i])
                out[d + offset] = scoring.term_score(k1p, tf, table[lengths[d]])

    def _ratios(self, field: str, table: list[float]) -> list[float]:
        """tf / (tf + norm[length byte]) for tf below TF_ROWS, row-major (256 a row)."""
        ratios = self._ratio_tables.get(field)
        if ratios is None:
            ratios = self._ratio_tables[field] = scoring.ratio_table(table, TF_ROWS)
        return ratios
