"""The engine's catch-up before a search (search/engine.py `catch_up_below`, search/index.py
`catch_up_if_near`): the CLI (the default) catches the index up, however far behind, and sees every
paper; the reader's engine answers from the index as it is when many changes wait or another
process holds the index's writer (a catch-up there held its GIL for seconds, or waited on the lock
for 10 s then failed with IndexBusy), and catches a few up as before."""

from __future__ import annotations


from index_writer import writer_held
from paperreader.model import Paper
from paperreader.store import Library


def _store_elsewhere(workspace, count: int, word: str) -> None:
    """Papers stored by another connection (as `paperreader import --no-index` would), not indexed."""
    other = Library(workspace.paths.store)
    try:
        other.upsert([Paper(title=f"{word} study number {k}", abstract=f"We measure {word} {k}.") for k in range(count)])
    finally:
        other.close()


def test_the_cli_engine_catches_up_however_far_behind(workspace):
    _store_elsewhere(workspace, 1_200, "Quokkafication")
    found = workspace.engine.search("quokkafication", limit=5)
    assert found.total == 1_200 and not found.notice
    assert workspace.engine.left_behind == 0 and workspace.index.behind() == 0


def test_the_readers_engine_answers_from_the_index_as_it_is_when_far_behind(workspace):
    workspace.engine.catch_up_below = 1_000
    stamp = workspace.index.read_stamp()
    _store_elsewhere(workspace, 1_200, "Quokkafication")
    found = workspace.engine.search("quokkafication", limit=5)
    assert found.total == 0
    assert found.notice == "the index is catching up: 1,200 new or changed papers are not in these results yet"
    assert workspace.engine.left_behind == 1_200
    assert workspace.index.read_stamp() == stamp  # nothing written
    assert workspace.engine.search("transformer", limit=5).total > 0  # the papers it has are found
    # another process catches it up (the reader's catch-up process): the next search takes its stamp
    from paperreader.paths import resolve
    from paperreader.workspace import Workspace

    other = Workspace(resolve(workspace.paths.data_dir))
    try:
        other.ensure_index()
    finally:
        other.close()
    found = workspace.engine.search("quokkafication", limit=5)
    assert found.total == 1_200 and not found.notice and workspace.engine.left_behind == 0


def test_the_readers_engine_catches_a_few_up_itself(workspace):
    workspace.engine.catch_up_below = 1_000
    _store_elsewhere(workspace, 30, "Numbatology")
    found = workspace.engine.search("numbatology", limit=5)
    assert found.total == 30 and not found.notice and workspace.engine.left_behind == 0


def test_the_readers_engine_never_waits_on_another_process_writing_the_index(workspace):
    """Before: the search waited for the writer lock (lock_timeout, 10 s) and failed with IndexBusy."""
    workspace.engine.catch_up_below = 1_000
    _store_elsewhere(workspace, 30, "Numbatology")
    with writer_held(workspace.paths.index_dir):
        workspace.index.lock_timeout = 0.5  # (before, IndexBusy after this wait rather than 10 s)
        found = workspace.engine.search("numbatology", limit=5)
        assert found.total == 0 and "30 new or changed papers" in found.notice
        assert workspace.engine.left_behind == 30
    found = workspace.engine.search("numbatology", limit=5)  # the writer free: caught up
    assert found.total == 30 and workspace.engine.left_behind == 0
