"""The one place that reaches inside Whoosh 2.7.4: private attributes, private functions, the W3
codec's plumbing, and the one patch (`install_patches`).

paperreader keeps Whoosh's index files and writers but reads posting lists and length columns
whole, writes segments of its own, and keeps term records in its own layout: all of that needs
state Whoosh does not expose. Each use is a small named function (or a base class with public
methods, for the codec) here, and every private name used is listed in `PRIVATE_NAMES`, which
`tests/test_whoosh_fence.py` checks against Whoosh itself and against this file's own text (a name
used here but not listed fails, and so does one listed but no longer used). Upgrading Whoosh means
reading this file, not the code base.
"""

from __future__ import annotations

import os
import re
import struct
import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", SyntaxWarning)
    from whoosh.codec import whoosh3
    from whoosh.columns import NumericColumn
    from whoosh.util.numeric import byte_to_length

WHOOSH_VERSION = (2, 7, 4)  # the version these names were read from

# Every private name of Whoosh used in this module, by what holds it (a class, or a module).
PRIVATE_NAMES: dict[str, tuple[str, ...]] = {
    "whoosh.codec.whoosh3": ("_lenfield",),
    "whoosh.reading.SegmentReader": ("_perdoc", "_terms"),
    "whoosh.codec.whoosh3.W3PerDocReader": ("_cached_reader", "_doccount"),
    "whoosh.columns.NumericColumn.Reader": ("_dbfile", "_basepos", "_fixedlen", "_count"),
    "whoosh.columns.PickleColumn.Reader": ("_child",),
    "whoosh.columns.CompressedBytesColumn.Reader": ("_dbfile", "_basepos", "_offsets", "_lengths", "_decompress"),
    "whoosh.codec.whoosh3.W3TermInfo": ("_df", "_weight", "_maxweight", "_minlength", "_maxlength", "_minid",
                                        "_maxid", "_inlined"),
    "whoosh.codec.whoosh3.W3FieldWriter": ("_postwriter", "_btext", "_fieldobj", "_tindex", "_fieldid",
                                           "_postfile"),
    "whoosh.codec.whoosh3.W3FieldCursor": ("_pos", "_tindex", "_datapos", "_datalen"),
    "whoosh.codec.whoosh3.W3TermsReader": ("_tindex", "_keycoder", "_keydecoder", "_postfile", "_fieldmap"),
    "whoosh.writing.SegmentWriter": ("_added", "_commit_toc", "_finish"),
    "whoosh.analysis.StemFilter": ("_stem",),
}

# Whoosh's hash file (filedb/filetables.py): a slot is (key hash, entry position), an entry starts
# with its key and record lengths
_HASH_SLOT = struct.Struct("!Iq")
_HASH_ENTRY = struct.Struct("!ii")
_RECORD_GUESS = 48  # bytes read past an entry's key in the first read (most term records are shorter)

LENGTH_TABLE = [byte_to_length(i) for i in range(256)]  # a length byte -> the length it stands for


class LengthsUnreadable(Exception):
    """A segment's length column is not laid out as Whoosh 2.7.4 writes it: scoring without the
    lengths would rank every document as if it were empty, so the search stops instead."""

    def __init__(self, field: str, why: str) -> None:
        super().__init__(f"the search index's {field} lengths cannot be read ({why}); "
                         f"paperreader needs Whoosh {'.'.join(map(str, WHOOSH_VERSION))}")


# -- segments and readers ----------------------------------------------------------------------------
def deleted_docs(reader) -> list[int]:
    """The deleted document numbers of a one-segment reader (through its segment: the reader
    itself only answers `is_deleted` one document at a time)."""
    return list(reader.segment().deleted_docs())


def terms_reader(reader):
    """A one-segment reader's term dictionary: our codec's `PRTermsReader`."""
    return reader._terms


def term_postings(reader, field: str, btext: bytes):
    """The decoded posting list of a term in one segment (raises whoosh's TermNotFound)."""
    return reader._terms.postings(field, btext)


