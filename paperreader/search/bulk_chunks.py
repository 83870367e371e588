"""A grouped text field's chunks (`search/bulk_text.Grouped`): the bytes `postings.encode_chunk`
writes for each term, with what is per posting done by numpy over the whole batch.

`encode_chunk` called per term made an array, a map and a max() per list of each of ~50,000 terms a
batch (a third of an import's index work). Here the id deltas, the key steps, each term's largest
of them (the array widths) and the figures the term dictionary records are worked out once for
the batch, each width's bytes made once, and a term's chunk is slices of them joined: the layout,
the bodies' zlib and the block directories stay `search/postings.py`'s own code (tests compare
every byte with `encode_chunk`).
"""

from __future__ import annotations

from array import array
from itertools import accumulate

from paperreader.search.postings import (_BLOCKED, _NONE, BLOCKED_FROM, IDS_ZLIB, KEYS_ZLIB, _directory, _put_body,
                                         put_varint)
from paperreader.search.postings_joined import join_chunks

JOIN_FROM = 32  # postings: a list at least this long in several batches is written as one joined chunk
JOIN_TASK = 256  # lists joined a worker task


def _widths(top, limits) -> object:
    """Per term, the index of the narrowest width holding `top` (0, 1 or 2)."""
    import numpy as np

    return (top >= limits[0]).astype(np.int64) + (top >= limits[1])


def chunks_of(g, lengths: bytes | None, base: int):
    """(chunks, df, weight, maxweight, first, last) of a grouped field: its chunks as a list of
    bytes, the rest as numpy arrays. `lengths`: each document's length byte (document `base` first),
    for long lists' block bounds."""
    import numpy as np

    ids, tfs, keys = g.ids, g.tfs, g.keys
    pstart, kstart = g.pstart, g.kstart
    heads, kheads = pstart[:-1], kstart[:-1]
    if not len(heads):  # no word kept in the batch
        none = np.zeros(0, np.int64)
        return [], none, none, none, none, none
    df = np.diff(pstart)
    weight = np.diff(kstart)
    maxweight = np.maximum.reduceat(tfs, heads)
    first, last = ids[heads], ids[pstart[1:] - 1]
    deltas = np.diff(ids, prepend=ids[:1])
    deltas[heads] = 0  # a term's first posting has no delta
    steps = np.diff(keys, prepend=keys[:1])
    steps[kheads] = 0
    idc = _widths(np.maximum.reduceat(deltas, heads), (1 << 8, 1 << 16))
    tfc = np.where(maxweight > 1, _widths(maxweight, (1 << 8, 1 << 16)), _NONE)
    posc = _widths(np.maximum.reduceat(steps, kheads), (np.uint64(1 << 16), np.uint64(1 << 32)))
    blocked = (df >= BLOCKED_FROM) & (lengths is not None)
    flags = (idc | tfc << 2 | posc << 4 | np.where(blocked, _BLOCKED, 0)).tolist()
    dbytes = [deltas.astype(t).tobytes() for t in ("=u1", "=u2", "=u4")]
    tbytes = [tfs.astype(t).tobytes() for t in ("=u1", "=u2", "=u4")]
    sbytes = [steps.astype(t).tobytes() for t in ("=u2", "=u4", "=u8")]
    lbytes = np.frombuffer(lengths, np.uint8) if lengths is not None else None
    chunks = []
    append = chunks.append
    ids_l, keys_l = ids.tolist(), keys.tolist()
    single = ((df == 1) & (weight == 1)).tolist()
    bounds = zip(pstart.tolist(), pstart[1:].tolist(), kstart.tolist(), kstart[1:].tolist(), flags)
    for t, (ps, pe, ks, ke, f) in enumerate(bounds):
        if single[t]:  # most terms: a word once in one paper of the batch (encode_chunk's short cut)
            out = bytearray(b"\x01")
            put_varint(out, ids_l[ps])
            out.append(_NONE << 2)
            put_varint(out, keys_l[ks])
            out += b"\x00\x00"
            append(bytes(out))
            continue
        out = bytearray()
        put_varint(out, pe - ps)
        put_varint(out, ids_l[ps])
        out.append(f)
        if f & _BLOCKED:
            span = slice(ps, pe)
            out += _directory(ids_l[span], tfs[span].tolist(), lbytes[ids[span] - base].tobytes())
        put_varint(out, keys_l[ks])
        w = 1 << (f & 3)
        head = dbytes[f & 3][(ps + 1) * w : pe * w]
        c = f >> 2 & 3
        if c != _NONE:
            head += tbytes[c][ps << c : pe << c]
        _put_body(out, head, *IDS_ZLIB)
        w = 2 << (f >> 4 & 3)
        _put_body(out, sbytes[f >> 4 & 3][(ks + 1) * w : ke * w], *KEYS_ZLIB)
        append(bytes(out))
    return chunks, df, weight, maxweight, first, last


def table_arrays(chunks: list, df, weight, maxweight, first, last) -> dict:
    """The Table fields (`search/bulk.Table`) from `chunks_of`'s answer."""
    return {
        "blob": b"".join(chunks), "ends": array("Q", accumulate(map(len, chunks))),
        "df": array("I", df.astype("=u4").tobytes()), "weight": array("Q", weight.astype("=u8").tobytes()),
        "maxweight": array("I", maxweight.astype("=u4").tobytes()),
        "first": array("I", first.astype("=u4").tobytes()), "last": array("I", last.astype("=u4").tobytes()),
    }  # fmt: skip


# -- a term's batches joined (`search/postings_joined.py`), when the builder writes the segment ------------
def joinable_list(tables, where: list) -> bool:
    """Whether a term's chunks (`where`: (batch, index in its Table)) are written as one joined
    chunk: a long list in several batches."""
    return len(where) > 1 and sum(tables[k].df[i] for k, i in where) >= JOIN_FROM


def batch_chunks(tables, where: list) -> list:
    """A term's chunk from each batch that has it, in document order."""
    return [tables[k].blob[tables[k].ends[i - 1] if i else 0 : tables[k].ends[i]] for k, i in where]


def _join_many(lists: list) -> list:
    """`join_chunks` of each list's chunks (a task for the worker processes)."""
    return [join_chunks(chunks) for chunks in lists]


def joined_lists(lists: list, pool=None):
    """The joined chunk of each of `lists` (each a term's batch chunks), in order: on the worker
    processes (`pool`, JOIN_TASK lists a task) while the caller writes records, or here."""
    if pool is None or len(lists) <= JOIN_TASK:
        return map(join_chunks, lists)
    tasks = [pool.submit(_join_many, lists[a : a + JOIN_TASK]) for a in range(0, len(lists), JOIN_TASK)]
    return (blob for task in tasks for blob in task.result())
