"""paperreader's postings codec: Whoosh's index files, with posting lists in a compact layout.

Whoosh 2.7's own codec (W3) writes each block of 128 postings as a pickled, zlib'd tuple of ids,
float weights and pickled position strings, and a 35-byte record per term: about 14 bytes a
posting, and a Python call per posting to read or write. This codec keeps everything else of
Whoosh (the segment and TOC files, the term dictionary, the length and stored columns, the
writers, merges and matchers) and replaces only the posting lists (`search/postings.py`: chunks
of typed arrays) and the term records (a few varints; a list of a few bytes lives inline in its
record, as every `id` term's does).

`paperreader.search.bulk` writes chunks directly (a whole build without a call per posting);
Whoosh's own writers (updates, merges) go through `PRPostingsWriter`. Readers get a
`whoosh.matching.ListMatcher` (for Whoosh's matchers) or `PRTermsReader.postings()` (for
`search/fast.py`).
"""

from __future__ import annotations

import struct
import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", SyntaxWarning)
    from whoosh.codec import whoosh3
    from whoosh.formats import Frequency, Positions
    from whoosh.matching import ListMatcher
    from whoosh.reading import TermNotFound
    from whoosh.system import pack_uint
    from whoosh.util.numeric import byte_to_length, length_to_byte

from paperreader.search.postings import Postings, decode, encode_chunk, get_varint, position_key, put_varint

INLINE_MAX = 24  # bytes: a posting list this small is kept in its term record
_F32 = struct.Struct("<f")


# -- term records -----------------------------------------------------------------------------------
_ONE_BYTE = [bytes((i,)) for i in range(128)]
_LENGTH_ONE = length_to_byte(1)


def _v(n: int) -> bytes:
    """A varint (most are one byte: those come from a table)."""
    if n < 128:
        return _ONE_BYTE[n]
    out = bytearray()
    put_varint(out, n)
    return bytes(out)


def _pack(inline: bool, whole: bool, df: int, weights: bytes, minbyte: int, maxbyte: int,
          minid: int, maxid: int, tail: bytes) -> bytes:
    """A term record: flags, df, the two weights, length bytes, first id and span, then the
    postings inline or their place in the postings file."""
    flags = (1 if inline else 0) | (2 if whole else 0)
    return b"".join((_ONE_BYTE[flags], _v(df), weights, bytes((minbyte, maxbyte)), _v(minid), _v(maxid - minid), tail))


class PRTermInfo(whoosh3.W3TermInfo):
    """A term record in varints: flags, df, weight, length bytes, max weight, first/last id, and
    then the postings inline or their place in the postings file."""

    def to_bytes(self) -> bytes:
        weight, maxweight = self._weight, self._maxweight
        whole = weight == int(weight) and maxweight == int(maxweight)
        inline = self._inlined is not None
        return _pack(
            inline, whole, self._df,
            _v(int(weight)) + _v(int(maxweight)) if whole else _F32.pack(weight) + _F32.pack(maxweight),
            0 if self._minlength is None else length_to_byte(self._minlength), length_to_byte(self._maxlength),
            self._minid or 0, self._maxid or 0,
            self._inlined if inline else _v(self._offset) + _v(self._length),
        )

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


def record(df: int, weight: int, maxweight: int, maxlength: int, minid: int, maxid: int,
           blob: bytes, offset: int) -> tuple[bytes, bool]:
    """`PRTermInfo(...).to_bytes()` for whole weights and a shortest length of 1, without the
    object (the bulk builder writes hundreds of thousands): (record, whether `blob` is inline)."""
    inline = len(blob) <= INLINE_MAX
    tail = blob if inline else _v(offset) + _v(len(blob))
    return _pack(inline, True, df, _v(weight) + _v(maxweight), _LENGTH_ONE, length_to_byte(maxlength),
                 minid, maxid, tail), inline


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
def checked_decode(info: PRTermInfo, postfile, name: str) -> Postings:
    """A term's posting list, checked against its record (count, first and last document): bytes
    overwritten by others raise IndexDamaged naming the file, not whatever decoding hit."""
    from paperreader.search.validate import IndexDamaged

    try:
        postings = decode(info.blob(postfile))
        ids = postings.ids
        ok = len(ids) == info._df and ids and ids[0] == info._minid and ids[-1] == info._maxid
    except Exception:
        ok = False
    if not ok:
        raise IndexDamaged(name or "a posting list does not decode")
    return postings


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
        """The decoded posting list of a term (raises TermNotFound; IndexDamaged when its bytes
        do not decode into the list its term record describes)."""
        return checked_decode(self.term_info(fieldname, tbytes), self._postfile, getattr(self, "name", ""))


class PRCodec(whoosh3.W3Codec):
    """Whoosh's W3 codec with paperreader's posting lists and term records."""

    def field_writer(self, storage, segment):
        return PRFieldWriter(self, storage, segment)

    def postings_writer(self, dbfile, byteids=False):
        if byteids:  # term vectors (this schema keeps none)
            return super().postings_writer(dbfile, byteids)
        return PRPostingsWriter(dbfile)

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        postings = checked_decode(terminfo, dbfile, "")
        weights = [float(postings.tf(i)) * format_.field_boost for i in range(len(postings))]
        return ListMatcher(postings.ids, weights, values_for(format_, postings), format_,
                           scorer=scorer, term=term, terminfo=terminfo)

    def terms_reader(self, storage, segment):
        tiname = segment.make_filename(self.TERMS_EXT)
        tilen = storage.file_length(tiname)
        tifile = storage.open_file(tiname)
        postfile = segment.open_file(storage, self.POSTS_EXT)
        reader = PRTermsReader(self, tifile, tilen, postfile)
        reader.name = segment.make_filename(self.POSTS_EXT)  # named when a list is damaged
        return reader
