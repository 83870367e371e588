"""Posting formats of our own. Imports Whoosh, so it is only imported from inside functions; the
index pickles the schema (with its formats), so these classes live at module level."""

from __future__ import annotations

import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", SyntaxWarning)
    from whoosh.formats import Positions

from paperreader.search.fast_analysis import fast_analysis


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
