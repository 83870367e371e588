"""`--limit 0` means all in every command that takes it: `list` did, `search` printed only the count and
`similar` nothing. A negative limit is one line naming the option; the help says what 0 does."""

from __future__ import annotations

import io
import json

import pytest


def test_search_limit_zero_lists_every_match(cli):
    everything = cli("search", "model", "--limit", "0", "--json").json
    assert everything["total"] > 20 and len(everything["results"]) == everything["total"]
    assert [r["id"] for r in everything["results"]][:20] == [r["id"] for r in cli("search", "model", "--json").json["results"]]
    text = cli("search", "model", "--limit", "0").out
    assert text.count("\n  1.   ") == 1 and f"\n{everything['total']:>3}.   " in text


def test_search_stdin_and_similar_take_limit_zero_as_all(cli, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("model\nlearning\n"))
    lines = cli("search", "--stdin", "--json", "--limit", "0").out.splitlines()
    assert len(lines) == 2
    for line in lines:
        out = json.loads(line)
        assert out["total"] > 20 and len(out["results"]) == out["total"]
    first = cli("list", "--json", "--limit", "1").json["results"][0]["id"]
    some = cli("similar", first, "--json").json
    every = cli("similar", first, "--json", "--limit", "0").json
    assert len(some["results"]) == 10 < len(every["results"])
    assert [r["id"] for r in every["results"]][:10] == [r["id"] for r in some["results"]]


@pytest.mark.parametrize("command", [["search", "model"], ["list"], ["similar", "FIRST"]])
def test_a_negative_limit_is_one_line(cli, command):
    if command == ["similar", "FIRST"]:
        command = ["similar", cli("list", "--json", "--limit", "1").json["results"][0]["id"]]
    refused = cli(*command, "--limit", "-1")
    assert refused.code == 2 and refused.err.strip() == "paperreader: --limit must be 0 or more, not -1" and not refused.out


def test_every_limit_help_says_what_zero_does(cli, capsys):
    for command in ("search", "list", "similar"):
        with pytest.raises(SystemExit):
            cli(command, "--help")
        assert "0: all" in " ".join(capsys.readouterr().out.split())
