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
from itertools import accumulate

_CODES = ("B", "H", "I")
_NONE = 3  # code: the array is absent (tfs: all 1; positions: none kept)
_ZLIB = 64


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
def encode_chunk(ids, tfs=None, keys=None) -> bytes:
    """One chunk: `ids` ascending document numbers, `tfs` their frequencies (None: all 1),
    `keys` the position keys of every posting's positions, ascending (None: not kept).

    Layout: n, first id (varints), flags, [first key], body size (varints), then the body (zlib'd when
    smaller): id deltas, frequencies, key deltas, each in the narrowest typed array."""
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
