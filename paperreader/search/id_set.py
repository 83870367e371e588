"""`is:starred`, `is:new`, `is:read` (and `is:unread`, `is:unstarred`): the papers whose ids are in a
set the store answers, as one query node evaluated as a set.

It was an OR of one id term per paper: after a 60k import `quantum is:new` was 60,000 leaves,
6.5 s CPU. Here a set becomes document numbers in one of two ways:
- few ids: each id's term looked up in the term dictionary (a few µs an id a segment);
- many: each segment's ids, kept as 64-bit hashes sorted once (numpy; read from the id field's
  term records when an is: filter first needs them, kept while the segment exists: a segment
  never changes), and the set's hashes found in them by binary search.
Both give the documents whose id is in the set, deleted ones too (as the id terms' postings did:
the evaluators drop deleted documents at the end). Scores are 0.0, as the id terms' were (the id
field is not scorable), so every sum in an AND or OR stays the float it was.
"""

from __future__ import annotations

import struct
import sys

from paperreader.search.budget import check as check_budget
from paperreader.search.postings import get_varint

# Looking an id up in a segment costs about LOOKUP_COST documents' reading of a segment's hashes
# (61k papers, one segment, CPU: 39 µs an id a segment, 6.3 µs a document): the hashes are read
# when the set is bigger than that. numpy's import counts as NUMPY_COST documents while numpy is
# not loaded (a small library's dict evaluator never loads it).
LOOKUP_COST = 6
NUMPY_COST = 60_000
_ENTRY_LENGTHS = struct.Struct("!ii")  # a term dictionary entry's key and record lengths (internals.entries_under)
# segment id -> (sorted hashes, their local document numbers); only the segments of the last
# generation asked about are kept
_SEGMENTS: dict = {}


# -- evaluation (the evaluators' hooks) -------------------------------------------------------------
def id_docs(fs, node) -> dict:
    """{global docnum: 0.0} of the set (fast.py's dict evaluator)."""
    return dict.fromkeys(_docnums(fs, node), 0.0)


def id_count(fs, node) -> int:
    """How many postings the id terms had (fast.py's `_size`: the order of an AND's parts)."""
    return len(_docnums(fs, node))


def id_arrays(fs, node):
    """(sorted docnums, zero scores) of the set (dense.py's evaluator)."""
    import numpy as np

    docs = np.asarray(_docnums(fs, node), dtype=np.int64)
    from paperreader.search.dense_arrays import IDS

    return docs.astype(IDS, copy=False), np.zeros(len(docs))


def _docnums(fs, node) -> list[int]:
    """The sorted global document numbers whose id is in the set, kept for the last set asked
    about in this evaluator (one search asks for its size, then its documents)."""
    kept = getattr(fs, "_id_set_docs", None)
    if kept is not None and (kept[0] is node.ids or kept[0] == node.ids):
        return kept[1]
    docs = _find(fs, node.ids)
    fs._id_set_docs = (node.ids, docs)
    return docs


def _find(fs, ids: frozenset) -> list[int]:
    leaves = fs.leaves
    unread = sum(sub.reader().doc_count_all() for sub, _o in leaves if _segment_key(sub) not in _SEGMENTS)
    if unread and "numpy" not in sys.modules:
        unread += NUMPY_COST
    if len(ids) * len(leaves) * LOOKUP_COST <= unread:
        return _looked_up(fs, ids)
    return _hashed(fs, ids)


def _looked_up(fs, ids: frozenset) -> list[int]:
    """Each id's term in each segment's term dictionary."""
    from whoosh.reading import TermNotFound

    from paperreader.search.whoosh.internals import term_postings

    out: list[int] = []
    for sub, offset in fs.leaves:
        reader = sub.reader()
        for i, pid in enumerate(ids):
            if not i & 1023:
                check_budget()
            try:
                found = term_postings(reader, "id", pid.encode("utf-8")).ids
            except TermNotFound:
                continue
            out.extend(d + offset for d in found)
    out.sort()
    return out


def _hashed(fs, ids: frozenset) -> list[int]:
    """The set's hashes found in each segment's sorted id hashes."""
    import numpy as np

    wanted = np.fromiter(map(hash, map(str.encode, ids)), np.int64, len(ids))  # (UTF-8, as the terms)
    wanted.sort()
    parts = []
    keys = {_segment_key(sub) for sub, _offset in fs.leaves}
    for gone in [k for k in _SEGMENTS if k not in keys]:  # segments of an older generation
        del _SEGMENTS[gone]
    for sub, offset in fs.leaves:
        check_budget()
        key = _segment_key(sub)
        kept = _SEGMENTS.get(key)
        if kept is None:  # kept at once: a search stopped by its time budget leaves what it read
            kept = _SEGMENTS[key] = _segment_hashes(sub.reader())
        hashes, docs = kept
        if len(hashes):
            parts.append(_matches(hashes, docs, wanted) + offset)
    if not parts:
        return []
    out = np.concatenate(parts)
    out.sort()
    return out.tolist()


def _matches(hashes, docs, wanted):
    """The local document numbers whose hash is one of `wanted` (sorted, unique hashes)."""
    import numpy as np

    lo = np.searchsorted(hashes, wanted, side="left")
    hi = np.searchsorted(hashes, wanted, side="right")
    found = hi > lo
    lo, hi = lo[found], hi[found]
    if not len(lo):
        return np.zeros(0, np.int64)
    if (hi - lo == 1).all():  # (an id in two documents: a paper changed, its old document deleted)
        return docs[lo].astype(np.int64)
    return np.concatenate([docs[a:b] for a, b in zip(lo.tolist(), hi.tolist())]).astype(np.int64)


def _segment_key(sub):
    segment = sub.reader().segment()
    return segment.segment_id(), segment.doc_count_all()


def _segment_hashes(reader):
    """(sorted 64-bit hashes of each document's id, those documents' numbers), from the id field's
    term records: a record holds its first document, and an id has one document unless the paper
    changed (then its postings are read)."""
    import numpy as np

    from paperreader.search.whoosh.internals import term_postings, terms_reader

    buf = terms_reader(reader).entries_under("id", b"")
    hashes, docs = [], []
    at, end = 0, len(buf)
    lengths = _ENTRY_LENGTHS.unpack_from
    steps = 0
    while at < end:
        keylen, reclen = lengths(buf, at)
        key = at + 8
        rec = key + keylen
        term = buf[key + 2:rec]
        first = _only_document(buf, rec)
        h = hash(term)
        if first is not None:
            hashes.append(h)
            docs.append(first)
        else:
            for d in term_postings(reader, "id", term).ids:
                hashes.append(h)
                docs.append(d)
        at = rec + reclen
        steps += 1
        if not steps & 16383:
            check_budget()
    h = np.asarray(hashes, dtype=np.int64)
    order = np.argsort(h, kind="stable")
    return h[order], np.asarray(docs, dtype=np.int32)[order]  # (a segment's numbers fit: 12 bytes a document kept)


def _only_document(buf, rec: int) -> int | None:
    """The document of a term record whose term is in one document, read as `codec._pack` lays a
    record out (flags, df, two whole weights, two length bytes, first id as a varint), without
    decoding the record (`PRTermInfo.from_bytes`: at 61k ids 8.4 -> 6.3 µs an id in all).
    None for anything else (then the postings are read); tests hold it to `from_bytes`."""
    if buf[rec + 1] != 1 or not buf[rec] & 2 or buf[rec + 2] >= 0x80 or buf[rec + 3] >= 0x80:
        return None
    return get_varint(buf, rec + 6)[0]
