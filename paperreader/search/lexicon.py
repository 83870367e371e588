"""The terms a prefix stands for, for search as you type: one read of the lexicon per first letter.

Typing `t`, `tr`, `tra`, `tran`... asks for the terms under each prefix in turn. Reading them from
the term dictionary costs a record decoded per term, every keystroke (`t` at a million papers is
tens of thousands of terms). Here a one- or two-letter prefix reads its first letter's terms once,
with their document frequencies summed over the segments, into one sorted list (a longer prefix
typed first reads only its own); every longer prefix is then a slice of the longest one read
before, found by bisection (`tra` refines `tr`'s candidates without reading the lexicon).

A list is kept packed: its terms as one UTF-8 byte string (sorted, one a line), their starts and
frequencies as arrays of 32-bit ints: ~19 bytes a term instead of ~76 as Python strings and ints
(at a million papers, the bench's keystrokes keep 437k terms: 33 MB as lists, 8.3 MB packed).
Kept per index generation (a `FastSearch` holds one), the lists used last first, within BYTES_KEPT.
A field's last answer, when short, is kept as it was given (pairs): the next keystroke's is a
slice of it, as with unpacked lists, so packing costs typing nothing after the first two letters.
"""

from __future__ import annotations

from array import array
import heapq
from bisect import bisect_left
from collections import OrderedDict
from itertools import accumulate
from operator import itemgetter
import time

from paperreader.search import letter_merge

LETTERS_KEPT = 200  # (field, first letter) term lists kept (every letter of five fields: typing comes back to them)
BYTES_KEPT = 16_000_000  # ... and at most this many bytes among them (every letter of a 1M library's fields: 12.9 MB)
REGION_BYTES = 4_000_000  # prepared regions kept (a letter of every typed field at 1M: ~3 MB; longer prefixes refine `_recent_top`)
RECHECK_SECONDS = 1.0  # a segment without its prepared file: looked for again after this long
RECENT_TERMS = 5_000  # a field's last answer kept as pairs when this short: the next keystroke slices it

_term_of = itemgetter(1)


class Terms:
    """One sorted term list, packed: `blob` holds term i at blob[starts[i]:starts[i + 1] - 1]."""

    __slots__ = ("blob", "starts", "dfs")

    def __init__(self, dfs_of: dict) -> None:
        terms = sorted(dfs_of)
        text = "\n".join(terms)  # no term holds a line break: every analyzer splits on spaces
        self.blob = text.encode("utf-8")
        ascii_only = len(self.blob) == len(text)
        sizes = map(len, terms) if ascii_only else (len(t.encode("utf-8")) for t in terms)
        self.starts = array("I", [0])  # (32 bits: the byte offsets of one letter's terms fit)
        self.starts.extend(accumulate(size + 1 for size in sizes))
        self.dfs = array("I", map(dfs_of.__getitem__, terms))

    @property
    def nbytes(self) -> int:
        return len(self.blob) + len(self.starts) * self.starts.itemsize + len(self.dfs) * self.dfs.itemsize + 200

    def __len__(self) -> int:
        return len(self.dfs)

    def _term(self, i: int) -> bytes:
        return self.blob[self.starts[i]:self.starts[i + 1] - 1]

    def prefixed(self, prefix: str) -> list[tuple[int, str]]:
        """(document frequency, term) of every term starting with `prefix`, in term order."""
        key = prefix.encode("utf-8")
        n = len(self.dfs)
        a = bisect_left(range(n), key, key=self._term)
        b = bisect_left(range(n), key + b"\xff", a, key=self._term)  # (no UTF-8 byte is 0xff)
        if a >= b:
            return []
        terms = self.blob[self.starts[a]:self.starts[b] - 1].decode("utf-8").split("\n")
        return list(zip(self.dfs[a:b], terms))


