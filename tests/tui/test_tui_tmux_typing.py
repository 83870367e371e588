"""Type to search in a real terminal: `paperreader` started in a detached tmux session, `mamba`
sent the moment it starts; every key must land in the search box, in order, and search."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def _tmux(socket: str, *args: str) -> str:
    """tmux on a server of the test's own (`-L`): never the user's, never another test's."""
    return subprocess.run(["tmux", "-L", socket, *args], check=True, capture_output=True, text=True, timeout=20).stdout


@contextmanager
def _reader(library_dir: Path, tmp_path: Path):
    """`paperreader` in a detached tmux session (140x40) on a server of the test's own; its name."""
    paperreader = Path(sys.executable).with_name("paperreader")
    command = f"{paperreader} --data-dir {library_dir}" if paperreader.exists() else f"{sys.executable} -m paperreader --data-dir {library_dir}"
    session = f"paperreader-test-{uuid.uuid4().hex[:8]}"
    env = dict(os.environ, PAPERREADER_CONFIG_DIR=str(tmp_path / "config"), TERM="xterm-256color")
    subprocess.run(["tmux", "-L", session, "new-session", "-d", "-s", session, "-x", "140", "-y", "40", command], check=True, env=env, timeout=20)
    try:
        yield session
    finally:
        subprocess.run(["tmux", "-L", session, "kill-server"], capture_output=True, timeout=20)


def _box(lines: list[str]) -> str:
    return lines[1].strip("▊▎ ")


def test_keys_typed_at_launch_all_land_in_the_search_box(library_dir, tmp_path):
    with _reader(library_dir, tmp_path) as session:
        _tmux(session, "send-keys", "-t", session, "-l", "mamba")  # at once: the app is still starting
        screen = ""
        for _ in range(300):  # bounded: up to ~30 s on a busy machine; no timing is asserted
            screen = _tmux(session, "capture-pane", "-p", "-t", session)
            lines = screen.splitlines()
            if len(lines) > 4 and "mamba" in lines[1] and "papers match" in lines[3]:
                break
            time.sleep(0.1)
        lines = screen.splitlines()
        assert len(lines) > 4, screen
        assert _box(lines) == "mamba", screen  # every key, in order, in the box (not run as commands)
        assert "papers match" in lines[3], screen  # and it searched
        assert "Mamba" in "\n".join(lines[4:]), screen
        assert "papers like" not in screen  # `m` did not run more-like-this
        assert "Saved searches" not in screen  # nor `b` the saved searches


def _screen_when(socket: str, ready) -> list[str]:
    """The pane's lines once `ready(lines)` holds (bounded: up to ~30 s on a busy machine)."""
    lines: list[str] = []
    for _ in range(300):
        lines = _tmux(socket, "capture-pane", "-p", "-t", socket).splitlines()
        if len(lines) > 4 and ready(lines):
            break
        time.sleep(0.1)
    return lines


def test_editing_keys_in_a_burst_apply_in_the_order_typed(library_dir, tmp_path):
    """Backspace, ctrl+u or a cursor key followed by letters in one read (typed fast, over SSH):
    Textual ran the binding only after the letters (`mamba`, two backspaces, `x` gave `mamb`)."""
    with _reader(library_dir, tmp_path) as session:
        _tmux(session, "send-keys", "-t", session, "-l", "mamba")
        lines = _screen_when(session, lambda lines: _box(lines) == "mamba" and "papers match" in lines[3])
        assert _box(lines) == "mamba", "\n".join(lines)
        _tmux(session, "send-keys", "-t", session, "BSpace", "BSpace", "x")  # one tmux command: one burst
        lines = _screen_when(session, lambda lines: _box(lines) in ("mamx", "mamb"))
        assert _box(lines) == "mamx", "\n".join(lines)
        _tmux(session, "send-keys", "-t", session, "C-u", "graph", "Left", "Left", "Left", "Left", "Left", "neural ")
        lines = _screen_when(session, lambda lines: "graph" in _box(lines) and "match" in lines[3])
        assert _box(lines) == "neural graph", "\n".join(lines)


