"""`note ID --set -` with nothing to save refuses (issue 10, case 7): `cat missing.md | paperreader
note ID --set -` must not wipe a note. Empty stdin, only whitespace, or only escape codes (nothing
left after cleaning) exit 2 with one line and leave the note as it was; `--clear` clears."""

from __future__ import annotations

import io

import pytest

EMPTY_AFTER_CLEANING = ["", "\n", "   \n\t\n", "\x1b[31m\x1b]52;c;aGVsbG8=\x07\x1b[0m", "\x00\x07\r\n\u202e"]


@pytest.fixture
def noted(cli):
    assert cli("stats").code == 0  # the built-in corpus
    pid = cli("search", "attention", "--json").json["results"][0]["id"]
    assert cli("note", pid, "--set", "keep this note").code == 0
    return pid


@pytest.mark.parametrize("stdin", EMPTY_AFTER_CLEANING)
def test_set_from_empty_stdin_refuses_and_keeps_the_note(cli, noted, monkeypatch, stdin):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    done = cli("note", noted, "--set", "-")
    assert done.code == 2
    assert done.out == ""
    assert len(done.err.strip().splitlines()) == 1 and "--clear" in done.err and "empty" in done.err
    assert cli("note", noted).out == "keep this note\n"


@pytest.mark.parametrize("text", ["", "  ", "\x1b[2J"])
def test_set_with_an_empty_argument_refuses_too(cli, noted, text):
    done = cli("note", noted, "--set", text)
    assert done.code == 2 and len(done.err.strip().splitlines()) == 1
    assert cli("note", noted).out == "keep this note\n"


def test_clear_still_clears_and_real_text_from_stdin_saves(cli, noted, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("\x1b[1mnew\x1b[0m text\n"))
    assert cli("note", noted, "--set", "-").code == 0
    assert cli("note", noted).out == "new text\n"
    done = cli("note", noted, "--clear")
    assert done.code == 0
    assert cli("note", noted, "--json").json["note"] == ""


def test_set_from_stdin_that_is_not_utf8_refuses_in_one_line(tmp_path, data_dir):
    """A real process with real bytes on stdin (Latin-1 `Caf\\xe9`): one line, exit 2, note kept."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PAPERREADER_CONFIG_DIR": str(tmp_path / "config")}

    def run(*args, stdin=b""):
        return subprocess.run([sys.executable, "-m", "paperreader", "--data-dir", str(data_dir), *args],
                              input=stdin, capture_output=True, env=env, timeout=120)

    pid = __import__("json").loads(run("search", "attention", "--json").stdout)["results"][0]["id"]
    assert run("note", pid, "--set", "kept").returncode == 0
    done = run("note", pid, "--set", "-", stdin=b"Caf\xe9 au lait\n")
    assert done.returncode == 2, done.stderr
    assert len(done.stderr.decode().strip().splitlines()) == 1 and b"UTF-8" in done.stderr
    empty = run("note", pid, "--set", "-", stdin=b"")
    assert empty.returncode == 2 and b"Traceback" not in empty.stderr
    assert run("note", pid).stdout == b"kept\n"
    assert run("note", pid, "--set", "-", stdin="Café\n".encode()).returncode == 0
    assert run("note", pid).stdout == "Café\n".encode()
