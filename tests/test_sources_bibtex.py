"""BibTeX: the real arXiv and Semantic Scholar exports, Scholar/DBLP styles, the syntax, and bad entries."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperreader.model import Link
from paperreader.sources import SourceError, bibtex

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "bibtex"


def load(name: str) -> list:
    path = FIXTURES / name
    if not path.is_file():
        pytest.skip(f"shared fixture not found at {path}")
    return bibtex.parse(path.read_text(encoding="utf-8"), str(path))


def test_arxiv_2026_export() -> None:
    (paper,) = load("arxiv_export_2026_style_SRPO.bib")
    assert paper.title == "Credit Assignment with Resets in Language Model Reasoning"
    assert paper.authors == (
        "Ankur Samanta", "Akshayaa Magesh", "Ayush Jain", "Youliang Yu", "Daniel Jiang",
        "Kavosh Asadi", "Kaveh Hassani", "Paul Sajda", "Jalaj Bhandari", "Yonathan Efroni",
    )
    assert paper.arxiv_id == "2605.25507"
    assert paper.id == "arxiv:2605.25507"
    assert paper.published == "2026"  # only the year is known
    assert paper.year == 2026
    assert paper.categories == ("cs.LG",)
    assert paper.urls == ()  # the url is the arXiv abstract page, which links_for builds anyway
    assert paper.source == "bibtex"
    assert paper.extra == {"line": 1, "key": "samanta2026credit", "type": "misc"}


def test_semantic_scholar_export_every_entry() -> None:
    papers = load("semantic_scholar_export_maomaocv_posts.bib")
    assert len(papers) == 20  # FireAct is in the file twice; the store merges, the parser reports both
    assert [p.extra["key"] for p in papers][:5] == [
        "Goodfellow2016NIPS2T", "Touvron2023LLaMAOA", "Wang2022SelfConsistencyIC", "Liu2023VisualIT", "Vaswani2017AttentionIA",
    ]
    # journal={ArXiv}, volume={abs/ID}: the arXiv id
    assert [p.arxiv_id for p in papers] == [
        "1701.00160", "2302.13971", "2203.11171", "2304.08485", None, "2307.07522", "2310.01798", "2310.03744",
        "2310.03714", "2310.04406", None, None, "2309.17421", None, "2309.17382", None, "2309.15402", None, None, None,
    ]
    assert [p.extra["line"] for p in papers][:6] == [1, 10, 19, 28, 37, 45]
    goodfellow = papers[0]
    assert goodfellow.title == "NIPS 2016 Tutorial: Generative Adversarial Networks"
    assert goodfellow.authors == ("Ian J. Goodfellow",)
    assert goodfellow.published == "2016"
    assert goodfellow.journal_ref is None  # "ArXiv" is not a venue
    assert goodfellow.urls == (Link("page", "https://api.semanticscholar.org/CorpusID:5216145", "Semantic Scholar"),)
    llama = papers[1]
    assert llama.title == "LLaMA: Open and Efficient Foundation Language Models"
    assert "Timothée Lacroix" in llama.authors and "Baptiste Rozière" in llama.authors
    assert len(llama.authors) == 14
    vaswani = papers[4]
    assert vaswani.title == "Attention is All you Need"
    assert vaswani.journal_ref == "Neural Information Processing Systems"
    assert vaswani.authors[:2] == ("Ashish Vaswani", "Noam M. Shazeer")
    zenil = papers[5]
    assert zenil.authors[:3] == ("Hector Zenil", "Jesper Tegn'er", "Felipe S. Abrahão")
    assert "Sašo Džeroski" in zenil.authors and len(zenil.authors) == 22
    assert papers[12].title == "The Dawn of LMMs: Preliminary Explorations with GPT-4V(ision)"
    assert papers[19].authors[-2:] == ("Mausam", "Manaal Faruqui")


GOOGLE_SCHOLAR = """@article{vaswani2017attention,
  title={Attention is all you need},
  author={Vaswani, Ashish and Shazeer, Noam and Parmar, Niki and Uszkoreit, Jakob and Jones, Llion and Gomez, Aidan N and Kaiser, {\\L}ukasz and Polosukhin, Illia},
  journal={Advances in neural information processing systems},
  volume={30},
  year={2017}
}

@article{devlin2018bert,
  title={Bert: Pre-training of deep bidirectional transformers for language understanding},
  author={Devlin, Jacob and Chang, Ming-Wei and Lee, Kenton and Toutanova, Kristina},
  journal={arXiv preprint arXiv:1810.04805},
  year={2018}
}
"""


def test_google_scholar_style() -> None:
    attention, bert = bibtex.parse(GOOGLE_SCHOLAR, "scholar.bib")
    assert attention.authors[-2:] == ("Łukasz Kaiser", "Illia Polosukhin")
    assert attention.authors[5] == "Aidan N Gomez"
    assert attention.journal_ref == "Advances in neural information processing systems"
    assert attention.arxiv_id is None and attention.published == "2017"
    assert bert.arxiv_id == "1810.04805"
    assert bert.journal_ref is None
    assert bert.authors == ("Jacob Devlin", "Ming-Wei Chang", "Kenton Lee", "Kristina Toutanova")


def test_dblp_and_biblatex_styles() -> None:
    text = """
