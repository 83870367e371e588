"""Each segment's terms of the typed fields by first letter, prepared when the segment is written.

The first keystroke on a letter (`t`, `deep l`) asks for the letter's most frequent terms in the five
fields a bare word searches. Read from the term dictionary, that was ~120-160 ms CPU at a million
papers: every record of the letter parsed in Python, in every segment, then merged. A segment never
changes once written (deletions leave the term dictionary's counts as they are), so the field writer
also writes, beside the segment, `<segment>.ltr`: per field and first byte, one region holding each
term's key (two checksums of its bytes, 64 bits), its document frequency, the terms themselves and
their term records. A letter is then one read a segment and numpy views (`search/lexicon.py` merges
the segments, and hands the top terms' records to each segment's term reader: no lookups follow).
Files of segments written before (or deleted) are written again in the background (`letter_backfill`).

A cache of the index (itself a cache): a missing, partial or stale file (its segment's term file is
not the size it was written beside) is not used, and the term dictionary is read as before. Its name
is the segment's, so Whoosh deletes it with the segment (a merge writes the new segment's).
"""

from __future__ import annotations

import json
import os
import struct
import zlib
from bisect import bisect_left

EXT = ".ltr"
_MAGIC = b"PRLETTR2"  # 2: each term's record too (handed to the segment's term reader)
_TRAILER = struct.Struct("<Q8s")  # where the header starts, the magic: the file's last 16 bytes
_TERMS_EXT = ".trm"  # the segment's term dictionary (Whoosh's W3 codec)
_ENTRY_LENGTHS = struct.Struct("!ii")  # a term dictionary entry's key and record lengths (internals.entries_under)


def _typed_fields() -> tuple:
    from paperreader.search.schema import DEFAULT_FIELDS

    return DEFAULT_FIELDS


def term_keys(np, terms: list):
    """Each term's 64-bit key: crc32 and adler32 of its bytes (a merge checks the terms it keeps)."""
    n = len(terms)
    high = np.fromiter(map(zlib.crc32, terms), np.uint64, n)
    low = np.fromiter(map(zlib.adler32, terms), np.uint64, n)
    return (high << np.uint64(32)) | low


def regions(terms: list, dfs, recs: list | None = None) -> list | None:
    """(first byte, terms, region bytes) of sorted terms (bytes), their document frequencies and
    term records. A region of m terms: their keys sorted <u8[m], the term of each key <u4[m], the
    frequencies <u4[m], the terms' starts <u4[m + 1] and the records' starts <u4[m + 1] in term
    order, then the terms, each followed by a line break, then the records (none given: empty ones).
    None when the terms cannot be laid out so (not sorted, an empty one, two with one key)."""
    import numpy as np

    n = len(terms)
    if not n:
        return []
    lengths = np.fromiter(map(len, terms), np.int64, n)
    if not lengths.min() or not all(map(bytes.__lt__, terms, terms[1:])):
        return None
    blob = b"\n".join(terms) + b"\n"  # no term holds a line break: every analyzer splits on spaces
    records = b"".join(recs or ())
    rstarts = np.zeros(n + 1, np.int64)
    if recs:
        np.cumsum(np.fromiter(map(len, recs), np.int64, n), out=rstarts[1:])
    starts = np.zeros(n + 1, np.int64)
    np.cumsum(lengths + 1, out=starts[1:])
    firsts = np.frombuffer(blob, np.uint8)[starts[:-1]]
    keys = term_keys(np, terms)
    dfa = np.asarray(dfs, dtype="<u4")
    cuts = np.searchsorted(firsts, np.arange(257))
    out = []
    for byte in np.flatnonzero(np.diff(cuts)).tolist():
        a, b = int(cuts[byte]), int(cuts[byte + 1])
        order = np.argsort(keys[a:b], kind="stable")
        if ((sorted_keys := keys[a:b][order])[1:] == sorted_keys[:-1]).any():
            return None  # two terms of the segment share a key: a lookup would find one
        rel = (starts[a:b + 1] - starts[a]).astype("<u4")
        rrel = (rstarts[a:b + 1] - rstarts[a]).astype("<u4")
        out.append((byte, b - a, b"".join((sorted_keys.astype("<u8").tobytes(), order.astype("<u4").tobytes(),
                                            dfa[a:b].tobytes(), rel.tobytes(), rrel.tobytes(),
                                            blob[starts[a]:starts[b]], records[rstarts[a]:rstarts[b]]))))
    return out


