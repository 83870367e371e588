"""show, star, tag, note, similar, delete and restore-paper take every id or link the search box
takes (search/lookup.py): a Hugging Face paper link, a doi.org link, a DOI, arXiv's DOI."""

from __future__ import annotations

import pytest

from paperreader.model import Paper


@pytest.fixture
def papers(workspace):
    workspace.library.upsert([
        Paper(title="Mamba: Linear-Time Sequence Modeling with Selective State Spaces", arxiv_id="2312.00752",
              abstract="Selective state space models."),
        Paper(title="On the Dangers of Stochastic Parrots", doi="10.1145/3442188.3445922", abstract="Parrots."),
    ])
    return workspace


@pytest.mark.parametrize("typed, pid", [
    ("https://huggingface.co/papers/2312.00752", "arxiv:2312.00752"),
    ("https://doi.org/10.48550/arXiv.2312.00752", "arxiv:2312.00752"),
    ("10.48550/arXiv.2312.00752", "arxiv:2312.00752"),
    ("https://doi.org/10.1145/3442188.3445922", None),
    ("doi:10.1145/3442188.3445922", None),
])
def test_links_and_dois_name_the_paper(papers, cli, typed, pid):
    pid = pid or papers.library.id_by_doi("10.1145/3442188.3445922")
    assert cli("show", typed, "--json").json["id"] == pid
    assert cli("star", typed).code == 0 and cli("show", pid, "--json").json["starred"] is True
    assert cli("tag", typed, "linked").code == 0 and "linked" in cli("show", pid, "--json").json["tags"]
    assert cli("note", typed, "--set", "by link").code == 0 and cli("note", pid).out == "by link\n"
    assert cli("similar", typed, "--json").json["id"] == pid
    assert cli("delete", typed).code == 0 and cli("show", pid).code == 1
    shown = cli("show", typed)
    assert shown.code == 1 and "is in the trash" in shown.err and f"restore-paper {pid}" in shown.err
    assert cli("restore-paper", typed).code == 0 and cli("show", pid, "--json").json["note"] == "by link"


def test_a_link_to_a_paper_not_in_the_library_is_not_found_not_malformed(papers, cli):
    for typed in ("https://huggingface.co/papers/2405.11111", "https://doi.org/10.1000/nothing.here"):
        out = cli("show", typed)
        assert out.code == 1 and out.err == f"paperreader: no paper with id {typed!r}\n"
    assert cli("show", "https://example.com/paper").code == 2


def test_export_of_pasted_ids_says_which_are_missing_and_keeps_their_order(papers, cli, tmp_path):
    target = tmp_path / "two.csv"
    out = cli("export", "--format", "csv", "--query", "2405.11111 https://huggingface.co/papers/2312.00752 "
              "https://doi.org/10.1145/3442188.3445922", "-o", str(target))
    assert out.code == 0
    assert "paperreader: 2 of the 3 ids found; not in the library: arXiv:2405.11111" in out.err
    rows = target.read_text().splitlines()
    assert rows[1].startswith("arxiv:2312.00752,") and "Stochastic Parrots" in rows[2] and len(rows) == 3
    assert cli("export", "--format", "csv", "--query", "2312.00752 2405.11111").out.startswith("id,title")  # stdout: the CSV alone
