"""The arXiv daily listing e-mail.

There is no shared fixture of this format, so tests/fixtures/arxiv_email_sample.txt is a sample
written for this project: the layout (mail headers, arXiv's preamble, `\\\\` entries, the cross-list
and replacement rule lines, the `\\\\ ( URL , NNkb)` closing lines) follows real listings; the papers
in it are made up.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperreader.model import Link
from paperreader.sources import SourceError, arxiv_email

SAMPLE = Path(__file__).resolve().parent / "fixtures" / "arxiv_email_sample.txt"


@pytest.fixture(scope="module")
def papers() -> list:
    return arxiv_email.parse(SAMPLE.read_text(encoding="utf-8"), str(SAMPLE))


def test_every_entry(papers: list) -> None:
    assert [p.arxiv_id for p in papers] == ["2602.11873", "2602.11901", "2602.12040", "2602.11650", "2511.04418", "cs/0701001"]
    assert [p.extra["listing"] for p in papers] == ["new", "new", "new", "cross", "replaced", "replaced"]
    assert [p.extra["line"] for p in papers] == [25, 44, 62, 78, 94, 104]
    assert all(p.source == "arxiv-email" for p in papers)


def test_new_entry_field_by_field(papers: list) -> None:
    p = papers[0]
    assert p.id == "arxiv:2602.11873"
    assert p.title == "Sparse Mixture-of-Experts Routing with Token-Level Curricula for Multilingual Machine Translation"
    assert p.authors == ("Ana María Ramírez", "Jürgen Voß", "Chen Wei", "Priya Raghunathan")  # wrapped, LaTeX
    assert p.published == "2026-02-11"
    assert p.categories == ("cs.CL", "cs.LG")
    assert p.comment == "14 pages, 6 figures; code at https://github.com/example-lab/tlc-moe"
    assert p.urls == (Link("code", "https://github.com/example-lab/tlc-moe", "from the arXiv comments"),)
    assert p.abstract.startswith("Mixture-of-experts (MoE) models scale translation quality with little extra compute per token")
    assert p.abstract.endswith("over a dense baseline of equal cost.")
    assert p.doi is None and p.journal_ref is None


def test_journal_ref_doi_and_paragraphs(papers: list) -> None:
    p = papers[1]
    assert p.authors == ("Tomáš Novák", "Sarah O'Connor")
    assert p.journal_ref == "Proceedings of EACL 2026, pp. 1021-1035"
    assert p.doi == "10.18653/v1/2026.eacl-long.77"
    assert p.comment == "Accepted to EACL 2026"
    assert "four open-domain benchmarks. The head adds 0.3% parameters" in p.abstract
    assert papers[2].categories == ("cs.LG", "math.ST", "stat.ML", "stat.TH")
    assert papers[2].published == "2026-02-12"
    assert papers[2].abstract.endswith(r"namely $\Theta(d/\epsilon)$.")


def test_cross_list_and_replacements(papers: list) -> None:
    cross = papers[3]
    assert cross.title == "Learning Stable Locomotion Policies from Few Demonstrations"
    assert cross.urls == (Link("project", "https://example.github.io/stable-loco", "from the arXiv comments"),)
    replaced = papers[4]
    assert replaced.title == "Long-Context Evaluation Beyond Needle-in-a-Haystack"
    assert replaced.abstract == ""  # the mail does not repeat it
    assert replaced.published is None  # the replacement date is not the publication date
    assert replaced.comment == "v2: added experiments on 1M-token contexts"
    old = papers[5]
    assert old.id == "arxiv:cs/0701001"
    assert old.journal_ref == "J. Old Ids 1 (2007) 1-10"


ENTRY = """\\\\
arXiv:2401.00001
Date: Mon, 1 Jan 2024 10:00:00 GMT   (10kb)

Title: T
Authors: A
Categories: cs.LG
\\\\
  Abstract line one
line two.
\\\\ ( https://arxiv.org/abs/2401.00001 ,  10kb)
------------------------------------------------------------------------------
"""


def test_minimal_and_old_paper_form() -> None:
    (paper,) = arxiv_email.parse(ENTRY)
    assert (paper.title, paper.abstract, paper.published) == ("T", "Abstract line one line two.", "2024-01-01")
    old = ENTRY.replace("arXiv:2401.00001", "Paper: hep-th/9901001")
    assert arxiv_email.parse(old)[0].arxiv_id == "hep-th/9901001"


def test_cut_short_is_refused(papers: list) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    cut = text[: text.index("halves the expected calibration error")]
    with pytest.raises(SourceError) as info:
        arxiv_email.parse(cut, "cut.txt")
    assert info.value.line == 44 and "cut short" in info.value.reason and info.value.file == "cut.txt"


@pytest.mark.parametrize(
    "text, line, words",
    [
        (ENTRY.replace("Title: T\n", ""), 2, "no Title"),
        (ENTRY.replace("2401.00001\n", "not-an-id\n", 1), 2, "not an arXiv id"),
        ("Hello,\nthis is not a listing.\n", 1, "no arXiv listing entries"),
    ],
)
def test_bad_entries(text: str, line: int, words: str) -> None:
    with pytest.raises(SourceError) as info:
        arxiv_email.parse(text, "bad.txt")
    assert info.value.line == line and words in info.value.reason


def test_looks_like() -> None:
    assert arxiv_email.looks_like(SAMPLE.read_text(encoding="utf-8"))
    assert arxiv_email.looks_like(ENTRY.replace("\n", "\r\n"))
    assert not arxiv_email.looks_like("arXiv:2401.00001 is a paper\n")


@settings(max_examples=150, deadline=None)
@given(
    st.text(max_size=300)
    | st.lists(
        st.sampled_from(["\\\\", "arXiv:2401.00001", "Paper: x", "Date: Mon, 1 Jan 2024 10:00:00 GMT", "Title: T", "  wrapped",
                         "Authors: A and B", "\\\\ ( https://arxiv.org/abs/2401.00001 , 1kb)", "-" * 20, "%-%-%-%-%-%-%-", "",
                         "replaced with revised version x", "abstract text"]),
        max_size=25,
    ).map("\n".join)
)
def test_any_text_gives_papers_or_source_error(text: str) -> None:
    try:
        assert isinstance(arxiv_email.parse(text, "h.txt"), list)
    except SourceError:
        pass
