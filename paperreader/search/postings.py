"""Posting lists as bytes: the chunk layout of paperreader's Whoosh codec (`search/codec.py`).

A posting list is one or more chunks, each holding n postings as typed arrays (the narrowest of
1/2/4/8-byte ints): document-number deltas, term frequencies (left out when all are 1) and the
deltas of position keys (`document << 20 | position`, left out for fields without positions),
zlib'd when that is smaller. Arrays decode in C (`array.frombytes`, `itertools.accumulate`), so
a reader pays per chunk, not per posting; chunks of consecutive document ranges concatenate as
they are (how the bulk builder joins its workers' batches). Pure Python: no Whoosh here.
"""

from __future__ import annotations

import zlib
from array import array
from itertools import accumulate, repeat
from operator import add

_CODES = ("B", "H", "I")
_NONE = 3  # code: the array is absent (tfs: all 1; positions: none kept)
_ZLIB = 64
_BLOCKED = 128  # flags: a chunk of blocks with a directory (`encode_blocked`)

BLOCK = 256  # postings per block of a long list
BLOCKED_FROM = 512  # a chunk of at least this many postings (and known lengths) is written in blocks
BOUND_CELLS = 3  # per block: (tf, length byte) cells whose score bounds every posting's
BOUND_TF = 63  # a cell is min(tf, BOUND_TF) * 256 + length byte (row BOUND_TF bounds every higher tf)


# -- varints ----------------------------------------------------------------------------------------
def put_varint(out: bytearray, n: int) -> None:
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)


def get_varint(buf, pos: int) -> tuple[int, int]:
    n = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        n |= (b & 0x7F) << shift
        if b < 0x80:
            return n, pos
        shift += 7


def _code(top: int) -> int:
    return 0 if top < 256 else (1 if top < 65536 else 2)


POSITION_BITS = 20  # a position is kept below 2**20 (a million words into a field)
POSITION_MASK = (1 << POSITION_BITS) - 1
_KEY_CODES = ("H", "I", "Q")


def position_key(doc: int, pos: int) -> int:
    """A position as one sortable int: `document << 20 | position` (positions past the limit
    are kept at it: a phrase a million words into a note is not told apart)."""
    return (doc << POSITION_BITS) | min(pos, POSITION_MASK)


# -- chunks -------------------------------------------------------------------------------------------
def encode_chunk(ids, tfs=None, keys=None, lengths=None) -> bytes:
    """One chunk: `ids` ascending document numbers, `tfs` their frequencies (None: all 1),
    `keys` the position keys of every posting's positions, ascending (None: not kept),
    `lengths` each posting's document length byte in the field (None: not known).

    Layout: n, first id (varints), flags, [first key], body size (varints), then the body (zlib'd when
    smaller): id deltas, frequencies, key deltas, each in the narrowest typed array. A list of at
    least BLOCKED_FROM postings with `lengths` is written in blocks (`encode_blocked`)."""
    if lengths is not None and len(ids) >= BLOCKED_FROM:
        return encode_blocked(ids, tfs, keys, lengths)
    if len(ids) == 1 and (tfs is None or tfs[0] == 1) and (keys is None or len(keys) <= 1):
        # most chunks: a word once in one paper of the batch (the bytes _encode_chunk writes, sooner)
        out = bytearray(b"\x01")
        put_varint(out, ids[0])
        if keys is None or not len(keys):
            out.append(_NONE << 2 | _NONE << 4)
        else:
            out.append(_NONE << 2)
            put_varint(out, keys[0])
        out.append(0)
        return bytes(out)
    return _encode_chunk(ids, tfs, keys)


def _encode_chunk(ids, tfs, keys) -> bytes:
    out = bytearray()
    put_varint(out, len(ids))
    put_varint(out, ids[0])
    deltas = array("I", map(int.__sub__, ids[1:], ids[:-1]))
    idc = _code(max(deltas)) if deltas else 0
    body = array(_CODES[idc], deltas).tobytes()
    tfc = _NONE
    if tfs is not None and max(tfs) > 1:
        tfc = _code(max(tfs))
        body += array(_CODES[tfc], tfs).tobytes()
    posc = _NONE
    if keys is not None and len(keys):
        steps = array("Q", map(int.__sub__, keys[1:], keys[:-1]))
        top = max(steps) if steps else 0
        posc = 0 if top < 65536 else (1 if top < 2**32 else 2)
        body += array(_KEY_CODES[posc], steps).tobytes()
    flags = idc | tfc << 2 | posc << 4
    if len(body) > 48:
        packed = zlib.compress(body, 6)
        if len(packed) < len(body):
            body, flags = packed, flags | _ZLIB
    out.append(flags)
    if posc != _NONE:
        put_varint(out, keys[0])
    put_varint(out, len(body))
    return bytes(out) + body


