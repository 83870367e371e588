"""Posting lists as bytes: the chunk layout of paperreader's Whoosh codec (`search/codec.py`).

A posting list is one or more chunks, each holding n postings as typed arrays (the narrowest of
1/2/4/8-byte ints): document-number deltas, term frequencies (left out when all are 1) and the
deltas of position keys (`document << 20 | position`, left out for fields without positions),
in two bodies (ids and frequencies; keys), each zlib'd when that is smaller. Arrays decode in C (`array.frombytes`, `itertools.accumulate`), so
a reader pays per chunk, not per posting; chunks of consecutive document ranges concatenate as
they are (how the bulk builder joins its workers' batches). Pure Python: no Whoosh here.
"""

from __future__ import annotations

import zlib
from array import array
from itertools import accumulate, repeat
from operator import add, and_, rshift

_CODES = ("B", "H", "I")
_NONE = 3  # code: the array is absent (tfs: all 1; positions: none kept)
_BLOCKED = 128  # flags: a chunk with a directory of its blocks (`_directory`)
_JOINED = 64  # flags: a long list's batches in one chunk, positions as their pieces (`search/postings_joined.py`)

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
    b = buf[pos]
    if b < 0x80:  # most varints are one, two or three bytes: those without the loop
        return b, pos + 1
    n = b & 0x7F
    b = buf[pos + 1]
    if b < 0x80:
        return n | b << 7, pos + 2
    n |= (b & 0x7F) << 7
    b = buf[pos + 2]
    if b < 0x80:
        return n | b << 14, pos + 3
    n |= (b & 0x7F) << 14
    pos += 3
    shift = 21
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
# zlib settings of the two bodies. Ids and frequencies (small ints): run-length matching only, 4% smaller
# than level 6 and 1.5x sooner; positions: level 1, 1.4% bigger than level 6 and twice as soon (a 100k
# segment's long lists, measured in session 8). Readers inflate any setting alike.
IDS_ZLIB = (1, zlib.Z_RLE)
KEYS_ZLIB = (1, zlib.Z_DEFAULT_STRATEGY)


def _put_body(out: bytearray, body: bytes, level: int = 6, strategy: int = zlib.Z_DEFAULT_STRATEGY) -> None:
    """A body's size (varint, doubled, +1 when zlib'd) and its bytes, zlib'd when that is smaller."""
    if len(body) > 48:
        # zlib's window sized to the body: the same compressed bytes after the 2-byte header, but
        # zlib.compress's fixed cost (a 32 KB window and a 64 KB hash table set up and cleared,
        # ~50 us a call, ~150k calls in a 100k import) drops to a few us; any window inflates alike
        bits = max(9, min(15, len(body).bit_length() + 1))
        z = zlib.compressobj(level, zlib.DEFLATED, bits, max(1, min(8, bits - 7)), strategy)
        packed = z.compress(body) + z.flush()
        if len(packed) < len(body):
            put_varint(out, len(packed) << 1 | 1)
            out += packed
            return
    put_varint(out, len(body) << 1)
    out += body


def encode_chunk(ids, tfs=None, keys=None, lengths=None) -> bytes:
    """One chunk: `ids` ascending document numbers, `tfs` their frequencies (None: all 1),
    `keys` the position keys of every posting's positions, ascending (None: not kept),
    `lengths` each posting's document length byte in the field (None: not known).

    Layout: n, first id (varints), flags, [a block directory (`_BLOCKED`)], [first key], then two
    bodies, each a size varint and bytes (zlib'd when smaller): the id deltas and frequencies,
    then (when positions are kept) the key deltas, each array in the narrowest type. The keys
    are their own body so that reading a list without its positions (all but phrases) inflates
    none of them. A list of at least BLOCKED_FROM postings with `lengths` gets a directory of
    its BLOCK-posting blocks with their score bounds (`_directory`)."""
    if len(ids) == 1 and (tfs is None or tfs[0] == 1) and (keys is None or len(keys) <= 1):
        # most chunks: a word once in one paper of the batch (the bytes _encode_chunk writes, sooner)
        out = bytearray(b"\x01")
        put_varint(out, ids[0])
        if keys is None or not len(keys):
            out.append(_NONE << 2 | _NONE << 4)
            out.append(0)
        else:
            out.append(_NONE << 2)
            put_varint(out, keys[0])
            out += b"\x00\x00"
        return bytes(out)
    return _encode_chunk(ids, tfs, keys, lengths)


