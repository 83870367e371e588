"""`tags rename` of a tag no paper has says there is no such tag (one line, exit 1, nothing
changed), also when the new name is the same tag (it said "already called ...")."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("old, new", [("nosuch", "nosuch"), ("NoSuch", "nosuch"), ("#nosuch", "No Such"), ("nosuch", "ml")])
def test_renaming_a_tag_that_does_not_exist_says_so(cli, old, new):
    pid = cli("list", "--sort", "title", "--json").json["results"][0]["id"]
    assert cli("tag", pid, "ml").code == 0
    before = cli("tags", "--json").json
    out = cli("tags", "rename", old, new)
    assert out.code == 1 and out.out == ""
    assert out.err.strip().splitlines() == [f"paperreader: no paper has the tag {old.lstrip('#').lower()!r}"]
    assert cli("tags", "--json").json == before == {"tags": [{"tag": "ml", "count": 1}]}


def test_renaming_an_existing_tag_onto_itself_still_says_it_is_already_called_that(cli):
    pid = cli("list", "--sort", "title", "--json").json["results"][0]["id"]
    cli("tag", pid, "ml")
    out = cli("tags", "rename", "ML", "ml")
    assert out.code == 2 and "already called 'ml'" in out.err and len(out.err.strip().splitlines()) == 1