def test_keys_after_down_in_a_burst_go_to_the_results(library_dir, tmp_path):
    """`mamba`, then down and `s` in one read: the star key is the results' (it stars the first
    paper), not a letter typed into the box after down had already left it."""
    with _reader(library_dir, tmp_path) as session:
        _tmux(session, "send-keys", "-t", session, "-l", "mamba")
        lines = _screen_when(session, lambda lines: _box(lines) == "mamba" and "papers match" in lines[3])
        assert _box(lines) == "mamba", "\n".join(lines)
        _tmux(session, "send-keys", "-t", session, "Down", "s")  # one tmux command: one burst
        lines = _screen_when(session, lambda lines: _box(lines) != "mamba" or "★" in "\n".join(lines[4:6]))
        assert _box(lines) == "mamba", "\n".join(lines)
        assert "★" in lines[4], "\n".join(lines)  # the first paper is starred


def test_slash_and_a_query_in_a_burst_from_the_results_search(library_dir, tmp_path):
    """On the results, `/graph` in one read: the letters are the search box's (they ran as the
    list's keys before `/` had moved the focus: `r` marked a paper read)."""
    with _reader(library_dir, tmp_path) as session:
        _tmux(session, "send-keys", "-t", session, "-l", "mamba")
        lines = _screen_when(session, lambda lines: _box(lines) == "mamba" and "papers match" in lines[3])
        _tmux(session, "send-keys", "-t", session, "Down")
        lines = _screen_when(session, lambda lines: "To results" not in lines[-1])  # the key bar: the list's keys
        before = lines[3]  # mamba's count: the wait below is for graph's, not for the box alone
        _tmux(session, "send-keys", "-t", session, "C-u", "/graph")  # ctrl+u: nothing on the list; one burst
        # (the unread count comes ~0.15 s after the answer: wait for it too, as for graph's count)
        lines = _screen_when(session, lambda lines: "graph" in _box(lines) and "match" in lines[3] and lines[3] != before and "unread" in lines[3])
        assert _box(lines) == "graph", "\n".join(lines)
        assert "unread" in lines[3] and "Marked" not in "\n".join(lines), "\n".join(lines)


def test_keys_after_n_in_a_burst_are_the_notes_text(library_dir, tmp_path):
    """On the results, `n` and then text in one read: the editor opens after a worker has read the
    note, and the text typed meanwhile is the note's, not the list's keys (`e` opened $EDITOR, `s`
    starred, `r` marked read)."""
    with _reader(library_dir, tmp_path) as session:
        _tmux(session, "send-keys", "-t", session, "-l", "mamba")
        lines = _screen_when(session, lambda lines: _box(lines) == "mamba" and "papers match" in lines[3])
        _tmux(session, "send-keys", "-t", session, "Down")
        lines = _screen_when(session, lambda lines: "To results" not in lines[-1])  # the key bar: the list's keys
        _tmux(session, "send-keys", "-t", session, "-l", "nseems sure")  # one burst: n, then the note
        lines = _screen_when(session, lambda lines: "seems sure" in "\n".join(lines))
        screen = "\n".join(lines)
        assert "Note on" in screen, screen
        assert "seems sure" in screen, screen  # every letter, in order, in the editor
        _tmux(session, "send-keys", "-t", session, "Escape")  # leave without saving: the list is as it was
        lines = _screen_when(session, lambda lines: "Note on" not in "\n".join(lines))
        screen = "\n".join(lines)
        assert "★" not in "\n".join(lines[4:]) and "Marked" not in screen, screen


def test_keys_after_t_in_a_burst_are_the_tags(library_dir, tmp_path):
    """`t` then a tag in one read: the letters go into the tag editor's field."""
    with _reader(library_dir, tmp_path) as session:
        _tmux(session, "send-keys", "-t", session, "-l", "mamba")
        lines = _screen_when(session, lambda lines: _box(lines) == "mamba" and "papers match" in lines[3])
        _tmux(session, "send-keys", "-t", session, "Down")
        lines = _screen_when(session, lambda lines: "To results" not in lines[-1])
        _tmux(session, "send-keys", "-t", session, "-l", "tssm")
        lines = _screen_when(session, lambda lines: "ssm" in "\n".join(lines[4:]) and "Tags" in "\n".join(lines))
        screen = "\n".join(lines)
        assert "ssm" in screen and "★" not in "\n".join(lines[4:]), screen