def stored_fields_reader(searcher):
    """A function docnum -> the document's stored fields (`searcher.stored_fields`, whose path
    through Whoosh's column readers seeks and reads the file object twice, ~8 us a document): each
    document's entry here is one pread, inflated and unpickled as Whoosh does (~3 us). Whoosh's
    own where a segment's stored column is not the W3 codec's in a real file."""
    from bisect import bisect_right
    from pickle import loads

    from whoosh.columns import CompressedBytesColumn, PickleColumn

    starts, parts = [], []
    for reader, offset in searcher.reader().leaf_readers():
        perdoc = getattr(reader, "_perdoc", None)
        column = perdoc._cached_reader("_stored", whoosh3.STORED_COLUMN) if perdoc is not None else None
        child = getattr(column, "_child", None)
        if type(column) is not PickleColumn.Reader or type(child) is not CompressedBytesColumn.Reader \
                or not child._dbfile.is_real:
            return searcher.stored_fields
        starts.append(offset)
        parts.append((offset, child._dbfile.fileno(), child._basepos, child._offsets, child._lengths,
                      child._decompress, reader.schema))
    pread = os.pread

    def stored_fields(docnum: int) -> dict:
        offset, fd, base, offsets, lengths, decompress, schema = parts[bisect_right(starts, docnum) - 1]
        local = docnum - offset
        length = lengths[local]
        if not length:
            return {}
        fields = loads(decompress(pread(fd, length, base + offsets[local])))
        return {k: v for k, v in fields.items() if k in schema} if fields else {}

    return stored_fields


def length_file(segment, field: str) -> str:
    """The file name of a field's length column in a segment."""
    return whoosh3.W3Codec.column_filename(segment, whoosh3._lenfield(field))


def stored_file(segment) -> str:
    """The file name of a segment's stored fields."""
    return whoosh3.W3Codec.column_filename(segment, "_stored")


def _column_bytes(column, doccount: int, field: str) -> bytes:
    """A one-byte-per-document column's bytes in one read (iterating reads a byte at a time);
    documents past the column's end have Whoosh's default, 0."""
    if type(column) is not NumericColumn.Reader or column._fixedlen != 1:
        raise LengthsUnreadable(field, f"a {type(column).__name__} column")
    have = min(column._count, doccount)
    return bytes(column._dbfile.get(column._basepos, have)) + bytes(doccount - have)


def length_column(reader, field: str) -> bytes:
    """Each document's length byte for `field` in a one-segment reader (`LENGTH_TABLE` turns a
    byte into a length), b"" when no document of the segment has the field. Raises
    LengthsUnreadable when the column is missing or not Whoosh 2.7.4's: never silently all zero
    (every document would score as if empty)."""
    perdoc = getattr(reader, "_perdoc", None)
    if not isinstance(perdoc, whoosh3.W3PerDocReader):
        raise LengthsUnreadable(field, f"a {type(perdoc).__name__} per-document reader")
    column = perdoc._cached_reader(whoosh3._lenfield(field), whoosh3.LENGTHS_COLUMN)
    if column is None:
        if reader.field_length(field):  # documents have the field: its column should be there
            raise LengthsUnreadable(field, "its length column is missing")
        return b""
    return _column_bytes(column, reader.doc_count_all(), field)


# -- analysis ------------------------------------------------------------------------------------------------
def stem_function(stem_filter):
    """The function a StemFilter stems with (its cached stemmer, for the language it was made for)."""
    return stem_filter._stem


def whole_match_finder(expression: re.Pattern):
    """`findall` over a tokenizer's expression returning whole matches: Whoosh's default word
    pattern has a capturing group (`(\\.?\\w+)*`), which would make findall return groups."""
    pattern = re.compile(expression.pattern.replace("(\\.", "(?:\\."), expression.flags)
    if pattern.groups:  # a pattern this rewrite does not know: slower, same matches
        return lambda text: [m.group() for m in expression.finditer(text)]
    return pattern.findall


