"""arXiv API Atom: both layouts of the real recorded responses, the error feed, and hostile XML."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperreader.model import Link
from paperreader.sources import SourceError, arxiv_atom

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "arxiv-atom"
needs_fixtures = pytest.mark.skipif(not FIXTURES.is_dir(), reason=f"shared fixtures not found at {FIXTURES}")


def load(name: str) -> list:
    path = FIXTURES / name
    return arxiv_atom.parse(path.read_text(encoding="utf-8"), str(path))


@needs_fixtures
def test_2016_layout_every_entry() -> None:
    papers = load("arxivpy_2016_search_au_del_maestro.xml")
    assert [p.arxiv_id for p in papers] == [
        "1201.4869", "cond-mat/0412498", "cond-mat/0603029", "1005.5383", "1303.6954",
        "1312.6177", "1412.6529", "cond-mat/0607501", "cond-mat/0702661", "0807.2873",
    ]
    assert [p.published for p in papers] == [
        "2012-01-23", "2004-12-19", "2006-03-02", "2010-05-28", "2013-03-27",
        "2013-12-20", "2014-12-19", "2006-07-19", "2007-02-27", "2008-07-17",
    ]
    first = papers[0]
    assert first.id == "arxiv:1201.4869"
    assert first.title == "A Luttinger Liquid Core Inside Helium-4 Filled Nanopores"
    assert first.authors == ("Adrian Del Maestro",)
    assert first.categories == ("cond-mat.mes-hall", "cond-mat.other")
    assert first.doi == "10.1142/S021797921244002X"
    assert first.comment == "26 pages, 10 figures"
    assert first.journal_ref == "Int. J. Mod. Phys. B, 26, 1244002 (2012)"
    assert first.abstract.startswith("As helium-4 is cooled below 2.17 K it undergoes a phase transition to a fundamentally new state")
    assert first.abstract.endswith("intriguing low dimensional state of matter.")
    assert "\n" not in first.abstract and "  " not in first.abstract
    assert first.source == "arxiv-atom"
    assert first.urls == ()
    assert first.extra["line"] == 10  # the <entry> line

    # hard-wrapped titles and comments come out as one line
    assert papers[2].title == "From stripe to checkerboard order on the square lattice in the presence of quenched disorder"
    assert papers[2].authors == ("Adrian Del Maestro", "Bernd Rosenow", "Subir Sachdev")
    assert papers[7].title == (
        "A striped supersolid phase and the search for deconfined quantum criticality in hard-core bosons "
        "on the triangular lattice"
    )
    assert papers[7].authors == ("R. G. Melko", "A. Del Maestro", "A. A. Burkov")
    assert papers[7].categories == ("cond-mat.str-el",)
    assert papers[6].comment == "10 pages, 8 figures; updated figure 5, added references, revised text, reformatted"
    assert papers[6].categories == ("cond-mat.quant-gas", "quant-ph")
    assert papers[6].doi == "10.1103/PhysRevB.91.184507"
    assert papers[9].journal_ref == "Annals of Physics 324, 523 (2009)."


@needs_fixtures
def test_2026_layout_every_entry() -> None:
    papers = load("arxivpy_2026_search_all_testing_m10.xml")
    assert [p.arxiv_id for p in papers] == [
        "2202.12139", "2405.13786", "2005.14124", "2204.08348", "2302.03287",
        "1202.4527", "2503.05378", "1205.1866", "2502.07719", "1812.11470",
    ]
    first = papers[0]
    assert first.title == "Testing Deep Learning Models: A First Comparative Study of Multiple Testing Techniques"
    assert first.authors == ("Mohit Kumar Ahuja", "Arnaud Gotlieb", "Helge Spieker")
    assert first.published == "2022-02-24"
    assert first.categories == ("cs.SE", "cs.LG")
    assert first.doi == "10.1109/ICSTW55395.2022.00035"
    assert first.comment == "Artificial Intelligence in Software Testing 2022 workshop @ ICST 2022"
    assert first.journal_ref.startswith("Artificial Intelligence in Software Testing @ 2022 IEEE")
    assert papers[1].authors == ("Aurora Ramírez", "Mario Berrios", "José Raúl Romero", "Robert Feldt")
    assert papers[2].categories == ("cs.SE", "cs.CR", "cs.LG")
    assert papers[4].title == "ChatGPT and Software Testing Education: Promises & Perils"
    assert papers[5].journal_ref == "International Journal of Software Engineering & Applications (IJSEA), Vol.3, No.1, January 2012"
    assert papers[6].doi is None and papers[6].journal_ref is None
    assert papers[7].categories == ("cs.AR",)
    assert papers[7].doi == "10.5121/vlsic.2012.3205"
    # a summary with paragraph breaks becomes one line
    last = papers[9]
    assert last.published == "2018-12-30"
    assert "community as a whole. Objective. In this systematic review" in last.abstract


@needs_fixtures
def test_old_style_ids_keep_their_slash() -> None:
    (astro,) = load("arxivpy_2026_id_astro-ph_0601001.xml")
    assert astro.arxiv_id == "astro-ph/0601001"
    assert astro.id == "arxiv:astro-ph/0601001"
    assert astro.title == (
        "Frequency of Hot Jupiters and Very Hot Jupiters from the OGLE-III Transit Surveys Toward the "
        "Galactic Bulge and Carina"
    )
    assert astro.authors == ("Andrew Gould", "Susan Dorsher", "B. Scott Gaudi", "Andrzej Udalski")
    assert astro.published == "2006-01-02"
    assert astro.categories == ("astro-ph",)
    assert astro.journal_ref == "ActaAstron.56:1-50,2006"
    assert astro.doi is None
    assert astro.urls == (
        Link("project", "http://www.astronomy.ohio-state.edu/~gould/ogle_hot_jupiters.ps.gz", "from the arXiv comments"),
    )
    assert "Gould & Morgan (2003)" in astro.abstract and "V_max<17.5" in astro.abstract  # entities decoded once

    (quant,) = load("arxivpy_2026_id_quant-ph_0201082v1.xml")
    assert quant.arxiv_id == "quant-ph/0201082"  # version dropped
    assert quant.categories == ("quant-ph", "cs.PL")
    assert quant.authors == ("Stephen Blaha",)
    assert quant.comment == "32 pages"
    assert quant.journal_ref is None


@needs_fixtures
def test_empty_feed_is_no_papers() -> None:
    assert load("arxivpy_2026_id_0000.0000_empty.xml") == []


@needs_fixtures
def test_error_feed_is_an_error_not_a_paper() -> None:
    with pytest.raises(SourceError) as info:
        load("arxivpy_2026_error_id_abc.xml")
    assert "incorrect id format for abc" in str(info.value)
    assert info.value.file.endswith("arxivpy_2026_error_id_abc.xml")
    assert info.value.line == 9


def test_billion_laughs_is_refused() -> None:
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
        ' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
        ' <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\n]>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&lol3;</title></entry></feed>\n'
    )
    with pytest.raises(SourceError) as info:
        arxiv_atom.parse(bomb, "bomb.xml")
    assert info.value.file == "bomb.xml" and info.value.line == 2
    assert "refused" in info.value.reason


def test_external_entity_is_refused() -> None:
    xxe = (
        '<?xml version="1.0"?>\n<!DOCTYPE feed [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>&xxe;</title></feed>'
    )
    with pytest.raises(SourceError, match="refused"):
        arxiv_atom.parse(xxe, "xxe.xml")


def test_malformed_xml_names_the_line() -> None:
    broken = '<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n<entry>\n<title>x</entry>\n</feed>\n'
    with pytest.raises(SourceError) as info:
        arxiv_atom.parse(broken, "broken.xml")
    assert info.value.line == 4


def test_not_an_atom_feed() -> None:
    with pytest.raises(SourceError, match="not an Atom feed"):
        arxiv_atom.parse("<rss><channel/></rss>", "x.xml")


def test_entry_that_is_not_arxiv_is_an_error() -> None:
    feed = '<feed xmlns="http://www.w3.org/2005/Atom">\n<entry><id>urn:uuid:1</id><title>T</title></entry></feed>'
    with pytest.raises(SourceError) as info:
        arxiv_atom.parse(feed, "x.xml")
    assert info.value.line == 2 and "entry 1" in info.value.reason


def test_latex_accents_in_titles_are_decoded() -> None:
    feed = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/0704.0073v2</id>'
        "<title>A transcendental approach to Koll\\'ar's injectivity theorem</title>"
        "<author><name>Osamu Fujino</name></author></entry></feed>"
    )
    (paper,) = arxiv_atom.parse(feed)
    assert paper.title == "A transcendental approach to Kollár's injectivity theorem"
    assert paper.published is None and paper.categories == ()


@needs_fixtures
def test_looks_like() -> None:
    for path in FIXTURES.iterdir():
        assert arxiv_atom.looks_like(path.read_text(encoding="utf-8")), path.name
    assert not arxiv_atom.looks_like('{"feed": 1}')
    assert not arxiv_atom.looks_like("@article{x, title={<feed>}}")


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300) | st.builds(lambda s: '<feed xmlns="http://www.w3.org/2005/Atom"><entry>' + s, st.text(max_size=200)))
def test_any_text_gives_papers_or_source_error(text: str) -> None:
    try:
        assert isinstance(arxiv_atom.parse(text, "h.xml"), list)
    except SourceError:
        pass
