"""paperreader's postings codec: Whoosh's index files, with posting lists in a compact layout.

Whoosh 2.7's own codec (W3) writes each block of 128 postings as a pickled, zlib'd tuple of ids,
float weights and pickled position strings, and a 35-byte record per term: about 14 bytes a
posting, and a Python call per posting to read or write. This codec keeps everything else of
Whoosh (the segment and TOC files, the term dictionary, the length and stored columns, the
writers, merges and matchers) and replaces only the posting lists and term records:

- a posting list is one or more *chunks*; a chunk holds n postings as three typed arrays (each in
  the narrowest of 1/2/4-byte ints): document-number deltas, term frequencies (left out when all
  are 1) and positions (deltas within a document), zlib'd when that is smaller. Arrays decode in
  C (`array.frombytes`, `itertools.accumulate`), so a reader pays per chunk, not per posting.
- a term record is a few varints; a list of a few bytes lives inline in it (every `id` term).

`paperreader.search.bulk` writes chunks directly (a whole build without a posting per call);
Whoosh's own writers (updates, merges) go through `PRPostingsWriter`. Readers get a
`whoosh.matching.ListMatcher` (for Whoosh's matchers) or `decode()` (for `search/fast.py`).
"""

from __future__ import annotations

import struct
import warnings
import zlib
from array import array
from itertools import accumulate

with warnings.catch_warnings():
    warnings.simplefilter("ignore", SyntaxWarning)
    from whoosh.codec import whoosh3
    from whoosh.formats import Frequency, Positions
    from whoosh.matching import ListMatcher
    from whoosh.reading import TermNotFound
    from whoosh.system import pack_uint
    from whoosh.util.numeric import byte_to_length, length_to_byte

INLINE_MAX = 24  # bytes: a posting list this small is kept in its term record
_CODES = ("B", "H", "I")
_NONE = 3  # code: the array is absent (tfs: all 1; positions: none kept)
_ZLIB = 64
_F32 = struct.Struct("<f")


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


# -- term records -----------------------------------------------------------------------------------
class PRTermInfo(whoosh3.W3TermInfo):
    """A term record in varints: flags, df, weight, length bytes, max weight, first/last id, and
    then the postings inline or their place in the postings file."""

    def to_bytes(self) -> bytes:
        out = bytearray()
        weight, maxweight = self._weight, self._maxweight
        whole = weight == int(weight) and maxweight == int(maxweight)
        inline = self._inlined is not None
        out.append((1 if inline else 0) | (2 if whole else 0))
        put_varint(out, self._df)
        if whole:
            put_varint(out, int(weight))
            put_varint(out, int(maxweight))
        else:
            out += _F32.pack(weight) + _F32.pack(maxweight)
        out.append(0 if self._minlength is None else length_to_byte(self._minlength))
        out.append(length_to_byte(self._maxlength))
        minid = self._minid or 0
        put_varint(out, minid)
        put_varint(out, (self._maxid or 0) - minid)
        if inline:
            out += self._inlined
        else:
            put_varint(out, self._offset)
            put_varint(out, self._length)
        return bytes(out)

    @classmethod
    def from_bytes(cls, s):
        info = cls()
        flags = s[0]
        info._df, at = get_varint(s, 1)
        if flags & 2:
            w, at = get_varint(s, at)
            mw, at = get_varint(s, at)
            info._weight, info._maxweight = float(w), float(mw)
        else:
            info._weight, info._maxweight = _F32.unpack_from(s, at)[0], _F32.unpack_from(s, at + 4)[0]
            at += 8
        info._minlength = byte_to_length(s[at])
        info._maxlength = byte_to_length(s[at + 1])
        minid, at = get_varint(s, at + 2)
        span, at = get_varint(s, at)
        info._minid, info._maxid = minid, minid + span
        if flags & 1:
            info._inlined = bytes(s[at:])
        else:
            info._offset, at = get_varint(s, at)
            info._length, at = get_varint(s, at)
        return info

    def blob(self, postfile):
        """The posting list's bytes (inline, or a view of the postings file)."""
        if self._inlined is not None:
            return self._inlined
        return postfile.get(self._offset, self._length)

    # Whoosh reads these fields straight from the file for speed; here through the record
    @classmethod
    def _at(cls, dbfile, datapos):
        return cls.from_bytes(dbfile.get(datapos, 64))

    @classmethod
    def read_weight(cls, dbfile, datapos):
        return cls._at(dbfile, datapos)._weight

    @classmethod
    def read_doc_freq(cls, dbfile, datapos):
        return get_varint(dbfile.get(datapos, 6), 1)[0]

    @classmethod
    def read_min_and_max_length(cls, dbfile, datapos):
        info = cls._at(dbfile, datapos)
        return info._minlength, info._maxlength

    @classmethod
    def read_max_weight(cls, dbfile, datapos):
        return cls._at(dbfile, datapos)._maxweight