def _encode_chunk(ids, tfs, keys, lengths=None) -> bytes:
    n = len(ids)
    out = bytearray()
    put_varint(out, n)
    put_varint(out, ids[0])
    deltas = array("I", map(int.__sub__, ids[1:], ids[:-1]))
    idc = _code(max(deltas)) if deltas else 0
    head = array(_CODES[idc], deltas).tobytes()
    tfc = _NONE
    if tfs is not None and max(tfs) > 1:
        tfc = _code(max(tfs))
        head += array(_CODES[tfc], tfs).tobytes()
    posc = _NONE
    tail = b""
    if keys is not None and len(keys):
        steps = array("Q", map(int.__sub__, keys[1:], keys[:-1]))
        top = max(steps) if steps else 0
        posc = 0 if top < 65536 else (1 if top < 2**32 else 2)
        tail = array(_KEY_CODES[posc], steps).tobytes()
    blocked = lengths is not None and n >= BLOCKED_FROM
    out.append(idc | tfc << 2 | posc << 4 | (_BLOCKED if blocked else 0))
    if blocked:
        out += _directory(ids, tfs, lengths)
    if posc != _NONE:
        put_varint(out, keys[0])
    _put_body(out, head, *IDS_ZLIB)
    if posc != _NONE:
        _put_body(out, tail, *KEYS_ZLIB)
    return bytes(out)


def _frontier(cells) -> list[int]:
    """At most BOUND_CELLS cells (tf row * 256 + length byte) that bound every cell given: for any
    average length, the score of a cell (higher tf, shorter document: higher) is at most the best
    of these. The non-dominated cells, merged into neighbours (highest tf, shortest length) when
    there are more."""
    top = sorted(set(cells), reverse=True)  # by tf, then length, descending
    shortest_of = dict(zip(map(rshift, top, repeat(8)), map(and_, top, repeat(255))))  # per tf (in C)
    best: list[int] = []  # by tf descending; each kept one shorter than all before it
    shortest = 256
    for row, length in shortest_of.items():
        if length < shortest:
            shortest = length
            best.append(row << 8 | length)
    while len(best) > BOUND_CELLS:  # merge the two closest neighbours' rows
        i = min(range(len(best) - 1), key=lambda k: (best[k] >> 8) - (best[k + 1] >> 8))
        best[i : i + 2] = [(best[i] & ~255) | (best[i + 1] & 255)]
    return best + [best[-1]] * (BOUND_CELLS - len(best))


def _directory(ids, tfs, lengths) -> bytes:
    """The blocks of a long list, so a query can skip those that cannot reach its top page:
    block k is postings [k * BLOCK, (k + 1) * BLOCK) of the chunk's arrays. Layout: block count
    (varint), then 'I' first documents, 'I' last documents, 'H' cells bounding the block's scores
    (`_frontier`, BOUND_CELLS a block)."""
    n = len(ids)
    if tfs is None:
        cells = list(map((256).__add__, lengths))
    elif max(tfs) <= BOUND_TF:
        cells = list(map(add, map((256).__mul__, tfs), lengths))
    else:
        cells = list(map(add, map((256).__mul__, map(min, tfs, repeat(BOUND_TF))), lengths))
    starts = range(0, n, BLOCK)
    firsts = array("I", (ids[a] for a in starts))
    lasts = array("I", (ids[min(a + BLOCK, n) - 1] for a in starts))
    bounds = array("H")
    for a in starts:
        bounds.extend(_frontier(cells[a : a + BLOCK]))
    out = bytearray()
    put_varint(out, len(starts))
    return bytes(out) + firsts.tobytes() + lasts.tobytes() + bounds.tobytes()


