"""Posting formats of our own. Imports Whoosh, so it is only imported from inside functions; the
index pickles the schema (with its formats), so these classes live at module level."""

from __future__ import annotations

import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", SyntaxWarning)
    from whoosh.formats import Positions

from paperreader.search.schema import fast_analysis


class CompactPositions(Positions):
    """Positions as deltas in a typed byte array (1-4 bytes each) instead of a pickled list with
    a 4-byte count; documents analysed through the fast path. Same meaning as Whoosh's Positions."""

    def word_values(self, value, analyzer, **kwargs):
        fast = fast_analysis(analyzer) if set(kwargs) <= {"mode", "positions", "boosts", "chars"} else None
        if fast is None:
            yield from super().word_values(value, analyzer, **kwargs)
            return
        poses: dict = {}
        for text, pos in fast.terms(value):
            if text in poses:
                poses[text].append(pos)
            else:
                poses[text] = [pos]
        fb, encode = self.field_boost, self.encode
        for w, poslist in poses.items():
            yield (w, len(poslist), len(poslist) * fb, encode(poslist))

    def encode(self, poslist):
        from array import array

        deltas, base = [], 0
        for pos in poslist:
            deltas.append(pos - base)
            base = pos
        top = max(deltas)
        code = "B" if top < 256 else ("H" if top < 65536 else "I")
        return code.encode() + array(code, deltas).tobytes()

    def decode_positions(self, valuestring):
        from array import array

        from itertools import accumulate

        if valuestring[0] == 66:  # "B": the bytes are the deltas
            return list(accumulate(valuestring[1:]))
        deltas = array(chr(valuestring[0]))
        deltas.frombytes(valuestring[1:])
        return list(accumulate(deltas))

    def decode_frequency(self, valuestring):
        return (len(valuestring) - 1) // {66: 1, 72: 2, 73: 4}[valuestring[0]]

    def decode_weight(self, valuestring):
        return self.decode_frequency(valuestring) * self.field_boost


def _lengths_in_one_read() -> None:
    """Whoosh's writer asks for a document's field length once per posting when it writes a
    segment, and each ask reads one byte from the length column through a file object: 15% of a
    bulk build's CPU. Here the column is read once per reader and field. Same values (the
    segments written are byte-identical); readers are per segment, and segments do not change."""
    from whoosh.codec import whoosh3
    from whoosh.util.numeric import byte_to_length

    if getattr(whoosh3.W3PerDocReader, "_paperreader_lengths", False):
        return
    table = [byte_to_length(i) for i in range(256)]

    def doc_field_length(self, docnum, fieldname, default=0):
        cache = self.__dict__.setdefault("_paperreader_length_bytes", {})
        col = cache.get(fieldname)
        if col is None:
            reader = self._cached_reader(whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)
            col = cache[fieldname] = b"" if reader is None else bytes(bytearray(reader))
        if not col:
            return default
        if docnum > self._doccount:
            raise IndexError("Asked for docnum %r of %d" % (docnum, self._doccount))
        lbyte = col[docnum] if docnum < len(col) else 0
        return table[lbyte] if lbyte else None

    whoosh3.W3PerDocReader.doc_field_length = doc_field_length
    whoosh3.W3PerDocReader._paperreader_lengths = True


_lengths_in_one_read()
