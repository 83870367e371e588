"""A long posting list's batches as one chunk: one header and one body of documents and
frequencies for the whole list, so a reader pays once a list, not once a batch.

The bulk builder writes a term's list as one chunk per batch of documents (`search/bulk.py`): at a
million papers a letter's 48 most frequent terms in five fields were ~6,000 chunks, each header
parsed in Python and each body inflated on its own (~100 ms CPU of a first keystroke). The builder
now joins the batches' chunks of a list into one chunk (flags `postings._JOINED`): the chunk's
usual header and body (n, first id, id deltas and frequencies in the narrowest type, zlib'd when
smaller), without a block directory, then the positions as the batches wrote them: their size
(varint, doubled, so a reader without positions skips them as a plain chunk's body), the
pieces' count, and per piece its first document, first key (varints), key code (a byte), and its
body's size (varint, doubled, +1 when zlib'd) and bytes. Positions are not inflated again at
import: they are most of the index's bytes. `postings.decode`, `postings_arrays` and `Directory`
read joined chunks beside the others.
"""

from __future__ import annotations

import zlib

from paperreader.search.postings import _JOINED, _NONE, _code, _put_body, _read_chunk, put_varint

_NP_CODES = ("<u1", "<u2", "<u4")


def join_chunks(chunks) -> bytes:
    """One joined chunk from a list's chunks (the bulk builder's batches, in document order, each
    from a document after the last one before it): the same postings and positions."""
    import numpy as np

    deltas, tfs, pieces = [], [], []
    n = 0
    first = last = None
    any_tfs, positional = False, True
    for blob in chunks:
        at = 0
        while at < len(blob):
            count, start, step, t, keys, _directory, at = _read_chunk(blob, at)
            if last is None:
                first = start
            else:
                deltas.append(np.array([start - last], np.int64))
            if count > 1:
                d = np.frombuffer(step, _NP_CODES[step.itemsize >> 1])
                deltas.append(d)
                last = start + int(d.sum())
            else:
                last = start
            if t is not None:
                any_tfs = True
                tfs.append(np.frombuffer(t, _NP_CODES[t.itemsize >> 1]))
            else:
                tfs.append(np.ones(count, np.uint8))
            if keys is None:
                positional = False
            else:
                pieces.extend(keys)
            n += count
    out = bytearray()
    put_varint(out, n)
    put_varint(out, first)
    step = np.concatenate(deltas) if deltas else np.zeros(0, np.int64)
    idc = _code(int(step.max())) if len(step) else 0
    head = step.astype(_NP_CODES[idc]).tobytes()
    tfc = _NONE
    if any_tfs:
        t = np.concatenate(tfs)
        top = int(t.max())
        if top > 1:
            tfc = _code(top)
            head += t.astype(_NP_CODES[tfc]).tobytes()
    out.append(_JOINED | idc | tfc << 2 | (0 if positional else _NONE) << 4)
    # run-length matching only: on these small ints about 7% smaller than level 6 and 2.5x sooner
    _put_body(out, head, 1, zlib.Z_RLE)
    if positional:
        part = bytearray()
        put_varint(part, len(pieces))
        for doc, key, code, body, packed in pieces:
            put_varint(part, doc)
            put_varint(part, key)
            part.append(code)
            put_varint(part, len(body) << 1 | packed)
            part += body
        put_varint(out, len(part) << 1)
        out += part
    return bytes(out)
