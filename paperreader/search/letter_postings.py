"""Each segment's most frequent terms' postings by first letter, uncompressed, for as-you-type at a million papers.

The first letter of a word after others (`computer v`, `deep l`) read for the first time is ~150
terms of five fields, each a posting list in every segment: ~1,000 lists at a million papers, each
parsed, inflated, joined and scored (~100 us a list: 185 ms a keystroke). This file, beside the
segment (`<segment>.lpo`), holds per typed field and first byte the TOP terms with the most
documents in the segment, each as two plain arrays: its documents (<u4, segment-local) and each
posting's score cell (<u2: term frequency * 256 + the document's length byte, the cell
`dense_terms` looks scores up by). A read is then one pread and a table lookup (`dense_terms`):
the same floats as the list decoded and scored. A term whose frequency is beyond the score table
(TF_ROWS) is not kept (its list is read as before).

A cache of the index: written after a segment is committed by the bulk builder (`write_segment`)
and for older segments by `letter_backfill`; a missing, partial or stale file (its segment's term
file is not the size it was written beside, or its document count differs) is not used, and a
list the file does not agree with (length, first or last document) is read from the postings.
Its name is the segment's, so Whoosh deletes it with the segment.
"""

from __future__ import annotations

import json
import os
import struct
import weakref

EXT = ".lpo"
_MAGIC = b"PRLPOST1"
_TRAILER = struct.Struct("<Q8s")  # where the header starts, the magic: the file's last 16 bytes
_TERMS_EXT = ".trm"
TOP = 96  # terms kept per field and first byte (a keystroke asks for the letter's 48 most frequent over the index)
REGIONS_KEPT = 8  # a file's region directories kept parsed (a first letter reads one a field; ~0.1 ms to parse again)
TF_ROWS = 64  # frequencies below this only (dense_terms.TF_ROWS: the score table's rows)


def _typed_fields() -> tuple:
    from paperreader.search.schema import DEFAULT_FIELDS

    return DEFAULT_FIELDS


def _lengths(np, reader, field: str):
    """The segment's length byte of each document for `field` (zeros where it has none), as
    `dense_terms.TermArrays._length_column` lays it out."""
    from paperreader.search.whoosh.internals import length_column

    column = np.zeros(reader.doc_count_all(), np.uint8)
    col = length_column(reader, field)
    column[: len(col)] = np.frombuffer(col, np.uint8)
    return column


def _top_terms(terms_reader, field: str) -> dict:
    """{first byte: [term bytes, ...]} of the field's TOP most frequent terms per first byte."""
    import heapq

    from paperreader.search.postings import get_varint

    buf = terms_reader.entries_under(field, b"")  # sorted: key length and record length "!ii", key, record
    by_byte: dict = {}
    at, end = 0, len(buf)
    lengths = struct.Struct("!ii")
    while at < end:
        keylen, reclen = lengths.unpack_from(buf, at)
        key = at + 8
        term = bytes(buf[key + 2:key + keylen])
        rec = buf[key + keylen:key + keylen + reclen]
        df = rec[1] if rec[1] < 0x80 else get_varint(rec, 1)[0]
        if term:
            by_byte.setdefault(term[0], []).append((df, term))
        at = key + keylen + reclen
    return {byte: [t for _df, t in heapq.nlargest(TOP, found)] for byte, found in by_byte.items()}


def prepare(reader) -> bool:
    """Write a one-segment reader's file from its postings (~1-3 s CPU a 100k-paper segment);
    False when it could not be written (a cache: the postings are read instead)."""
    import numpy as np

    from paperreader.search.codec import checked_arrays
    from paperreader.search.whoosh.internals import terms_reader

    try:
        storage, segment = reader.storage(), reader.segment()
        folder = getattr(storage, "folder", None)
        if folder is None:
            return False
        terms = terms_reader(reader)
        postfile = terms.postings_file()
        header = {"trm": storage.file_length(segment.make_filename(_TERMS_EXT)), "docs": reader.doc_count_all(),
                  "fields": {}}
        parts, at = [], 0
        for field in _typed_fields():
            if field not in reader.schema or not reader.schema[field].scorable:
                continue
            tops = _top_terms(terms, field)
            if not tops:
                continue
            lens = _lengths(np, reader, field)
            regions = header["fields"][field] = {}
            for byte, top in sorted(tops.items()):
                listed = []
                for term in top:
                    info = terms.term_info(field, term)
                    ids, tfs = checked_arrays(info, info.blob(postfile), segment.make_filename(EXT))
                    if tfs is not None and int(tfs.max()) >= TF_ROWS:
                        continue  # beyond the score table: read from the postings
                    cells = lens.take(ids).astype("<u2")
                    cells += 256 if tfs is None else np.left_shift(tfs.astype("<u2"), 8)
                    data = ids.astype("<u4").tobytes() + cells.tobytes()
                    listed.append([term.decode("utf-8"), at, len(ids)])
                    parts.append(data)
                    at += len(data)
                directory = json.dumps(listed, separators=(",", ":"), ensure_ascii=False).encode()
                regions[str(byte)] = [at, len(directory)]
                parts.append(directory)
                at += len(directory)
        parts.append(json.dumps(header, separators=(",", ":")).encode())
        parts.append(_TRAILER.pack(at, _MAGIC))
        from paperreader.search.letter_terms import _replace

        _replace(os.path.join(folder, segment.make_filename(EXT)), b"".join(parts))
        return True
    except Exception:  # noqa: BLE001 (a cache: a damaged list, lengths unreadable, a disk full)
        return False


