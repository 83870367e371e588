"""A deleted paper searched by its id or link says it is in the trash and how to bring it back, not
that it is "not in the library" (which would send the user to fetch it again)."""

from __future__ import annotations

import pytest

from paperreader.model import Paper
from paperreader.store import trash

MAMBA = "Mamba: Linear-Time Sequence Modeling with Selective State Spaces"


@pytest.fixture
def deleted(workspace):
    workspace.library.upsert([
        Paper(title=MAMBA, arxiv_id="2312.00752", abstract="Selective state space models."),
        Paper(title="A paper known by its DOI", doi="10.1145/3442188.3445922", abstract="Stochastic parrots."),
        Paper(title="A paper that stays", arxiv_id="2401.00001", abstract="Vision."),
    ])
    trash.delete_papers(workspace.library, ["arxiv:2312.00752", workspace.library.id_by_doi("10.1145/3442188.3445922")])
    return workspace


@pytest.mark.parametrize("query", ["2312.00752", "arXiv:2312.00752v2", "https://arxiv.org/abs/2312.00752"])
def test_a_trashed_arxiv_paper_says_it_is_in_the_trash(deleted, cli, query):
    results = deleted.engine.search(query)
    assert results.total == 0 and "not in the library" not in results.notice
    assert results.notice.startswith("arXiv:2312.00752 is in the trash")
    assert "paperreader restore-paper arxiv:2312.00752" in results.notice and "bring it back with ctrl+p, Restore from the trash in the reader" in results.notice
    out = cli("search", query)
    assert out.code == 0 and "is in the trash" in out.out and "paperreader restore-paper arxiv:2312.00752" in out.out
    assert "in the trash" in cli("search", query, "--json").json["notice"]


def test_a_trashed_doi_says_so_and_restoring_finds_it_again(deleted, cli):
    notice = deleted.engine.search("https://doi.org/10.1145/3442188.3445922").notice
    assert notice.startswith("doi:10.1145/3442188.3445922 is in the trash") and "restore-paper t:" in notice
    pid = notice.split("restore-paper ")[1].split()[0]
    assert cli("restore-paper", pid).code == 0
    results = deleted.engine.search("10.1145/3442188.3445922")
    assert [h.record.title for h in results.hits] == ["A paper known by its DOI"]


def test_pasted_ids_say_which_are_in_the_trash(deleted):
    results = deleted.engine.search("2401.00001 2312.00752 2405.11111")
    assert [h.id for h in results.hits] == ["arxiv:2401.00001"]
    assert results.notice.startswith("1 of the 3 ids found; in the trash (ctrl+p, Restore from the trash): "
                                     "arXiv:2312.00752 (paperreader restore-paper arxiv:2312.00752)")
    assert "not in the library: arXiv:2405.11111" in results.notice


def test_a_paper_never_in_the_library_is_still_not_in_it(deleted):
    notice = deleted.engine.search("1601.00001").notice
    assert notice == "arXiv:1601.00001 is not in the library: paperreader fetch arxiv id:1601.00001"


def test_show_of_a_trashed_paper_says_it_is_in_the_trash(deleted, cli):
    out = cli("show", "2312.00752")
    assert out.code == 1 and len(out.err.strip().splitlines()) == 1
    assert "in the trash" in out.err and "paperreader restore-paper arxiv:2312.00752" in out.err
    assert cli("show", "2405.11111").err.strip() == "paperreader: no paper with id '2405.11111'"
