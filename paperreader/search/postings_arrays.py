"""Posting lists read whole into numpy arrays, for the dense evaluator (search/dense_terms.py).

The chunk layout is `search/postings.py`'s; this reads the same bytes without positions, each
chunk's bodies inflated and the chunks' deltas joined and summed in a few numpy calls. numpy is
imported inside the functions: `import paperreader` and the reader's launch do not pay for it.
"""

from __future__ import annotations

import zlib
from itertools import accumulate

from paperreader.search.postings import (_BLOCKED, _JOINED, _NONE, BOUND_CELLS, POSITION_BITS, _chunk_header, get_varint,
                                         pieces)

_NP_CODES = ("uint8", "uint16", "uint32")


def decode_arrays(blob, out=None, offset: int = 0):
    """A posting list's documents and frequencies as numpy arrays, without positions:
    (ids: int64, ascending segment-local document numbers; tfs: an unsigned array, or None when
    every frequency is 1). The same postings as `decode()`, in C: each chunk inflated, then the
    chunks' deltas joined and summed in one pass (a chunk's first id in place of the delta
    before it), so a list of many small chunks costs a few numpy calls, not a few per chunk.
    `out`: an int64 array the ids are written into (ValueError when the list does not have
    exactly its length); `offset`: added to every id (a segment's first global document number).
    numpy is imported here, not at import time (launch does not pay for it)."""
    import numpy as np

    chunks = _Chunks()
    chunks.read(blob, offset)
    total = sum(chunks.counts)
    if out is None:
        ids = np.empty(total, np.int64)
    elif len(out) != total:
        raise ValueError("a posting list is not as long as its record says")
    else:
        ids = out
    return chunks.join(np, ids)


def decode_many(blobs, offsets, out):
    """Several posting lists of one term (one per segment, segments in order, each list's ids
    plus its segment's `offset`) decoded as one: the global ids written into `out` (int64, exactly
    their length, else ValueError), and (tfs or None, each list's postings count). The same
    arrays as `decode_arrays` of each, concatenated, with the joining numpy calls made once a
    term, not once a segment (a first letter at 1M: ~1,000 lists, ~13 ms CPU less)."""
    import numpy as np

    chunks = _Chunks()
    sizes = [chunks.read(blob, offset) for blob, offset in zip(blobs, offsets)]
    if len(out) != sum(sizes):
        raise ValueError("posting lists are not as long as their records say")
    ids, tfs = chunks.join(np, out)
    if tfs is not None and len(tfs) != len(ids):
        raise ValueError("posting lists' frequencies do not match their documents")
    return ids, tfs, sizes


class _Chunks:
    """The chunks of one or more posting lists, parsed: each chunk's first id (its list's offset
    added), postings count, id deltas and frequencies (bytes or None, bodies inflated)."""

    __slots__ = ("firsts", "counts", "deltas", "freqs", "idcodes", "tfcodes")

    def __init__(self) -> None:
        self.firsts, self.counts, self.deltas, self.freqs = [], [], [], []
        self.idcodes, self.tfcodes = set(), set()

    def read(self, blob, offset: int) -> int:
        """Parse one list's chunks (positions skipped, not inflated); its postings count."""
        firsts, counts, deltas, freqs = self.firsts, self.counts, self.deltas, self.freqs
        idcodes, tfcodes = self.idcodes, self.tfcodes
        total = 0
        at, end = 0, len(blob)
        while at < end:
            # _chunk_header and the body's size, with one-byte varints read inline (most are)
            n = blob[at]
            if n < 0x80:
                at += 1
            else:
                n, at = get_varint(blob, at)
            first, at = get_varint(blob, at)
            flags = blob[at]
            at += 1
            if flags & _BLOCKED:
                count, at = get_varint(blob, at)
                at += (8 + 2 * BOUND_CELLS) * count
            idc, tfc, posc = flags & 3, flags >> 2 & 3, flags >> 4 & 3
            if posc != _NONE and not flags & _JOINED:  # (a joined chunk's positions: pieces, skipped alike)
                _first_key, at = get_varint(blob, at)
            size, at = get_varint(blob, at)
            start = at
            at += size >> 1
            if posc != _NONE:  # the positions' body: skipped, not inflated
                skip, at = get_varint(blob, at)
                at += skip >> 1
            firsts.append(first + offset)
            counts.append(n)
            total += n
            if n == 1 and tfc == _NONE:
                deltas.append(None)
                freqs.append(None)
                continue
            cut = (n - 1) << idc
            if size & 1:  # inflated into a buffer of its size at once (not grown from 16 KB)
                body = zlib.decompress(blob[start : start + (size >> 1)], 15, cut + (0 if tfc == _NONE else n << tfc) or 1)
                start = 0
            else:
                body = blob
            if n > 1:
                idcodes.add(idc)
                deltas.append(body[start : start + cut])
            else:
                deltas.append(None)
            if tfc != _NONE:
                tfcodes.add(tfc)
                freqs.append(body[start + cut : start + cut + (n << tfc)])
            else:
                freqs.append(None)
        if at != end:
            raise ValueError("a posting list runs past its bytes")
        return total

    def join(self, np, ids):
        """(ids written into `ids`, tfs or None) of every chunk read."""
        counts, freqs, tfcodes = self.counts, self.freqs, self.tfcodes
        if len(ids):
            _join_ids(np, ids, self.firsts, counts, self.deltas, self.idcodes, 0)
        if not tfcodes:
            return ids, None
        if len(counts) == 1:
            return ids, np.frombuffer(freqs[0], _NP_CODES[tfcodes.pop()])
        return ids, _join_tfs(np, counts, freqs, tfcodes)


