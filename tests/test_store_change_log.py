"""The change log: pruned up to what the index has taken in, and no reader misses a change.

- a 100k-row log is pruned when the index catches up (and when it rebuilds), never past its stamp;
- a change committed while the index catches up stays in the log and is indexed next time;
- a position before the prune raises ChangeLogPruned: an old copy of the index rebuilds, another
  process's citation-key table (a reader with its own position) is made afresh, another process
  with the index open at an older stamp takes up the newer one; real processes;
- the prune never waits for another process's writer (it is left for the next catch-up).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap

import pytest

from paperreader.model import Paper
from paperreader.paths import resolve
from paperreader.store import ChangeLogPruned, Library
from paperreader.store.change_log import PRUNE_EVERY, record_changes
from paperreader.workspace import Workspace

LOG_ROWS = 100_000  # a 100k-paper import's worth of change rows (rows, not papers: fast)


def rows(library) -> int:
    return library.db.scalar("SELECT count(*) FROM changes")


def hits(ws, query: str) -> set[str]:
    return {h.id for h in ws.engine.search(query, limit=50, highlight=False).hits}


def flood(library, paper_ids: list[str], n: int) -> None:
    """`n` change rows over the given papers, in one transaction (what a big import leaves)."""
    with library.db.write() as conn:
        record_changes(conn, (paper_ids[i % len(paper_ids)] for i in range(n)))


def test_record_since_prune_and_the_gap(tmp_path):
    library = Library(tmp_path / "library.sqlite3")
    library.upsert([Paper(title=f"Paper {i}") for i in range(3)])
    ids = library.list_ids()
    start = library.change_seq()
    with library.db.write() as conn:
        record_changes(conn, [ids[0], ids[1], ids[0]])
    top, changed = library.changes_since(start)
    assert top == start + 3 and changed == [ids[0], ids[1]]
    assert library.prune_changes(start + 2) == start + 2  # every row up to there (the upserts' too)
    assert library.changes_pruned_to() == start + 2 and library.change_seq() == top
    assert library.changes_since(start + 2) == (top, [ids[0]])  # at the mark: nothing missed
    with pytest.raises(ChangeLogPruned) as gap:
        library.changes_since(start + 1)  # before the mark: the row after it is gone
    assert gap.value.pruned_to == start + 2
    assert library.prune_changes(start + 1) == 0 and library.changes_pruned_to() == start + 2  # never goes back


def test_a_100k_row_log_is_pruned_when_the_index_catches_up_and_only_up_to_its_stamp(data_dir, monkeypatch):
    ws = Workspace.open(resolve(data_dir))
    try:
        ws.library.upsert([Paper(title=f"Paper number {i}", abstract=f"about topic{i}") for i in range(50)])
        ws.ensure_index()
        ids = ws.library.list_ids()
        flood(ws.library, ids, LOG_ROWS)
        ws.library.set_note(ids[0], "zebrafish")  # a change the index must take in
        before = rows(ws.library)
        assert before >= LOG_ROWS

        # a change another process commits while this catch-up runs: after what it read, so not taken in
        other = Library(ws.library.path)
        real = ws.library.iter_records

        def iter_records_while_another_writes(*args, **kwargs):
            other.set_note(ids[1], "okapi")
            monkeypatch.setattr(ws.library, "iter_records", real)
            return real(*args, **kwargs)

        monkeypatch.setattr(ws.library, "iter_records", iter_records_while_another_writes)
        ws.index.catch_up()
        stamp = ws.index.read_stamp()["seq"]
        assert ws.library.change_seq() == stamp + 1  # the other process's note came after
        assert ws.library.changes_pruned_to() == stamp
        assert rows(ws.library) == 1  # 100k rows gone; the one the index has not taken in stays
        assert ws.library.changes_since(stamp) == (stamp + 1, [ids[1]])
        assert hits(ws, "zebrafish") == {ids[0]}
        assert hits(ws, "okapi") == {ids[1]}  # the next search catches it up from the kept row
        other.close()

        # a rebuild prunes up to the stamp it was built at too
        flood(ws.library, ids, 3 * PRUNE_EVERY)
        ws.index.rebuild()
        assert rows(ws.library) == 0 and ws.library.changes_pruned_to() == ws.index.read_stamp()["seq"]
        assert ws.library.integrity_check() == ["ok"]
    finally:
        ws.close()


def test_a_small_catch_up_writes_nothing_until_enough_has_gathered(workspace):
    ws = workspace
    ws.library.upsert([Paper(title="One paper", abstract="a")])
    ws.index.catch_up()
    pid = ws.library.list_ids()[0]
    mark = ws.library.changes_pruned_to()
    ws.library.set_note(pid, "kingfisher")
    assert hits(ws, "kingfisher") == {pid}
    assert ws.library.changes_pruned_to() == mark and rows(ws.library) >= 1  # kept: fewer than PRUNE_EVERY


def test_an_old_copy_of_the_index_behind_the_prune_is_rebuilt_not_left_stale(data_dir):
    paths = resolve(data_dir)
    ws = Workspace.open(paths)
    try:
        ws.library.upsert([Paper(title=f"Paper {i}", abstract="plain words") for i in range(20)])
        ws.ensure_index()
        ids = ws.library.list_ids()
        old_copy = data_dir / "old-index"
        shutil.copytree(ws.index.dir, old_copy)
        ws.library.set_note(ids[3], "narwhal")
        flood(ws.library, ids, 2 * PRUNE_EVERY)
        ws.index.catch_up()
        assert ws.library.changes_pruned_to() > 0 and rows(ws.library) == 0
    finally:
        ws.close()
    shutil.rmtree(paths.index_dir)
    shutil.copytree(old_copy, paths.index_dir)  # the index as it was before the note (a restored copy)
    ws = Workspace.open(paths)
    try:
        ws.ensure_index()
        assert hits(ws, "narwhal") == {ids[3]}
        assert ws.index.read_stamp()["seq"] >= ws.library.changes_pruned_to()
    finally:
        ws.close()


# A second process with a reader of its own position in the log: its citation-key table, made at
# the start, caught up from the change log on each lookup. Commands on stdin, keys on stdout.
KEYS = textwrap.dedent(
    """
    import sys
    from paperreader.citation import citation_key
    from paperreader.store import Library

    library = Library(sys.argv[1])
    for line in sys.stdin:
        print(citation_key(library, library.get(line.strip())), flush=True)
    """
)


def test_another_process_whose_position_was_pruned_past_refreshes_its_table(data_dir):
    ws = Workspace.open(resolve(data_dir))
    reader = None
    try:
        paper = Paper(title="Attention everywhere", authors=("Ada Smith",), published="2020-01-01")
        ws.library.upsert([paper])
        ws.ensure_index()
        first = paper.id
        reader = subprocess.Popen([sys.executable, "-c", KEYS, str(ws.library.path)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)  # fmt: skip
        reader.stdin.write(first + "\n")
        reader.stdin.flush()
        alone = reader.stdout.readline().strip()
        assert alone and "-" not in alone  # no other paper shares its key yet

        # another paper with the same key, then enough changes that the index's catch-up prunes
        # past the reader's position
        ws.library.upsert([Paper(title="Attention elsewhere", authors=("Ada Smith",), published="2020-05-01")])
        flood(ws.library, [first], 2 * PRUNE_EVERY)
        ws.index.catch_up()
        assert rows(ws.library) == 0

        reader.stdin.write(first + "\n")
        reader.stdin.flush()
        shared = reader.stdout.readline().strip()
        assert shared.startswith(alone + "-"), shared  # it saw the new paper: its table was made afresh
    finally:
        if reader is not None:
            reader.stdin.close()
            reader.wait(timeout=30)
        ws.close()


# A second reader process with the index open at its own (older) stamp: searches on stdin, ids out.
SEARCHER = textwrap.dedent(
    """
    import sys
    from paperreader.paths import resolve
    from paperreader.workspace import Workspace

    ws = Workspace.open(resolve(sys.argv[1]))
    ws.ensure_index()
    print("ready", flush=True)
    for line in sys.stdin:
        hits = ws.engine.search(line.strip(), limit=10, highlight=False).hits
        print(" ".join(sorted(h.id for h in hits)) or "-", flush=True)
    """
)


def test_another_process_with_the_index_open_behind_the_prune_still_finds_the_change(data_dir):
    ws = Workspace.open(resolve(data_dir))
    reader = None
    try:
        ws.ensure_index()
        reader = subprocess.Popen([sys.executable, "-c", SEARCHER, str(data_dir)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)  # fmt: skip
        assert reader.stdout.readline().strip() == "ready"
        ids = ws.library.list_ids()
        ws.library.set_note(ids[5], "walrus")
        flood(ws.library, ids, 2 * PRUNE_EVERY)
        ws.index.catch_up()  # this process catches the shared index up and prunes past the reader's stamp
        assert rows(ws.library) == 0 and ws.library.changes_pruned_to() > 0
        ws.library.set_note(ids[6], "walrus too")  # and one change after the prune
        reader.stdin.write("walrus\n")
        reader.stdin.flush()
        assert reader.stdout.readline().split() == sorted([ids[5], ids[6]])
    finally:
        if reader is not None:
            reader.stdin.close()
            reader.wait(timeout=30)
        ws.close()


HOLDER = textwrap.dedent(
    """
    import sqlite3, sys
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    print("held", flush=True)
    sys.stdin.read()
    """
)


def test_the_prune_never_waits_for_another_writer(workspace):
    ws = workspace
    ws.library.upsert([Paper(title="Paper", abstract="heron")])
    ids = ws.library.list_ids()
    flood(ws.library, ids, 2 * PRUNE_EVERY)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(ws.library.path)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        top = ws.library.change_seq()
        assert ws.library.changes_taken_in(top) == 0  # left for later, the catch-up not failed
        assert rows(ws.library) >= 2 * PRUNE_EVERY
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert ws.library.changes_taken_in(top) >= 2 * PRUNE_EVERY  # the next one does it
    assert ws.library.db.scalar("PRAGMA busy_timeout") == 15000  # put back as it was
