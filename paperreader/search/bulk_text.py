"""A batch's postings for one text field, grouped by numpy (`search/bulk.py`).

An abstract has ~190 words; a Python statement per word, or per (term, paper), was most of an
import. Here an ASCII value is tokenized by `bytes.translate` and `split` (the same words as
Whoosh's default pattern, lowercased), each word becomes a number through one dict (`map`), and
the rest is numpy over the whole batch: each distinct word is analysed once (its term number kept
in an array), positions are counted as Whoosh's StopFilter numbers them, and one stable sort
groups the batch's words by term into postings (documents, frequencies, position keys). What is
left in Python is a statement per paper and per new word. The output is what the analyzer itself
gives (tests compare them): same terms, frequencies, positions and lengths. numpy is imported by
the functions that use it (this module is imported by the index build only).
"""

from __future__ import annotations

import re
from array import array
from collections import Counter

from paperreader.search.postings import POSITION_BITS, POSITION_MASK

WHOOSH_WORDS = r"\w+(\.?\w+)*"  # Whoosh's default tokenizer expression: words, dots inside kept
_WORD_CHARS = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_."
# ASCII lowercased, every byte that is neither a word character nor a dot made a space
_LOWER_WORDS = bytes((c | 0x20 if 65 <= c <= 90 else c) if c in _WORD_CHARS else 32 for c in range(256))
_VOCAB_WORD = re.compile(r"[^\W\d_]{3,}")  # suggest.words_of's words
_SEPARATED = bytes(0xFF if c == 0 else b for c, b in enumerate(_LOWER_WORDS))  # for `_joined_words`
_SEPARATOR = b"\xff"
_UNKNOWN = -2  # a word number's term not worked out yet (-1: a dropped word)


def ascii_word_bytes(value: str) -> list[bytes]:
    """Whoosh's default tokenizer over an ASCII `value`, lowercased, as bytes: runs of word
    characters, with single dots between word characters kept inside a word ("3.5", "e.g")."""
    s = value.encode("ascii").translate(_LOWER_WORDS)
    if b"." in s:  # a dot not between two word characters separates words
        s = (b" " + s + b" ").replace(b"..", b"  ").replace(b" .", b"  ").replace(b". ", b"  ")
    return s.split()


def ascii_words(value: str) -> list[str]:
    """`ascii_word_bytes` as str."""
    return [w.decode("ascii") for w in ascii_word_bytes(value)]


def lowercase_tokens(fast) -> bool:
    """Whether `ascii_words` gives this analyzer's words (lowercased before the first filter)."""
    steps = fast.filters
    return (fast.pattern.pattern == WHOOSH_WORDS and fast.pattern.flags == re.UNICODE
            and bool(steps) and steps[0] == ("lower",))  # fmt: skip


def _grown(a, size: int, fill: int):
    """`a` (an int64 array) at least `size` long, new cells `fill` (capacity doubles)."""
    import numpy as np

    if len(a) >= size:
        return a
    out = np.full(max(size, 2 * len(a), 1024), fill, np.int64)
    out[: len(a)] = a
    return out


class RawWords(dict):
    """Per process: a word as the tokenizer gives it (bytes for ASCII text, else str) -> its
    number, shared by every text field, and for the "did you mean" vocabulary the words in it."""

    def __init__(self) -> None:
        super().__init__()
        self.words: list = []  # number -> the word
        self.vocab_index: dict = {}  # vocabulary word -> its number
        self.vocab_words: list[str] = []
        self.vstart = self.vcount = None  # number -> where its vocabulary numbers start in vflat, how many
        self.vflat = array("q")
        self.vdone = 0  # numbers whose vocabulary words are worked out

    def __missing__(self, raw) -> int:
        n = self[raw] = len(self.words)
        self.words.append(raw)
        return n

    def vocabulary_numbers(self):
        """(vstart, vcount, vflat) covering every word number so far."""
        import numpy as np

        size = len(self.words)
        if self.vdone < size:
            self.vstart = _grown(self.vstart if self.vstart is not None else np.zeros(0, np.int64), size, 0)
            self.vcount = _grown(self.vcount if self.vcount is not None else np.zeros(0, np.int64), size, 0)
            index, flat = self.vocab_index, self.vflat
            for n in range(self.vdone, size):
                raw = self.words[n]
                found = _VOCAB_WORD.findall(raw.decode("latin-1") if isinstance(raw, bytes) else raw)  # \xff: none
                self.vstart[n] = len(flat)
                self.vcount[n] = len(found)
                for w in found:
                    w = w.lower()
                    v = index.get(w)
                    if v is None:
                        v = index[w] = len(self.vocab_words)
                        self.vocab_words.append(w)
                    flat.append(v)
            self.vdone = size
        return self.vstart, self.vcount, np.array(self.vflat, np.int64)  # a copy: vflat grows later


