"""Property tests: whatever a user types, a search gives results or a QueryError (one line); whatever
a file holds, the page-dump parser and format detection give papers or a SourceError."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from paperreader.paths import resolve
from paperreader.search.query import QueryError, check, rewrite
from paperreader.sources import SourceError, pagedump
from paperreader.workspace import Workspace

FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=False)

# Pieces of the search language, and what trips parsers: quotes, brackets, colons, operators.
SYNTAX = [
    '"', '"', "(", ")", "(", ")", ":", "::", "~", "~2", "~0", "*", "?", "-", "+", "..", "^", "^2", "\\", "'", "/",
    "[", "]", "{", "}", "<", ">", "=", "!", "&&", "||", "TO", "to", "AND", "OR", "NOT", "ANDNOT", "ANDMAYBE",
    "and", "or", "not", "title:", "abstract:", "author:", "authors:", "note:", "notes:", "tag:", "tags:", "cat:",
    "category:", "summary:", "year:", "id:", "is:", "has:", "is:starred", "is:unstarred", "is:read", "is:unread",
    "is:annotated", "is:bogus", "has:note", "has:code", "has:tags", "has:arxiv", "has:", "year:2020..2024",
    "year:..2021", "year:2019..", "year:[2020 TO]", "year:abc", "year:99999", "foo:bar", "http://x.org/a?b=c",
    "mamba", "transformer", "transf*", "*former", "tr?nsformer", "transfomer~", "attention", "state space",
    "arxiv:2401.00001", "1706.03762", "é", "Ǆ", "ß", "İ", "🦀", "漢字", "שלום", "\u0301", "\x00", "\x1b", "\t", "\n",
    "\u202e", "\ufeff", "0", "-1", "1e9", "NaN", "a~2", "the~", "a", "~1000", "~99", "~2/1",
]
piece = st.one_of(st.sampled_from(SYNTAX), st.text(max_size=6))
sep = st.sampled_from(["", " ", " ", "  ", "\t"])
syntaxy = st.lists(st.tuples(piece, sep), max_size=14).map(lambda parts: "".join(p + s for p, s in parts))


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("fuzz") / "data"
    ws = Workspace.open(resolve(data_dir), backup=False)  # the built-in corpus
    ids = ws.library.list_ids()
    ws.library.set_star(ids[0])
    ws.library.set_note(ids[1], "a note about transformers")
    ws.library.add_tags(ids[2], ["todo"])
    ws.ensure_index()
    yield ws.engine
    ws.close()


# What a Python exception's name looks like in a message ("AttributeError: ...", "(KeyError)")
EXCEPTION_NAME = re.compile(r"\b[A-Z][A-Za-z]*(Error|Exception|Warning)\b|\bError:")


def assert_user_message(message: str) -> None:
    """One line for a person: no Python exception names."""
    assert message and "\n" not in message, repr(message)
    assert not EXCEPTION_NAME.search(message), repr(message)


def search_or_query_error(engine, text: str) -> None:
    try:
        results = engine.search(text, limit=5)
    except QueryError as exc:
        assert_user_message(str(exc))
        return
    assert results.total >= len(results.hits)
    results.json()  # what the CLI prints: serialisable


@settings(FUZZ, max_examples=250)
@given(st.text(max_size=120))
@example("")
@example('"')
@example("((((((((((")
@example("))))")
@example("title:")
@example("NOT")
@example("a OR")
@example("year:..")
@example("*")
@example("~")
@example("-")
@example("x" * 5000)
@example("a~2")  # a word the analyzer drops, made fuzzy: was "cannot read this query (AttributeError: ...)"
@example("a~")
@example("the~2 transformer")
@example("author:a~2")
@example("tag:the~")
@example('"neural network"~1000')
@example("transformer~9")
def test_any_text_searches_or_raises_query_error(engine, text):
    search_or_query_error(engine, text)


@settings(FUZZ, max_examples=600)
@given(syntaxy)
def test_query_syntax_soup_searches_or_raises_query_error(engine, text):
    search_or_query_error(engine, text)


@settings(FUZZ, max_examples=300)
@given(st.one_of(syntaxy, st.text(max_size=80)))
def test_check_and_rewrite_raise_only_query_error(text):
    try:
        check(text)
    except QueryError:
        pass
    assert isinstance(rewrite(text), str)


@settings(FUZZ, max_examples=100)
@given(st.lists(st.sampled_from(["is:starred", "has:note", "tag:todo", "year:2020..2026", "mamba", "-vision"]), max_size=4),
       syntaxy)
def test_filters_combined_with_any_query(engine, filters, text):
    try:
        engine.search(text, limit=3, filter_query=" ".join(filters))
    except QueryError as exc:
        assert_user_message(str(exc))


# -- the page-dump parser ------------------------------------------------------------------------

CHROME = ["Trending Papers", "Get trending papers in your email inbox!", "Subscribe", "Sign in", "Log in", ""]
line = st.one_of(
    st.sampled_from(CHROME),
    st.text(max_size=60),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30).map(lambda t: "Subscribe" + t),
    st.integers(990, 1100).map(lambda n: "T" * n),  # around the title length limit
    st.sampled_from(["\r", "\r\n", "\ufeff", "\x00", "\x1b[31m", "   ", "\t"]),
)
dump = st.lists(line, max_size=20).map("\n".join)


def papers_or_source_error(text: str) -> None:
    try:
        papers = pagedump.parse(text, file="dump.txt")
    except SourceError as exc:
        assert str(exc).startswith("dump.txt")
        return
    for paper in papers:
        # (a title line of control characters only gives an empty title: `paperreader import`
        # then refuses the file with "record N has no title")
        assert "\n" not in paper.title + paper.abstract and "\x1b" not in paper.title + paper.abstract


@settings(FUZZ, max_examples=300)
@given(st.one_of(dump, st.text(max_size=400)))
def test_pagedump_gives_papers_or_source_error(text):
    papers_or_source_error(text)


@settings(FUZZ, max_examples=150)
@given(st.binary(max_size=600) | st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_any_file_imports_as_papers_or_source_error(tmp_path_factory, data):
    """End to end through decoding and format detection: `paperreader import` on any bytes."""
    from paperreader.sources.detect import parse_file

    path = tmp_path_factory.mktemp("f", numbered=True) / "input.txt"
    path.write_bytes(data)
    try:
        parse_file(path)
    except SourceError:
        pass