class Lexicon:
    def __init__(self, leaves) -> None:
        """`leaves`: the searcher's (segment searcher, offset) pairs."""
        self.leaves = leaves
        self._letters: OrderedDict = OrderedDict()  # (field, letter) -> Terms
        self._kept = 0  # bytes
        self._recent: dict = {}  # field -> (prefix, its pairs): the last answer, when short
        self._prepared = None  # each leaf's letter_terms.Prepared (or None), opened on first use
        self._recheck_at = 0.0  # when a leaf without its file is looked at again
        self._regions: OrderedDict = OrderedDict()  # (leaf, field, first byte) -> Region or None
        self._region_bytes = 0
        self._recent_top: dict = {}  # field -> (prefix, [(term, frequency)] of all its terms): when few

    def top(self, field: str, prefix: str, k: int) -> tuple[list[tuple[int, str]], bool]:
        """The k most frequent (document frequency, term) of `field` starting with `prefix`, best
        first (ties: the later term first, as heapq.nlargest orders the pairs), and whether more
        than k terms start with it. From the segments' prepared files when every segment has one
        for the field (search/letter_terms.py), else from the term dictionary."""
        recent = self._recent_top.get(field)
        if recent is not None and prefix.startswith(recent[0]):  # `recu` after `rec`: a slice of its terms
            pairs = recent[1]
            a = bisect_left(pairs, (prefix,))
            found = pairs[a:bisect_left(pairs, (prefix + "\U0010ffff",), a)]
            self._recent_top[field] = (prefix, found)
            best = heapq.nlargest(k, ((df, t) for t, df in found))
            self._hand_records(field, prefix, best)
            return best, len(found) > k
        parts = self._prepared_parts(field, prefix) if prefix else None
        if parts is None:
            found = self.prefixed(field, prefix)
            return heapq.nlargest(k, found), len(found) > k
        best, more, every = letter_merge.top(parts, k)
        if every is not None and len(every) <= RECENT_TERMS:
            self._recent_top[field] = (prefix, sorted(every.items()))
        self._hand_records(field, prefix, best)
        return best, more

    def _hand_records(self, field: str, prefix: str, best: list) -> None:
        """Give each segment's term reader the records of the terms just found (or that it has
        none of them), from the prepared regions: the postings reads that follow look none up
        (~970 lookups, ~25 ms CPU, a first keystroke at a million papers)."""
        if not best or self._prepared is None:
            return
        from paperreader.search import letter_terms
        from paperreader.search.whoosh.internals import terms_reader

        import numpy as np

        terms = [t.encode("utf-8") for _df, t in best]
        keys = None
        byte = terms[0][0]
        for i, (sub, _offset) in enumerate(self.leaves):
            at = (i, field, byte)
            if at not in self._regions:
                continue
            remember = getattr(terms_reader(sub.reader()), "remember_records", None)
            if remember is None:
                continue
            region = self._regions[at]
            if region is None:
                remember(field, dict.fromkeys(terms))
                continue
            if keys is None:
                keys = letter_terms.term_keys(np, terms)
            remember(field, region.records_of(np, keys, terms))

    def letter_dfs(self, field: str, prefix: str):
        """Per segment, every term of `field` under `prefix` as its prepared file holds it: [(segment
        offset, the segment's documents (deleted ones included), the terms' 64-bit keys
        (`letter_terms.term_keys`), their document frequencies in the segment)], numpy arrays in
        term order; None when a segment has no usable file (then only the term dictionary knows).
        No term text is decoded (for the "about N" of a lone prefix, search/prefix_estimate.py)."""
        parts = self._segment_parts(field, prefix) if prefix else None
        if parts is None:
            return None
        import numpy as np

        out = []
        for i, region, a, b in parts:
            sub, offset = self.leaves[i]
            keys = np.empty(len(region.keys), np.uint64)
            keys[region.order] = region.keys  # (the region's keys are sorted; its dfs in term order)
            out.append((offset, sub.reader().doc_count_all(), keys[a:b], region.dfs[a:b]))
        return out

    def _prepared_parts(self, field: str, prefix: str):
        """[(Region, a, b)] of the segments' terms under `prefix`, or None (not prepared)."""
        parts = self._segment_parts(field, prefix)
        return None if parts is None else [(region, a, b) for _i, region, a, b in parts]

    def _segment_parts(self, field: str, prefix: str):
        """[(segment index, Region, a, b)] of the segments' terms under `prefix`, or None."""
        from paperreader.search import letter_terms

        if self._prepared is None or (None in self._prepared and time.monotonic() >= self._recheck_at):
            # (files a backfill writes meanwhile, search/letter_backfill.py: looked for again at most once a second)
            old = self._prepared or [None] * len(self.leaves)
            self._prepared = [p if p is not None else letter_terms.Prepared.open(sub.reader())
                              for p, (sub, _offset) in zip(old, self.leaves)]
            self._recheck_at = time.monotonic() + RECHECK_SECONDS
        if not all(p is not None and field in p.fields for p in self._prepared):
            return None
        import numpy as np

        key = prefix.encode("utf-8")
        parts = []
        for i, prepared in enumerate(self._prepared):
            at = (i, field, key[0])
            if at in self._regions:
                region = self._regions[at]
                self._regions.move_to_end(at)
            else:
                try:
                    region = prepared.region(np, field, key[0])
                except OSError:
                    return None
                self._regions[at] = region
                self._region_bytes += region.nbytes if region is not None else 0
                while self._region_bytes > REGION_BYTES and len(self._regions) > 1:
                    old = self._regions.popitem(last=False)[1]
                    self._region_bytes -= old.nbytes if old is not None else 0
            if region is not None:
                a, b = region.span(key)
                if a < b:
                    parts.append((i, region, a, b))
        return parts

    def prefixed(self, field: str, prefix: str) -> list[tuple[int, str]]:
        """(document frequency, term) of every term of `field` starting with `prefix`."""
        if not prefix:
            return self._read(field, "").prefixed("")
        recent = self._recent.get(field)
        if recent is not None and prefix.startswith(recent[0]):  # `tra` after `tr`: a slice of its pairs
            pairs = recent[1]
            a = bisect_left(pairs, prefix, key=_term_of)
            found = pairs[a:bisect_left(pairs, prefix + "\U0010ffff", a, key=_term_of)]
        else:
            found = self._packed(field, prefix).prefixed(prefix)
        if len(found) <= RECENT_TERMS:
            self._recent[field] = (prefix, found)
            return found[:]  # (the kept one stays as it is, whatever the caller does with its list)
        return found

    def _packed(self, field: str, prefix: str) -> Terms:
        """The kept list `prefix` is a slice of (read now if none is)."""
        for k in range(len(prefix), 0, -1):  # a shorter prefix read before: refine its terms
            hit = self._letters.get((field, prefix[:k]))
            if hit is not None:
                self._letters.move_to_end((field, prefix[:k]))
                break
        else:  # a first letter or two: the letter's terms (typing goes on); longer: its own
            hit = self._letter(field, prefix[0] if len(prefix) <= 2 else prefix)
        return hit

    @property
    def nbytes(self) -> int:
        """Bytes the kept lists hold."""
        return self._kept

    def _letter(self, field: str, letter: str) -> Terms:
        """The terms under `letter` (a first letter, or a longer prefix), read once and kept."""
        key = (field, letter)
        hit = self._letters.get(key)
        if hit is not None:
            self._letters.move_to_end(key)
            return hit
        hit = self._read(field, letter)
        self._letters[key] = hit
        self._kept += hit.nbytes
        while (len(self._letters) > LETTERS_KEPT or self._kept > BYTES_KEPT) and len(self._letters) > 1:
            self._kept -= self._letters.popitem(last=False)[1].nbytes
        return hit

    def _read(self, field: str, prefix: str) -> Terms:
        """The terms under `prefix` with their document frequencies summed over the segments,
        from each segment's term records read in one pass (codec.PRTermsReader.doc_frequencies:
        at 1M papers abstract's `s` took 974 ms through Whoosh's iter_prefix, 99 ms so)."""
        from paperreader.search.whoosh.internals import terms_reader

        dfs: dict = {}
        pbytes = prefix.encode("utf-8")
        for sub, _offset in self.leaves:
            reader = sub.reader()
            terms = terms_reader(reader)  # a leaf searcher's reader: one segment's
            if hasattr(terms, "doc_frequencies"):
                found = terms.doc_frequencies(field, pbytes).items()
            else:  # not one of our segments' readers: Whoosh's own walk
                found = ((t, info.doc_frequency()) for t, info in reader.iter_prefix(field, prefix))
            for t, df in found:
                t = t.decode("utf-8") if isinstance(t, bytes) else t
                dfs[t] = dfs.get(t, 0) + df
        return Terms(dfs)