def _chunk_header(blob, at: int):
    """A chunk's head, read by both chunk readers: (n, first id, flags, directory (count, offset)
    or None, where the bodies start)."""
    n, at = get_varint(blob, at)
    first, at = get_varint(blob, at)
    flags = blob[at]
    at += 1
    directory = None
    if flags & _BLOCKED:
        count, at = get_varint(blob, at)
        directory = (count, at)
        at += (8 + 2 * BOUND_CELLS) * count
    return n, first, flags, directory, at


def _read_chunk(blob, at: int):
    """One chunk from `at`: (n, first id, id deltas, frequencies or None, the positions' pieces
    [(first document, first key, key code, body, zlib'd)] or None, directory (count, offset) or
    None, where the next chunk starts)."""
    n, first, flags, directory, at = _chunk_header(blob, at)
    idc, tfc, posc = flags & 3, flags >> 2 & 3, flags >> 4 & 3
    if posc != _NONE and not flags & _JOINED:
        first_key, at = get_varint(blob, at)
    size, at = get_varint(blob, at)
    body = blob[at : at + (size >> 1)]
    at += size >> 1
    if size & 1:
        body = zlib.decompress(body)
    deltas = array(_CODES[idc])
    cut = (n - 1) * deltas.itemsize
    deltas.frombytes(body[:cut])
    t = None
    if tfc != _NONE:
        t = array(_CODES[tfc])
        t.frombytes(body[cut : cut + n * t.itemsize])
    keys = None
    if posc != _NONE:
        size, at = get_varint(blob, at)
        if flags & _JOINED:
            keys = [(doc, key, code, bytes(blob[a : a + (s >> 1)]), s & 1) for doc, key, code, a, s in pieces(blob, at)]
        else:
            keys = [(first, first_key, posc, bytes(blob[at : at + (size >> 1)]), size & 1)]
        at += size >> 1
    return n, first, deltas, t, keys, directory, at


def pieces(blob, at: int) -> list:
    """A joined chunk's positions (`at`: after their size): per piece (first document, first key,
    key code, body start, body size varint (doubled, +1 when zlib'd))."""
    out = []
    count, at = get_varint(blob, at)
    for _ in range(count):
        doc, at = get_varint(blob, at)
        key, at = get_varint(blob, at)
        code = blob[at]
        size, at = get_varint(blob, at + 1)
        out.append((doc, key, code, at, size))
        at += size >> 1
    return out