def write_segment(storage, schema, segment) -> bool:
    """The file of a segment written, before it is committed (the bulk builder); False when it
    could not be written."""
    try:
        from whoosh.reading import SegmentReader

        reader = SegmentReader(storage, schema, segment)
    except Exception:  # noqa: BLE001 (a cache: the segment is committed without it)
        return False
    try:
        return prepare(reader)
    finally:
        reader.close()


class LetterPostings:
    """A segment's file, opened (one descriptor, closed with this object): each region's
    directory read when first asked for, each list with one pread."""

    def __init__(self, path: str, fd: int, fields: dict) -> None:
        self.path = path
        self.fd = fd
        self.fields = fields  # field -> {first byte as str: (offset, length)}
        self._directories: dict = {}  # (field, first byte) -> {term bytes: (offset, postings)}
        weakref.finalize(self, os.close, fd)

    @classmethod
    def open(cls, reader) -> LetterPostings | None:
        """The file of a one-segment reader's segment, or None (missing, partial, stale)."""
        fd = -1
        try:
            storage, segment = reader.storage(), reader.segment()
            folder = getattr(storage, "folder", None)
            if folder is None:
                return None
            path = os.path.join(folder, segment.make_filename(EXT))
            fd = os.open(path, os.O_RDONLY)
            size = os.fstat(fd).st_size
            if size < _TRAILER.size:
                raise ValueError("short")
            at, magic = _TRAILER.unpack(os.pread(fd, _TRAILER.size, size - _TRAILER.size))
            if magic != _MAGIC or at > size - _TRAILER.size:
                raise ValueError("not a letter postings file")
            header = json.loads(os.pread(fd, size - _TRAILER.size - at, at))
            if (header["trm"] != storage.file_length(segment.make_filename(_TERMS_EXT))
                    or header["docs"] != reader.doc_count_all()):
                raise ValueError("stale")
            fields = {name: {byte: (int(o), int(n)) for byte, (o, n) in regions.items()}
                      for name, regions in header["fields"].items()}
            if any(o + n > at for regions in fields.values() for o, n in regions.values()):
                raise ValueError("partial")
            out, fd = cls(path, fd, fields), -1
            return out
        except (OSError, ValueError, KeyError, TypeError):
            return None
        finally:
            if fd >= 0:
                os.close(fd)

    def _directory(self, field: str, byte: int) -> dict:
        key = (field, byte)
        found = self._directories.get(key)
        if found is None:
            found = {}
            entry = self.fields.get(field, {}).get(str(byte))
            if entry is not None:
                data = os.pread(self.fd, entry[1], entry[0])
                if len(data) != entry[1]:
                    raise OSError(f"{self.path} is shorter than its header says")
                found = {t.encode("utf-8"): (int(o), int(n)) for t, o, n in json.loads(data)}
            if len(self._directories) >= REGIONS_KEPT:  # the oldest read goes (~20 KB a region in memory)
                del self._directories[next(iter(self._directories))]
            self._directories[key] = found
        return found

    def lists(self, np, field: str, term: bytes):
        """(documents <u4, score cells <u2) of a term, or None when the file does not hold it.
        Raises OSError (a file cut short)."""
        entry = self._directory(field, term[0]).get(term) if term else None
        if entry is None:
            return None
        offset, n = entry
        data = os.pread(self.fd, 6 * n, offset)
        if len(data) != 6 * n:
            raise OSError(f"{self.path} is shorter than its header says")
        return np.frombuffer(data, "<u4", n), np.frombuffer(data, "<u2", n, 4 * n)
