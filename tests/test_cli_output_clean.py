"""Every text any CLI command prints is cleaned on the way out (issue 10, case 15).

`search --stdin` without --json echoed each query raw, so OSC 52 (clipboard) and other escape
sequences reached the terminal. The CLI now writes through one cleaner (escape sequences, C0/C1
controls, bidi overrides removed; newline and tab kept), whatever the text's source: a query, a
path, an argument, or a store written before paperreader cleaned its input. Real processes, real
bytes on stdout/stderr."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import unicodedata

import pytest

from paperreader.model import Paper
from paperreader.paths import resolve
from paperreader.workspace import Workspace

NASTY = "\x1b]52;c;cHduZWQ=\x07\x1b[2J\x1b[31mred\x1b[0m\x9b31m\x1bPdcs\x1b\\\u202eevil\u202c\x07\x08\r\x00 nastyx"
ARG = NASTY.replace("\x00", "")  # argv cannot carry NUL
BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029")


def forbidden(text: str) -> list[str]:
    bad = []
    for i, ch in enumerate(text):
        code = ord(ch)
        if ch in "\n\t":
            continue
        if code < 0x20 or code == 0x7F or 0x80 <= code <= 0x9F or ch in BIDI:
            bad.append(f"{i}:{unicodedata.name(ch, hex(code))}")
    return bad[:10]


def run(data_dir, *args, stdin: str | None = None, config=None):
    env = {**os.environ, "PAPERREADER_CONFIG_DIR": str(config or data_dir.parent / "config")}
    done = subprocess.run([sys.executable, "-m", "paperreader", "--data-dir", str(data_dir), *args],
                          input=stdin.encode() if stdin is not None else None, capture_output=True, env=env, timeout=120)
    return done.returncode, done.stdout.decode("utf-8"), done.stderr.decode("utf-8")


@pytest.fixture(scope="module")
def raw_store(tmp_path_factory):
    """A library whose rows hold raw escape codes: written before paperreader cleaned its input, or
    by another tool. The output path must clean it anyway."""
    data_dir = tmp_path_factory.mktemp("raw") / "data"
    ws = Workspace.open(resolve(data_dir), seed=False, backup=False)
    ws.library.upsert([Paper(title=f"Plain paper {i}", abstract="plain words") for i in range(3)])
    pid = ws.library.list_ids()[0]
    ws.library.set_star(pid)
    ws.close()
    conn = sqlite3.connect(resolve(data_dir).store, isolation_level=None)
    conn.execute("UPDATE papers SET title = ?, abstract = ?, authors = ? WHERE id = ?",
                 (f"Title {NASTY}", f"Abstract {NASTY}", json.dumps([f"Author {NASTY}"]), pid))
    conn.execute("INSERT INTO notes(paper_id, body, updated_at) VALUES (?, ?, '2026-01-01T00:00:00')", (pid, f"note {NASTY}\nline two"))
    conn.execute("INSERT INTO tags(paper_id, tag, added_at) VALUES (?, ?, '2026-01-01T00:00:00')", (pid, f"t{NASTY}".replace(" ", "")))
    conn.execute("INSERT INTO changes(paper_id) VALUES (?)", (pid,))
    conn.close()
    return data_dir, pid


def test_search_stdin_echoes_queries_cleaned(raw_store):
    data_dir, _ = raw_store
    queries = [NASTY, "plain", "\x1b]52;c;aGk=\x07plain", 'title:"' + NASTY]
    code, out, err = run(data_dir, "search", "--stdin", stdin="\n".join(queries) + "\n")
    assert forbidden(out) == [] and forbidden(err) == [], (forbidden(out), forbidden(err))
    assert len(out.splitlines()) == len(queries)
    assert "nastyx" in out  # the visible text is kept
    code, out, err = run(data_dir, "search", "--stdin", "--json", stdin="\n".join(queries) + "\n")
    for line in out.splitlines():
        assert forbidden(json.dumps(json.loads(line), ensure_ascii=False)) == []
        assert all(forbidden(v) == [] for v in _strings(json.loads(line)))


def _strings(obj):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for key, value in obj.items():
            yield key
            yield from _strings(value)
    elif isinstance(obj, list):
        for value in obj:
            yield from _strings(value)


COMMANDS = [("show", "{pid}"), ("list",), ("list", "--starred"), ("search", "nastyx"), ("note", "{pid}"),
            ("similar", "{pid}"), ("search", ARG), ("tag", "{pid}", "x" + ARG), ("stats",), ("paths",)]


@pytest.mark.parametrize("as_json", [False, True], ids=["human", "json"])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0] + ("-" + c[1][:8] if len(c) > 1 else ""))
def test_every_command_prints_clean_text_from_a_raw_store(raw_store, command, as_json):
    data_dir, pid = raw_store
    args = [a.format(pid=pid) for a in command] + (["--json"] if as_json else [])
    code, out, err = run(data_dir, *args)
    assert forbidden(out) == [], (args, forbidden(out), out[:300])
    assert forbidden(err) == [], (args, forbidden(err), err[:300])
    if as_json and code == 0:
        assert all(forbidden(v) == [] for v in _strings(json.loads(out)))


def test_a_data_dir_path_and_arguments_with_escapes_are_printed_clean(tmp_path):
    data_dir = tmp_path / "dir\x1b]0;pwned\x07\x1b[2J"
    code, out, err = run(data_dir, "paths", config=tmp_path / "config")
    assert code == 0 and forbidden(out) == [], forbidden(out)
    # a malformed id is bad input (exit 2), echoed back clean
    code, out, err = run(data_dir, "show", "no-such\x1b[2J\x9b1m", config=tmp_path / "config")
    assert code == 2 and forbidden(err) == [] and len(err.strip().splitlines()) == 1, err
    code, out, err = run(data_dir, "frobnicate\x1b]52;c;eA==\x07", config=tmp_path / "config")
    assert code == 2 and forbidden(err) == [], err