class Directory:
    """The blocks of one posting list (in one segment), for reading a block at a time: per block
    its first and last document, its postings count, the cells bounding its scores, and where
    its postings are. Plain chunks (short lists) are one block each, their bounds unknown
    (`cells` None) until decoded. A blocked chunk's arrays are decoded once, on its first block
    read (in C: one inflate); a block's ids then cost only its own postings."""

    __slots__ = ("firsts", "lasts", "counts", "cells", "spans", "blob", "_columns")

    def __init__(self, blob) -> None:
        self.blob = blob
        self.firsts: list = []
        self.lasts: list = []  # None for a plain chunk (known once decoded)
        self.counts: list = []
        self.cells: list = []  # tuple of BOUND_CELLS cells, or None
        self.spans: list = []  # (start, end, block in the chunk: -1 for a plain chunk) of blob
        self._columns: dict = {}  # chunk start -> (id deltas, frequencies)
        at, end = 0, len(blob)
        while at < end:
            start = at
            n, first, _deltas, _t, _keys, directory, at = _read_chunk_head(blob, at)
            if directory is not None:
                count, d = directory
                arrays = []
                for code, width in (("I", count), ("I", count), ("H", count * BOUND_CELLS)):
                    a = array(code)
                    a.frombytes(bytes(blob[d : d + width * a.itemsize]))
                    d += width * a.itemsize
                    arrays.append(a)
                f, la, c = arrays
                self.firsts.extend(f)
                self.lasts.extend(la)
                self.cells.extend(zip(*[c[i::BOUND_CELLS] for i in range(BOUND_CELLS)]))
                self.counts.extend([BLOCK] * (count - 1))
                self.counts.append(n - BLOCK * (count - 1))
                self.spans.extend((start, at, k) for k in range(count))
                continue
            self.firsts.append(first)
            self.lasts.append(first if n == 1 else None)
            self.counts.append(n)
            self.cells.append(None)
            self.spans.append((start, at, -1))

    def __len__(self) -> int:
        return len(self.firsts)

    def block(self, i: int) -> "Postings":
        """The postings of block i (without their positions: blocks are read for scores)."""
        start, end, k = self.spans[i]
        if k < 0:
            return decode(self.blob[start:end])
        cols = self._columns.get(start)
        if cols is None:
            _n, _first, deltas, t, _keys, _d, _at = _read_chunk(self.blob, start)
            cols = self._columns[start] = (deltas, t)
        deltas, t = cols
        a = k * BLOCK
        b = a + self.counts[i]
        ids = list(accumulate(deltas[a : b - 1], initial=self.firsts[i]))
        return Postings(ids, None if t is None else t[a:b], None)


def _read_chunk_head(blob, at: int):
    """`_read_chunk` without decoding anything: only where the chunk ends (and its directory)."""
    n, first, flags, directory, at = _chunk_header(blob, at)
    posc = flags >> 4 & 3
    if posc != _NONE and not flags & _JOINED:
        _first_key, at = get_varint(blob, at)
    size, at = get_varint(blob, at)
    at += size >> 1
    if posc != _NONE:
        size, at = get_varint(blob, at)
        at += size >> 1
    return n, first, None, None, None, directory, at


class Postings:
    """A decoded posting list: segment-local document numbers, frequencies and position keys."""

    __slots__ = ("ids", "tfs", "_steps", "_keys", "_starts")

    def __init__(self, ids: list, tfs, steps) -> None:
        self.ids = ids  # ascending ints
        self.tfs = tfs  # array of ints, or None when every frequency is 1
        self._steps = steps  # per chunk (first key, key code, body, zlib'd), or None: positions not kept
        self._keys = None
        self._starts = None

    @property
    def keys(self) -> list[int] | None:
        """Position keys (see `position_key`) of every posting, ascending; decoded on first use
        (only phrases need them)."""
        if self._keys is None and self._steps is not None:
            keys: list = []
            for first, code, body, packed in self._steps:
                steps = array(_KEY_CODES[code])
                steps.frombytes(zlib.decompress(body) if packed else body)
                keys.extend(accumulate(steps, initial=first))
            self._keys, self._steps = keys, None
        return self._keys

    def size(self) -> int:
        """Roughly how many ints this holds once its keys are decoded (for caches)."""
        if self._keys is not None:
            keys = len(self._keys)
        else:
            keys = 0 if self._steps is None else (len(self.ids) if self.tfs is None else sum(self.tfs))
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
    """Every chunk of a posting list, joined (positions kept inflated until asked for)."""
    ids: list = []
    tfs = None
    keys = None
    at, end = 0, len(blob)
    while at < end:
        n, first, deltas, t, k, _directory, at = _read_chunk(blob, at)
        if t is not None:
            if tfs is None:
                tfs = array("I", [1]) * len(ids)
            tfs.extend(t if t.typecode == "I" else array("I", t))
        elif tfs is not None:
            tfs.extend(array("I", [1]) * n)
        if k is not None:
            if keys is None:
                keys = []
            keys.extend(piece[1:] for piece in k)
        ids.extend(accumulate(deltas, initial=first))
    return Postings(ids, tfs, keys)

