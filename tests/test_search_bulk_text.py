"""The bulk builder's C-level word path (search/bulk_text.py) gives what Whoosh's analyzers give."""

from __future__ import annotations

import re
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from paperreader.search.bulk import analyse
from paperreader.search.bulk_text import WHOOSH_WORDS, ascii_words, text_postings
from paperreader.search.schema import build_schema
from paperreader.search.suggest import words_of

_WHOOSH = re.compile(WHOOSH_WORDS)

# text made of the characters that matter to the tokenizer: letters, digits, _, dots, spaces, punctuation
pieces = st.sampled_from(list("aZx09_..  .-,;'()\t\n\x0b\x1c") + ["e.g.", "3.14", "...", " .5", "U.S.A."])
ascii_text = st.lists(pieces, max_size=40).map("".join)


def whoosh_words(text: str) -> list[str]:
    return [m.group().lower() for m in _WHOOSH.finditer(text)]


@settings(max_examples=400, deadline=None)
@given(ascii_text)
def test_ascii_words_are_whooshs_words_lowercased(text):
    assert ascii_words(text) == whoosh_words(text)


def test_ascii_words_on_dotted_edge_cases():
    for text in ["e.g. x", "a..b", "a...b", ".5 and 3.5.", "end. Next", "x. .y", ". . .", "U.S.A.", "a._b", "_._"]:
        assert ascii_words(text) == whoosh_words(text), text


def _analyzer_postings(field: str, values: list[str], base: int) -> dict:
    """{term: (ids, tfs, position keys)} through the field's Whoosh analyzer, word by word."""
    analyzer = build_schema()[field].analyzer
    post: dict = {}
    for i, value in enumerate(values):
        per: dict = {}
        for token in analyzer(value or "", positions=True, mode="index"):
            per.setdefault(token.text, []).append(token.pos)
        for term, poses in per.items():
            ids, tfs, keys = post.setdefault(term, ([], [], []))
            ids.append(base + i)
            tfs.append(len(poses))
            keys.extend(((base + i) << 20) | p for p in poses)
    return post


def test_text_postings_equal_the_analyzers_postings():
    from paperreader.search.bulk import _state

    values = ["The Attention is all you need: attention, ATTENTION.", "", "the of and", "Café au lait; e.g. 3.14 and x2",
              "Schrödinger's naïve cat. The cat.", None, "of the model model model", "ümlaut Über e.g. ÜBER"]  # fmt: skip
    findall, words, lowered = _state().fast["abstract"]
    raws: list = []
    post, lens = text_postings(values, 7, words.__getitem__, findall, lowered, raws)
    expected = _analyzer_postings("abstract", values, 7)
    assert {t: tuple(map(list, v)) for t, v in post.items()} == expected
    assert list(lens) == [sum(expected_tf for _t, (ids, tfs, _k) in expected.items()
                              for doc, expected_tf in zip(ids, tfs) if doc == 7 + i) for i in range(len(values))]  # fmt: skip
    assert len(raws) == len(values)


def test_the_vocabulary_is_words_of_title_and_abstract_with_accents_and_digits():
    docs = [
        {"id": "a", "title": "GPT4 and gpt models", "abstract": "Über naïve models; e.g. the U.S.A. x_yz abc1def"},
        {"id": "b", "title": "", "abstract": "İstanbul STRASSE straße ﬁne"},
        {"id": "c", "title": "Only a title", "abstract": None},
        {"id": "d", "title": None, "abstract": ""},
    ]
    expected: Counter = Counter()
    for d in docs:
        expected.update(set(words_of(f"{d.get('title') or ''} {d.get('abstract') or ''}")))
    assert analyse(docs, 0)["vocabulary"] == expected


def test_a_grouped_fields_chunks_are_encode_chunks_bytes():
    """bulk_chunks writes, term by term, the bytes postings.encode_chunk writes: single postings,
    frequencies past 255 and 65,535, id gaps and key steps of every width, blocked long lists."""
    import random

    import numpy as np

    from paperreader.search.bulk_chunks import chunks_of, table_arrays
    from paperreader.search.bulk_text import Grouped
    from paperreader.search.postings import BLOCKED_FROM, encode_chunk

    rng = random.Random(12)
    base, span = 1000, 200_000
    lengths = bytes(rng.randrange(256) for _ in range(span))
    ids, tfs, keys, pstart, kstart = [], [], [], [0], [0]
    for n in [1, 1, 2, 3, 600, 1, 40, 700, 2, 513, 9, 1] + [rng.choice((1, 1, 2, 5, 30)) for _ in range(60)]:
        gap = rng.choice((1, 3, 300, 70_000))
        docs = sorted(rng.sample(range(base, base + min(span, max(n * gap, n))), n))
        for d in docs:
            tf = rng.choice((1, 1, 1, 2, 7, 300)) if n > 1 or rng.random() < 0.5 else 1
            if rng.random() < 0.01:
                tf = 70_000
            poses = sorted(rng.sample(range(0, 1 << 20), tf)) if tf < 1000 else list(range(tf))
            ids.append(d)
            tfs.append(tf)
            keys.extend((d << 20) | p for p in poses)
        pstart.append(len(ids))
        kstart.append(len(keys))
    g = Grouped()
    g.terms = [f"t{i}" for i in range(len(pstart) - 1)]
    g.ids, g.tfs = np.array(ids, np.int64), np.array(tfs, np.int64)
    g.keys = np.array(keys, np.uint64)
    g.pstart, g.kstart = np.array(pstart, np.int64), np.array(kstart, np.int64)
    chunks, *figures = chunks_of(g, lengths, base)
    table = table_arrays(chunks, *figures)
    for t in range(len(g.terms)):
        a, b = pstart[t], pstart[t + 1]
        lens = bytes(lengths[i - base] for i in ids[a:b]) if b - a >= BLOCKED_FROM else None
        assert chunks[t] == encode_chunk(ids[a:b], tfs[a:b], keys[kstart[t] : kstart[t + 1]], lens), t
        assert (table["df"][t], table["weight"][t], table["maxweight"][t]) == (b - a, sum(tfs[a:b]), max(tfs[a:b]))
        assert (table["first"][t], table["last"][t]) == (ids[a], ids[b - 1])
    assert table["blob"] == b"".join(chunks)


def test_positions_past_a_million_words_are_kept_at_the_limit():
    from paperreader.search.bulk import _state

    values = ["the " + "word " * ((1 << 20) + 5) + "end", "word"]
    findall, words, lowered = _state().fast["abstract"]
    post, lens = text_postings(values, 3, words.__getitem__, findall, lowered)
    keys = post["word"][2]
    assert keys[0] == (3 << 20) | 1 and keys[(1 << 20) - 2] == (3 << 20) | ((1 << 20) - 1)
    assert post["end"][2] == [(3 << 20) | ((1 << 20) - 1)] and keys[-1] == 4 << 20
    assert list(lens) == [(1 << 20) + 6, 1]


def test_a_nul_in_a_value_gives_the_analyzers_postings():
    """ASCII values are tokenized joined by a NUL-marked separator; a value holding a NUL itself
    takes the value-by-value path, with the same words."""
    from paperreader.search.bulk import _state

    values = ["first paper. e.g. x", "a\x00b nul inside", "Café crème", "", "last one.", "..."]
    findall, words, lowered = _state().fast["abstract"]
    for vals in (values, values[:1] + values[2:]):
        post, lens = text_postings(vals, 11, words.__getitem__, findall, lowered)
        assert {t: tuple(map(list, v)) for t, v in post.items()} == _analyzer_postings("abstract", vals, 11)
