"""What the CLI prints for the small cases a new user meets first: no tags yet, restoring a paper
that is not in the trash but in the library, one paper in a listing, one new paper seen."""

from __future__ import annotations

import json


def first_id(cli) -> str:
    return cli("list", "--json", "--limit", "1").json["results"][0]["id"]


def test_tags_of_a_library_without_tags_says_so(cli):
    out = cli("tags")
    assert out.code == 0 and out.out == "no tags yet: `paperreader tag ID TAG` adds one\n"
    assert cli("tags", "--json").json == {"tags": []}


def test_restoring_a_paper_that_is_in_the_library_says_where_it_is(cli):
    pid = first_id(cli)
    out = cli("restore-paper", pid)
    assert out.code == 1 and out.err == f"paperreader: {pid!r} is not in the trash: {pid} is in the library\n"
    assert cli("delete", pid).code == 0 and cli("restore-paper", pid).code == 0
    again = cli("restore-paper", pid)
    assert again.code == 1 and "is not in the trash" in again.err and "is in the library" in again.err
    assert cli("restore-paper", "arxiv:9999.99999").err == "paperreader: no paper with id 'arxiv:9999.99999' in the trash\n"


def test_one_paper_is_a_paper(cli, tmp_path):
    path = tmp_path / "daily.json"
    path.write_text(json.dumps([{"paper": {"id": "2401.00001", "title": "A single listed paper", "summary": "Text."},
                                 "publishedAt": "2024-01-02T00:00:00.000Z"}]))
    assert cli("import", str(path)).code == 0
    line = next(l for l in cli("listings").out.splitlines() if "hf-daily" in l)
    assert "   1 paper  (1 new)" in line
    assert "(1 paper was new)" in cli("seen").out


def test_search_with_both_a_query_and_stdin_is_refused(cli, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("mamba\n"))
    out = cli("search", "--stdin", "transformer")
    assert out.code == 2 and out.out == "" and out.err == "paperreader search: give a QUERY or --stdin, not both\n"
    monkeypatch.setattr("sys.stdin", io.StringIO("mamba\n"))
    assert cli("search", "--stdin").out.startswith("mamba\t")


def test_a_tag_that_cleans_to_nothing_is_refused(cli):
    pid = first_id(cli)
    for command in ("tag", "untag"):
        out = cli(command, pid, "good", "###")
        assert out.code == 2 and out.out == "" and out.err == f"paperreader {command}: argument TAG: '###' is not a tag name\n"
    assert cli("show", pid, "--json").json["tags"] == []
    assert cli("tag", pid, "#Good").out == f"{pid}: good\n"


def test_an_empty_data_dir_is_refused_not_the_current_folder(tmp_path, monkeypatch, capsys):
    from paperreader.cli import main

    monkeypatch.chdir(tmp_path)
    for empty in ("", "  "):
        assert main(["--data-dir", empty, "stats"]) == 2
        assert capsys.readouterr().err == ("paperreader: argument --data-dir: is empty (give a folder, or leave "
                                           "--data-dir out for the default)\n")
    assert list(tmp_path.iterdir()) == []  # no library made in the current folder


def test_a_data_dir_that_is_a_file_says_so(tmp_path, capsys):
    from paperreader.cli import main

    afile = tmp_path / "notes.txt"
    afile.write_text("mine")
    for where in (afile, afile / "deeper"):
        assert main(["--data-dir", str(where), "stats"]) == 2
        assert capsys.readouterr().err == f"paperreader: {afile}: is a file, not a folder: the data dir must be a folder\n"
    assert afile.read_text() == "mine"


def test_untag_of_a_tag_the_paper_does_not_have_says_so(cli):
    pid = first_id(cli)
    assert cli("tag", pid, "ml", "nlp").code == 0
    out = cli("untag", pid, "mll", "nlp")
    assert out.code == 0 and out.out == f"{pid}: ml\n" and out.err == f"paperreader: {pid} had no tag 'mll'\n"
    quiet = cli("untag", pid, "ML")
    assert quiet.code == 0 and quiet.err == "" and quiet.out == f"{pid}: (no tags)\n"