class FieldWords:
    """Per process and text field: each word number's term number (-1: dropped), worked out once."""

    def __init__(self, word, findall, lowered: bool) -> None:
        import numpy as np

        self.word = word  # raw str -> its term ("" for a dropped word)
        self.findall = findall
        self.lowered = lowered
        self.code = np.zeros(0, np.int64)
        self.terms: list[str] = []
        self.index: dict[str, int] = {}

    def tokens(self, value: str) -> list:
        return ascii_word_bytes(value) if self.lowered and value.isascii() else self.findall(value)

    def codes(self, numbers, raws: RawWords):
        """The term numbers of these word numbers (new words analysed here)."""
        self.code = _grown(self.code, len(raws.words), _UNKNOWN)
        codes = self.code[numbers]
        new = codes == _UNKNOWN
        if new.any():
            index, terms = self.index, self.terms
            for n in dict.fromkeys(numbers[new].tolist()):
                raw = raws.words[n]
                term = self.word(raw.decode("ascii") if isinstance(raw, bytes) else raw)
                if not term:
                    self.code[n] = -1
                    continue
                t = index.get(term)
                if t is None:
                    t = index[term] = len(terms)
                    terms.append(term)
                self.code[n] = t
            codes = self.code[numbers]
        return codes


class Grouped:
    """One field's postings over a batch, grouped by term (terms in byte order): term t has the
    postings [pstart[t], pstart[t + 1]) of `ids`/`tfs` and the position keys [kstart[t],
    kstart[t + 1]) of `keys` (numpy arrays); `lens` each document's kept words (array "I")."""

    __slots__ = ("terms", "ids", "tfs", "keys", "pstart", "kstart", "lens")


def _joined_words(values: list, raws: RawWords):
    """`ascii_word_bytes` of ASCII `values` at once (one translate and one split for the batch,
    each value's words told apart by a separator word no text makes): (word numbers, words per
    value), or None when a value holds the separator's NUL."""
    import numpy as np

    text = " \x00 ".join(values).encode("ascii")
    if text.count(b"\x00") != len(values) - 1:
        return None
    s = text.translate(_SEPARATED)  # the NUL becomes \xff, a word of its own between spaces
    if b"." in s:
        s = (b" " + s + b" ").replace(b"..", b"  ").replace(b" .", b"  ").replace(b". ", b"  ")
    numbers = np.array(list(map(raws.__getitem__, s.split())), np.int64)
    separator = numbers == raws[_SEPARATOR]
    counts = np.diff(np.concatenate(([-1], np.flatnonzero(separator), [len(numbers)]))) - 1
    return numbers[~separator], counts


def tokenize(values: list, field: FieldWords, raws: RawWords):
    """(word numbers of every word of the batch, in order; words per document), numpy int64."""
    import numpy as np

    counts = np.zeros(len(values), np.int64)
    plain = np.array([bool(v) and v.isascii() for v in values] if field.lowered else [False] * len(values), bool)
    joined = _joined_words([v for v, p in zip(values, plain) if p], raws) if plain.any() else None
    if joined is None:
        plain[:] = False
    numbers: list = []  # the other values' words, value by value
    get = raws.__getitem__
    for i, value in enumerate(values):
        if value and not plain[i]:
            toks = field.tokens(value)
            numbers += map(get, toks)
            counts[i] = len(toks)
    others = np.array(numbers, np.int64)
    if joined is None:
        return others, counts
    counts[plain] = joined[1]
    if not len(others):  # every value's words are the joined ones, in order
        return joined[0], counts
    # the two streams back in document order: each document's words from where its stream has them
    start = np.zeros(len(values), np.int64)
    start[plain] = np.cumsum(counts[plain]) - counts[plain]
    start[~plain] = len(joined[0]) + np.cumsum(counts[~plain]) - counts[~plain]
    ends = np.cumsum(counts)
    at = np.repeat(start - (ends - counts), counts) + np.arange(int(ends[-1]), dtype=np.int64)
    return np.concatenate((joined[0], others))[at], counts


