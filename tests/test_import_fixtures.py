"""Every real sample in ../shared/fixtures through `paperreader import`, checked field by field with
`show --json`: counts, ids, titles, authors, dates, categories, DOIs and links; then re-imported
(nothing changes) and refused where it should be (arXiv's error feed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES

EMAIL = Path(__file__).parent / "fixtures" / "arxiv_email_sample.txt"
BUILTIN = 201

# file -> (format, ids in file order)
FILES = {
    "arxiv-atom/arxivpy_2016_search_au_del_maestro.xml": ("arxiv-atom", [
        "arxiv:1201.4869", "arxiv:cond-mat/0412498", "arxiv:cond-mat/0603029", "arxiv:1005.5383", "arxiv:1303.6954",
        "arxiv:1312.6177", "arxiv:1412.6529", "arxiv:cond-mat/0607501", "arxiv:cond-mat/0702661", "arxiv:0807.2873"]),
    "arxiv-atom/arxivpy_2026_search_all_testing_m10.xml": ("arxiv-atom", [
        "arxiv:2202.12139", "arxiv:2405.13786", "arxiv:2005.14124", "arxiv:2204.08348", "arxiv:2302.03287",
        "arxiv:1202.4527", "arxiv:2503.05378", "arxiv:1205.1866", "arxiv:2502.07719", "arxiv:1812.11470"]),
    "arxiv-atom/arxivpy_2026_id_astro-ph_0601001.xml": ("arxiv-atom", ["arxiv:astro-ph/0601001"]),
    "arxiv-atom/arxivpy_2026_id_quant-ph_0201082v1.xml": ("arxiv-atom", ["arxiv:quant-ph/0201082"]),
    "arxiv-atom/arxivpy_2026_id_0000.0000_empty.xml": ("arxiv-atom", []),
    "arxiv-oai/kaggle_oai_snapshot_first100.jsonl": ("arxiv-oai", [f"arxiv:0704.{n:04d}" for n in range(1, 101)]),
    "bibtex/arxiv_export_2026_style_SRPO.bib": ("bibtex", ["arxiv:2605.25507"]),
    "bibtex/semantic_scholar_export_maomaocv_posts.bib": ("bibtex", [
        "arxiv:1701.00160", "arxiv:2302.13971", "arxiv:2203.11171", "arxiv:2304.08485", "t:4a1c934d3d98",
        "arxiv:2307.07522", "arxiv:2310.01798", "arxiv:2310.03744", "arxiv:2310.03714", "arxiv:2310.04406",
        "t:97f8bf6088fc", "t:97f8bf6088fc", "arxiv:2309.17421", "t:b2237597bf8c", "arxiv:2309.17382",
        "t:138ace9600bc", "arxiv:2309.15402", "t:ce6db9d59812", "t:3caf89a7cc5d", "t:023f9d4fced0"]),
    "hf-daily/daily_papers_2025-07-22.json": ("hf", [
        "arxiv:2507.14683", "arxiv:2507.15846", "arxiv:2507.14843", "arxiv:2507.15061", "arxiv:2507.11061",
        "arxiv:2507.15493", "arxiv:2507.15852", "arxiv:2507.15629", "arxiv:2507.15778", "arxiv:2507.15028",
        "arxiv:2507.15375", "arxiv:2507.11539", "arxiv:2507.15815", "arxiv:2507.15856", "arxiv:2507.15640",
        "arxiv:2507.10935"]),
    "hf-daily/papers_search_q_kazakh.json": ("hf", [
        "arxiv:2404.04487", "arxiv:2403.19399", "arxiv:2403.19335", "arxiv:2111.13419", "arxiv:2404.01033",
        "arxiv:2502.13640", "arxiv:2503.01493", "arxiv:2108.01280", "arxiv:2107.10637"]),
}  # fmt: skip


def arxiv_links(aid: str) -> list[dict]:
    return [
        {"kind": "abs", "url": f"https://arxiv.org/abs/{aid}"},
        {"kind": "pdf", "url": f"https://arxiv.org/pdf/{aid}"},
        {"kind": "hf", "url": f"https://huggingface.co/papers/{aid}"},
    ]


# id -> the fields `show --json` must give (abstract: its start and end; it must be one unwrapped line)
RECORDS = {
    "arxiv:1201.4869": dict(  # 2016 layout: per-element namespaces, wrapped text, dx.doi.org
        title="A Luttinger Liquid Core Inside Helium-4 Filled Nanopores", authors=["Adrian Del Maestro"],
        published="2012-01-23", year=2012, categories=["cond-mat.mes-hall", "cond-mat.other"],
        doi="10.1142/S021797921244002X", comment="26 pages, 10 figures",
        journal_ref="Int. J. Mod. Phys. B, 26, 1244002 (2012)",
        abstract=("As helium-4 is cooled below 2.17 K it undergoes", "intriguing low dimensional state of matter."),
        links=arxiv_links("1201.4869") + [{"kind": "doi", "url": "https://doi.org/10.1142/S021797921244002X"}]),
    "arxiv:cond-mat/0412498": dict(  # old-style id
        title="Thermal melting of density waves on the square lattice", authors=["Adrian Del Maestro", "Subir Sachdev"],
        published="2004-12-19", year=2004, categories=["cond-mat.str-el", "cond-mat.stat-mech"],
        doi="10.1103/PhysRevB.71.184511", journal_ref="Physical Review B 71, 184511 (2005)",
        links=arxiv_links("cond-mat/0412498") + [{"kind": "doi", "url": "https://doi.org/10.1103/PhysRevB.71.184511"}]),
    "arxiv:2202.12139": dict(  # 2026 layout
        title="Testing Deep Learning Models: A First Comparative Study of Multiple Testing Techniques",
        authors=["Mohit Kumar Ahuja", "Arnaud Gotlieb", "Helge Spieker"], published="2022-02-24", year=2022,
        categories=["cs.SE", "cs.LG"], doi="10.1109/ICSTW55395.2022.00035",
        abstract=("Deep Learning (DL) has revolutionized the capabilities", "discuss its results."),
        links=arxiv_links("2202.12139") + [{"kind": "doi", "url": "https://doi.org/10.1109/ICSTW55395.2022.00035"}]),
    "arxiv:astro-ph/0601001": dict(  # a URL in arXiv's comments becomes a project link
        authors=["Andrew Gould", "Susan Dorsher", "B. Scott Gaudi", "Andrzej Udalski"], published="2006-01-02",
        categories=["astro-ph"], doi=None, journal_ref="ActaAstron.56:1-50,2006",
        links=arxiv_links("astro-ph/0601001")
        + [{"kind": "project", "url": "http://www.astronomy.ohio-state.edu/~gould/ogle_hot_jupiters.ps.gz"}]),
    "arxiv:quant-ph/0201082": dict(  # asked for as ...v1: stored without the version
        title="Quantum Computers and Quantum Computer Languages: Quantum Assembly Language and Quantum C Language",
        authors=["Stephen Blaha"], published="2002-01-18", categories=["quant-ph", "cs.PL"],
        links=arxiv_links("quant-ph/0201082")),
    "arxiv:0704.0001": dict(  # OAI: LaTeX accents, authors_parsed, RFC 2822 date of v1
        title="Calculation of prompt diphoton production cross sections at Tevatron and LHC energies",
        authors=["C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C.-P. Yuan"], published="2007-04-02", year=2007,
        categories=["hep-ph"], doi="10.1103/PhysRevD.76.013009", journal_ref="Phys.Rev.D76:013009,2007",
        comment="37 pages, 15 figures; published version",
        abstract=("A fully differential calculation in perturbative quantum chromodynamics", "with judicious selection of events."),
        links=arxiv_links("0704.0001") + [{"kind": "doi", "url": "https://doi.org/10.1103/PhysRevD.76.013009"}]),
    "arxiv:0704.0100": dict(
        title="Topology Change of Black Holes", authors=["Daisuke Ida", "Masaru Siino"], published="2007-04-02",
        categories=["gr-qc"], doi="10.1143/PTP.118.715", journal_ref="Prog.Theor.Phys.118:715-727,2007"),
    "arxiv:2605.25507": dict(  # arXiv's own BibTeX export
        title="Credit Assignment with Resets in Language Model Reasoning", year=2026, published="2026",
        authors=["Ankur Samanta", "Akshayaa Magesh", "Ayush Jain", "Youliang Yu", "Daniel Jiang", "Kavosh Asadi",
                 "Kaveh Hassani", "Paul Sajda", "Jalaj Bhandari", "Yonathan Efroni"],
        categories=["cs.LG"], abstract="", links=arxiv_links("2605.25507")),
    "arxiv:1701.00160": dict(  # Semantic Scholar: the id from volume={abs/...}; its page kept as a page link
        title="NIPS 2016 Tutorial: Generative Adversarial Networks", authors=["Ian J. Goodfellow"], year=2016,
        links=arxiv_links("1701.00160") + [{"kind": "page", "url": "https://api.semanticscholar.org/CorpusID:5216145"}]),
    "arxiv:2302.13971": dict(title="LLaMA: Open and Efficient Foundation Language Models", year=2023),
    "t:4a1c934d3d98": dict(  # no arXiv id: its page, then search links built from the title
        title="Attention is All you Need", arxiv_id=None, year=2017, journal_ref="Neural Information Processing Systems",
        authors=["Ashish Vaswani", "Noam M. Shazeer", "Niki Parmar", "Jakob Uszkoreit", "Llion Jones",
                 "Aidan N. Gomez", "Lukasz Kaiser", "Illia Polosukhin"],
        links=[{"kind": "page", "url": "https://api.semanticscholar.org/CorpusID:13756489"},
               {"kind": "search", "url": "https://arxiv.org/search/?query=Attention+is+All+you+Need&searchtype=title"},
               {"kind": "search", "url": "https://scholar.google.com/scholar?q=Attention+is+All+you+Need"},
               {"kind": "search", "url": "https://www.semanticscholar.org/search?q=Attention+is+All+you+Need"}]),
    "arxiv:2507.15846": dict(  # HF daily: githubRepo and projectPage
        title="GUI-G^2: Gaussian Reward Modeling for GUI Grounding", published="2025-07-21", categories=[],
        links=arxiv_links("2507.15846") + [{"kind": "code", "url": "https://github.com/ZJU-REAL/GUI-G2"},
                                           {"kind": "project", "url": "https://zju-real.github.io/GUI-G2/"}]),
    "arxiv:2507.15493": dict(
        title="GR-3 Technical Report", published="2025-07-21",
        links=arxiv_links("2507.15493") + [{"kind": "project", "url": "https://seed.bytedance.com/GR3"}]),
    "arxiv:2507.14683": dict(published="2025-07-19", links=arxiv_links("2507.14683")),
    "arxiv:2404.04487": dict(  # HF papers/search
        title="KazQAD: Kazakh Open-Domain Question Answering Dataset", published="2024-04-06",
        authors=["Rustem Yeshpanov", "Pavel Efimov", "Leonid Boytsov", "Ardak Shalkarbayuli", "Pavel Braslavski"],
        links=arxiv_links("2404.04487") + [{"kind": "code", "url": "https://github.com/IS2AI/KazQAD"}]),
    "arxiv:2602.11873": dict(  # the arXiv listing e-mail (our sample): accents, code URL from comments
        title="Sparse Mixture-of-Experts Routing with Token-Level Curricula for Multilingual Machine Translation",
        authors=["Ana María Ramírez", "Jürgen Voß", "Chen Wei", "Priya Raghunathan"], published="2026-02-11",
        categories=["cs.CL", "cs.LG"],
        links=arxiv_links("2602.11873") + [{"kind": "code", "url": "https://github.com/example-lab/tlc-moe"}]),
}  # fmt: skip


def shared(rel: str) -> Path:
    path = FIXTURES / rel
    if not path.is_file():
        pytest.skip(f"shared fixture not found at {path}")
    return path


def all_files() -> list[Path]:
    return [shared(rel) for rel in FILES] + [EMAIL]


def check(record: dict, expected: dict) -> None:
    for key, want in expected.items():
        if key == "abstract" and isinstance(want, tuple):
            got = record["abstract"]
            assert got.startswith(want[0]) and got.endswith(want[1]), got[:80]
            assert "\n" not in got and "  " not in got
        else:
            assert record[key] == want, (record["id"], key)


@pytest.mark.parametrize("rel", list(FILES))
def test_each_fixture_alone(cli, rel):
    fmt, ids = FILES[rel]
    path = shared(rel)
    out = cli("import", str(path), "--json")
    assert out.code == 0, out.err
    result = out.json
    unique = len(set(ids))
    expected = {"file": str(path), "format": fmt, "papers": unique, "skipped": []}
    if unique < len(ids):  # the same paper twice in one file: merged, said, and counted once (issue 15)
        duplicates = result["files"][0].get("duplicates", [])
        assert sum(len(d["lines"]) - 1 for d in duplicates) == len(ids) - unique
        expected["duplicates"] = duplicates
    assert result["files"] == [expected] or (fmt == "arxiv-oai" and result["files"][0]["papers"] == len(ids))
    assert (result["added"], result["updated"], result["unchanged"]) == (unique, 0, 0)
    assert cli("stats", "--json").json["papers"] == BUILTIN + unique
    for pid in dict.fromkeys(ids):
        shown = cli("show", pid, "--json")
        assert shown.code == 0 and shown.json["id"] == pid
        if pid in RECORDS:
            check(shown.json, RECORDS[pid])
    again = cli("import", str(path), "--json").json
    assert (again["added"], again["updated"], again["unchanged"]) == (0, 0, unique)


def test_all_fixtures_in_one_command(cli):
    out = cli("import", *map(str, all_files()), "--json")
    assert out.code == 0, out.err
    ids = {pid for _, file_ids in FILES.values() for pid in file_ids} | {f"arxiv:2602.{n}" for n in ()}
    stats = cli("stats", "--json").json
    email = 6
    assert out.json["added"] == len(ids) + email
    assert stats["papers"] == BUILTIN + len(ids) + email
    for pid, expected in RECORDS.items():
        check(cli("show", pid, "--json").json, expected)
    again = cli("import", *map(str, all_files()), "--json").json
    assert again["added"] == again["updated"] == 0
    assert cli("stats", "--json").json == stats


def test_titles_and_authors_are_clean_everywhere(cli, data_dir):
    from paperreader.store import Library

    assert cli("import", *map(str, all_files())).code == 0
    library = Library(data_dir / "library.sqlite3")
    try:
        for record in library.iter_records():
            for text in [record.title, record.abstract, *record.authors]:
                assert text == " ".join(text.split()), (record.id, text[:60])
            for name in record.authors:  # accents decoded (math in titles and abstracts stays TeX)
                assert "\\" not in name and "{" not in name, (record.id, name)
            kinds = [link.kind for link in record.links]
            assert kinds, record.id
            if record.arxiv_id is None:
                assert kinds[-3:] == ["search"] * 3
            else:
                assert kinds[:3] == ["abs", "pdf", "hf"] and "search" not in kinds
    finally:
        library.close()


def test_arxiv_error_feed_is_refused(cli):
    path = shared("arxiv-atom/arxivpy_2026_error_id_abc.xml")
    before = cli("stats", "--json").json
    out = cli("import", str(path))
    assert out.code == 2 and out.out == ""
    assert out.err.strip().splitlines() == [
        f"{path}:9: arXiv answered with an error: incorrect id format for abc (nothing was imported)"
    ]
    assert cli("stats", "--json").json == before
    assert cli("search", "Error", "--json").json["total"] == 0 or all(
        r["title"] != "Error" for r in cli("search", "Error", "--json").json["results"]
    )


def test_year_and_category_filters_work_on_imported_papers(cli):
    cli("import", str(shared("arxiv-atom/arxivpy_2016_search_au_del_maestro.xml")))
    hits = cli("search", "year:2004..2006", "--json", "--limit", "50").json["results"]
    assert {h["id"] for h in hits} >= {"arxiv:cond-mat/0412498", "arxiv:cond-mat/0603029"}
    cats = cli("search", "cat:cond-mat.supr-con", "--json", "--limit", "50").json["results"]
    assert "arxiv:0807.2873" in {h["id"] for h in cats}
