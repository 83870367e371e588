"""`paperreader tag ID a,b` makes two tags, as the reader's tag dialog does; before it made the one tag
`a-b`. In the dialog spaces separate tags too (text.tag_names); in the CLI the shell has split the
words already, and one quoted argument's spaces join its words (`"deep learning"` is deep-learning,
the tag `tag:"deep learning"` finds). tests/tui/test_tui_tag_rule.py types the dialog's texts."""

from __future__ import annotations

import pytest

from paperreader.text import tag_names

# what is typed in the reader's tag dialog -> the tags it names
TYPED = [
    ("a,b", ["a", "b"]),
    ("ml rl", ["ml", "rl"]),
    ("#ML, Deep-Learning,,", ["ml", "deep-learning"]),
    ("x, x", ["x"]),
]


@pytest.mark.parametrize(("typed", "tags"), TYPED)
def test_the_rule(typed, tags):
    assert tag_names(typed) == tags


def test_tag_and_untag_take_several_tags_in_one_argument(cli):
    pid = cli("list", "--json", "--limit", "1").json["results"][0]["id"]
    done = cli("tag", pid, "a,b", "--json")
    assert done.code == 0 and done.json == {"id": pid, "tags": ["a", "b"]}
    assert cli("tag", pid, "#ML, Deep-Learning", "ml rl", "rl").out == f"{pid}: a b deep-learning ml ml-rl rl\n"
    assert [t["tag"] for t in cli("tags", "--json").json["tags"]] == sorted(["a", "b", "deep-learning", "ml", "ml-rl", "rl"])
    assert cli("untag", pid, "a, b", "ml,", "ml rl").out == f"{pid}: deep-learning rl\n"
    missing = cli("untag", pid, "rl,zz")
    assert missing.code == 0 and missing.err == f"paperreader: {pid} had no tag 'zz'\n"
    assert cli("show", pid, "--json").json["tags"] == ["deep-learning"]


def test_an_argument_naming_no_tag_is_refused_and_nothing_changes(cli):
    pid = cli("list", "--json", "--limit", "1").json["results"][0]["id"]
    refused = cli("tag", pid, "good", ", ,")
    assert refused.code == 2 and not refused.out
    assert refused.err == "paperreader tag: argument TAG: ', ,' is not a tag name\n"
    assert cli("show", pid, "--json").json["tags"] == []
