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