# -- writing a segment ---------------------------------------------------------------------------------------
def commit_segment(writer) -> None:
    """Make the segment `writer` holds (its per-document and field writers already closed)
    visible: what `SegmentWriter.commit` does after flushing its own posting pool."""
    writer._added = True
    segment = writer.get_segment()
    writer.pool.cleanup()
    writer._commit_toc([*writer.segments, segment])
    writer._finish()


def set_term_stats(info, df: int, weight: float, maxweight: float, minlength, maxlength: int,
                   minid: int, maxid: int) -> None:
    """Fill a W3TermInfo's figures (TermInfo has getters for them, no setters)."""
    info._df, info._weight, info._maxweight = df, weight, maxweight
    info._minlength, info._maxlength = minlength, maxlength
    info._minid, info._maxid = minid, maxid


def set_inline_bytes(info, blob: bytes | None) -> None:
    """Keep a posting list's bytes in its term record (`inlined_postings()` returns them)."""
    info._inlined = blob


class FieldWriter(whoosh3.W3FieldWriter):
    """W3's field writer, starting each term with a `terminfo_class()` record, and taking records
    whose postings are already written (`add_record`)."""

    terminfo_class: type

    def start_field(self, fieldname, fieldobj) -> None:
        super().start_field(fieldname, fieldobj)
        self.fieldkey = whoosh3.pack_ushort(self._fieldid)

    def start_term(self, btext) -> None:
        if self._postwriter is None:
            raise Exception("Called start_term before start_field")
        self._btext = btext
        self._postwriter.start_postings(self._fieldobj.format, self.terminfo_class())

    def finish_term(self) -> None:
        """W3's, through `add_record`: every term of a segment, written by Whoosh's writers or the
        bulk builder, passes there (search/letter_terms.py hooks it)."""
        self.add_record(self._btext, self._postwriter.finish_postings().to_bytes())

    def add_record(self, btext: bytes, rec: bytes) -> None:
        """A term whose postings are already placed (the bulk builder's path)."""
        self._tindex.add(self.fieldkey + btext, rec)

    def postings_file(self):
        """The segment's postings file, being written."""
        return self._postfile


class FieldCursor(whoosh3.W3FieldCursor):
    """W3's term cursor, decoding records with `terminfo_class`."""

    terminfo_class: type

    def term_info(self):
        if self._pos is None:
            return None
        return self.terminfo_class.from_bytes(self._tindex.dbfile.get(self._datapos, self._datalen))


