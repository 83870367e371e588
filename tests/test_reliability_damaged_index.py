"""A damaged search index (missing, truncated, older, newer, half-deleted under a running
paperreader) is detected and rebuilt from the store, with a notice; notes are untouched."""

from __future__ import annotations

import json
import random
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


def postings_file(index_dir: Path) -> Path:
    return next(index_dir.glob("*.pst"))


def random_postings(index_dir: Path, start: float = 0.0) -> None:
    """The postings file overwritten with other bytes of the same length (from `start`, a share
    of its length, to its end)."""
    pst = postings_file(index_dir)
    size = pst.stat().st_size
    assert size > 1000, "posting lists this small live in the term records"
    with open(pst, "r+b") as fh:
        fh.seek(int(size * start))
        fh.write(random.Random(7).randbytes(size - int(size * start)))


def random_terms(index_dir: Path) -> None:
    """The term index overwritten with other bytes of the same length."""
    trm = next(index_dir.glob("*.trm"))
    trm.write_bytes(random.Random(8).randbytes(trm.stat().st_size))


def _edit_stamp(index_dir: Path, **changes) -> None:
    stamp = json.loads((index_dir / STAMP).read_text())
    (index_dir / STAMP).write_text(json.dumps({**stamp, **changes}))


def stamp_wrong_type(index_dir: Path) -> None:
    _edit_stamp(index_dir, seq=str(json.loads((index_dir / STAMP).read_text())["seq"]))


def stamp_docs_null(index_dir: Path) -> None:
    _edit_stamp(index_dir, docs=None)


def stamp_far_ahead(index_dir: Path) -> None:
    _edit_stamp(index_dir, seq=json.loads((index_dir / STAMP).read_text())["seq"] + 1_000_000)


def another_librarys_index(index_dir: Path) -> None:
    """The index of another library (as many papers, other words) copied over this one's."""
    other = index_dir.parent.parent / "other-data"
    ws = Workspace.open(resolve(other), seed=False, backup=False)
    ws.library.upsert([Paper(title=f"Unrelated work number {i}", abstract=f"other words entirely {i}") for i in range(60)])
    ws.ensure_index()
    ws.close()
    shutil.rmtree(index_dir)
    shutil.copytree(resolve(other).index_dir, index_dir)


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
    random_terms: "damaged",
    stamp_wrong_type: "stamp",
    stamp_docs_null: "stamp",
    stamp_far_ahead: "ahead",
    another_librarys_index: "another library",
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


# -- damage found when the index is opened, while searching, and by `paperreader check` ------------

@pytest.fixture(scope="module")
def corpus_template(tmp_path_factory):
    """The built-in corpus (201 papers: long posting lists live in the postings file), indexed."""
    data_dir = tmp_path_factory.mktemp("corpus") / "data"
    ws = Workspace.open(resolve(data_dir), backup=False)
    ws.library.set_note(sorted(ws.library.list_ids())[3], "the wombat note, years in the making")
    ws.ensure_index()
    ws.close()
    return data_dir


@pytest.fixture
def corpus_dir(corpus_template, tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(corpus_template, data_dir)
    return data_dir


def late_term(index_dir: Path) -> tuple[str, str, int, int]:
    """The last title or abstract word (in the term index) whose posting list is in the postings
    file, far from the few lists an open reads: (field, word, offset, length)."""
    from paperreader.search.index import _whoosh_index

    ix = _whoosh_index().open_dir(str(index_dir))
    found = None
    try:
        with ix.reader() as reader:
            for (field, text), info in reader._terms.items():
                if field in ("title", "abstract") and info._inlined is None and text.isalpha() and info._df > 3:
                    found = (field, text.decode(), info._offset, info._length)
    finally:
        ix.close()
    assert found, "no such word"
    return found


def damage_list(index_dir: Path, offset: int, length: int) -> None:
    """One posting list's bytes overwritten with others."""
    with open(postings_file(index_dir), "r+b") as fh:
        fh.seek(offset)
        fh.write(bytes(b ^ 0x5A for b in random.Random(9).randbytes(length)))


def run_cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "paperreader", "--data-dir", str(data_dir), *args],
                          capture_output=True, text=True, timeout=120)


