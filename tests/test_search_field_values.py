"""Field values read as a new user types them: `tag:` names cleaned as the store cleans tags
(text.clean_tag), an unknown field refused with the fields named (ids, links and times stay text),
open year ranges. The real store and index in a temporary data dir."""

from __future__ import annotations

import pytest

from paperreader.model import Paper
from paperreader.search.query import QueryError, make_parser, parse
from paperreader.search.schema import build_schema

FIELDS = "fields: title, abstract, author, note, tag, cat, year, is, has"


@pytest.fixture
def dated(workspace):
    """Three dated papers with arXiv categories beside the built-in corpus (which has no dates)."""
    papers = [Paper(title=f"Wombat study {year}", abstract="Wombats burrow.", arxiv_id=f"{year - 2000:02d}01.0000{i}",
                    published=f"{year}-03-01", categories=(cat,))
              for i, (year, cat) in enumerate([(2018, "cs.LG"), (2020, "cs.CL"), (2023, "math.PR")], 1)]
    workspace.library.upsert(papers)
    return {p.published[:4]: p.id for p in papers}


# -- tag: as the store names tags --------------------------------------------------------------------------
@pytest.mark.parametrize("query", ['tag:"deep learning"', 'tag:"Deep  Learning"', "tag:deep-learning",
                                   'tags:"#deep learning"', "tag:#deep-learning", "tag:#Deep-Learning", "tag:#deep*"])
def test_a_tag_is_found_as_it_was_given(workspace, query):
    pid = workspace.library.list_ids()[3]
    assert workspace.library.add_tags(pid, ["deep learning"]) == ("deep-learning",)
    assert [h.id for h in workspace.engine.search(query).hits] == [pid]


def test_a_hash_tag_and_both_parser_paths(workspace):
    pid = workspace.library.list_ids()[5]
    workspace.library.add_tags(pid, ["#x"])
    assert [h.id for h in workspace.engine.search("tag:#x").hits] == [pid]
    assert [h.id for h in workspace.engine.search("tag:#x OR zzzunknown").hits] == [pid]  # Whoosh's parser
    schema = build_schema()
    fast, whoosh_only = make_parser(schema), make_parser(schema)
    whoosh_only.simple_reader = None
    for text, term in [("tag:#x", "x"), ('tag:"deep learning"', "deep-learning"), ("tag:#ML", "ml")]:
        trees = [repr(parse(text, p, None).whoosh) for p in (fast, whoosh_only)]
        assert trees == [f"Term('tag', '{term}')"] * 2, text


def test_the_cli_finds_a_tag_as_tagged(cli):
    pid = cli("search", "mamba", "--json", "--limit", "1").json["results"][0]["id"]
    assert cli("tag", pid, "deep learning").code == 0
    assert [r["id"] for r in cli("list", "--tag", "deep learning", "--json").json["results"]] == [pid]
    for query in ('tag:"deep learning"', "tag:deep-learning", "tag:#deep-learning"):
        out = cli("search", query, "--json")
        assert out.code == 0 and [r["id"] for r in out.json["results"]] == [pid], query


# -- an unknown field --------------------------------------------------------------------------------------
@pytest.mark.parametrize("query, name, near", [
    ("auther:gu", "auther", "author"), ("foo:bar", "foo", None), ("mamba tittle:state", "tittle", "title"),
    ('yaer:2020 "state space"', "yaer", "year"), ("mamba OR catt:cs.LG", "catt", "cat"), ("Autor:(gu dao)", "Autor", "author"),
])
def test_an_unknown_field_is_refused_naming_the_fields(workspace, query, name, near):
    with pytest.raises(QueryError) as err:
        workspace.engine.search(query)
    message = str(err.value)
    assert message.startswith(f"unknown field '{name}:' ({FIELDS}") and "\n" not in message
    assert (f"did you mean {near}:?" in message) if near else "did you mean" not in message


def test_an_unknown_field_in_the_cli_exits_2(cli):
    out = cli("search", "auther:gu")
    assert out.code == 2 and "unknown field 'auther:'" in out.err and "did you mean author:?" in out.err
    assert "Error" not in out.err and out.out == ""
    assert cli("saved", "add", "typo", "foo:bar").code == 2
    assert cli("search", "author:gu", "--json").code == 0


@pytest.mark.parametrize("query", [
    "https://example.org/mamba", "mamba https://github.com/state-spaces/mamba", "arxiv:9999.99999",
    "arxiv:2312.00752", "doi:10.1145/3442188.3445922", "mamba 10:30", "Mamba: linear-time sequence modeling",
    "std::vector mamba", "t:4a1c934d3d98", '"mamba:linear"',
    "the results show accuracy:95 on every benchmark we tried here",  # a pasted sentence: colons are text
])
def test_colons_that_are_not_fields_stay_text(workspace, query):
    workspace.engine.search(query)  # no QueryError


# -- open year ranges --------------------------------------------------------------------------------------
@pytest.mark.parametrize("query, years", [
    ("year:2020..", {"2020", "2023"}), ("year:..2020", {"2018", "2020"}), ("year:2019..2022", {"2020"}),
    ("wombat year:2021..", {"2023"}), ("year:1000..2020", {"2018", "2020"}), ("(year:..2018 OR year:2023..) wombat", {"2018", "2023"}),
    ("year:2022..2019", {"2020"}), ("year:2023..2018", {"2018", "2020", "2023"}),  # backwards: the range meant (was nothing)
])
def test_open_year_ranges(workspace, dated, query, years):
    found = {h.id for h in workspace.engine.search(query, limit=100).hits}
    assert found == {dated[y] for y in years}


def test_a_range_open_at_both_ends_is_refused(workspace):
    with pytest.raises(QueryError, match=r"year:\.\. is not a year \(try year:2024, year:2020\.\.2024, year:2020\.\. or"):
        workspace.engine.search("year:..")


# -- cat: an archive is its categories ---------------------------------------------------------------------
@pytest.mark.parametrize("query, years", [
    ("cat:cs", {"2018", "2020"}), ("cat:CS", {"2018", "2020"}), ("category:math", {"2023"}), ("cat:cs.LG", {"2018"}),
    ("cat:c", set()), ("wombat -cat:cs", {"2023"}), ("cat:(cs OR math) wombat", {"2018", "2020", "2023"}),
    ("cat:cs year:2019..", {"2020"}),
])
def test_an_archive_finds_its_categories(workspace, dated, query, years):
    found = {h.id for h in workspace.engine.search(query, limit=100).hits}
    assert found == {dated[y] for y in years}


def test_a_tag_phrase_being_typed_finds_the_tag_begun(workspace):
    """In the search box an open quote is closed and its last word is a prefix: `tag:"deep lea` is
    the tag deep-lea... begun (`tag:"dee` was already a prefix)."""
    pid = workspace.library.list_ids()[7]
    workspace.library.add_tags(pid, ["deep learning"])
    for typed in ('tag:"deep lea', 'tag:"Deep Learn', 'tag:"dee', 'mamba OR tag:"deep l'):
        assert pid in [h.id for h in workspace.engine.search(typed, typing=True, limit=50).hits], typed
    assert workspace.engine.search('tag:"deep lea"', typing=True).total == 0  # closed: whole