def write(storage, segment, fields: dict) -> None:
    """Write `segment`'s file: `fields` maps a typed field to its (sorted terms, frequencies, records); a
    typed field missing from it has no term in the segment. Skipped (the old path) on any error."""
    try:
        header = {"trm": storage.file_length(segment.make_filename(_TERMS_EXT)), "fields": {}}
        parts, at = [], 0
        for name in _typed_fields():
            terms, dfs, recs = fields.get(name, ((), (), ()))
            laid = regions(list(terms), dfs, list(recs))
            if laid is None:
                continue  # this field is read from the term dictionary
            header["fields"][name] = entries = []
            for byte, m, data in laid:
                entries.append([byte, at, m, len(data)])
                parts.append(data)
                at += len(data)
        parts.append(json.dumps(header, separators=(",", ":")).encode())
        parts.append(_TRAILER.pack(at, _MAGIC))
        name = segment.make_filename(EXT)
        folder = getattr(storage, "folder", None)
        if folder is None:  # (an index in memory: no other process reads it)
            out = storage.create_file(name)
            try:
                out.write(b"".join(parts))
            finally:
                out.close()
            return
        _replace(os.path.join(folder, name), b"".join(parts))
    except (OSError, ValueError):
        pass  # a cache: searches read the term dictionary instead


TEMP_MARK = ".tmp_"  # `<segment>.ltr.tmp_<pid>_<random>`: being written (never opened by a reader)


def _replace(path: str, data: bytes) -> None:
    """Write `path` whole or not at all: another process (or a kill at any instant) sees the old
    file, none, or the new one, never a part. A temp file left by a kill is never read (its name
    is not a segment's file; `letter_backfill` removes it, Whoosh does with its segment)."""
    temp = f"{path}{TEMP_MARK}{os.getpid()}_{os.urandom(4).hex()}"
    try:
        with open(temp, "wb") as f:
            f.write(data)
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


class LetterTermsWriter:
    """Mixed into the codec's field writer: notes each typed field's terms and frequencies as they
    are written (both the bulk builder and Whoosh's writers go through `add_record`), and writes the
    segment's file when the writer closes (~a tenth of a second for 100k papers)."""

    def __init__(self, codec, storage, segment) -> None:
        super().__init__(codec, storage, segment)
        self._letters_at = (storage, segment)
        self._letters: dict = {}
        self._letters_field = None

    def start_field(self, fieldname, fieldobj) -> None:
        super().start_field(fieldname, fieldobj)
        self._letters_field = (self._letters.setdefault(fieldname, ([], [])) if fieldname in _typed_fields()
                               else None)

    def add_record(self, btext: bytes, rec: bytes) -> None:
        super().add_record(btext, rec)
        noted = self._letters_field
        if noted is not None:
            noted[0].append(btext)
            noted[1].append(rec)  # its document frequency: a varint after the flags byte (codec._pack)

    def close(self) -> None:
        noted, self._letters = self._letters, None
        super().close()
        if noted is None:  # (closed before)
            return
        from paperreader.search.postings import get_varint

        fields = {name: (terms, [r[1] if r[1] < 0x80 else get_varint(r, 1)[0] for r in recs], recs)
                  for name, (terms, recs) in noted.items()}
        write(*self._letters_at, fields)


def prepare(reader) -> None:
    """Write a one-segment reader's file from its term dictionary (a segment written before these
    files existed; tests and benchmarks)."""
    from paperreader.search.whoosh.internals import terms_reader

    from paperreader.search.postings import get_varint

    terms = terms_reader(reader)
    fields = {}
    for name in _typed_fields():
        buf = terms.entries_under(name, b"")  # sorted: key length and record length "!ii", key, record
        found, recs = [], []
        at, end = 0, len(buf)
        while at < end:
            keylen, reclen = _ENTRY_LENGTHS.unpack_from(buf, at)
            key = at + 8
            found.append(buf[key + 2:key + keylen])  # (a key: the field's 2-byte number, then the term)
            recs.append(buf[key + keylen:key + keylen + reclen])
            at = key + keylen + reclen
        if found:
            fields[name] = (found, [r[1] if r[1] < 0x80 else get_varint(r, 1)[0] for r in recs], recs)
    write(reader.storage(), reader.segment(), fields)


