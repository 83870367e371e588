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

from paperreader.search.postings import _JOINED, _NONE, IDS_ZLIB, _chunk_header, _code, _put_body, get_varint, put_varint

_NP_CODES = ("<u1", "<u2", "<u4")


def join_chunks(chunks) -> bytes:
    """One joined chunk from a list's chunks (the bulk builder's batches, in document order, each
    from a document after the last one before it): the same postings and positions."""
    import numpy as np

    steps, tfs, pieces = [], [], []  # per chunk: id deltas (with the step from the chunk before), frequencies
    n, first, last, weighted, positional = 0, None, None, False, True
    for blob in chunks:
        at, end = 0, len(blob)
        while at < end:
            count, start, flags, _directory, at = _chunk_header(blob, at)
            idc, tfc, posc = flags & 3, flags >> 2 & 3, flags >> 4 & 3
            if posc != _NONE:
                first_key, at = get_varint(blob, at)
            size, at = get_varint(blob, at)
            body = blob[at : at + (size >> 1)]
            at += size >> 1
            if size & 1:
                body = zlib.decompress(body)
            if first is None:
                first = start
            else:
                steps.append(np.array([start - last], np.int64))
            last = start
            if count > 1:
                step = np.frombuffer(body, _NP_CODES[idc], count - 1)
                steps.append(step)
                last += int(step.sum())
            if tfc != _NONE:
                weighted = True
                tfs.append(np.frombuffer(body, _NP_CODES[tfc], count, (count - 1) << idc))
            else:
                tfs.append(count)
            if posc == _NONE:
                positional = False
            else:
                size, at = get_varint(blob, at)
                pieces.append((start, first_key, posc, blob[at : at + (size >> 1)], size & 1))
                at += size >> 1
            n += count
    out = bytearray()
    put_varint(out, n)
    put_varint(out, first)
    step = np.concatenate(steps) if steps else np.zeros(0, np.int64)
    idc = _code(int(step.max())) if len(step) else 0
    head = step.astype(_NP_CODES[idc]).tobytes()
    tfc = _NONE
    if weighted:
        t = np.concatenate([np.ones(f, np.uint8) if isinstance(f, int) else f for f in tfs])
        top = int(t.max())
        if top > 1:
            tfc = _code(top)
            head += t.astype(_NP_CODES[tfc]).tobytes()
    out.append(_JOINED | idc | tfc << 2 | (0 if positional else _NONE) << 4)
    _put_body(out, head, *IDS_ZLIB)
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