def test_random_postings_are_found_on_open_and_rebuilt(corpus_dir):
    before = user_state(corpus_dir)
    total = Workspace.open(resolve(corpus_dir), seed=False, backup=False)
    try:
        expected = total.engine.search("transformer").total
    finally:
        total.close()
    random_postings(resolve(corpus_dir).index_dir)
    ws = Workspace.open(resolve(corpus_dir), seed=False, backup=False)
    try:
        notice = ws.ensure_index()
        assert notice and "damaged" in notice and ".pst" in notice and "rebuilt" in notice, notice
        assert ws.engine.search("transformer").total == expected
        assert ws.engine.search("wombat").total == 1
    finally:
        ws.close()
    assert user_state(corpus_dir) == before


def test_postings_damaged_past_what_the_open_reads_are_found_by_the_search(corpus_dir):
    """The open reads a few posting lists; damage further on shows when a search reads it: the
    search says the index is damaged (IndexDamaged, a message, no traceback) and the next
    ensure_index() rebuilds it."""
    from paperreader.search.validate import IndexDamaged

    index_dir = resolve(corpus_dir).index_dir
    field, word, offset, length = late_term(index_dir)
    ws = Workspace.open(resolve(corpus_dir), seed=False, backup=False)
    try:
        ws.ensure_index()
        expected = ws.engine.search(f"{field}:{word}").total
        ws.index.close()
        damage_list(index_dir, offset, length)
        assert ws.ensure_index() is None  # what the open samples still reads
        with pytest.raises(IndexDamaged) as caught:
            ws.engine.search(f"{field}:{word}")
        assert "damaged" in str(caught.value) and ".pst" in str(caught.value)
        notice = ws.ensure_index()
        assert notice and "damaged" in notice and "rebuilt" in notice, notice
        assert ws.engine.search(f"{field}:{word}").total == expected
    finally:
        ws.close()


def test_the_cli_rebuilds_a_damaged_index_it_finds_while_searching(corpus_dir):
    index_dir = resolve(corpus_dir).index_dir
    field, word, offset, length = late_term(index_dir)
    expected = json.loads(run_cli(corpus_dir, "search", f"{field}:{word}", "--json").stdout)["total"]
    damage_list(index_dir, offset, length)
    run = run_cli(corpus_dir, "search", f"{field}:{word}", "--json")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["total"] == expected
    assert "the search index is damaged" in run.stderr and "Traceback" not in run.stderr and "Error" not in run.stderr
    assert run_cli(corpus_dir, "check").stdout.splitlines()[1] == "index: ok"


CHECKED = {
    lambda d: random_postings(d, start=0.5): ".pst",
    random_terms: "damaged",
    stamp_wrong_type: "stamp",
    stamp_docs_null: "stamp",
    stamp_far_ahead: "ahead",
    another_librarys_index: "another library",
}


def test_check_says_ok_for_a_sound_index(corpus_dir):
    run = run_cli(corpus_dir, "check")
    assert run.returncode == 0 and run.stdout.splitlines()[1] == "index: ok", run.stdout


def test_check_says_ok_for_an_index_with_changed_papers(corpus_dir):
    """A note or a tag re-indexes its paper: the old copy stays in its segment, marked deleted, and
    `check` must read past it (it once failed on every index that had caught up a change)."""
    pid = json.loads(run_cli(corpus_dir, "list", "--json").stdout)["results"][0]["id"]
    assert run_cli(corpus_dir, "note", pid, "--set", "a note that re-indexes the paper").returncode == 0
    assert run_cli(corpus_dir, "search", "re-indexes").returncode == 0  # the index catches up
    run = run_cli(corpus_dir, "check")
    assert run.returncode == 0 and run.stdout.splitlines()[1] == "index: ok", run.stdout


@pytest.mark.parametrize("damage", list(CHECKED), ids=["postings", "terms", "stamp_type", "docs_null", "ahead", "foreign"])
def test_check_reads_every_index_file_and_names_the_damage(corpus_dir, damage):
    damage(resolve(corpus_dir).index_dir)
    run = run_cli(corpus_dir, "check")
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert "index: ok" not in out and CHECKED[damage] in out and "rebuilt on the next search" in out, out
    assert "Traceback" not in run.stderr
    report = json.loads(run_cli(corpus_dir, "check", "--json").stdout)
    assert report["index_problem"]
