"""The CLI contract: shapes of --json output, exit codes, one-line errors."""

import json
import os
import shutil
import subprocess
import sys

import pytest


def test_stats_on_a_fresh_data_dir(cli):
    result = cli("stats", "--json")
    assert result.code == 0
    stats = result.json
    assert stats["papers"] == 201
    assert {"papers", "starred", "notes", "tags"} <= stats.keys()


def test_search_json_shape(cli):
    result = cli("search", "mamba", "--json", "--limit", "5")
    assert result.code == 0
    out = result.json
    assert out["query"] == "mamba" and out["total"] >= 20 and out["suggestion"] is None
    assert len(out["results"]) == 5
    first = out["results"][0]
    assert {"id", "title", "score", "starred", "tags", "has_note", "highlights"} <= first.keys()
    assert "Mamba" in first["title"]
    scores = [r["score"] for r in out["results"]]
    assert scores == sorted(scores, reverse=True)
    title = next(h for h in first["highlights"] if h["field"] == "title")
    assert all(title["text"][s:e].lower() == "mamba" for s, e in title["matches"])


def test_search_suggests(cli):
    out = cli("search", "transfomer", "--json").json
    assert out["total"] == 0 and out["suggestion"] == "transformer"


def test_bad_query_exits_2_with_one_line(cli):
    result = cli("search", "title:(")
    assert result.code == 2 and result.out == ""
    assert len(result.err.strip().splitlines()) == 1 and "not closed" in result.err


def test_stdin_mode_prints_one_object_a_line(cli, monkeypatch):
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("mamba\ntransfomer\n"))
    result = cli("search", "--stdin", "--json")
    lines = [json.loads(line) for line in result.out.splitlines()]
    assert [line["query"] for line in lines] == ["mamba", "transfomer"]
    assert lines[1]["suggestion"] == "transformer"


def test_star_note_tag_are_found_and_survive_index_loss(cli, data_dir):
    pid = cli("search", "mamba", "--json").json["results"][0]["id"]
    assert cli("star", pid).code == 0
    assert cli("note", pid, "--set", "Check the *selective scan* kernel").code == 0
    assert cli("tag", pid, "ssm", "to-read").code == 0
    assert cli("read", pid).code == 0

    def check():
        assert [r["id"] for r in cli("search", "is:starred", "--json").json["results"]] == [pid]
        assert [r["id"] for r in cli("search", "note:kernel", "--json").json["results"]] == [pid]
        assert [r["id"] for r in cli("search", "tag:ssm", "--json").json["results"]] == [pid]
        shown = cli("show", pid, "--json").json
        assert shown["starred"] and shown["read"] and shown["tags"] == ["ssm", "to-read"]
        assert shown["note"] == "Check the *selective scan* kernel"

    check()
    shutil.rmtree(data_dir / "index")
    check()
    assert cli("note", pid).out == "Check the *selective scan* kernel\n"
    listed = cli("list", "--starred", "--json").json
    assert listed["total"] == 1 and listed["results"][0]["has_note"]
    assert cli("list", "--tag", "ssm", "--json").json["total"] == 1
    assert cli("list", "--annotated", "--json").json["total"] == 1
    assert cli("unstar", pid).code == 0 and cli("untag", pid, "ssm").code == 0
    assert cli("note", pid, "--clear").code == 0 and cli("unread", pid).code == 0
    shown = cli("show", pid, "--json").json
    assert not shown["starred"] and not shown["read"] and shown["tags"] == ["to-read"] and shown["note"] == ""


def test_show_json_shape(cli):
    pid = cli("search", "HuSpaCy", "--json").json["results"][0]["id"]
    shown = cli("show", pid, "--json").json
    assert {"id", "title", "abstract", "authors", "links", "starred", "tags", "note", "read"} <= shown.keys()
    assert shown["title"] == "Hybrid lemmatization in HuSpaCy"
    assert {link["kind"] for link in shown["links"]} == {"search"}


def test_links_of_a_paper_with_code(cli):
    pid = cli("search", "verl", "--json").json["results"][0]["id"]
    links = cli("show", pid, "--json").json["links"]
    assert {"kind": "code", "url": "https://github.com/volcengine/verl"} in links


def test_similar(cli):
    pid = cli("search", "title:mamba", "--json").json["results"][0]["id"]
    out = cli("similar", pid, "--json", "--limit", "3").json
    assert out["id"] == pid and len(out["results"]) == 3 and pid not in [r["id"] for r in out["results"]]