# -- writing --------------------------------------------------------------------------------------------
class PRPostingsWriter:
    """Whoosh's posting-at-a-time writer interface (updates and merges), into one chunk per term."""

    def __init__(self, postfile) -> None:
        self._postfile = postfile
        self._terminfo = None

    def written(self) -> bool:
        return False

    def start_postings(self, format_, terminfo) -> None:
        self._format = format_
        self._terminfo = terminfo
        self._ids: list = []
        self._tfs: list = []
        self._pos: list = []
        self._weight = 0.0
        self._maxweight = 0.0
        self._minlength = None
        self._maxlength = 0
        self._positional = isinstance(format_, Positions)
        self._frequency = self._positional or isinstance(format_, Frequency)

    def add_posting(self, id_, weight, vbytes, length=None) -> None:
        self._ids.append(id_)
        self._weight += weight
        if weight > self._maxweight:
            self._maxweight = weight
        if self._positional:
            poslist = self._format.decode_positions(vbytes)
            self._tfs.append(len(poslist))
            self._pos.extend(position_key(id_, p) for p in poslist)
        elif self._frequency:
            self._tfs.append(self._format.decode_frequency(vbytes) if vbytes else 1)
        if length:
            if self._minlength is None or length < self._minlength:
                self._minlength = length
            if length > self._maxlength:
                self._maxlength = length

    def finish_postings(self):
        info = self._terminfo
        ids = self._ids
        info._weight, info._df, info._maxweight = self._weight, len(ids), self._maxweight
        info._minlength, info._maxlength = self._minlength, self._maxlength
        info._minid, info._maxid = ids[0], ids[-1]
        blob = encode_chunk(ids, self._tfs if self._frequency else None, self._pos if self._positional else None)
        place(info, blob, self._postfile)
        self._terminfo = None
        return info


_ONE_BYTE = [bytes((i,)) for i in range(128)]


def _v(n: int) -> bytes:
    if n < 128:
        return _ONE_BYTE[n]
    out = bytearray()
    put_varint(out, n)
    return bytes(out)


def record(df: int, weight: int, maxweight: int, maxlength: int, minid: int, maxid: int,
           blob: bytes, offset: int) -> tuple[bytes, bool]:
    """`PRTermInfo(...).to_bytes()` for whole weights and a shortest length of 1, without the
    object (the bulk builder writes hundreds of thousands): (record, whether `blob` is inline)."""
    head = b"".join((_v(df), _v(weight), _v(maxweight), _ONE_BYTE[1], bytes((length_to_byte(maxlength),)),
                     _v(minid), _v(maxid - minid)))
    if len(blob) <= INLINE_MAX:
        return b"\x03" + head + blob, True
    return b"\x02" + head + _v(offset) + _v(len(blob)), False


def place(info: PRTermInfo, blob: bytes, postfile) -> None:
    """Inline a small posting list in its term record, else append it to the postings file."""
    if len(blob) <= INLINE_MAX:
        info._inlined = blob
    else:
        info._offset = postfile.tell()
        info._length = len(blob)
        postfile.write(blob)


