"""Hugging Face daily_papers and papers/search: the recorded real responses, field by field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperreader.model import Link
from paperreader.sources import SourceError, hf

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "hf-daily"


def load(name: str) -> list:
    path = FIXTURES / name
    if not path.is_file():
        pytest.skip(f"shared fixture not found at {path}")
    return hf.parse(path.read_text(encoding="utf-8"), str(path))


def test_daily_papers_every_item() -> None:
    papers = load("daily_papers_2025-07-22.json")
    assert [p.arxiv_id for p in papers] == [
        "2507.14683", "2507.15846", "2507.14843", "2507.15061", "2507.11061", "2507.15493", "2507.15852",
        "2507.15629", "2507.15778", "2507.15028", "2507.15375", "2507.11539", "2507.15815", "2507.15856",
        "2507.15640", "2507.10935",
    ]
    assert all(p.source == "hf" for p in papers)
    first = papers[0]
    assert first.id == "arxiv:2507.14683"
    # hard-wrapped title unwrapped; the paper's publishedAt (arXiv date), not the listing's 12:21 local time
    assert first.title == (
        "MiroMind-M1: An Open-Source Advancement in Mathematical Reasoning via Context-Aware Multi-Stage "
        "Policy Optimization"
    )
    assert first.published == "2025-07-19"
    assert len(first.authors) == 18
    assert first.authors[:4] == ("Xingxuan Li", "Yao Xiao", "Dianwen Ng", "Hai Ye")
    assert first.authors[-1] == "Lidong Bing"
    assert first.abstract.startswith(
        "Large language models have recently evolved from fluent text generation to advanced reasoning across "
        "diverse domains, giving rise to reasoning language models."
    )
    assert first.urls == ()  # no githubRepo, no projectPage
    assert first.extra["line"] == 2


def test_daily_papers_links() -> None:
    papers = {p.arxiv_id: p for p in load("daily_papers_2025-07-22.json")}
    gui = papers["2507.15846"]
    assert gui.title == "GUI-G^2: Gaussian Reward Modeling for GUI Grounding"
    assert gui.published == "2025-07-21"
    assert gui.urls == (
        Link("code", "https://github.com/ZJU-REAL/GUI-G2", "GitHub"),
        Link("project", "https://zju-real.github.io/GUI-G2/", "Project page"),
    )
    assert papers["2507.15061"].urls == (Link("code", "https://github.com/Alibaba-NLP/WebWalker", "GitHub"),)
    assert papers["2507.15493"].urls == (Link("project", "https://seed.bytedance.com/GR3", "Project page"),)
    assert papers["2507.15493"].title == "GR-3 Technical Report"
    assert papers["2507.15028"].title == (
        "Towards Video Thinking Test: A Holistic Benchmark for Advanced Video Reasoning and Understanding"
    )
    # the item says 2025-07-14T23:00:15; the paper says 2025-07-15T03:00:15Z, and that is the one kept
    assert papers["2507.10935"].published == "2025-07-15"


def test_papers_search_every_item() -> None:
    papers = load("papers_search_q_kazakh.json")
    assert [p.arxiv_id for p in papers] == [
        "2404.04487", "2403.19399", "2403.19335", "2111.13419", "2404.01033",
        "2502.13640", "2503.01493", "2108.01280", "2107.10637",
    ]
    kazqad = papers[0]
    assert kazqad.title == "KazQAD: Kazakh Open-Domain Question Answering Dataset"
    # the author's listed name, not the HF account's display name ("Leo Boytsov")
    assert kazqad.authors == ("Rustem Yeshpanov", "Pavel Efimov", "Leonid Boytsov", "Ardak Shalkarbayuli", "Pavel Braslavski")
    assert kazqad.published == "2024-04-06"
    assert kazqad.abstract.startswith("We introduce KazQAD -- a Kazakh open-domain question answering (ODQA) dataset -- that")
    last = papers[-1]
    assert last.title == (
        "A baseline model for computationally inexpensive speech recognition for Kazakh using the Coqui STT framework"
    )
    assert last.authors == ("Ilnar Salimzianov",)
    assert last.published == "2021-07-19"
    assert len(papers[6].authors) == 35


def test_optional_keys_null_or_absent() -> None:
    items = [
        {"paper": {"id": "2401.00001", "title": "T", "summary": None, "authors": None, "githubRepo": None, "projectPage": ""}},
        {"paper": {"id": "2401.00002", "title": "U"}, "publishedAt": "2024-01-03T00:00:00.000Z", "summary": "from item"},
        {"paper": {"id": "x", "title": "V", "githubRepo": "javascript:alert(1)", "authors": [{"user": {"fullname": "F"}}, "G"]}},
    ]
    a, b, c = hf.parse(json.dumps(items))
    assert (a.abstract, a.authors, a.urls, a.published) == ("", (), (), None)
    assert (b.published, b.abstract) == ("2024-01-03", "from item")
    assert c.arxiv_id is None and c.urls == () and c.authors == ("F", "G")


def test_bare_paper_object() -> None:
    (paper,) = hf.parse('{"id": "2401.00001", "title": "T", "summary": "S", "publishedAt": "2024-01-01T00:00:00Z"}')
    assert (paper.arxiv_id, paper.title, paper.published) == ("2401.00001", "T", "2024-01-01")


@pytest.mark.parametrize(
    "text, line, words",
    [
        ('[\n{"paper": {"id": "2401.00001", "title": "T"}},\n{"paper": {"id": "2401.00002" "title": "U"}}\n]', 3, "JSON"),
        ('[\n{"paper": {"id": "2401.00001", "title": "T"}},\n{"paper": {"id": "2401.00002"}}\n]', 3, "item 2 has no paper title"),
        ('[\n"just a string"\n]', 2, "item 1 is not an object"),
        ('[{"paper": [1]}]', 1, "not an object"),
        ("not json", 1, "expected a JSON list"),
    ],
)
def test_errors_name_the_item(text: str, line: int, words: str) -> None:
    with pytest.raises(SourceError) as info:
        hf.parse(text, "hf.json")
    assert info.value.line == line and words in info.value.reason


def test_looks_like() -> None:
    for path in FIXTURES.glob("*.json"):
        assert hf.looks_like(path.read_text(encoding="utf-8")), path.name
    assert not hf.looks_like('[{"title": "x"}]')
    assert hf.parse("") == [] and hf.parse("[]") == []


@settings(max_examples=150, deadline=None)
@given(
    st.text(max_size=200)
    | st.recursive(
        st.none() | st.text(max_size=10) | st.integers(),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["paper", "id", "title", "summary", "authors", "name", "publishedAt", "githubRepo"]), inner, max_size=4),
        max_leaves=12,
    ).map(json.dumps)
)
def test_any_text_gives_papers_or_source_error(text: str) -> None:
    try:
        assert isinstance(hf.parse(text, "h.json"), list)
    except SourceError:
        pass


@pytest.mark.parametrize("authors, names", [
    ("A. Author, B. Author", ("A. Author", "B. Author")),
    ("Ann Lee and Bo Chen", ("Ann Lee", "Bo Chen")),
    ("Lee, Ann; Chen, Bo", ("Ann Lee", "Bo Chen")),
    ([{"name": "Xingxuan Li", "hidden": False}, {"_id": "1", "user": {"fullname": "Rustem Yeshpanov", "user": "ry"}}],
     ("Xingxuan Li", "Rustem Yeshpanov")),
    ([{"name": "", "user": {"fullname": "Pavel Efimov"}}, {"fullname": "Leonid Boytsov"}], ("Pavel Efimov", "Leonid Boytsov")),
    ([], ()),
])
def test_authors_of_every_shape_are_read(authors, names) -> None:
    (paper,) = hf.parse(json.dumps([{"paper": {"id": "2401.00001", "title": "T", "authors": authors}}]))
    assert paper.authors == names


@pytest.mark.parametrize("authors, words", [
    (3, "item 1: field 'authors' should be a list of names or text, not a number"),
    ({"name": "A"}, "item 1: field 'authors' should be a list of names or text, not an object"),
    (["A", 3], "item 1: field 'authors' item 2 should be a name, not a number"),
    ([{"_id": "x", "user": {"user": "handle"}}], "item 1: field 'authors' item 1 should be a name or an object with a \"name\""),
])
def test_authors_of_another_shape_are_a_bad_item_naming_the_field(authors, words) -> None:
    text = json.dumps([{"paper": {"id": "2401.00001", "title": "T", "authors": authors}}])
    with pytest.raises(SourceError) as info:
        hf.parse(text, "hf.json")
    assert info.value.reason == words and info.value.line == 1


def test_a_bad_author_field_stops_the_import_naming_file_line_and_field(cli, tmp_path) -> None:
    path = tmp_path / "daily.json"
    path.write_text('[\n{"paper": {"id": "2401.00001", "title": "T", "authors": "Ann Lee, Bo Chen"}},\n'
                    '{"paper": {"id": "2401.00002", "title": "U", "authors": 7}}\n]\n')
    before = cli("stats", "--json").json["papers"]
    out = cli("import", str(path))
    assert out.code == 2 and out.err.strip().startswith(f"{path}:3: item 2: field 'authors' should be a list of names or text")
    assert cli("stats", "--json").json["papers"] == before
    out = cli("import", "--skip-bad", str(path), "--json")
    assert out.code == 0 and out.json["added"] == 1
    assert cli("show", "arxiv:2401.00001", "--json").json["authors"] == ["Ann Lee", "Bo Chen"]