@article{DBLP:journals/corr/abs-1810-04805,
  author    = {Jacob Devlin and
               Ming{-}Wei Chang},
  title     = {{BERT:} Pre-training of Deep Bidirectional Transformers},
  journal   = {CoRR},
  volume    = {abs/1810.04805},
  year      = {2018},
  month     = oct,
  doi       = {10.48550/arXiv.1810.04805},
}
@online{old,
  title = {Old style}, eprinttype = {arxiv}, eprint = {hep-th/9901001}, date = {1999-01-04},
}
@inproceedings{doi,
  title = {With a DOI}, doi = {https://doi.org/10.1145/3533767.3534401}, url = {https://github.com/o/r},
  booktitle = {ISSTA}, note = {Accepted}, month = {7}, year = 2022,
}
"""
    bert, old, doi = bibtex.parse(text)
    assert bert.title == "BERT: Pre-training of Deep Bidirectional Transformers"
    assert bert.authors == ("Jacob Devlin", "Ming-Wei Chang")
    assert bert.arxiv_id == "1810.04805" and bert.doi is None  # arXiv's own DOI adds nothing
    assert bert.published == "2018-10-01"  # year and month: the first of the month
    assert bert.journal_ref is None
    assert (old.arxiv_id, old.published) == ("hep-th/9901001", "1999-01-04")
    assert doi.doi == "10.1145/3533767.3534401" and doi.arxiv_id is None
    assert doi.published == "2022-07-01" and doi.journal_ref == "ISSTA" and doi.comment == "Accepted"
    assert doi.urls == (Link("code", "https://github.com/o/r", "URL from BibTeX"),)


def test_syntax_strings_concatenation_quotes_comments() -> None:
    text = """% a comment line, ignored like anything outside entries
@comment{jabref-meta: databaseType:bibtex; {nested}}
@preamble{ "\\newcommand{\\noopsort}[1]{}" }
@string{ conf = "Proceedings of " # {the {ACM}} }
@String(ML = {Machine Learning})
@inproceedings(paren,
  title = "Quoted {with \\"{o} and braces} title",
  author = "M{\\"u}ller, Hans and others",
  booktitle = conf # " on " # ML,
  abstract = {A long
     abstract with {nested {braces}}.},
  month = mar, year = "2021"
)
@misc{nokey_title_only, title = {Stra\\ss e}}
"""
    paren, strasse = bibtex.parse(text, "s.bib")
    assert paren.title == "Quoted with ö and braces title"
    assert paren.authors == ("Hans Müller",)  # "others" is et al., not a person
    assert paren.journal_ref == "Proceedings of the ACM on Machine Learning"
    assert paren.abstract == "A long abstract with nested braces."
    assert paren.published == "2021-03-01"
    assert paren.extra["line"] == 6
    assert strasse.title == "Straße" and strasse.extra["line"] == 14


def test_unbalanced_entry_names_its_first_line() -> None:
    text = "@article{good, title={Good}}\n\n@article{bad,\n  title={Never closed,\n  year={2020}\n}\n"
    with pytest.raises(SourceError) as info:
        bibtex.parse(text, "u.bib")
    assert info.value.file == "u.bib" and info.value.line == 3
    assert "'bad'" in info.value.reason


def test_missing_brace_does_not_swallow_later_entries() -> None:
    text = (
        "@article{first,\n  title={Missing a brace,\n  year={2020}\n}\n\n"
        "@article{second,\n  title={Second},\n}\n@article{third, title={Third}}\n"
    )
    with pytest.raises(SourceError) as info:
        bibtex.parse(text, "m.bib")
    assert info.value.line == 1 and "new entry starts inside" in info.value.reason and "line 6" in info.value.reason


@pytest.mark.parametrize(
    "text, line, words",
    [
        ("@article{x,\n  title = {T},\n  year 2020\n}", 1, "expected '='"),
        ("@article{x,\n  title = {T} year = 2020\n}", 1, "expected ','"),
        ("\n@article{x, = {T}}", 2, "field name"),
        ("@misc{x, author = {A}}", 1, "no title"),
        ('@misc{x, title = "never closed}', 1, "never closed"),
        ("just some text\nwith no entries", 1, "no BibTeX entries"),
    ],
)
def test_bad_entries(text: str, line: int, words: str) -> None:
    with pytest.raises(SourceError) as info:
        bibtex.parse(text, "b.bib")
    assert info.value.line == line and words in info.value.reason


def test_empty_and_only_macros() -> None:
    assert bibtex.parse("") == []
    assert bibtex.parse("@string{a = {b}}\n@comment{x}\n") == []


def test_split_names() -> None:
    assert bibtex.split_names("Doe, Jr, John and {Google DeepMind} and van der Berg, Anna AND Bob Smith") == [
        "John Doe Jr", "Google DeepMind", "Anna van der Berg", "Bob Smith",
    ]
    assert bibtex.split_names("{Barnes and Noble} and Alice") == ["Barnes and Noble", "Alice"]


def test_looks_like() -> None:
    assert bibtex.looks_like(GOOGLE_SCHOLAR)
    assert bibtex.looks_like("% header\n  @Article (x, title={y})")
    assert not bibtex.looks_like("mail me@example.org{not bib}")


@settings(max_examples=200, deadline=None)
@given(
    st.text(max_size=300)
    | st.text(alphabet=st.sampled_from(list('@{}()"#=, \n\\aeiotuxy0123')), max_size=120).map(lambda s: "@article{k," + s)
)
def test_any_text_gives_papers_or_source_error(text: str) -> None:
    try:
        assert isinstance(bibtex.parse(text, "h.bib"), list)
    except SourceError:
        pass
