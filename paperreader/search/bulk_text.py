"""A batch's postings for one text field, the work per word done by C builtins (`search/bulk.py`).

An abstract has ~190 words; a Python statement per word, and three per (term, paper), were most of
an import. Here an ASCII value is tokenized by `str.translate` and `split` (the same words as
Whoosh's default pattern, lowercased), each word becomes its term through a dict (`map`), and the
batch's kept words are grouped by term with one stable sort of term numbers: what is left in
Python is a statement per paper and per distinct term of the batch. The output is what the
analyzer itself gives (tests compare them): same terms, frequencies, positions and lengths.
"""

from __future__ import annotations

import re
from array import array
from collections import Counter
from itertools import accumulate, chain, count

from paperreader.search.postings import POSITION_BITS, POSITION_MASK

WHOOSH_WORDS = r"\w+(\.?\w+)*"  # Whoosh's default tokenizer expression: words, dots inside kept
_WORD_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"
_TO_SPACE = {c: " " for c in range(128) if chr(c) not in _WORD_CHARS and chr(c) != "."}
_DOC = POSITION_BITS.__rrshift__  # a position key's document number: key >> POSITION_BITS
_VOCAB_WORD = re.compile(r"[^\W\d_]{3,}")  # suggest.words_of's words


def ascii_words(value: str) -> list[str]:
    """Whoosh's default tokenizer over an ASCII `value`, lowercased: runs of word characters,
    with single dots between word characters kept inside a word ("3.5", "e.g")."""
    s = value.lower().translate(_TO_SPACE)
    if "." in s:  # a dot not between two word characters separates words
        s = f" {s} ".replace("..", "  ").replace(" .", "  ").replace(". ", "  ")
    return s.split()


def lowercase_tokens(fast) -> bool:
    """Whether `ascii_words` gives this analyzer's words (lowercased before the first filter)."""
    steps = fast.filters
    return (fast.pattern.pattern == WHOOSH_WORDS and fast.pattern.flags == re.UNICODE
            and bool(steps) and steps[0] == ("lower",))  # fmt: skip


class VocabularyWords(dict):
    """A word as the tokenizer gives it -> the "did you mean" words in it (`suggest.words_of`:
    runs of 3+ letters, lowercased), worked out once per distinct word."""

    def __missing__(self, raw: str) -> tuple:
        words = self[raw] = tuple(w.lower() for w in _VOCAB_WORD.findall(raw))
        return words


def text_postings(values: list, base: int, getword, findall, lowered: bool, raws: list | None = None):
    """({term: (ids, tfs, position keys)}, lengths) of one field over a batch (`values[i]` is
    document `base + i`). `getword` maps a word to its term ("" for a stop word), `findall` is
    the tokenizer; `lowered`: ASCII values may be tokenized by `ascii_words`. `raws`, if given,
    gets each document's words (for the vocabulary)."""
    lens = array("I", bytes(4 * len(values)))
    kept_all: list = []  # every kept word of the batch, document by document
    keys = array("Q")  # their position keys
    for i, value in enumerate(values):
        if not value:
            if raws is not None:
                raws.append(())
            continue
        toks = ascii_words(value) if lowered and value.isascii() else findall(value)
        if raws is not None:
            raws.append(toks)
        terms = list(map(getword, toks))
        kept = list(filter(None, terms))  # "" is a dropped word
        n = len(kept)
        if not n:
            continue
        lens[i] = n
        # positions as Whoosh's StopFilter numbers them: from the first kept word's index
        first = 0 if n == len(terms) else terms.index(kept[0])
        at = (base + i) << POSITION_BITS
        if len(terms) <= POSITION_MASK:
            keys.extend(range(at + first, at + first + n))
        else:  # past a million words, positions are kept at the limit
            keys.extend(at + min(p, POSITION_MASK) for p in range(first, first + n))
        kept_all += kept
    number = dict(zip(dict.fromkeys(kept_all), count()))  # term -> its number, in order of first sight
    codes = list(map(number.__getitem__, kept_all))
    del kept_all
    order = sorted(range(len(codes)), key=codes.__getitem__)  # stable: each term's keys stay ascending
    ends = accumulate(map(Counter(codes).__getitem__, range(len(number))))
    del codes
    post: dict = {}
    start = 0
    for term, end in zip(number, ends):
        if end - start == 1:
            key = keys[order[start]]
            post[term] = ([key >> POSITION_BITS], [1], [key])
        else:
            ks = list(map(keys.__getitem__, order[start:end]))
            docs = list(map(_DOC, ks))
            ids = list(dict.fromkeys(docs))
            tfs = [1] * len(ids) if len(ids) == len(docs) else list(Counter(docs).values())
            post[term] = (ids, tfs, ks)
        start = end
    return post, lens


def vocabulary_of(titles: list, abstracts: list) -> Counter:
    """How many of the batch's papers use each "did you mean" word (in title or abstract), from
    the words `text_postings` found: what `suggest.words_of` over "title abstract" counts."""
    words = VocabularyWords()
    out: Counter = Counter()
    get = words.__getitem__
    for t, a in zip(titles, abstracts):
        seen = set(t)
        seen.update(a)
        out.update(set(chain.from_iterable(map(get, seen))))
    return out
