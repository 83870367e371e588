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
`search/fast.py`). What these classes need of the W3 codec's private state goes through
`search/whoosh/internals.py` (its base classes and setters).
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

from paperreader.search.letter_terms import LetterTermsWriter
from paperreader.search.postings import Postings, decode, encode_chunk, get_varint, position_key, put_varint
from paperreader.search.postings_arrays import decode_arrays
from paperreader.search.validate import IndexDamaged
from paperreader.search.whoosh.internals import (FieldCursor, FieldWriter, TermsReader, set_inline_bytes,
                                                 set_term_stats)

INLINE_MAX = 24  # bytes: a posting list this small is kept in its term record
_F32 = struct.Struct("<f")
_ENTRY_LENGTHS = struct.Struct("!ii")  # a term dictionary entry's key and record lengths (Whoosh's hash file)


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
        weight, maxweight = self.weight(), self.max_weight()
        whole = weight == int(weight) and maxweight == int(maxweight)
        inline = self.is_inlined()
        minlength = self.min_length()
        offset, length = self.extent()
        return _pack(
            inline, whole, self.doc_frequency(),
            _v(int(weight)) + _v(int(maxweight)) if whole else _F32.pack(weight) + _F32.pack(maxweight),
            0 if minlength is None else length_to_byte(minlength), length_to_byte(self.max_length()),
            self.min_id() or 0, self.max_id() or 0,
            self.inlined_postings() if inline else _v(offset) + _v(length),
        )

    @classmethod
    def from_bytes(cls, s):
        info = cls()
        flags = s[0]
        df, at = get_varint(s, 1)
        if flags & 2:
            w, at = get_varint(s, at)
            mw, at = get_varint(s, at)
            weight, maxweight = float(w), float(mw)
        else:
            weight, maxweight = _F32.unpack_from(s, at)[0], _F32.unpack_from(s, at + 4)[0]
            at += 8
        minlength = byte_to_length(s[at])
        maxlength = byte_to_length(s[at + 1])
        minid, at = get_varint(s, at + 2)
        span, at = get_varint(s, at)
        set_term_stats(info, df, weight, maxweight, minlength, maxlength, minid, minid + span)
        if flags & 1:
            set_inline_bytes(info, bytes(s[at:]))
        else:
            offset, at = get_varint(s, at)
            length, at = get_varint(s, at)
            info.set_extent(offset, length)
        return info

    def blob(self, postfile):
        """The posting list's bytes (inline, or a view of the postings file)."""
        if self.is_inlined():
            return self.inlined_postings()
        offset, length = self.extent()
        return postfile.get(offset, length)

    # Whoosh reads these fields straight from the file for speed; here through the record
    @classmethod
    def record_at(cls, dbfile, datapos):
        return cls.from_bytes(dbfile.get(datapos, 64))

    @classmethod
    def read_weight(cls, dbfile, datapos):
        return cls.record_at(dbfile, datapos).weight()

    @classmethod
    def read_doc_freq(cls, dbfile, datapos):
        return get_varint(dbfile.get(datapos, 6), 1)[0]

    @classmethod
    def read_min_and_max_length(cls, dbfile, datapos):
        info = cls.record_at(dbfile, datapos)
        return info.min_length(), info.max_length()

    @classmethod
    def read_max_weight(cls, dbfile, datapos):
        return cls.record_at(dbfile, datapos).max_weight()


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
        set_term_stats(info, len(ids), self._weight, self._maxweight, self._minlength, self._maxlength,
                       ids[0], ids[-1])
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
        set_inline_bytes(info, blob)
    else:
        info.set_extent(postfile.tell(), len(blob))
        postfile.write(blob)


class PRFieldWriter(LetterTermsWriter, FieldWriter):
    """Also writes the segment's typed fields' terms by first letter (search/letter_terms.py)."""

    terminfo_class = PRTermInfo


# -- reading -----------------------------------------------------------------------------------------------
def checked_decode(info: PRTermInfo, postfile, name: str) -> Postings:
    """A term's posting list, checked against its record (count, first and last document): bytes
    overwritten by others raise IndexDamaged naming the file, not whatever decoding hit."""
    try:
        postings = decode(info.blob(postfile))
        ids = postings.ids
        ok = len(ids) == info.doc_frequency() and ids and ids[0] == info.min_id() and ids[-1] == info.max_id()
    except Exception:
        ok = False
    if not ok:
        raise IndexDamaged(name or "a posting list does not decode")
    return postings


def checked_arrays(info: PRTermInfo, blob, name: str, out=None, offset: int = 0):
    """`checked_decode` of a list's bytes (`info.blob(postfile)`) as numpy arrays
    (`postings_arrays.decode_arrays`: ids plus `offset`, frequencies or None; the ids written into `out`
    if given), checked against the record alike."""
    try:
        ids, tfs = decode_arrays(blob, out, offset)
        ok = (len(ids) == info.doc_frequency() and len(ids) and ids[0] == info.min_id() + offset
              and ids[-1] == info.max_id() + offset)
    except Exception:
        ok = False
    if not ok:
        raise IndexDamaged(name or "a posting list does not decode")
    return ids, tfs


def values_for(fmt, postings: Postings) -> list:
    """Each posting's value in the field format's own encoding (for Whoosh's matchers)."""
    n = len(postings)
    if isinstance(fmt, Positions):
        return [fmt.encode(postings.positions(i)) for i in range(n)]
    if isinstance(fmt, Frequency):
        return [pack_uint(postings.tf(i)) for i in range(n)]
    return [b""] * n