def _join_ids(np, ids, firsts, counts, deltas, idcodes, offset: int) -> None:
    """Every chunk's ids into `ids`: the deltas laid out with a 0 before each chunk's (one
    `frombuffer` when the chunks share a width), each chunk's first id set in that place as its
    step from the previous chunk's last, then one running sum."""
    if len(counts) == 1:
        ids[0] = firsts[0] + offset
        if deltas[0] is not None:
            ids[1:] = np.frombuffer(deltas[0], _NP_CODES[idcodes.pop()])
            np.add.accumulate(ids, out=ids)
        return
    if len(idcodes) <= 1:
        code = idcodes.pop() if idcodes else 0
        gap = bytes(1 << code)  # the 0 before each chunk's deltas
        ids[:] = np.frombuffer(gap + gap.join([d or b"" for d in deltas]), _NP_CODES[code])
    else:
        pos = 0
        for n, d in zip(counts, deltas):
            ids[pos] = 0
            if d is not None:
                ids[pos + 1 : pos + n] = np.frombuffer(d, _NP_CODES[len(d) // (n - 1) >> 1])
            pos += n
    starts = np.array([0, *accumulate(counts[:-1])], np.intp)
    sums = np.add.reduceat(ids, starts)  # each chunk's last id minus its first
    first = np.array(firsts, np.int64)
    ids[starts[1:]] = first[1:] - first[:-1] - sums[:-1]
    ids[0] = firsts[0] + offset
    np.add.accumulate(ids, out=ids)


def _join_tfs(np, counts, freqs, tfcodes):
    """Every chunk's frequencies (1 for a chunk without), in the widest chunk's type."""
    code = max(tfcodes)
    if len(tfcodes) == 1:
        one = np.ones(1, _NP_CODES[code]).tobytes()
        return np.frombuffer(b"".join([f if f is not None else one * n for n, f in zip(counts, freqs)]),
                             _NP_CODES[code])
    tfs = np.ones(sum(counts), _NP_CODES[code])
    pos = 0
    for n, f in zip(counts, freqs):
        if f is not None:
            tfs[pos : pos + n] = np.frombuffer(f, _NP_CODES[len(f) // n >> 1])
        pos += n
    return tfs


_KEY_NP = ("uint16", "uint32", "uint64")  # postings._KEY_CODES' widths


def decode_keys(blob, docs):
    """The position keys (`postings.position_key`: document << 20 | position) of the postings of
    `docs` (sorted segment-local document numbers, an int64 array) in a posting list: an int64
    array, ascending. Only chunks whose document range holds one of `docs` are inflated (a chunk
    runs from its first document to the next chunk's). None when the list keeps no positions."""
    import numpy as np

    chunks = []  # (first id, first key, key code, body start, body size varint)
    at, end = 0, len(blob)
    while at < end:
        n, first, flags, _directory, at = _chunk_header(blob, at)
        posc = flags >> 4 & 3
        if posc == _NONE:
            return None
        if flags & _JOINED:  # its batches' pieces, each from its first document
            size, at = get_varint(blob, at)
            at += size >> 1
            size, at = get_varint(blob, at)
            chunks.extend(pieces(blob, at))
            at += size >> 1
            continue
        first_key, at = get_varint(blob, at)
        size, at = get_varint(blob, at)
        at += size >> 1
        size, at = get_varint(blob, at)
        chunks.append((first, first_key, posc, at, size))
        at += size >> 1
    if at != end:
        raise ValueError("a posting list runs past its bytes")
    if not chunks or not len(docs):
        return np.zeros(0, np.int64)
    lo = np.searchsorted(docs, [c[0] for c in chunks]).tolist()  # each chunk's first candidate
    hi = lo[1:] + [len(docs)]
    parts = []
    for (_first, first_key, code, start, size), a, b in zip(chunks, lo, hi):
        if a == b:
            continue
        body = blob[start : start + (size >> 1)]
        if size & 1:
            body = zlib.decompress(body)
        steps = np.frombuffer(body, _KEY_NP[code])
        keys = np.empty(len(steps) + 1, np.int64)
        keys[0] = first_key
        keys[1:] = steps
        np.add.accumulate(keys, out=keys)
        parts.append(keys)
    keys = parts[0] if len(parts) == 1 else np.concatenate(parts)
    mark = np.zeros(int(max(docs[-1], keys[-1] >> POSITION_BITS)) + 1, bool)
    mark[docs] = True
    return keys[mark[keys >> POSITION_BITS]]
