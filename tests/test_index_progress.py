"""The index build's progress tells the truth through a whole rebuild or catch-up.

Before: a rebuild reported nothing while it read the papers and handed them to the analysers (most
of its time: ~17-28 s of silence at 100,000 papers), then sat at "100,000 of 100,000" while the
segment was written (10-18 s); a catch-up's total was read once, so papers an import in another
process added meanwhile were taken in under a bar standing at "10,000 of 10,000"."""

from __future__ import annotations

import pytest

from paperreader.model import Paper
from paperreader.search import bulk
from paperreader.search import rebuild as side_build
from paperreader.store import Library


def add_papers(library, n: int, word: str, start: int = 0) -> None:
    library.upsert([Paper(title=f"A {word} study number {k}", abstract=f"We measure {word} {k} times.")
                    for k in range(start, start + n)])


def test_a_rebuild_reports_while_it_reads_then_its_writing_stage(workspace, monkeypatch):
    ws = workspace
    add_papers(ws.library, 6_000, "quokkafication")
    total = ws.library.count()
    commits: list[int] = []
    real_commit = bulk.BulkBuild.commit

    def commit(self, *args, **kwargs):
        commits.append(len(calls))
        return real_commit(self, *args, **kwargs)

    monkeypatch.setattr(bulk.BulkBuild, "commit", commit)
    calls: list[tuple[int, int, str | None]] = []
    assert ws.index.rebuild(lambda done, of, stage=None: calls.append((done, of, stage))) == total
    assert commits, "the build went through BulkBuild"
    before_commit = calls[: commits[0]]
    reading = [c for c in before_commit if 0 < c[0] < total]
    assert len(reading) >= 10, calls  # every 500 papers of 6,000+ read (1% would be 60)
    dones = [c[0] for c in calls]
    assert dones == sorted(dones) and dones[-1] == total
    assert all(of == total for _d, of, _s in calls)
    assert all(stage == side_build.INDEXING for _d, _t, stage in before_commit)
    analysed = [c for c in calls[commits[0]:] if c[2] == side_build.INDEXING]
    assert len(analysed) >= 3, calls  # as the workers' batches are taken in (6 of ~1,034)
    assert calls[commits[0]:][len(analysed)] == (total, total, side_build.WRITING)  # all analysed: the write
    assert calls[-1] == (total, total, side_build.WRITING)  # until the caller says it is ready
    assert ws.engine.search("quokkafication").total == 6_000


def test_a_rebuild_in_chunks_writes_each_chunk_under_the_writing_stage(workspace, monkeypatch):
    monkeypatch.setattr(side_build, "REBUILD_CHUNK", 1_000)
    ws = workspace
    add_papers(ws.library, 2_500, "wombatization")
    total = ws.library.count()
    calls: list[tuple] = []
    ws.index.rebuild(lambda done, of, stage=None: calls.append((done, of, stage)))
    writing = [done for done, _of, stage in calls if stage == side_build.WRITING]
    assert writing == [1_000, 2_000, total, total], calls  # each chunk, then the swap
    dones = [c[0] for c in calls]
    assert dones == sorted(dones)


def test_a_plain_done_total_callback_still_gets_the_counts(workspace):
    """The CLI's line and the import dialog take (done, total): they get the counts, now from the start."""
    ws = workspace
    add_papers(ws.library, 1_200, "echidnology")
    total = ws.library.count()
    calls: list[tuple[int, int]] = []
    ws.index.rebuild(lambda done, of: calls.append((done, of)))
    assert calls[0] == (0, total) and calls[-1] == (total, total)
    assert len([d for d, _ in calls if 0 < d < total]) >= 2


def test_a_catch_up_s_total_grows_with_papers_added_meanwhile(workspace):
    ws = workspace
    ws.engine.search("anything")  # the index open and in step
    add_papers(ws.library, 1_500, "quokkafication")
    other = Library(ws.paths.data_dir / "library.sqlite3")  # another connection, as the CLI's import
    calls: list[tuple] = []

    def progress(done: int, total: int, stage: str | None = None) -> None:
        calls.append((done, total, stage))
        if done >= 500 and len({c[1] for c in calls}) == 1:
            add_papers(other, 700, "pangolinity")

    try:
        assert ws.index.catch_up(progress) == 2_200
    finally:
        other.close()
    totals = [total for _d, total, _s in calls]
    assert totals[0] == 1_500 and totals[-1] == 2_200 and totals == sorted(totals), calls
    assert calls[-1] == (2_200, 2_200, side_build.WRITING)
    assert ws.index.behind() == 0
    assert ws.engine.search("pangolinity").total == 700
    assert ws.engine.search("quokkafication").total == 1_500


def test_a_paper_changed_again_after_it_was_written_waits_for_the_next_catch_up(workspace):
    """Its old copy is not in the searcher the deletes use: taken in now it would be indexed twice."""
    ws = workspace
    ws.engine.search("anything")
    add_papers(ws.library, 1_200, "quokkafication")
    seq = (ws.index.read_stamp() or {})["seq"]
    first_written = ws.library.changes_since(seq)[1][0]  # a catch-up writes them in the log's order
    other = Library(ws.paths.data_dir / "library.sqlite3")
    noted: list[str] = []

    def progress(done: int, total: int, stage: str | None = None) -> None:
        if done >= 600 and not noted:
            other.set_note(first_written, "aardvarkian remarks")
            noted.append(first_written)

    try:
        assert ws.index.catch_up(progress) == 1_200
    finally:
        other.close()
    assert noted
    assert ws.index.behind() > 0  # left for the next catch-up
    ws.index.catch_up()
    assert ws.index.behind() == 0
    assert [h.id for h in ws.engine.search("aardvarkian").hits] == [first_written]
    assert ws.engine.search("quokkafication").total == 1_200
