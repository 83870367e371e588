"""Real files that are not among ../shared/fixtures, through `paperreader import`, field by field
(provenance in tests/fixtures/README.md)."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent / "fixtures"


def arxiv_links(aid: str) -> list[dict]:
    return [{"kind": k, "url": u} for k, u in (("abs", f"https://arxiv.org/abs/{aid}"),
            ("pdf", f"https://arxiv.org/pdf/{aid}"), ("hf", f"https://huggingface.co/papers/{aid}"))]  # fmt: skip


def test_dblp_bibtex_records(cli):
    out = cli("import", str(HERE / "dblp_records.bib"), "--json")
    assert out.code == 0 and (out.json["added"], out.json["files"][0]["papers"]) == (5, 5)
    xlmr = cli("show", "arxiv:1911.02116", "--json").json  # eprinttype = {arXiv}
    assert xlmr["title"] == "Unsupervised Cross-lingual Representation Learning at Scale"
    assert xlmr["authors"][5] == "Francisco Guzmán" and len(xlmr["authors"]) == 10
    assert (xlmr["year"], xlmr["journal_ref"], xlmr["links"]) == (2019, None, arxiv_links("1911.02116"))
    shi = cli("show", "arxiv:1609.05158", "--json").json  # title over two lines, archivePrefix
    assert shi["title"] == ("Real-Time Single Image and Video Super-Resolution Using an Efficient "
                            "Sub-Pixel Convolutional Neural Network")  # fmt: skip
    assert shi["authors"][2] == "Ferenc Huszár"
    assert cli("show", "arxiv:1901.02477", "--json").json["authors"][1] == "Anderson Santana de Oliveira"
    letor = cli("show", "arxiv:1306.2597", "--json").json  # the id only in url
    assert (letor["title"], letor["authors"]) == ("Introducing LETOR 4.0 Datasets", ["Tao Qin", "Tie-Yan Liu"])
    hits = cli("search", 'title:"trajectory similarity"', "--json").json["results"]
    icde = cli("show", hits[0]["id"], "--json").json  # no arXiv id: DOI link, then search links
    assert icde["id"].startswith("t:") and icde["doi"] == "10.1109/ICDE.2018.00062"
    assert icde["journal_ref"] == "34th IEEE International Conference on Data Engineering, ICDE 2018, Paris, France, April 16-19, 2018"
    assert [link["kind"] for link in icde["links"]] == ["doi", "search", "search", "search"]
    again = cli("import", str(HERE / "dblp_records.bib"), "--json").json
    assert (again["added"], again["unchanged"]) == (0, 5)


def test_oai_line_with_old_style_id_and_affiliations(cli):
    out = cli("import", str(HERE / "oai_snapshot_hep-th_9608091.jsonl"), "--json")
    assert out.code == 0 and out.json["added"] == 1
    paper = cli("show", "hep-th/9608091", "--json").json
    assert paper["id"] == "arxiv:hep-th/9608091"
    assert paper["title"] == "Excited State Destri - De Vega Equation for Sine-Gordon and Restricted Sine-Gordon Models"
    assert paper["authors"] == ["D. Fioravanti", "A. Mariottini", "E. Quattrini", "F. Ravanini"]
    assert (paper["published"], paper["categories"]) == ("1996-08-14", ["hep-th"])
    assert paper["doi"] == "10.1016/S0370-2693(96)01409-8" and paper["journal_ref"] == "Phys.Lett.B390:243-251,1997"
    assert paper["abstract"].startswith("We derive a generalization") and paper["abstract"].endswith("of the Kac-table.")
    assert paper["links"] == arxiv_links("hep-th/9608091") + [
        {"kind": "doi", "url": "https://doi.org/10.1016/S0370-2693(96)01409-8"}]
