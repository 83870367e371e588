"""Crash safety: SIGKILL a real paperreader process at random moments, 50+ times, and check.

Three kinds of work are killed: rapid star/note/tag/draft changes (the child prints each change
after it returns, i.e. after its COMMIT: "reported done"), a bulk import (one `Library.upsert`
transaction, killed from inside it) and an index rebuild. After every kill:

- `PRAGMA integrity_check` is ok;
- every change reported done is in the store, and nothing else is, except possibly the one change
  that was running when the kill came (it committed or it did not: never half);
- the next `Workspace.open` + `ensure_index()` works, and the index agrees with the store
  (each note's and tag's word finds its paper).

The random seed is printed on failure; set PAPERREADER_CRASH_SEED to replay a run.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from paperreader.model import Paper
from paperreader.paths import resolve
from paperreader.workspace import Workspace

HERE = Path(__file__).parent
PAPERS = 12


def word(n: int) -> str:
    """A distinct searchable word for change n: letters ending in x (no stemming rule applies)."""
    letters, n = "", n + 1
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(97 + r) + letters
    return f"k{letters}x"


def operation(n: int, ids: list[str]) -> tuple[str, str, object]:
    """Change number n, the same in the child and in the model: (kind, paper, value)."""
    pid = ids[(n * 7) % len(ids)]
    kind = ("note", "star", "tags", "draft", "note", "unstar")[n % 6]
    if kind == "note":
        return kind, pid, f"note {word(n)} written"
    if kind in ("star", "unstar"):
        return "star", pid, kind == "star"
    if kind == "tags":
        return kind, pid, (f"t{word(n)}", "crash")
    return kind, pid, f"draft {n}\nsecond line"


def apply(state: dict, op: tuple[str, str, object]) -> dict:
    kind, pid, value = op
    state = {key: dict(val) for key, val in state.items()}
    if kind == "note":
        state["notes"][pid] = value
        state["drafts"].pop(pid, None)  # saving a note settles its draft
    elif kind == "star":
        if value:
            state["stars"][pid] = True
        else:
            state["stars"].pop(pid, None)
    elif kind == "tags":
        state["tags"][pid] = tuple(sorted(value))
    else:
        state["drafts"][pid] = value
    return state


def read_state(store: Path) -> dict:
    conn = sqlite3.connect(store)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        tags: dict[str, list[str]] = {}
        for pid, tag in conn.execute("SELECT paper_id, tag FROM tags ORDER BY tag"):
            tags.setdefault(pid, []).append(tag)
        return {
            "notes": dict(conn.execute("SELECT paper_id, body FROM notes")),
            "stars": {pid: True for (pid,) in conn.execute("SELECT paper_id FROM stars")},
            "tags": {pid: tuple(t) for pid, t in tags.items()},
            "drafts": dict(conn.execute("SELECT paper_id, body FROM drafts")),
        }
    finally:
        conn.close()


def check_index_agrees(data_dir: Path, state: dict) -> None:
    """The next start works, and the index (caught up or rebuilt by itself) agrees with the store."""
    ws = Workspace.open(resolve(data_dir), seed=False, backup=False)
    try:
        ws.ensure_index()
        assert ws.index.read_stamp()["seq"] == ws.library.change_seq()
        for pid, body in state["notes"].items():
            assert [h.id for h in ws.engine.search("note:" + body.split()[1]).hits] == [pid], body
        for pid, tags in state["tags"].items():
            assert [h.id for h in ws.engine.search("tag:" + tags[-1]).hits] == [pid], tags
        assert {h.id for h in ws.engine.search("is:starred", limit=100).hits} == set(state["stars"])
    finally:
        ws.close()


@pytest.fixture(scope="module")
def rng():
    seed = int(os.environ.get("PAPERREADER_CRASH_SEED") or random.SystemRandom().randrange(1 << 30))
    print(f"crash test seed: PAPERREADER_CRASH_SEED={seed}")
    return random.Random(seed)


def spawn(script: Path, *args: str) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, str(script), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1
    )
    line = proc.stdout.readline()
    if line.strip() != "ready":
        proc.kill()
        raise AssertionError(f"the child did not start: {line!r} {proc.stderr.read()}")
    return proc


def kill(proc: subprocess.Popen) -> list[str]:
    """SIGKILL, then everything the child had reported before it died."""
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    out, err = proc.stdout.read(), proc.stderr.read()  # (not communicate(): it would skip what readline buffered)
    proc.stdout.close()
    proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL, f"the child ended by itself ({proc.returncode}): {err}"
    return out.split("\n")[:-1]  # whole lines only: a report cut off by the kill was not made


# -- rapid changes ---------------------------------------------------------------------------

CHANGER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {here!r})
    from paperreader.paths import resolve
    from paperreader.workspace import Workspace
    from test_reliability_crash import operation

    ws = Workspace.open(resolve({data_dir!r}), seed=False, backup=False)
    ids = sorted(ws.library.list_ids())
    n = int(sys.argv[1])
    print("ready", flush=True)
    while True:
        kind, pid, value = operation(n, ids)
        if kind == "note":
            ws.library.set_note(pid, value)
        elif kind == "star":
            ws.library.set_star(pid, value)
        elif kind == "tags":
            ws.library.set_tags(pid, value)
        else:
            ws.library.save_draft(pid, value)
        print("done", n, flush=True)        # reported done: after the change returned
        if n % 3 == 0:
            ws.index.catch_up()             # as the TUI does: the index follows the store
        n += 1
    """
)