def test_not_found_exits_1(cli):
    for args in (("show", "2401.99999"), ("star", "arxiv:0000.00000"), ("note", "t:0123456789ab"), ("similar", "arxiv:2401.99999")):
        result = cli(*args)
        assert result.code == 1, args
        assert len(result.err.strip().splitlines()) == 1 and "no paper" in result.err
    # what is not an id at all is bad input (issue 15): exit 2
    for args in (("show", "nope"), ("note", "x"), ("similar", "y")):
        result = cli(*args)
        assert result.code == 2, args
        assert len(result.err.strip().splitlines()) == 1 and "is not a paper id" in result.err


def test_usage_errors_exit_2(cli):
    for args in (("frobnicate",), ("search", "--limit", "x"), ("note", "a", "--set", "x", "--clear"), ("search", "x", "--limit", "-1")):
        result = cli(*args)
        assert result.code == 2, args
        assert len(result.err.strip().splitlines()) == 1


def test_index_command(cli):
    assert "rebuilt" in cli("index").out or "up to date" in cli("index").out
    assert cli("index").out.startswith("index up to date: 201")
    assert cli("index", "--rebuild").out == "index rebuilt: 201 papers\n"


def test_ids_agree_across_fresh_data_dirs(tmp_path):
    outs = []
    for name in ("one", "two"):
        env = {**os.environ, "PAPERREADER_DATA_DIR": str(tmp_path / name)}
        proc = subprocess.run(
            [sys.executable, "-m", "paperreader", "search", "mamba", "--json"], env=env, capture_output=True, text=True, check=True
        )
        outs.append([r["id"] for r in json.loads(proc.stdout)["results"]])
    assert outs[0] == outs[1] and len(outs[0]) == 20


def test_version(capsys):
    from paperreader import __version__
    from paperreader.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0 and capsys.readouterr().out.strip() == f"paperreader {__version__}"


def test_state_commands_print_json(cli):
    pid = cli("search", "mamba", "--json").json["results"][0]["id"]
    assert cli("star", pid, "--json").json == {"id": pid, "title": cli("show", pid, "--json").json["title"], "starred": True}
    assert cli("tag", pid, "b", "a", "--json").json == {"id": pid, "tags": ["a", "b"]}
    assert cli("read", pid, "--json").json["read"] is True


def test_star_of_several_ids_changes_nothing_if_one_is_unknown(cli):
    pid = cli("search", "mamba", "--json").json["results"][0]["id"]
    assert cli("star", pid, "2401.99999").code == 1
    assert cli("star", pid, "nope").code == 2
    assert cli("stats", "--json").json["starred"] == 0


def test_a_daily_backup_that_fails_is_a_notice_not_a_failure(cli, data_dir):
    assert cli("stats").code == 0  # first run: seeds the library
    (data_dir / "backups").write_text("a file where the backups folder should be")
    pid = cli("search", "mamba", "--json").json["results"][0]["id"]
    result = cli("star", pid, "--json")
    assert result.code == 0 and result.json["starred"]
    assert "daily backup was not made" in result.err and len(result.err.strip().splitlines()) == 1


def test_only_commands_that_change_something_make_the_daily_backup(cli, data_dir):
    assert cli("stats").code == 0  # first run: seeds the library (no backup of a fresh library)
    backups = data_dir / "backups"
    pid = cli("search", "mamba", "--json").json["results"][0]["id"]
    for args in (("show", pid), ("list",), ("similar", pid), ("stats",), ("search", "rnn")):
        assert cli(*args).code == 0
    assert not backups.exists() or not any(backups.iterdir())
    assert cli("star", pid).code == 0
    assert len(list(backups.iterdir())) == 1


def test_index_progress_in_a_log_is_periodic_lines(capsys):
    from paperreader.cli.context import progress_printer

    show = progress_printer(every=0)  # stderr is not a terminal under pytest
    for done in (0, 500, 1000):
        show(done, 1000)
    assert capsys.readouterr().err.splitlines() == [
        "paperreader: indexing 0/1,000 (0.0%)",
        "paperreader: indexing 500/1,000 (50.0%)",
        "paperreader: indexing 1,000/1,000 (100.0%)",
    ]
    quiet = progress_printer(every=60)  # a quick build prints nothing
    quiet(10, 10)
    assert capsys.readouterr().err == ""


def test_no_command_starts_the_tui_with_or_without_a_data_dir(monkeypatch, capsys):
    import paperreader.tui
    from paperreader.cli import main

    started = []
    monkeypatch.setattr(paperreader.tui, "run", lambda data_dir=None: started.append(data_dir) or 0)
    assert main([]) == 0 and main(["--data-dir", "/x"]) == 0 and main(["--data-dir=/y"]) == 0
    assert started == [None, "/x", "/y"]
    assert main(["--data-dir"]) == 2  # the full parser reports the missing value
    assert "expected one argument" in capsys.readouterr().err
    assert started == [None, "/x", "/y"]
