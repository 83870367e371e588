"""An argument that names one tag (`tags rename OLD NEW`, `list --tag`, `export --tag`) refuses a comma,
since a comma separates tags wherever tags are typed (`tag ID a,b` is two tags, tests/test_cli_tag_rule.py).
Before, `tags rename ml 'a,b'` quietly renamed #ml to the one tag #a-b."""

from __future__ import annotations

import pytest


@pytest.fixture
def tagged(cli):
    pid = cli("list", "--json", "--limit", "1").json["results"][0]["id"]
    assert cli("tag", pid, "ml").code == 0
    return pid


@pytest.mark.parametrize(("args", "where"), [
    (("tags", "rename", "ml", "a,b"), "tags rename: argument NEW"),
    (("tags", "rename", "ml", "a,"), "tags rename: argument NEW"),
    (("tags", "rename", "ml,rl", "b"), "tags rename: argument OLD"),
    (("list", "--tag", "ml,rl"), "list: argument --tag"),
])  # fmt: skip
def test_a_comma_in_one_tag_is_refused_in_one_line_naming_the_argument(cli, tagged, args, where):
    refused = cli(*args)
    assert refused.code == 2 and refused.out == ""
    assert len(refused.err.splitlines()) == 1
    assert refused.err.startswith(f"paperreader {where}: ") and "holds a comma, which separates tags" in refused.err
    assert cli("show", tagged, "--json").json["tags"] == ["ml"]  # nothing changed
    assert [t["tag"] for t in cli("tags", "--json").json["tags"]] == ["ml"]


def test_rename_to_one_name_still_cleans_it_as_tag_does(cli, tagged):
    done = cli("tags", "rename", "#ML", "Deep Learning", "--json")
    assert done.code == 0 and done.json == {"old": "ml", "new": "deep-learning", "papers": 1, "merged": False}
    assert cli("show", tagged, "--json").json["tags"] == ["deep-learning"]


def test_help_says_so(data_dir, capsys):
    from paperreader.cli import main

    with pytest.raises(SystemExit):
        main(["tags", "rename", "--help"])
    out = capsys.readouterr().out
    assert "a name with a comma is refused" in " ".join(out.split())