class PRFieldWriter(whoosh3.W3FieldWriter):
    def start_term(self, btext) -> None:
        if self._postwriter is None:
            raise Exception("Called start_term before start_field")
        self._btext = btext
        self._postwriter.start_postings(self._fieldobj.format, PRTermInfo())

    def add_record(self, btext: bytes, rec: bytes) -> None:
        """A term whose postings are already placed (the bulk builder's path)."""
        self._tindex.add(self._fieldkey + btext, rec)

    def start_field(self, fieldname, fieldobj) -> None:
        super().start_field(fieldname, fieldobj)
        self._fieldkey = whoosh3.pack_ushort(self._fieldid)


# -- reading -----------------------------------------------------------------------------------------------
def values_for(fmt, postings: Postings) -> list:
    """Each posting's value in the field format's own encoding (for Whoosh's matchers)."""
    n = len(postings)
    if isinstance(fmt, Positions):
        return [fmt.encode(postings.positions(i)) for i in range(n)]
    if isinstance(fmt, Frequency):
        return [pack_uint(postings.tf(i)) for i in range(n)]
    return [b""] * n


class PRFieldCursor(whoosh3.W3FieldCursor):
    def term_info(self):
        if self._pos is None:
            return None
        return PRTermInfo.from_bytes(self._tindex.dbfile.get(self._datapos, self._datalen))


class PRTermsReader(whoosh3.W3TermsReader):
    def cursor(self, fieldname, fieldobj):
        return PRFieldCursor(self._tindex, fieldname, self._keycoder, self._keydecoder, fieldobj)

    def items(self):
        decode_key = self._keydecoder
        return ((decode_key(k), PRTermInfo.from_bytes(v)) for k, v in self._tindex.items())

    def items_from(self, fieldname, prefix):
        decode_key = self._keydecoder
        start = self._keycoder(fieldname, prefix)
        return ((decode_key(k), PRTermInfo.from_bytes(v)) for k, v in self._tindex.items_from(start))

    def term_info(self, fieldname, tbytes):
        try:
            return PRTermInfo.from_bytes(self._tindex[self._keycoder(fieldname, tbytes)])
        except KeyError:
            raise TermNotFound(f"No term {fieldname}:{tbytes!r}") from None

    def frequency(self, fieldname, tbytes):
        return PRTermInfo.read_weight(self._dbfile, self._range_for_key(fieldname, tbytes)[0])

    def doc_frequency(self, fieldname, tbytes):
        return PRTermInfo.read_doc_freq(self._dbfile, self._range_for_key(fieldname, tbytes)[0])

    def postings(self, fieldname, tbytes) -> Postings:
        """The decoded posting list of a term (raises TermNotFound)."""
        return decode(self.term_info(fieldname, tbytes).blob(self._postfile))


class PRCodec(whoosh3.W3Codec):
    """Whoosh's W3 codec with paperreader's posting lists and term records."""

    def field_writer(self, storage, segment):
        return PRFieldWriter(self, storage, segment)

    def postings_writer(self, dbfile, byteids=False):
        if byteids:  # term vectors (this schema keeps none)
            return super().postings_writer(dbfile, byteids)
        return PRPostingsWriter(dbfile)

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        postings = decode(terminfo.blob(dbfile))
        weights = [float(postings.tf(i)) * format_.field_boost for i in range(len(postings))]
        return ListMatcher(postings.ids, weights, values_for(format_, postings), format_,
                           scorer=scorer, term=term, terminfo=terminfo)

    def terms_reader(self, storage, segment):
        tiname = segment.make_filename(self.TERMS_EXT)
        tilen = storage.file_length(tiname)
        tifile = storage.open_file(tiname)
        postfile = segment.open_file(storage, self.POSTS_EXT)
        return PRTermsReader(self, tifile, tilen, postfile)