def test_kill_during_rapid_changes(tmp_path, rng):
    data_dir = tmp_path / "data"
    ws = Workspace.open(resolve(data_dir), seed=False, backup=False)
    ws.library.upsert([Paper(title=f"Paper {i}", abstract=f"text {i}") for i in range(PAPERS)])
    ids = sorted(ws.library.list_ids())
    ws.ensure_index()
    ws.close()
    script = tmp_path / "changer.py"
    script.write_text(CHANGER.format(here=str(HERE), data_dir=str(data_dir)))
    store = resolve(data_dir).store

    model = read_state(store)
    n, in_flight_landed = 0, 0
    for _ in range(30):
        proc = spawn(script, str(n))
        time.sleep(rng.uniform(0.0, 0.25))
        reported = [int(line.split()[1]) for line in kill(proc) if line.startswith("done")]
        assert reported == list(range(n, n + len(reported)))  # in order, none skipped
        for m in reported:
            model = apply(model, operation(m, ids))
        n += len(reported)
        actual = read_state(store)
        # the change running at the kill either committed or not: never half, never anything else
        maybe = apply(model, operation(n, ids))
        assert actual in (model, maybe), f"after change {n}: {actual} is neither {model} nor {maybe}"
        if actual == maybe and actual != model:
            n += 1
            in_flight_landed += 1
        model = actual
        check_index_agrees(data_dir, model)
    assert n > 30  # the children did real work between kills
    print(f"rapid changes: 30 kills, {n} changes, {in_flight_landed} kills after a commit before its report")


# -- a bulk import ----------------------------------------------------------------------------

IMPORTER = textwrap.dedent(
    """
    import sys
    from paperreader.model import Paper
    from paperreader.paths import resolve
    from paperreader.workspace import Workspace

    run, size, signal_at = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    ws = Workspace.open(resolve({data_dir!r}), seed=False, backup=False)
    print("ready", flush=True)

    def papers():
        for i in range(size):
            if i == signal_at:
                print("inside", flush=True)   # the upsert transaction is open: the parent kills now
            yield Paper(title=f"Bulk {{run}} paper {{i}}", abstract=f"imported batch{{run}}x item {{i}}")

    result = ws.library.upsert(papers())
    print("done", result.added, flush=True)
    ws.index.catch_up()
    print("indexed", flush=True)
    import time
    time.sleep(60)
    """
)


def test_kill_during_a_bulk_import(tmp_path, rng):
    data_dir = tmp_path / "data"
    ws = Workspace.open(resolve(data_dir), seed=True, backup=False)  # the built-in corpus
    ws.library.set_note(ws.library.list_ids()[0], "note wombatx kept through everything")
    ws.ensure_index()
    base = ws.library.count()
    ws.close()
    script = tmp_path / "importer.py"
    script.write_text(IMPORTER.format(data_dir=str(data_dir)))
    size, imported, committed = 300, 0, 0
    for run in range(12):
        proc = spawn(script, str(run), str(size), str(rng.randrange(size)))
        line = proc.stdout.readline()  # "inside": mid-transaction
        assert line.strip() == "inside"
        if run % 3 == 2:
            time.sleep(rng.uniform(0.0, 0.6))  # sometimes later: after the commit, during indexing
        lines = kill(proc)
        done = any(line.startswith("done") for line in lines)
        conn = sqlite3.connect(resolve(data_dir).store)
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        landed = conn.execute("SELECT count(*) FROM papers WHERE title LIKE ?", (f"Bulk {run} paper %",)).fetchone()[0]
        conn.close()
        assert landed in (0, size), f"run {run}: {landed} of {size} papers: a half import"
        assert landed == size or not done, "reported done, but not there"
        imported += landed
        committed += landed == size
        ws = Workspace.open(resolve(data_dir), seed=False, backup=False)
        try:
            ws.ensure_index()
            assert ws.library.count() == base + imported
            assert ws.engine.search(f"batch{run}x", limit=1).total == landed
            assert ws.engine.search("wombatx").total == 1
        finally:
            ws.close()
    print(f"bulk import: 12 kills inside the transaction or after it, {committed} after the commit")


# -- an index rebuild --------------------------------------------------------------------------

REBUILDER = textwrap.dedent(
    """
    from paperreader.paths import resolve
    from paperreader.workspace import Workspace

    ws = Workspace.open(resolve({data_dir!r}), seed=False, backup=False)
    print("ready", flush=True)
    while True:
        ws.index.rebuild()
        print("rebuilt", flush=True)
    """
)


def test_kill_during_an_index_rebuild(tmp_path, rng):
    data_dir = tmp_path / "data"
    ws = Workspace.open(resolve(data_dir), seed=True, backup=False)
    ws.library.upsert([Paper(title=f"Extra paper {i}", abstract=f"filler words number{i} " * 8) for i in range(800)])
    pid = ws.library.list_ids()[5]
    ws.library.set_note(pid, "note wombatx kept through everything")
    ws.ensure_index()
    total = ws.library.count()
    ws.close()
    store = resolve(data_dir).store
    before = read_state(store)
    script = tmp_path / "rebuilder.py"
    script.write_text(REBUILDER.format(data_dir=str(data_dir)))
    for _ in range(12):
        proc = spawn(script)
        time.sleep(rng.uniform(0.0, 1.2))
        kill(proc)
        assert read_state(store) == before  # a rebuild never touches the store
        ws = Workspace.open(resolve(data_dir), seed=False, backup=False)
        try:
            ws.ensure_index()
            assert ws.index.read_stamp()["docs"] == total
            assert [h.id for h in ws.engine.search("wombatx").hits] == [pid]
            assert ws.engine.search("number799").total == 1
        finally:
            ws.close()
    ws = Workspace.open(resolve(data_dir), seed=False, backup=False)
    ws.index.rebuild()  # a rebuild clears what killed ones left beside the index
    ws.close()
    leftovers = [p.name for p in data_dir.iterdir() if p.name.startswith("index") and not p.name.endswith(".lock")]
    assert leftovers == ["index"]
