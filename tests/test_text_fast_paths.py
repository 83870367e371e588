"""clean_line, normalise_title and Paper.cleaned have fast paths for text with nothing to do
(imports call them for every field of every paper). They must give exactly what the plain
definitions below give, for any text."""

from __future__ import annotations

import html
import re
import sys
import unicodedata
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from paperreader.model import Link, Paper
from paperreader.links import web_links
from paperreader.text import _CONTROL_OR_SPACE, _CONTROLS, _SPACES, clean_line, normalise_title, strip_controls


def reference_clean_line(text: str | None) -> str:
    if not text:
        return ""
    text = html.unescape(text) if "&" in text else text
    return _SPACES.sub(" ", strip_controls(text)).strip()


def reference_normalise_title(title: str) -> str:
    folded = unicodedata.normalize("NFKD", title)
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = folded.casefold()
    return " ".join(re.findall(r"[^\W_]+", folded)) or " ".join(folded.split())  # a title without words keeps its symbols


def test_every_code_point_in_plain_text_is_cleaned_as_before():
    for cp in range(sys.maxunicode + 1):
        c = chr(cp)
        for text in (f"a{c}b", f" {c}{c} "):
            assert clean_line(text) == reference_clean_line(text), hex(cp)


def test_every_ascii_pair_in_plain_text_is_cleaned_as_before():
    for a in range(128):
        for b in range(128):
            text = f"{chr(a)}A{chr(b)}{chr(b)}c {chr(a)}"
            assert clean_line(text) == reference_clean_line(text), (a, b)


def test_every_ascii_pair_in_a_title_is_normalised_as_before():
    # the fast path is for ASCII titles only; every other title takes the plain definition
    for a in range(128):
        for b in range(128):
            text = f"{chr(a)}Ab{chr(b)}c{chr(a)} D"
            assert normalise_title(text) == reference_normalise_title(text), (a, b)


def test_escape_sequences_and_spacing_take_the_slow_path():
    for text in ("a\x1b[31mb", "a\x9b2Jb", "a  b", " a b ", "a\tb", "a\u00a0b", "a\u2028b", "a &amp;  b", "a&#x1b;[2Jb"):
        assert clean_line(text) == reference_clean_line(text)
    assert _CONTROLS.search("\x1b") and _CONTROLS.search("\x9b")  # what the fast path's check relies on


def test_the_fast_path_check_knows_every_control_and_space():
    for cp in range(sys.maxunicode + 1):
        c = chr(cp)
        if (c.isspace() and c != " ") or _CONTROLS.match(c):
            assert _CONTROL_OR_SPACE.match(c), hex(cp)


_text = st.text(alphabet=st.one_of(st.characters(), st.sampled_from(" \t\n\x1b\x9b[]&;#x0123456789amp\u00a0\u0301")), max_size=60)


@settings(max_examples=3000, deadline=None)
@given(_text)
def test_any_text_is_cleaned_and_normalised_as_before(text):
    assert clean_line(text) == reference_clean_line(text)
    assert normalise_title(text) == reference_normalise_title(text)
    ascii_text = text.encode("ascii", "ignore").decode()
    assert normalise_title(ascii_text) == reference_normalise_title(ascii_text)


def reference_cleaned(paper: Paper) -> Paper:
    return replace(
        paper,
        title=reference_clean_line(paper.title),
        abstract=reference_clean_line(paper.abstract),
        authors=tuple(a for a in (reference_clean_line(x) for x in paper.authors) if a),
        categories=tuple(c for c in (reference_clean_line(x) for x in paper.categories) if c),
        doi=reference_clean_line(paper.doi) or None,
        comment=reference_clean_line(paper.comment) or None,
        journal_ref=reference_clean_line(paper.journal_ref) or None,
        published=reference_clean_line(paper.published) or None,
        # links come from any file: only http(s) ones are kept (links.web_links, issue 10 case 13)
        urls=tuple(web_links(Link(*map(reference_clean_line, (u.kind, u.url, u.label))) for u in paper.urls)),
    )


_field = st.one_of(st.none(), st.just(""), st.sampled_from(["x", " x", "a  b", "a\tb", "2024-01-02"]), _text)
_papers = st.builds(
    Paper,
    title=_field.map(lambda t: t or ""),
    abstract=_field.map(lambda t: t or ""),
    authors=st.lists(_field.map(lambda t: t or ""), max_size=3).map(tuple),
    categories=st.one_of(st.lists(st.sampled_from(["cs.CL", " cs.LG", ""]), max_size=3).map(tuple), st.just(["cs.CL"])),
    doi=_field, comment=_field, journal_ref=_field, published=_field,
    urls=st.lists(st.builds(Link, _field.map(lambda t: t or ""), _field.map(lambda t: t or ""), _field.map(lambda t: t or "")), max_size=2).map(tuple),
)  # fmt: skip


@settings(max_examples=1500, deadline=None)
@given(_papers)
def test_a_paper_is_cleaned_as_before(paper):
    cleaned = paper.cleaned()
    expected = reference_cleaned(paper)
    assert cleaned == expected
    assert all(type(getattr(cleaned, f)) is type(getattr(expected, f)) for f in ("authors", "categories", "urls", "doi"))
    assert cleaned.title_key == expected.title_key
    if cleaned is paper:  # returned as it was only when nothing needed cleaning
        assert paper == expected


def test_a_clean_paper_is_returned_as_it_is():
    paper = Paper(title="Attention", abstract="A b.", authors=("A B",), categories=("cs.CL",), published="2017-06-12")
    assert paper.cleaned() is paper
    assert Paper(title="Attention", authors=["A B"]).cleaned().authors == ("A B",)


@settings(max_examples=1000, deadline=None)
@given(_papers)
def test_a_paper_cleaned_twice_is_as_before(paper):
    """A parser cleans a paper, then the store cleans it again; the second pass is skipped only
    where it would change nothing."""
    twice = paper.cleaned().cleaned()
    expected = reference_cleaned(reference_cleaned(paper))
    assert twice == expected
    assert all(type(getattr(twice, f)) is type(getattr(expected, f)) for f in ("authors", "categories", "urls", "doi"))


def test_an_entity_left_by_one_cleaning_is_decoded_by_the_next():
    once = Paper(title="A &amp;lt; B", abstract="x").cleaned()
    assert once.title == "A &lt; B" and once.cleaned().title == "A < B"
    clean = Paper(title="A  b", abstract="c").cleaned()
    assert clean.title == "A b" and clean.cleaned() is clean
