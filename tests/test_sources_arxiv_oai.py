"""The arXiv OAI snapshot: the first 100 real lines, streaming, and broken lines named by number."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperreader.model import Link
from paperreader.sources import SourceError, arxiv_oai

FIXTURE = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "arxiv-oai" / "kaggle_oai_snapshot_first100.jsonl"
needs_fixture = pytest.mark.skipif(not FIXTURE.is_file(), reason=f"shared fixture not found at {FIXTURE}")


@pytest.fixture(scope="module")
def papers() -> list:
    if not FIXTURE.is_file():
        pytest.skip(f"shared fixture not found at {FIXTURE}")
    return arxiv_oai.parse(FIXTURE.read_text(encoding="utf-8"), str(FIXTURE))


def by_id(papers: list, arxiv_id: str):
    return next(p for p in papers if p.arxiv_id == arxiv_id)


def test_count_and_ids(papers: list) -> None:
    assert len(papers) == 100
    assert [p.arxiv_id for p in papers] == [f"0704.{n:04d}" for n in range(1, 101)]
    assert [p.extra["line"] for p in papers] == list(range(1, 101))
    assert all(p.source == "arxiv-oai" for p in papers)


def test_first_record_field_by_field(papers: list) -> None:
    p = papers[0]
    assert p.id == "arxiv:0704.0001"
    assert p.title == "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
    # from authors_parsed, accents already decoded there; arXiv's "C. -P." is put back as "C.-P."
    assert p.authors == ("C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C.-P. Yuan")
    assert p.published == "2007-04-02"  # versions[0].created, Mon, 2 Apr 2007 19:18:42 GMT
    assert p.categories == ("hep-ph",)
    assert p.doi == "10.1103/PhysRevD.76.013009"
    assert p.comment == "37 pages, 15 figures; published version"
    assert p.journal_ref == "Phys.Rev.D76:013009,2007"
    assert p.abstract.startswith("A fully differential calculation in perturbative quantum chromodynamics is presented")
    assert p.abstract.endswith("with judicious selection of events.")
    assert "\n" not in p.abstract


def test_unwrapped_titles_and_split_categories(papers: list) -> None:
    p = by_id(papers, "0704.0003")
    assert p.title == "The evolution of the Earth-Moon system based on the dark matter field fluid model"
    assert p.published == "2007-04-01"
    assert p.doi is None and p.journal_ref is None
    p = by_id(papers, "0704.0002")
    assert p.categories == ("math.CO", "cs.CG")
    assert p.authors == ("Ileana Streinu", "Louis Theran")
    assert p.published == "2007-03-31"
    assert by_id(papers, "0704.0044").categories == ("astro-ph", "nlin.CD", "physics.plasm-ph", "physics.space-ph")


def test_latex_in_authors_and_titles(papers: list) -> None:
    assert by_id(papers, "0704.0062").authors == ("Rastislav Šrámek", "Broňa Brejová", "Tomáš Vinař")
    assert by_id(papers, "0704.0049").authors == ("Mikkel Øbro",)
    assert by_id(papers, "0704.0028").authors == ("Péter E. Frenkel",)
    assert "Révész and Sarantopoulos" in by_id(papers, "0704.0028").abstract
    assert by_id(papers, "0704.0073").title == "A transcendental approach to Kollár's injectivity theorem"
    # math is kept as TeX
    assert by_id(papers, "0704.0005").title == r"From dyadic $\Lambda_{\alpha}$ to $\Lambda_{\alpha}$"


def test_authors_with_affiliations_and_suffixes(papers: list) -> None:
    assert by_id(papers, "0704.0025").authors == ("A. S. Mishchenko", "N. Nagaosa")
    assert by_id(papers, "0704.0044").authors[:2] == ("A. A. Schekochihin", "S. C. Cowley")
    assert by_id(papers, "0704.0009").authors[5] == "Neal J. Evans II"
    assert by_id(papers, "0704.0020").authors == ("The BABAR Collaboration", "B. Aubert")


def test_links_from_comments(papers: list) -> None:
    assert by_id(papers, "0704.0024").urls == (
        Link("project", "http://www.physik.uni-kl.de/w_hilleb/ann05.html", "from the arXiv comments"),
    )
    # a DOI URL in the comments is not a project page
    assert [link.url for link in by_id(papers, "0704.0086").urls] == ["http://www.imstat.org/aap/", "http://www.imstat.org"]
    assert papers[0].urls == ()


def test_two_dois_keep_the_first(papers: list) -> None:
    p = by_id(papers, "0704.0033")
    assert p.doi == "10.1364/JOSAA.23.002578"  # the record says "10.1364/JOSAA.23.002578 10.1364/JOSAA.32.002407"


def test_last_record(papers: list) -> None:
    p = papers[-1]
    assert p.arxiv_id == "0704.0100"
    assert p.title == "Topology Change of Black Holes"
    assert p.authors == ("Daisuke Ida", "Masaru Siino")
    assert p.published == "2007-04-02"
    assert p.doi == "10.1143/PTP.118.715"
    assert p.journal_ref == "Prog.Theor.Phys.118:715-727,2007"
    assert p.categories == ("gr-qc",)


@needs_fixture
def test_iter_records_streams_from_a_file() -> None:
    with FIXTURE.open(encoding="utf-8") as handle:
        stream = arxiv_oai.iter_records(handle, str(FIXTURE))
        line, paper = next(stream)
        assert (line, paper.arxiv_id) == (1, "0704.0001")
        line, paper = next(stream)
        assert (line, paper.arxiv_id) == (2, "0704.0002")


@needs_fixture
def test_broken_line_is_named() -> None:
    lines = FIXTURE.read_text(encoding="utf-8").split("\n")
    lines[41] = lines[41][:200]  # line 42 cut short
    with pytest.raises(SourceError) as info:
        arxiv_oai.parse("\n".join(lines), "snap.jsonl")
    assert info.value.line == 42 and info.value.file == "snap.jsonl"
    assert "JSON" in info.value.reason


def test_nothing_partial_with_a_bad_last_line() -> None:
    good = json.dumps({"id": "2401.00001", "title": "A", "abstract": "x", "versions": []})
    with pytest.raises(SourceError) as info:
        arxiv_oai.parse(good + "\n" + good + "\n[1, 2]\n", "s.jsonl")
    assert info.value.line == 3 and "JSON object" in info.value.reason


@pytest.mark.parametrize(
    "record, words",
    [
        ({"title": "T"}, "no 'id'"),
        ({"id": "hello", "title": "T"}, "not an arXiv id"),
        ({"id": "2401.00001"}, "no title"),
        ({"id": "2401.00001", "title": ["T"]}, "'title'"),
        ({"id": "2401.00001", "title": "T", "categories": 5}, "'categories'"),
    ],
)
def test_bad_records(record: dict, words: str) -> None:
    with pytest.raises(SourceError) as info:
        arxiv_oai.parse("\n" + json.dumps(record) + "\n", "s.jsonl")
    assert info.value.line == 2 and words in info.value.reason


def test_fallbacks_without_authors_parsed_or_versions() -> None:
    record = {
        "id": "hep-th/9901001v2",
        "title": "A\n  wrapped title",
        "authors": "A. One (Oxford), B. Two and C. Thr\\'ee",
        "update_date": "2008-11-26",
        "abstract": "Line\u2028separator kept inside one record",
    }
    (paper,) = arxiv_oai.parse(json.dumps(record, ensure_ascii=False) + "\n")
    assert paper.arxiv_id == "hep-th/9901001"
    assert paper.title == "A wrapped title"
    assert paper.authors == ("A. One", "B. Two", "C. Thrée")
    assert paper.published == "2008-11-26"


def test_record_over_the_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(arxiv_oai, "MAX_RECORD_CHARS", 1000)
    line = json.dumps({"id": "2401.00001", "title": "T", "abstract": "x" * 2000})
    with pytest.raises(SourceError, match="limit"):
        list(arxiv_oai.iter_records(io.StringIO("\n" + line + "\n"), "big.jsonl"))


def test_rfc2822_date() -> None:
    assert arxiv_oai.rfc2822_date("Sat, 31 Mar 2007 02:26:18 GMT") == "2007-03-31"
    assert arxiv_oai.rfc2822_date("yesterday") is None
    assert arxiv_oai.rfc2822_date(None) is None


@needs_fixture
def test_looks_like() -> None:
    assert arxiv_oai.looks_like(FIXTURE.read_text(encoding="utf-8"))
    assert not arxiv_oai.looks_like('[{"paper": {"id": "2401.00001"}}]')
    assert not arxiv_oai.looks_like('{"title": "x", "abstract": "y"}\n')


@settings(max_examples=150, deadline=None)
@given(
    st.text(max_size=300)
    | st.lists(
        st.dictionaries(
            st.sampled_from(["id", "title", "abstract", "authors", "authors_parsed", "versions", "doi", "categories", "update_date"]),
            st.none() | st.text(max_size=20) | st.integers() | st.lists(st.text(max_size=5) | st.lists(st.text(max_size=5), max_size=4), max_size=3),
        ),
        max_size=3,
    ).map(lambda rows: "\n".join(json.dumps(r) for r in rows))
)
def test_any_text_gives_papers_or_source_error(text: str) -> None:
    try:
        assert isinstance(arxiv_oai.parse(text, "h.jsonl"), list)
    except SourceError:
        pass