class PRFieldCursor(FieldCursor):
    terminfo_class = PRTermInfo


class RecordSpan:
    """A term record's document frequency, first and last document and where its postings are,
    parsed as `PRTermInfo.from_bytes` parses them (the same figures), with the methods of it that
    reading a posting list needs (`dense_terms`: ~1,500 records a first keystroke at 1M)."""

    __slots__ = ("df", "minid", "maxid", "inline", "offset", "length")

    def __init__(self, rec: bytes) -> None:
        flags = rec[0]
        self.df, at = get_varint(rec, 1)
        if flags & 2:
            _w, at = get_varint(rec, at)
            _mw, at = get_varint(rec, at)
        else:
            at += 8
        self.minid, at = get_varint(rec, at + 2)  # (after the two length bytes)
        span, at = get_varint(rec, at)
        self.maxid = self.minid + span
        if flags & 1:
            self.inline, self.offset, self.length = bytes(rec[at:]), None, None
        else:
            self.inline = None
            self.offset, at = get_varint(rec, at)
            self.length, at = get_varint(rec, at)

    def doc_frequency(self) -> int:
        return self.df

    def min_id(self) -> int:
        return self.minid

    def max_id(self) -> int:
        return self.maxid

    def blob(self, postfile):
        """The posting list's bytes (inline, or a view of the postings file), as `PRTermInfo.blob`."""
        if self.inline is not None:
            return self.inline
        return postfile.get(self.offset, self.length)


RECORDS_KEPT = 256  # term records a segment's reader remembers (then afresh): ~60 KB; a query asks about tens
GIVEN_KEPT = 4096  # records handed in by the letter files (engineer W's hook: search/letter_terms.py)


class PRTermsReader(TermsReader):
    """A segment's term dictionary. A query asks about each of its terms several times (its
    document frequency to order an AND and to weigh it, its record to read its postings; the
    "did you mean" check, an expansion's ranking): each asking was a lookup in Whoosh's hashed
    table (an md5, four small reads and a generator, ~25 us). A term's record is now looked up
    once (`record_or_none`: two reads) and remembered (a segment's files never change; missing
    terms are remembered too)."""

    terminfo_class = PRTermInfo
    cursor_class = PRFieldCursor

    def __init__(self, *args) -> None:
        super().__init__(*args)
        self._seen_records: dict = {}
        self._given_records: dict = {}

    def remember_records(self, fieldname, records: dict) -> None:
        """{term bytes: its record, or None: not in this segment} of a letter's top terms, from the
        segment's letter file (`Lexicon.top`): the postings reads that follow look none up."""
        given = self._given_records
        if len(given) + len(records) > GIVEN_KEPT:
            given.clear()
        for tbytes, rec in records.items():
            given[(fieldname, tbytes)] = rec

    def _record_or_none(self, fieldname, tbytes) -> bytes | None:
        key = (fieldname, tbytes)
        records = self._seen_records
        rec = records.get(key, False)
        if rec is False:
            rec = self._given_records.get(key, False)
            if rec is False:
                rec = self.record_or_none(fieldname, tbytes)
            if len(records) >= RECORDS_KEPT:
                records.clear()
            records[key] = rec
        return rec

    def __contains__(self, term) -> bool:
        return self._record_or_none(*term) is not None

    def term_span(self, fieldname, tbytes) -> RecordSpan | None:
        """The figures of a term's record the dense evaluator reads its postings by, or None
        when the segment has no such term (cheaper than `term_info`: no Whoosh TermInfo)."""
        rec = self._record_or_none(fieldname, tbytes)
        return None if rec is None else RecordSpan(rec)

    def term_info(self, fieldname, tbytes):
        rec = self._record_or_none(fieldname, tbytes)
        if rec is None:
            raise TermNotFound(f"No term {fieldname}:{tbytes!r}")
        return PRTermInfo.from_bytes(rec)

    def frequency(self, fieldname, tbytes):
        rec = self._record_or_none(fieldname, tbytes)
        if rec is None:
            raise KeyError(tbytes)  # as Whoosh's table answers (its readers turn it into 0)
        return PRTermInfo.from_bytes(rec).weight()

    def doc_frequency(self, fieldname, tbytes):
        rec = self._record_or_none(fieldname, tbytes)
        if rec is None:
            raise KeyError(tbytes)
        df = rec[1]  # after the flags byte, a varint (`_pack`)
        return df if df < 0x80 else get_varint(rec, 1)[0]

    def doc_frequencies(self, fieldname, prefix: bytes) -> dict[bytes, int]:
        """{term bytes: document frequency} of every term of `fieldname` starting with `prefix`,
        read from the records' bytes in one pass (a record starts with its flags byte, then the
        document frequency as a varint: `_pack`)."""
        buf = self.entries_under(fieldname, prefix)
        out: dict = {}
        at, end = 0, len(buf)
        lengths = _ENTRY_LENGTHS.unpack_from
        while at < end:
            keylen, reclen = lengths(buf, at)
            key = at + 8
            rec = key + keylen
            df = buf[rec + 1]
            if df >= 0x80:
                df = get_varint(buf, rec + 1)[0]
            out[buf[key + 2:rec]] = df
            at = rec + reclen
        return out

    def postings(self, fieldname, tbytes) -> Postings:
        """The decoded posting list of a term (raises TermNotFound; IndexDamaged when its bytes
        do not decode into the list its term record describes)."""
        return checked_decode(self.term_info(fieldname, tbytes), self.postings_file(), getattr(self, "name", ""))


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