class TermsReader(whoosh3.W3TermsReader):
    """W3's term dictionary, decoding records with `terminfo_class` (cursors: `cursor_class`)."""

    terminfo_class: type
    cursor_class: type

    def cursor(self, fieldname, fieldobj):
        return self.cursor_class(self._tindex, fieldname, self._keycoder, self._keydecoder, fieldobj)

    def items(self):
        decode_key, from_bytes = self._keydecoder, self.terminfo_class.from_bytes
        return ((decode_key(k), from_bytes(v)) for k, v in self._tindex.items())

    def items_from(self, fieldname, prefix):
        decode_key, from_bytes = self._keydecoder, self.terminfo_class.from_bytes
        start = self._keycoder(fieldname, prefix)
        return ((decode_key(k), from_bytes(v)) for k, v in self._tindex.items_from(start))

    def entries_under(self, fieldname, prefix: bytes) -> bytes:
        """The term dictionary's entries of every term of `fieldname` starting with `prefix`, as
        the file lays them out (sorted; each: key length and record length as "!ii", the key,
        the record; a key is the field's 2-byte number then the term): one read instead of a
        Python generator step and a record object per term (~10x faster for a letter's terms)."""
        tindex = self._tindex
        start = self._keycoder(fieldname, prefix)
        number = int.from_bytes(start[:2], "big")
        if number == 0xFFFF:  # the key coder's number for a field this segment has no term of
            return b""
        # no UTF-8 text holds the byte 0xff; the empty prefix ends where the next field begins
        stop = start + b"\xff" if prefix else (number + 1).to_bytes(2, "big")
        a = tindex.closest_key_pos(start)
        if a is None:
            return b""
        b = tindex.closest_key_pos(stop)
        if b is None:
            b = tindex.endofdata
        return bytes(tindex.dbfile.get(a, b - a)) if b > a else b""

    def record(self, fieldname, tbytes) -> bytes:
        """A term's record bytes (raises KeyError)."""
        return self._tindex[self._keycoder(fieldname, tbytes)]

    def record_or_none(self, fieldname, tbytes) -> bytes | None:
        """A term's record bytes, None when the segment has no such term: Whoosh's hashed lookup
        (`HashReader.ranges_for_key`, the same slots and comparisons) without its generator and
        KeyError, a found entry's lengths, key and record in one read instead of three, and each
        read a pread (the file's offset and buffer untouched)."""
        if fieldname not in self._fieldmap:  # no term of this field in the segment (often notes, tags)
            return None
        tindex = self._tindex
        key = self._keycoder(fieldname, tbytes)
        keyhash = tindex.hashfn(key)
        tablestart, numslots = tindex.tables[keyhash & 255]
        if not numslots:
            return None
        dbfile = tindex.dbfile
        if dbfile.is_real:  # one pread a read: a seek and read on the file object refill its 8 KB buffer
            fd, pread = dbfile.fileno(), os.pread

            def get(at: int, length: int) -> bytes:
                return pread(fd, length, at)
        else:
            get = dbfile.get
        slot, keylen = _HASH_SLOT.size, len(key)
        slotpos = tablestart + ((keyhash >> 8) % numslots) * slot
        end = tablestart + numslots * slot
        for _ in range(numslots):
            slothash, itempos = _HASH_SLOT.unpack(get(slotpos, slot))
            if not itempos:
                return None
            if slothash == keyhash:
                head = get(itempos, _HASH_ENTRY.size + keylen + _RECORD_GUESS)
                found_keylen, datalen = _HASH_ENTRY.unpack_from(head)
                at = _HASH_ENTRY.size + keylen
                if found_keylen == keylen and head[_HASH_ENTRY.size:at] == key:
                    data = head[at:at + datalen]
                    return bytes(data) if len(data) == datalen else bytes(get(itempos + at, datalen))
            slotpos += slot
            if slotpos == end:
                slotpos = tablestart
        return None

    def postings_file(self):
        return self._postfile


# -- the patch -------------------------------------------------------------------------------------------------
def doc_field_length_in_one_read(self, docnum, fieldname, default=0):
    """W3PerDocReader.doc_field_length, with the length column read once per reader and field."""
    if docnum > self._doccount:
        raise IndexError("Asked for docnum %r of %d" % (docnum, self._doccount))
    cache = self.__dict__.setdefault("paperreader_length_bytes", {})
    col = cache.get(fieldname)
    if col is None:
        column = self._cached_reader(whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)
        col = cache[fieldname] = b"" if column is None else _column_bytes(column, self._doccount, fieldname)
    if not col:
        return default
    lbyte = col[docnum] if docnum < len(col) else 0
    return LENGTH_TABLE[lbyte] if lbyte else None


ORIGINAL_DOC_FIELD_LENGTH = whoosh3.W3PerDocReader.doc_field_length


def install_patches() -> None:
    """Whoosh's writer asks for a document's field length once per posting when it writes a
    segment (updates, merges), and each ask reads one byte of the length column through a file
    object: 15% of a build's CPU. The patched method reads the column once per reader and field:
    same values (`tests/test_whoosh_fence.py` compares it with the original). Called wherever an
    index is opened or created (`search.index.whoosh_index`); idempotent."""
    whoosh3.W3PerDocReader.doc_field_length = doc_field_length_in_one_read
