"""A damaged search index (missing, truncated, older, newer, half-deleted under a running
paperreader) is detected and rebuilt from the store, with a notice; notes are untouched."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from paperreader.model import Paper
from paperreader.paths import resolve
from paperreader.search.index import STAMP
from paperreader.workspace import Workspace


@pytest.fixture
def data_dir(tmp_path):
    """A library with notes and tags, and an index built once."""
    data_dir = tmp_path / "data"
    ws = Workspace.open(resolve(data_dir), seed=False, backup=False)
    ws.library.upsert([Paper(title=f"Paper about topic {i}", abstract=f"abstract text subject{i}") for i in range(60)])
    ids = sorted(ws.library.list_ids())
    ws.library.set_note(ids[3], "the wombat note, years in the making")
    ws.library.add_tags(ids[4], ["toread"])
    ws.ensure_index()
    ws.close()
    return data_dir


def user_state(data_dir: Path) -> list:
    conn = sqlite3.connect(f"file:{resolve(data_dir).store}?mode=ro", uri=True)
    try:
        return [conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in ("notes", "tags", "stars", "drafts")]
    finally:
        conn.close()


def segments(index_dir: Path) -> list[Path]:
    """Whoosh's data files (compound `.seg` files or their parts), smallest first."""
    ours = {STAMP, "vocabulary.json"}
    files = [p for p in index_dir.iterdir() if p.is_file() and p.name not in ours
             and not p.name.endswith((".toc", ".tmp")) and "WRITELOCK" not in p.name and p.stat().st_size > 0]
    return sorted(files, key=lambda p: p.stat().st_size)


def remove(index_dir: Path) -> None:
    shutil.rmtree(index_dir)


def truncate_segment(index_dir: Path) -> None:
    seg = segments(index_dir)[-1]
    with open(seg, "r+b") as fh:
        fh.truncate(seg.stat().st_size // 3)


def empty_segment(index_dir: Path) -> None:
    segments(index_dir)[-1].write_bytes(b"")


def truncate_toc(index_dir: Path) -> None:
    toc = next(index_dir.glob("_MAIN_*.toc"))
    toc.write_bytes(toc.read_bytes()[:40])


def delete_segment(index_dir: Path) -> None:
    segments(index_dir)[-1].unlink()


def garbage_stamp(index_dir: Path) -> None:
    (index_dir / STAMP).write_text("{not json")


def no_stamp(index_dir: Path) -> None:
    (index_dir / STAMP).unlink()


def older_schema(index_dir: Path) -> None:
    stamp = json.loads((index_dir / STAMP).read_text())
    (index_dir / STAMP).write_text(json.dumps({**stamp, "schema": stamp["schema"] - 1, "paperreader": "0.0.1"}))


def newer_version(index_dir: Path) -> None:
    stamp = json.loads((index_dir / STAMP).read_text())
    (index_dir / STAMP).write_text(json.dumps({**stamp, "schema": stamp["schema"] + 7, "paperreader": "9.0.0"}))


def a_file_instead(index_dir: Path) -> None:
    shutil.rmtree(index_dir)
    index_dir.write_text("not an index")


DAMAGES = {
    remove: "missing",
    truncate_segment: "damaged",
    empty_segment: "damaged",
    truncate_toc: "damaged",
    delete_segment: "damaged",
    garbage_stamp: "stamp",
    no_stamp: "stamp",
    older_schema: "older",
    newer_version: "newer",
    a_file_instead: "",
}


@pytest.mark.parametrize("damage", list(DAMAGES), ids=[d.__name__ for d in DAMAGES])
def test_a_damaged_index_is_rebuilt_with_a_notice(data_dir, damage):
    before = user_state(data_dir)
    damage(resolve(data_dir).index_dir)
    ws = Workspace.open(resolve(data_dir), seed=False, backup=False)
    try:
        notice = ws.ensure_index()
        assert notice and "rebuilt" in notice and DAMAGES[damage] in notice, notice
        ids = sorted(ws.library.list_ids())
        assert [h.id for h in ws.engine.search("wombat").hits] == [ids[3]]
        assert [h.id for h in ws.engine.search("tag:toread").hits] == [ids[4]]
        assert ws.engine.search("subject17").total == 1
        assert ws.index.read_stamp()["docs"] == 60
        assert ws.ensure_index() is None  # once rebuilt, all well
    finally:
        ws.close()
    assert user_state(data_dir) == before


@pytest.mark.parametrize("damage", [remove, truncate_segment, newer_version], ids=lambda d: d.__name__)
def test_the_cli_rebuilds_and_says_so_in_one_line(data_dir, damage):
    before = user_state(data_dir)
    damage(resolve(data_dir).index_dir)
    run = subprocess.run(
        [sys.executable, "-m", "paperreader", "--data-dir", str(data_dir), "search", "wombat", "--json"],
        capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["total"] == 1
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "rebuilt it from the library" in lines[0]
    assert user_state(data_dir) == before


@pytest.mark.parametrize("damage", [remove, truncate_segment, no_stamp], ids=lambda d: d.__name__)
def test_an_index_damaged_under_a_running_paperreader(data_dir, damage):
    """The TUI is open while the user deletes or breaks the index: its next search still works."""
    ws = Workspace.open(resolve(data_dir), seed=False, backup=False)
    try:
        ws.ensure_index()
        assert ws.engine.search("wombat").total == 1
        damage(resolve(data_dir).index_dir)
        pid = sorted(ws.library.list_ids())[10]
        ws.library.set_note(pid, "a quokka appears")  # a change to catch up, as the TUI would make
        assert [h.id for h in ws.engine.search("quokka").hits] == [pid]
        assert ws.engine.search("wombat").total == 1
    finally:
        ws.close()
    ws = Workspace.open(resolve(data_dir), seed=False, backup=False)
    try:
        assert ws.ensure_index() is None
        assert ws.engine.search("quokka").total == 1
    finally:
        ws.close()


def test_leftovers_of_an_interrupted_rebuild_are_cleared(data_dir):
    index_dir = resolve(data_dir).index_dir
    side = index_dir.parent / f"{index_dir.name}.building-99999-abcdef"  # killed while building
    old = index_dir.parent / f"{index_dir.name}.old-99999"  # killed while deleting the index it replaced
    shutil.copytree(index_dir, side)
    shutil.copytree(index_dir, old)
    ws = Workspace.open(resolve(data_dir), seed=False, backup=False)
    try:
        ws.index.rebuild()
        assert not side.exists() and not old.exists()
        assert ws.engine.search("wombat").total == 1
    finally:
        ws.close()