def _frontier(cells) -> list[int]:
    """At most BOUND_CELLS cells (tf row * 256 + length byte) that bound every cell given: for any
    average length, the score of a cell (higher tf, shorter document: higher) is at most the best
    of these. The non-dominated cells, merged into neighbours (highest tf, shortest length) when
    there are more."""
    best: list[int] = []  # by tf descending; each kept one shorter than all before it
    shortest = 256
    for cell in sorted(set(cells), key=lambda c: (-(c >> 8), c & 255)):
        length = cell & 255
        if length < shortest:
            shortest = length
            best.append(cell)
    while len(best) > BOUND_CELLS:  # merge the two closest neighbours' rows
        i = min(range(len(best) - 1), key=lambda k: (best[k] >> 8) - (best[k + 1] >> 8))
        best[i : i + 2] = [(best[i] & ~255) | (best[i + 1] & 255)]
    return best + [best[-1]] * (BOUND_CELLS - len(best))


def encode_blocked(ids, tfs, keys, lengths) -> bytes:
    """A long list as blocks of BLOCK postings, each an ordinary chunk, behind a directory a
    reader decodes in C: each block's first and last document, where it ends, and the cells that
    bound its scores (`_frontier`), so a query can skip blocks that cannot reach its top page.

    Layout: n, first id (varints), flags (_BLOCKED), block count (varint), then the directory as
    arrays ('I' firsts, 'I' lasts, 'I' ends of each block's bytes after the directory, 'H' cells,
    BOUND_CELLS a block), then the blocks."""
    n = len(ids)
    starts = list(range(0, n, BLOCK))
    if tfs is not None and keys is not None:
        kstart = [0, *accumulate(tfs)]
    if tfs is None:
        cells = [256 + b for b in lengths]
    else:
        cells = list(map(add, map((256).__mul__, map(min, tfs, repeat(BOUND_TF))), lengths))
    firsts, lasts, ends, bounds = array("I"), array("I"), array("I"), array("H")
    parts = []
    size = 0
    for a in starts:
        b = min(a + BLOCK, n)
        if keys is None:
            k = None
        elif tfs is None:
            k = keys[a:b]
        else:
            k = keys[kstart[a] : kstart[b]]
        part = encode_chunk(ids[a:b], None if tfs is None else tfs[a:b], k)
        parts.append(part)
        size += len(part)
        firsts.append(ids[a])
        lasts.append(ids[b - 1])
        ends.append(size)
        bounds.extend(_frontier(cells[a:b]))
    out = bytearray()
    put_varint(out, n)
    put_varint(out, ids[0])
    out.append(_BLOCKED)
    put_varint(out, len(starts))
    return b"".join((bytes(out), firsts.tobytes(), lasts.tobytes(), ends.tobytes(), bounds.tobytes(), *parts))


class Directory:
    """The blocks of one posting list (in one segment), for reading a block at a time: per block
    its first and last document, its postings count, the cells bounding its scores, and the
    bytes to decode. Plain chunks (short lists) are one block each, their bounds unknown
    (`cells` None) until decoded."""

    __slots__ = ("firsts", "lasts", "counts", "cells", "spans", "blob")

    def __init__(self, blob) -> None:
        self.blob = blob
        self.firsts: list = []
        self.lasts: list = []  # None for a plain chunk (known once decoded)
        self.counts: list = []
        self.cells: list = []  # tuple of BOUND_CELLS cells, or None
        self.spans: list = []  # (start, end) of the block's bytes in blob
        at, end = 0, len(blob)
        while at < end:
            start = at
            n, at = get_varint(blob, at)
            first, at = get_varint(blob, at)
            flags = blob[at]
            at += 1
            if flags & _BLOCKED:
                count, at = get_varint(blob, at)
                arrays = []
                for code, width in (("I", count), ("I", count), ("I", count), ("H", count * BOUND_CELLS)):
                    a = array(code)
                    a.frombytes(bytes(blob[at : at + width * a.itemsize]))
                    at += width * a.itemsize
                    arrays.append(a)
                f, la, e, c = arrays
                base = at
                self.firsts.extend(f)
                self.lasts.extend(la)
                starts = [base, *map(base.__add__, e[:-1])]
                self.spans.extend(zip(starts, map(base.__add__, e)))
                self.cells.extend(zip(*[c[i::BOUND_CELLS] for i in range(BOUND_CELLS)]))
                self.counts.extend([BLOCK] * (count - 1))
                self.counts.append(n - BLOCK * (count - 1))
                at = base + e[-1]
                continue
            if flags >> 4 & 3 != _NONE:
                _first_key, at = get_varint(blob, at)
            size, at = get_varint(blob, at)
            at += size
            self.firsts.append(first)
            self.lasts.append(first if n == 1 else None)
            self.counts.append(n)
            self.cells.append(None)
            self.spans.append((start, at))

    def __len__(self) -> int:
        return len(self.firsts)

    def block(self, i: int) -> "Postings":
        """The postings of block i."""
        start, end = self.spans[i]
        return decode(self.blob[start:end])


