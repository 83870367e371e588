"""Links as `show --json` lists them, for the generic CSV and JSON formats and the built-in page dump
(the other formats are covered with their fixtures): abs/pdf/hf for an arXiv id, DOI, code and project
pages, a paper page, and search links built from the title when there is no id."""

from __future__ import annotations

import json

CSV = """title,abstract,authors,arxiv_id,doi,code,project_page,url
Mamba: Linear-Time Sequence Modeling with Selective State Spaces,We propose Mamba.,"Albert Gu, Tri Dao",arXiv:2312.00752v2,,https://github.com/state-spaces/mamba,,
A Paper Without An Id,Code lives at https://gitlab.com/someone/tool.,Ann Author,,10.1000/xyz,,https://someone.github.io/tool,https://openreview.net/forum?id=abc
"""


def kinds_and_urls(paper: dict) -> list[tuple[str, str]]:
    return [(link["kind"], link["url"]) for link in paper["links"]]


def test_csv_links(cli, tmp_path):
    path = tmp_path / "papers.csv"
    path.write_text(CSV, encoding="utf-8")
    assert cli("import", str(path)).code == 0
    mamba = cli("show", "2312.00752", "--json").json
    assert kinds_and_urls(mamba) == [
        ("abs", "https://arxiv.org/abs/2312.00752"), ("pdf", "https://arxiv.org/pdf/2312.00752"),
        ("hf", "https://huggingface.co/papers/2312.00752"), ("code", "https://github.com/state-spaces/mamba"),
    ]  # fmt: skip
    other = cli("show", cli("search", 'title:"A Paper Without An Id"', "--json").json["results"][0]["id"], "--json").json
    assert kinds_and_urls(other) == [
        ("doi", "https://doi.org/10.1000/xyz"), ("project", "https://someone.github.io/tool"),
        ("page", "https://openreview.net/forum?id=abc"), ("code", "https://gitlab.com/someone/tool"),
        ("search", "https://arxiv.org/search/?query=A+Paper+Without+An+Id&searchtype=title"),
        ("search", "https://scholar.google.com/scholar?q=A+Paper+Without+An+Id"),
        ("search", "https://www.semanticscholar.org/search?q=A+Paper+Without+An+Id"),
    ]  # fmt: skip


def test_json_links_and_csv_export_round_trip(cli, tmp_path):
    path = tmp_path / "papers.json"
    path.write_text(json.dumps({"papers": [{"Title": "Attention Is All You Need", "URL": "https://arxiv.org/abs/1706.03762",
                                            "GitHub": "https://github.com/tensorflow/tensor2tensor"}]}), encoding="utf-8")  # fmt: skip
    assert cli("import", str(path)).code == 0
    paper = cli("show", "arxiv:1706.03762", "--json").json
    assert kinds_and_urls(paper)[3:] == [("code", "https://github.com/tensorflow/tensor2tensor")]
    exported = tmp_path / "all.csv"
    assert cli("export", "--format", "csv", "-o", str(exported)).code == 0
    before = {r["id"]: r["title"] for r in cli("list", "--json").json["results"]}
    other = tmp_path / "other"
    back = cli("--data-dir", str(other), "import", str(exported), "--json")
    assert back.code == 0 and back.json["added"] == 1  # the built-in papers were there already
    after = {r["id"]: r["title"] for r in cli("--data-dir", str(other), "list", "--json").json["results"]}
    assert after == before


def test_builtin_papers_have_search_links_only(cli):
    hit = cli("search", 'title:"Hybrid lemmatization in HuSpaCy"', "--json").json["results"][0]
    links = cli("show", hit["id"], "--json").json["links"]
    assert [link["kind"] for link in links] == ["search", "search", "search"]
    assert links[0]["url"] == "https://arxiv.org/search/?query=Hybrid+lemmatization+in+HuSpaCy&searchtype=title"
