"""`tag:(...)` values cleaned as `tag:x` is (text.clean_tag, as the store names tags): `#ml`, `#ML`,
`"deep learning"` inside a group name the tags ml and deep-learning. The real store and index."""

from __future__ import annotations

import pytest


@pytest.fixture
def tagged(workspace):
    ids = workspace.library.list_ids()
    workspace.library.add_tags(ids[1], ["ml"])
    workspace.library.add_tags(ids[2], ["deep learning"])
    workspace.library.add_tags(ids[3], ["nlp", "ml"])
    return ids[1], ids[2], ids[3]


@pytest.mark.parametrize("query, want", [
    ("tag:(#ml OR #deep-learning)", {1, 2, 3}),
    ('tag:(#ML OR "Deep Learning")', {1, 2, 3}),
    ("tag:(#ml #nlp)", {3}),
    ("tags:(#nlp OR (#Deep-Learning))", {2, 3}),
    ("tag:(#ml -#nlp)", {1}),
    ("tag:(#ml OR #nlp) NOT tag:(#nlp)", {1}),
    ("tag:(#deep*)", {2}),
])
def test_tag_values_in_a_group_are_cleaned(workspace, tagged, query, want):
    got = {h.id for h in workspace.engine.search(query).hits}
    assert got == {tagged[i - 1] for i in want}, query


def test_the_cli_finds_tags_in_a_group(cli):
    first, second = (r["id"] for r in cli("search", "mamba", "--limit", "2", "--json").json["results"])
    assert cli("tag", first, "ml").code == 0 and cli("tag", second, "deep learning").code == 0
    out = cli("search", 'tag:(#ml OR "deep learning")', "--json")
    assert out.code == 0 and {r["id"] for r in out.json["results"]} == {first, second}
