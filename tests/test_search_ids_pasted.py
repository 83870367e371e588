"""Several ids or links pasted at once into the search find those papers, and say which are not in
the library (in the trash: how to bring them back; else how to fetch them)."""

from __future__ import annotations

import pytest

from paperreader.model import Paper

MAMBA = "Mamba: Linear-Time Sequence Modeling with Selective State Spaces"


@pytest.fixture
def with_ids(workspace):
    workspace.library.upsert([
        Paper(title=MAMBA, arxiv_id="2312.00752", abstract="Selective state space models."),
        Paper(title="A paper from January", arxiv_id="2401.00001", abstract="Vision."),
        Paper(title="An old string theory paper", arxiv_id="hep-th/9901001", abstract="Strings."),
        Paper(title="A paper known by its DOI", doi="10.1145/3442188.3445922", abstract="Stochastic parrots."),
    ])
    return workspace


@pytest.mark.parametrize("text", [
    "2401.00001 2312.00752",
    "2401.00001, 2312.00752",
    "2401.00001,2312.00752",
    "2401.00001\n2312.00752\n",
    "arXiv: 2401.00001; https://arxiv.org/abs/2312.00752v2",
    "https://huggingface.co/papers/2401.00001 <https://arxiv.org/pdf/2312.00752.pdf>",
])
def test_pasted_ids_find_those_papers(with_ids, cli, text):
    results = with_ids.engine.search(text)
    assert sorted(h.id for h in results.hits) == ["arxiv:2312.00752", "arxiv:2401.00001"]
    assert results.notice == "2 ids: found by their ids"
    out = cli("search", text, "--json").json
    assert sorted(r["id"] for r in out["results"]) == ["arxiv:2312.00752", "arxiv:2401.00001"]


def test_a_mix_says_which_are_not_in_the_library(with_ids, cli):
    text = "2312.00752 https://doi.org/10.1145/3442188.3445922 hep-th/9901001 2405.11111"
    results = with_ids.engine.search(text)
    assert {h.record.title for h in results.hits} == {MAMBA, "A paper known by its DOI", "An old string theory paper"}
    assert results.notice.startswith("3 of the 4 ids found; not in the library: arXiv:2405.11111")
    assert "paperreader fetch arxiv id:2405.11111" in results.notice
    out = cli("search", text)
    assert out.code == 0 and "3 of the 4 ids found" in out.out and "2405.11111" in out.out


def test_none_found_says_so_for_each(with_ids):
    results = with_ids.engine.search("2405.11111 2405.22222")
    assert results.total == 0 and not results.hits
    assert "not in the library: arXiv:2405.11111" in results.notice and "arXiv:2405.22222" in results.notice


def test_a_filter_still_applies(with_ids):
    with_ids.library.toggle_star("arxiv:2312.00752")
    results = with_ids.engine.search("2401.00001 2312.00752", filter_query="is:starred")
    assert [h.id for h in results.hits] == ["arxiv:2312.00752"]


@pytest.mark.parametrize("text", ["mamba 2312.00752", "2312.00752", "2312 2401", "1.5 2.5", "state space, models"])
def test_words_with_ids_are_not_a_list_of_ids(text):
    from paperreader.search.lookup import identify_all

    assert identify_all(text) is None


def test_the_same_id_twice_is_one(with_ids):
    from paperreader.search.lookup import identify_all

    assert identify_all("2312.00752 arXiv:2312.00752v2") == [identify_all("2312.00752 2401.00001")[0]]
    assert [h.id for h in with_ids.engine.search("2312.00752 arXiv:2312.00752v2").hits] == ["arxiv:2312.00752"]
    results = with_ids.engine.search("2312.00752 2312.00752v2 2401.00001")
    assert len(results.hits) == 2


@pytest.mark.parametrize("text, order", [
    ("2401.00001 2312.00752 hep-th/9901001", ["arxiv:2401.00001", "arxiv:2312.00752", "arxiv:hep-th/9901001"]),
    ("hep-th/9901001, 2312.00752, 2401.00001", ["arxiv:hep-th/9901001", "arxiv:2312.00752", "arxiv:2401.00001"]),
    ("2312.00752 https://doi.org/10.1145/3442188.3445922 2405.11111 2312.00752v2 2401.00001",
     ["arxiv:2312.00752", "t:", "arxiv:2401.00001"]),
])
def test_pasted_ids_come_back_in_the_order_pasted(with_ids, cli, text, order):
    def same(ids):
        return len(ids) == len(order) and all(i == o or (o == "t:" and i.startswith("t:")) for i, o in zip(ids, order))

    results = with_ids.engine.search(text)
    assert same([h.id for h in results.hits])
    assert same(with_ids.engine.ranked_ids(results.parsed, 10))  # the reader's later pages, next unread, `*`
    assert same([r["id"] for r in cli("search", text, "--json").json["results"]])
    assert same([h.id for h in with_ids.engine.search(text, limit=2).hits] + order[2:])  # the first two named


def test_more_pasted_than_the_limit_gives_the_first_named(workspace):
    workspace.library.upsert([Paper(title=f"Paper number {i}", arxiv_id=f"2401.{i:05d}", abstract="Text.") for i in range(1, 31)])
    text = " ".join(f"2401.{i:05d}" for i in range(30, 0, -1))
    results = workspace.engine.search(text, limit=5)
    assert results.total == 30
    assert [h.id for h in results.hits] == [f"arxiv:2401.{i:05d}" for i in range(30, 25, -1)]
