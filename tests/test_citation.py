"""One citation key per paper: the same in every export, whatever the export holds, and unique in the library."""

from __future__ import annotations

import re

from paperreader import citation
from paperreader.model import Paper
from paperreader.store import trash

ENTRY_KEY = re.compile(r"^@misc\{([^,]+),\n(?:.*\n)*?      title=\{([^\n]*)\},$", re.MULTILINE)


def _keys_by_title(bibtex: str) -> dict[str, str]:
    """{title: key} from an export (the titles used here have no BibTeX specials)."""
    return {title: key for key, title in ENTRY_KEY.findall(bibtex)}


def _mamba_library(workspace) -> dict[str, str]:
    """Three papers with the base key gu2023mamba and one with its own; {title: id}."""
    papers = [
        Paper(title="Mamba: Linear-Time Sequence Modeling", authors=("Albert Gu", "Tri Dao"), published="2023-12-01", arxiv_id="2312.00752"),
        Paper(title="Mamba Meets Vision", authors=("Xin Gu",), published="2023-12-01", arxiv_id="2401.09417"),
        Paper(title="The Mamba in the Llama", authors=("Bo Gu",), published="2023-12-01", abstract="no id"),
        Paper(title="Attention Is All You Need", authors=("Ashish Vaswani",), published="2017-06-12", arxiv_id="1706.03762"),
    ]
    workspace.library.upsert(papers)
    titles = {p.title for p in papers}
    records = workspace.library.get_many(workspace.library.list_ids())
    return {r.title: r.id for r in records.values() if r.title in titles}


def test_the_base_key_is_surname_year_first_significant_word():
    assert citation.base_key("Mamba: Linear-Time Sequence Modeling", ["Albert Gu"], 2023) == "gu2023mamba"
    assert citation.base_key("The Ünïcode Way", ["José Núñez"], None) == "nunezunicode"
    assert citation.base_key("On a Theory", [], 2020) == "2020theory"
    assert citation.base_key("??", [], None) == "paper"


def test_papers_sharing_a_key_get_suffixes_from_their_ids_in_any_order():
    ids = ["arxiv:2312.00752", "arxiv:2401.09417", "t:0123456789ab"]
    first = {pid: citation.key_in_group(pid, "gu2023mamba", ids) for pid in ids}
    again = {pid: citation.key_in_group(pid, "gu2023mamba", list(reversed(ids))) for pid in ids}
    assert first == again and len(set(first.values())) == 3
    assert all(re.fullmatch(r"gu2023mamba-[a-z]{3,}", key) for key in first.values())
    assert citation.key_in_group("arxiv:1", "vaswani2017attention", ["arxiv:1"]) == "vaswani2017attention"


def test_two_exports_of_different_subsets_give_a_paper_the_same_key(workspace, cli):
    ids = _mamba_library(workspace)
    lib = workspace.library
    lib.add_tags(ids["Mamba: Linear-Time Sequence Modeling"], ["one"])
    for title in ("Mamba: Linear-Time Sequence Modeling", "Mamba Meets Vision", "The Mamba in the Llama"):
        lib.add_tags(ids[title], ["three"])
    lib.add_tags(ids["Attention Is All You Need"], ["one"])

    alone = cli("export", "--tag", "one", "--format", "bibtex")
    group = cli("export", "--tag", "three", "--format", "bibtex")
    everything = cli("export", "--format", "bibtex")
    assert alone.code == group.code == everything.code == 0
    alone, group, everything = _keys_by_title(alone.out), _keys_by_title(group.out), _keys_by_title(everything.out)
    mamba = "Mamba: Linear-Time Sequence Modeling"
    assert alone[mamba] == group[mamba] == everything[mamba]
    assert re.fullmatch(r"gu2023mamba-[a-z]{3,}", alone[mamba])  # it shares its base with two others
    assert alone["Attention Is All You Need"] == everything["Attention Is All You Need"] == "vaswani2017attention"
    assert len(set(everything.values())) == len(everything)  # unique across the library
    for title in group:
        assert group[title] == everything[title]


def test_keys_follow_the_library_as_papers_come_and_go(workspace):
    ids = _mamba_library(workspace)
    lib = workspace.library
    mamba = lib.get(ids["Mamba: Linear-Time Sequence Modeling"])
    shared = citation.citation_key(lib, mamba)
    assert shared.startswith("gu2023mamba-")
    others = [ids["Mamba Meets Vision"], ids["The Mamba in the Llama"]]
    trash.delete_papers(lib, others)  # through the change log: this process's lookup table follows
    assert citation.citation_key(lib, mamba) == "gu2023mamba"
    trash.restore_entries(lib, [e.entry for e in trash.entries(lib)])
    assert citation.citation_key(lib, mamba) == shared
