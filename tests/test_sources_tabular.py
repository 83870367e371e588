"""Generic CSV and JSON: column matching, ids from urls, and errors that say where."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperreader.model import Link
from paperreader.sources import SourceError, tabular

CSV = (
    "Title,Abstract,Authors,URL,Year,DOI,Tags\n"
    '"BERT: Pre-training of Deep Bidirectional Transformers","We introduce a new language\n'
    'representation model called BERT.","Jacob Devlin, Ming-Wei Chang, Kenton Lee and Kristina Toutanova",'
    "https://arxiv.org/abs/1810.04805v2,2018,,nlp\n"
    "\n"
    'Attention Is All You Need,The dominant sequence transduction models,"Vaswani, Ashish; Shazeer, Noam",'
    "https://papers.nips.cc/paper/7181,2017-12,10.5555/3295222.3295349,\n"
)


def test_csv_rows_field_by_field() -> None:
    bert, attention = tabular.parse_csv(CSV, "papers.csv")
    assert bert.title == "BERT: Pre-training of Deep Bidirectional Transformers"
    assert bert.abstract == "We introduce a new language representation model called BERT."
    assert bert.authors == ("Jacob Devlin", "Ming-Wei Chang", "Kenton Lee", "Kristina Toutanova")
    assert bert.arxiv_id == "1810.04805"
    assert bert.published == "2018"
    assert bert.doi is None and bert.urls == ()
    assert bert.source == "csv" and bert.extra["line"] == 2
    assert attention.authors == ("Ashish Vaswani", "Noam Shazeer")
    assert attention.arxiv_id is None
    assert attention.published == "2017-12-01"
    assert attention.doi == "10.5555/3295222.3295349"
    assert attention.urls == (Link("page", "https://papers.nips.cc/paper/7181", "url"),)
    assert attention.extra["line"] == 5


def test_tsv_and_summary_column() -> None:
    (paper,) = tabular.parse_csv("title\tsummary\tarxiv_id\nT\tS\t2401.00001v3\n", "p.tsv")
    assert (paper.title, paper.abstract, paper.arxiv_id) == ("T", "S", "2401.00001")


def test_csv_without_title_column_names_the_columns() -> None:
    with pytest.raises(SourceError) as info:
        tabular.parse_csv("name,abstract,year\nx,y,2020\n", "list.csv")
    assert info.value.file == "list.csv" and info.value.line == 1
    assert "no 'title' column" in info.value.reason and "name, abstract, year" in info.value.reason


def test_csv_broken_quote_names_the_record() -> None:
    with pytest.raises(SourceError) as info:
        tabular.parse_csv('title,abstract\nA,fine\n"B,"never closed\nC,d\n', "q.csv")
    assert info.value.line == 3


def test_csv_row_with_too_many_fields() -> None:
    with pytest.raises(SourceError) as info:
        tabular.parse_csv("title,abstract\nA,b\nC,d,e\n", "r.csv")
    assert info.value.line == 3


def test_csv_empty_title() -> None:
    with pytest.raises(SourceError) as info:
        tabular.parse_csv("title,abstract\n,orphan abstract\n", "e.csv")
    assert info.value.line == 2


def test_csv_big_field_within_the_limit() -> None:
    big = "x" * 300_000  # past the csv module's default field limit
    (paper,) = tabular.parse_csv(f"title,abstract\nT,{big}\n")
    assert len(paper.abstract) == 300_000


JSON_LIST = """[
  {
    "Title": "A", "Summary": "s", "authors": ["X", {"name": "Y"}], "id": "arXiv:2401.00001",
    "date": "2024-01-02T10:00:00Z", "tags": ["ignored"], "code": "https://github.com/o/r"
  },
  {"title": "B", "doi": "https://doi.org/10.48550/arXiv.2402.00002", "categories": ["cs.LG"], "year": 2024},

  {"title": "C", "url": "https://arxiv.org/pdf/hep-th/9901001v1", "categories": "hep-th math-ph", "doi": "doi:10.1/x"}
]
"""


def test_json_list_field_by_field() -> None:
    a, b, c = tabular.parse_json(JSON_LIST, "p.json")
    assert (a.title, a.abstract, a.authors, a.arxiv_id, a.published) == ("A", "s", ("X", "Y"), "2401.00001", "2024-01-02")
    assert a.urls == (Link("code", "https://github.com/o/r", "code"),)
    assert [p.extra["line"] for p in (a, b, c)] == [2, 6, 8]
    assert (b.arxiv_id, b.doi, b.published, b.categories) == ("2402.00002", None, "2024", ("cs.LG",))
    assert (c.arxiv_id, c.categories, c.doi) == ("hep-th/9901001", ("hep-th", "math-ph"), "10.1/x")
    assert a.source == "json"


def test_json_lines_and_wrapped_list() -> None:
    papers = tabular.parse_json('{"title": "one"}\n\n{"title": "two"}\n', "p.jsonl")
    assert [(p.title, p.extra["line"]) for p in papers] == [("one", 1), ("two", 3)]
    (paper,) = tabular.parse_json('{"papers": [{"title": "one"}]}')
    assert paper.title == "one"
    assert tabular.parse_json("[]") == [] and tabular.parse_json("") == []


@pytest.mark.parametrize(
    "text, line, words",
    [
        ('[{"title": "a"},\n{"title": }]', 2, "not valid JSON"),
        ('{"title": "a"}\n{"title": "b"}\n{"title": "c"\n', 3, "not valid JSON"),
        ("[1]", 1, "not an object"),
        ('[\n{"name": "x"}]', 2, "no 'title' field; its fields are: name"),
        ('[{"title": {"x": 1}}]', 1, "should be text"),
        ('[{"title": "a",\n "abstract": 1e999}]', 1, "'abstract' should be text, not inf"),  # was stored as 'inf'
        ('[{"title": "a", "year": NaN}]', 1, "'year' should be text, not nan"),
        ('[{"title": "a"}', 1, "not closed"),
        ('[{"title": "a"}] x', 1, "extra data"),
        ("[" * 100_000, 1, "not valid JSON"),
    ],
)
def test_json_errors_name_the_line(text: str, line: int, words: str) -> None:
    with pytest.raises(SourceError) as info:
        tabular.parse_json(text, "bad.json")
    assert info.value.line == line and words in info.value.reason and info.value.file == "bad.json"


def test_looks_like() -> None:
    assert tabular.looks_like_csv(CSV)
    assert tabular.looks_like_csv("\ufeffid;TITLE;abstract\n")
    assert not tabular.looks_like_csv("name,abstract\n")
    assert not tabular.looks_like_csv("@article{x, title={a,b}}")
    assert tabular.looks_like_json('  [{"title": 1}]') and not tabular.looks_like_json("title,abstract")


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300) | st.builds(lambda s: "title,abstract,authors,year\n" + s, st.text(max_size=200)))
def test_csv_any_text_gives_papers_or_source_error(text: str) -> None:
    try:
        assert isinstance(tabular.parse_csv(text, "h.csv"), list)
    except SourceError:
        pass


rows = st.dictionaries(
    st.sampled_from(["title", "Title", "abstract", "authors", "id", "url", "year", "date", "doi", "categories", "code"]),
    st.none() | st.text(max_size=15) | st.integers() | st.booleans() | st.lists(st.text(max_size=5) | st.dictionaries(st.just("name"), st.text(max_size=5)), max_size=3),
)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300) | st.lists(rows, max_size=4).map(json.dumps) | st.lists(rows, max_size=4).map(lambda rs: "\n".join(map(json.dumps, rs))))
def test_json_any_text_gives_papers_or_source_error(text: str) -> None:
    try:
        assert isinstance(tabular.parse_json(text, "h.json"), list)
    except SourceError:
        pass