def group(numbers, counts, base: int, field: FieldWords, raws: RawWords) -> Grouped:
    """The postings of a tokenized batch (`tokenize`), documents numbered from `base`."""
    import numpy as np

    ndocs = len(counts)
    codes = field.codes(numbers, raws)
    doc = np.repeat(np.arange(ndocs, dtype=np.int64), counts)
    kept = codes >= 0
    kdoc = doc[kept]
    kcodes = codes[kept]
    lens = np.bincount(kdoc, minlength=ndocs).astype(np.uint32)
    # positions as Whoosh's StopFilter numbers them: consecutive from the first kept word's index
    starts = np.zeros(ndocs, np.int64)
    np.cumsum(counts[:-1], out=starts[1:])
    kstarts = np.zeros(ndocs, np.int64)
    np.cumsum(lens[:-1].astype(np.int64), out=kstarts[1:])
    rank = np.arange(len(kdoc), dtype=np.int64) - kstarts[kdoc]  # among the document's kept words
    head = rank == 0  # each document's first kept word
    firsts = np.zeros(ndocs, np.int64)
    firsts[kdoc[head]] = np.flatnonzero(kept)[head] - starts[kdoc[head]]
    pos = np.minimum(rank + firsts[kdoc], POSITION_MASK)  # past a million words, kept at the limit
    keys = ((kdoc + base).astype(np.uint64) << np.uint64(POSITION_BITS)) | pos.astype(np.uint64)
    # terms in byte order, as the term dictionary wants them
    present = np.flatnonzero(np.bincount(kcodes, minlength=len(field.terms)))
    names = [field.terms[t] for t in present.tolist()]
    order = sorted(range(len(names)), key=[n.encode("utf-8") for n in names].__getitem__)
    rank_of = np.zeros(len(field.terms), np.int64)
    rank_of[present[order]] = np.arange(len(order), dtype=np.int64)
    by_term = rank_of[kcodes]
    if len(order) <= 1 << 16:  # numpy sorts 16-bit keys by radix (a stable sort 3x faster)
        by_term = by_term.astype(np.uint16)
    sort = np.argsort(by_term, kind="stable")  # stable: each term's keys stay ascending
    keys = keys[sort]
    by_term = by_term[sort]
    docs = (keys >> np.uint64(POSITION_BITS)).astype(np.int64)
    n = len(keys)
    term_change = np.empty(n, bool)
    term_change[:1] = True
    np.not_equal(by_term[1:], by_term[:-1], out=term_change[1:])
    posting = term_change.copy()
    posting[1:] |= docs[1:] != docs[:-1]
    pstarts = np.flatnonzero(posting)
    g = Grouped()
    g.terms = [names[i] for i in order]
    g.keys = keys
    g.ids = docs[pstarts]
    g.tfs = np.diff(np.append(pstarts, n))
    g.kstart = np.append(np.flatnonzero(term_change), n)
    g.pstart = np.append(np.flatnonzero(term_change[pstarts]), len(pstarts))
    g.lens = array("I", lens.tobytes())
    return g


def text_postings(values: list, base: int, getword, findall, lowered: bool, raws: list | None = None):
    """({term: (ids, tfs, position keys)}, lengths) of one field over a batch (`values[i]` is
    document `base + i`), through `tokenize` and `group` (tests hold them to the analyzer).
    `getword` maps a word to its term ("" for a stop word), `findall` is the tokenizer; `lowered`:
    ASCII values may be tokenized by `ascii_words`. `raws`, if given, gets each document's words."""
    field, words = FieldWords(getword, findall, lowered), RawWords()
    numbers, counts = tokenize(values, field, words)
    g = group(numbers, counts, base, field, words)
    if raws is not None:
        raws.extend(field.tokens(v) if v else () for v in values)
    ids, tfs, keys = g.ids.tolist(), g.tfs.tolist(), g.keys.tolist()
    post = {}
    for t, term in enumerate(g.terms):
        a, b = g.pstart[t], g.pstart[t + 1]
        post[term] = (ids[a:b], tfs[a:b], keys[g.kstart[t] : g.kstart[t + 1]])
    return post, g.lens


def vocabulary_of(parts: list, ndocs: int, raws: RawWords) -> Counter:
    """How many of the batch's papers use each "did you mean" word (in title or abstract): what
    `suggest.words_of` over "title abstract" counts. `parts`: (word numbers, words per document)
    of each field, from `tokenize`."""
    import numpy as np

    vstart, vcount, vflat = raws.vocabulary_numbers()
    pairs = []
    for numbers, counts in parts:
        doc = np.repeat(np.arange(ndocs, dtype=np.int64), counts)
        many = vcount[numbers]
        total = int(many.sum())
        if not total:
            continue
        ends = np.cumsum(many)
        at = np.repeat(vstart[numbers] - (ends - many), many) + np.arange(total, dtype=np.int64)
        pairs.append(np.repeat(doc, many) * len(raws.vocab_words) + vflat[at])
    if not pairs:
        return Counter()
    pairs = np.sort(np.concatenate(pairs))  # (np.unique hashes: several times slower)
    used = pairs[np.append(True, pairs[1:] != pairs[:-1])] % len(raws.vocab_words)  # each paper's words once
    counts = np.bincount(used, minlength=len(raws.vocab_words))
    present = np.flatnonzero(counts)
    words = raws.vocab_words
    return Counter(dict(zip([words[v] for v in present.tolist()], counts[present].tolist())))
