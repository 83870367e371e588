"""The trash: a deleted paper keeps its stars, notes, tags and read state for 30 days, the index
follows deletes and restores in every process, and old entries are purged on open."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest

from paperreader.model import Paper
from paperreader.paths import resolve
from paperreader.store import NotFound, trash
from paperreader.store.trash import NotInTrash
from paperreader.workspace import Workspace


def _ids(ws, query: str) -> list[str]:
    return [h.id for h in ws.engine.search(query, limit=50).hits]


def _a_paper(ws) -> str:
    return sorted(ws.library.list_ids())[0]


def _annotate(library, pid: str) -> None:
    library.set_star(pid)
    library.set_read(pid)
    library.set_note(pid, "my precious zebranote")
    library.set_tags(pid, ["keep", "zebratag"])
    library.save_draft(pid, "a draft in progress")


def _rows(library, table: str, pid: str) -> int:
    return library.db.read(f"SELECT count(*) FROM {table} WHERE paper_id = ?", (pid,))[0][0]


def test_delete_keeps_everything_and_restore_brings_it_back(workspace):
    lib = workspace.library
    pid = _a_paper(workspace)
    _annotate(lib, pid)
    before = lib.get(pid)
    assert _ids(workspace, "zebranote") == [pid]

    (entry,) = trash.delete_papers(lib, [pid])
    assert lib.get(pid) is None
    for table in ("stars", "notes", "tags", "reads", "drafts"):
        assert _rows(lib, table, pid) == 0, table  # the cascade ran; the rows live in the trash now
    assert _ids(workspace, "zebranote") == [] and _ids(workspace, "tag:zebratag") == []
    (listed,) = trash.entries(lib)
    assert (listed.entry, listed.paper_id, listed.title) == (entry, pid, before.title)
    assert listed.has_note and listed.starred and listed.tags == ("keep", "zebratag")

    assert trash.restore(lib, pid) == pid
    after = lib.get(pid)
    assert after == before  # title, abstract, star, read, note, tags, added_at: all of it
    assert lib.get_draft(pid) == "a draft in progress"
    assert trash.entries(lib) == []
    assert _ids(workspace, "zebranote") == [pid] and _ids(workspace, "tag:zebratag") == [pid]


def test_deleting_an_unknown_id_changes_nothing(workspace):
    lib = workspace.library
    pid = _a_paper(workspace)
    count = lib.count()
    with pytest.raises(NotFound):
        trash.delete_papers(lib, [pid, "arxiv:9999.99999"])
    assert lib.count() == count and lib.get(pid) is not None and trash.entries(lib) == []
    with pytest.raises(NotInTrash):
        trash.restore(lib, pid)


def test_undo_restores_exactly_the_entries_of_one_delete(workspace):
    lib = workspace.library
    a, b, c = sorted(lib.list_ids())[:3]
    first = trash.delete_papers(lib, [a, b])
    trash.delete_papers(lib, [c])
    assert trash.restore_entries(lib, first) == [a, b]
    assert lib.get(a) and lib.get(b) and lib.get(c) is None
    assert trash.restore_entries(lib, first) == []  # a second undo of the same delete: nothing to do


def test_a_paper_imported_again_meanwhile_gets_the_trashed_note_too(workspace):
    lib = workspace.library
    lib.upsert([Paper(title="A Paper Deleted Then Imported", abstract="x", arxiv_id="2401.00001")])
    pid = lib.resolve_id("2401.00001")
    lib.set_note(pid, "old thoughts")
    lib.add_tags(pid, ["old"])
    trash.delete_papers(lib, [pid])
    lib.upsert([Paper(title="A Paper Deleted Then Imported", abstract="x", arxiv_id="2401.00001")])
    lib.set_note(pid, "new thoughts")
    assert trash.restore(lib, "arXiv:2401.00001v2") == pid  # any spelling of the id
    record = lib.get(pid)
    assert "new thoughts" in record.note and "old thoughts" in record.note and record.tags == ("old",)


def test_old_entries_are_purged_when_the_workspace_opens(data_dir):
    ws = Workspace.open(resolve(data_dir))
    a, b = sorted(ws.library.list_ids())[:2]
    trash.delete_papers(ws.library, [a])
    trash.delete_papers(ws.library, [b])
    with ws.library.transaction() as conn:  # a was deleted 31 days ago, b 29 days ago
        conn.execute("UPDATE trash SET deleted_at = ? WHERE paper_id = ?", (trash.cutoff(31), a))
        conn.execute("UPDATE trash SET deleted_at = ? WHERE paper_id = ?", (trash.cutoff(29), b))
    ws.close()
    ws = Workspace.open(resolve(data_dir))
    try:
        assert [e.paper_id for e in trash.entries(ws.library)] == [b]
    finally:
        ws.close()


def test_a_delete_in_another_process_leaves_this_processs_search(workspace):
    pid = _a_paper(workspace)
    workspace.library.set_note(pid, "crossprocess marker")
    assert _ids(workspace, "crossprocess") == [pid]
    env = {**os.environ, "PAPERREADER_DATA_DIR": str(workspace.paths.data_dir)}
    run = lambda *a: subprocess.run([sys.executable, "-m", "paperreader", *a], env=env, capture_output=True, text=True)  # noqa: E731
    done = run("delete", pid)
    assert done.returncode == 0, done.stderr
    assert _ids(workspace, "crossprocess") == []
    done = run("restore-paper", pid)
    assert done.returncode == 0, done.stderr
    assert _ids(workspace, "crossprocess") == [pid]


def test_the_trash_is_one_transaction_with_the_delete(workspace):
    """A delete that fails after the snapshot was written leaves the paper where it was, and no entry."""
    lib = workspace.library
    pid = _a_paper(workspace)
    lib.set_note(pid, "still here")
    with lib.transaction() as conn:
        conn.execute("CREATE TRIGGER refuse BEFORE DELETE ON papers BEGIN SELECT RAISE(ABORT, 'refused'); END")
    with pytest.raises(sqlite3.IntegrityError):
        trash.delete_papers(lib, [pid])
    assert lib.get(pid).note == "still here" and trash.entries(lib) == []
    assert lib.integrity_check() == ["ok"]


def test_a_table_added_later_that_refers_to_papers_is_kept_too(workspace):
    """Rows of any table with a foreign key to papers go to the trash (new migrations need no code here)."""
    lib = workspace.library
    pid = _a_paper(workspace)
    with lib.transaction() as conn:
        conn.execute("CREATE TABLE reading_list(paper_id TEXT REFERENCES papers(id) ON DELETE CASCADE, pos INTEGER)")
        conn.execute("INSERT INTO reading_list VALUES (?, 7)", (pid,))
    trash.delete_papers(lib, [pid])
    assert lib.db.read("SELECT count(*) FROM reading_list")[0][0] == 0
    trash.restore(lib, pid)
    assert [tuple(r) for r in lib.db.read("SELECT paper_id, pos FROM reading_list")] == [(pid, 7)]


def test_trash_survives_in_the_file(data_dir):
    """What the trash holds is in the library file itself (read with plain sqlite3)."""
    ws = Workspace.open(resolve(data_dir))
    pid = sorted(ws.library.list_ids())[0]
    ws.library.set_note(pid, "kept on disk")
    trash.delete_papers(ws.library, [pid])
    ws.close()
    conn = sqlite3.connect(resolve(data_dir).store)
    (snapshot,) = conn.execute("SELECT snapshot FROM trash WHERE paper_id = ?", (pid,)).fetchone()
    conn.close()
    assert "kept on disk" in snapshot


def test_a_row_that_also_referred_to_something_gone_since_is_left_out_of_the_restore(workspace):
    lib = workspace.library
    pid = _a_paper(workspace)
    lib.set_note(pid, "the note comes back")
    with lib.transaction() as conn:
        conn.execute("CREATE TABLE shelves(id INTEGER PRIMARY KEY)")
        conn.execute("CREATE TABLE shelved(shelf INTEGER REFERENCES shelves(id) ON DELETE CASCADE,"
                     " paper_id TEXT REFERENCES papers(id) ON DELETE CASCADE)")  # fmt: skip
        conn.execute("INSERT INTO shelves VALUES (1)")
        conn.execute("INSERT INTO shelved VALUES (1, ?)", (pid,))
    trash.delete_papers(lib, [pid])
    with lib.transaction() as conn:
        conn.execute("DELETE FROM shelves")
    assert trash.restore(lib, pid) == pid
    assert lib.get(pid).note == "the note comes back"
    assert lib.db.read("SELECT count(*) FROM shelved")[0][0] == 0