class Postings:
    """A decoded posting list: segment-local document numbers, frequencies and position keys."""

    __slots__ = ("ids", "tfs", "_steps", "_keys", "_starts")

    def __init__(self, ids: list, tfs, steps) -> None:
        self.ids = ids  # ascending ints
        self.tfs = tfs  # array of ints, or None when every frequency is 1
        self._steps = steps  # per chunk (first key, key deltas), or None when positions are not kept
        self._keys = None
        self._starts = None

    @property
    def keys(self) -> list[int] | None:
        """Position keys (see `position_key`) of every posting, ascending; decoded on first use
        (only phrases need them)."""
        if self._keys is None and self._steps is not None:
            keys: list = []
            for first, steps in self._steps:
                keys.extend(accumulate(steps, initial=first))
            self._keys, self._steps = keys, None
        return self._keys

    def size(self) -> int:
        """Roughly how many ints this holds once its keys are decoded (for caches)."""
        if self._keys is not None:
            keys = len(self._keys)
        else:
            keys = sum(len(steps) + 1 for _first, steps in self._steps or ())
        return len(self.ids) * 2 + keys

    def __len__(self) -> int:
        return len(self.ids)

    def tf(self, i: int) -> int:
        return 1 if self.tfs is None else self.tfs[i]

    def positions(self, i: int) -> list[int]:
        """The i-th posting's positions, or [] when none are kept."""
        keys = self.keys
        if keys is None:
            return []
        if self.tfs is None:
            return [keys[i] & POSITION_MASK]
        if self._starts is None:
            self._starts = [0, *accumulate(self.tfs)]
        return [k & POSITION_MASK for k in keys[self._starts[i] : self._starts[i + 1]]]


def decode(blob) -> Postings:
    """Every chunk of a posting list, joined."""
    ids: list = []
    tfs = None
    keys = None
    at, end = 0, len(blob)
    while at < end:
        n, at = get_varint(blob, at)
        first, at = get_varint(blob, at)
        flags = blob[at]
        at += 1
        if flags & _BLOCKED:  # the directory skipped: its blocks are ordinary chunks, in order
            count, at = get_varint(blob, at)
            ends = array("I")
            at += 8 * count
            ends.frombytes(bytes(blob[at : at + 4 * count]))
            at += 4 * count + 2 * BOUND_CELLS * count
            if count:
                blocks = decode(blob[at : at + ends[-1]])
                at += ends[-1]
                if blocks.tfs is not None and tfs is None:
                    tfs = array("I", [1]) * len(ids)
                if tfs is not None:
                    tfs.extend(blocks.tfs if blocks.tfs is not None else array("I", [1]) * len(blocks.ids))
                if blocks._steps is not None:
                    keys = (keys or []) + blocks._steps
                ids.extend(blocks.ids)
            continue
        if flags >> 4 & 3 != _NONE:
            first_key, at = get_varint(blob, at)
        size, at = get_varint(blob, at)
        body = bytes(blob[at : at + size])
        at += size
        if flags & _ZLIB:
            body = zlib.decompress(body)
        idc, tfc, posc = flags & 3, flags >> 2 & 3, flags >> 4 & 3
        part = array(_CODES[idc])
        cut = (n - 1) * part.itemsize
        part.frombytes(body[:cut])
        if tfc != _NONE:
            t = array(_CODES[tfc])
            t.frombytes(body[cut : cut + n * t.itemsize])
            cut += n * t.itemsize
            if tfs is None:
                tfs = array("I", [1]) * len(ids)
            tfs.extend(t if t.typecode == "I" else array("I", t))
        elif tfs is not None:
            tfs.extend(array("I", [1]) * n)
        if posc != _NONE:
            steps = array(_KEY_CODES[posc])
            steps.frombytes(body[cut:])
            if keys is None:
                keys = []
            keys.append((first_key, steps))
        ids.extend(accumulate(part, initial=first))
    return Postings(ids, tfs, keys)