class Region:
    """One first byte's terms of a field in one segment: numpy views of the region read."""

    __slots__ = ("keys", "order", "dfs", "starts", "rstarts", "blob", "records", "nbytes")

    def __init__(self, np, data: bytes, m: int) -> None:
        self.keys = np.frombuffer(data, "<u8", m, 0)  # sorted
        self.order = np.frombuffer(data, "<u4", m, 8 * m)  # the term (its index) of each key
        self.dfs = np.frombuffer(data, "<u4", m, 12 * m)  # in term order, as the starts
        self.starts = np.frombuffer(data, "<u4", m + 1, 16 * m)
        self.rstarts = np.frombuffer(data, "<u4", m + 1, 20 * m + 4)
        at = 24 * m + 8
        self.blob = memoryview(data)[at:at + int(self.starts[m])]
        self.records = memoryview(data)[at + int(self.starts[m]):]
        self.nbytes = len(data)

    def records_of(self, np, keys, terms: list) -> dict:
        """{term: its record, or None if this segment's field has no such term} of `terms` (bytes,
        all under this region's first byte) and their `term_keys`."""
        m = len(self.keys)
        at = np.minimum(np.searchsorted(self.keys, keys), m - 1)
        hit = (self.keys[at] == keys).tolist()
        out = dict.fromkeys(terms)
        for j, found in enumerate(hit):
            if found:
                i = int(self.order[at[j]])
                rec = bytes(self.records[int(self.rstarts[i]):int(self.rstarts[i + 1])])
                if self.term(i) == terms[j] and rec:
                    out[terms[j]] = rec
                else:
                    del out[terms[j]]  # another term with its key (or no record kept): not told
        return out

    def term(self, i: int) -> bytes:
        return bytes(self.blob[int(self.starts[i]):int(self.starts[i + 1]) - 1])

    def terms(self, a: int, b: int) -> list[str]:
        if a >= b:
            return []
        return bytes(self.blob[int(self.starts[a]):int(self.starts[b]) - 1]).decode("utf-8").split("\n")

    def span(self, prefix: bytes) -> tuple[int, int]:
        """The terms starting with `prefix` (whose first byte is this region's): [a, b)."""
        m = len(self.starts) - 1
        if len(prefix) <= 1:
            return 0, m
        a = bisect_left(range(m), prefix, key=self.term)
        return a, bisect_left(range(m), prefix + b"\xff", a, key=self.term)  # (no UTF-8 byte is 0xff)


class Prepared:
    """A segment's file, opened: which regions it holds, each read when asked for."""

    def __init__(self, path: str, fields: dict) -> None:
        self.path = path
        self.fields = fields  # field -> {first byte: (offset, terms, bytes)}

    @classmethod
    def open(cls, reader) -> Prepared | None:
        """The file of a one-segment reader's segment, or None (missing, partial, stale)."""
        try:
            storage, segment = reader.storage(), reader.segment()
            folder = getattr(storage, "folder", None)
            if folder is None:
                return None
            path = os.path.join(folder, segment.make_filename(EXT))
            with open(path, "rb") as f:
                size = f.seek(0, os.SEEK_END)
                if size < _TRAILER.size:
                    return None
                f.seek(size - _TRAILER.size)
                at, magic = _TRAILER.unpack(f.read(_TRAILER.size))
                if magic != _MAGIC or at > size - _TRAILER.size:
                    return None
                f.seek(at)
                header = json.loads(f.read(size - _TRAILER.size - at))
            if header["trm"] != storage.file_length(segment.make_filename(_TERMS_EXT)):
                return None
            fields = {name: {byte: (offset, m, length) for byte, offset, m, length in entries}
                      for name, entries in header["fields"].items()}
            if any(o + n > at for entries in fields.values() for o, _m, n in entries.values()):
                return None
            return cls(path, fields)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def region(self, np, field: str, byte: int) -> Region | None:
        """The field's terms under a first byte (None: the segment has none). Raises OSError."""
        entry = self.fields[field].get(byte)
        if entry is None:
            return None
        offset, m, length = entry
        fd = os.open(self.path, os.O_RDONLY)
        try:
            data = os.pread(fd, length, offset)
        finally:
            os.close(fd)
        if len(data) != length:
            raise OSError(f"{self.path} is shorter than its header says")
        return Region(np, data, m)
