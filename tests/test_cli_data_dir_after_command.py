"""`--data-dir DIR` is read after the command as well as before it (`paperreader search --data-dir
DIR QUERY`, as users type it); after the command it wins. A query may still begin with `-word`."""

from __future__ import annotations


def test_data_dir_after_the_command_is_the_library_used(cli, tmp_path):
    other = tmp_path / "other"
    before = cli("paths", "--json").json
    after = cli("paths", "--data-dir", str(other), "--json")
    assert after.code == 0, after.err
    assert after.json != before and str(other) in after.out  # the one after the command wins
    assert cli("paths", f"--data-dir={other}", "--json").json == after.json
    assert cli("paths", "--json").json == before  # and the one before it holds when none follows


def test_search_with_data_dir_after_the_command(cli, data_dir, tmp_path):
    other = tmp_path / "other"
    assert not other.exists()
    out = cli("search", "--data-dir", str(other), "-hybrid", "neural", "--json", "--limit", "0")
    assert out.code == 0, out.err  # was: "unrecognized arguments: --data-dir"
    assert out.json["query"] == "-hybrid neural" and other.is_dir()  # the query as typed, searched in `other`
    same = cli("search", "-hybrid", "neural", "--data-dir", str(other), "--json", "--limit", "0")
    assert same.code == 0 and same.json["query"] == "-hybrid neural" and same.json["total"] == out.json["total"]
    assert cli("search", "--", "--data-dir", "x").out.splitlines()[0].endswith("for '--data-dir x'")  # after --: words


def test_data_dir_after_nested_actions_and_an_empty_one_refused(cli, tmp_path):
    other = tmp_path / "other"
    saved = cli("saved", "add", "no-hybrid", "-hybrid", "neural", "--data-dir", str(other))
    assert saved.code == 0, saved.err
    assert cli("saved", "list", "--json", "--data-dir", str(other)).json["saved"] == [{"name": "no-hybrid", "query": "-hybrid neural"}]
    assert cli("saved", "list", "--json").json["saved"] == []  # not in the library named before the command
    empty = cli("search", "--data-dir", "", "neural")
    assert empty.code == 2 and "--data-dir: is empty" in empty.err
