"""A library far ahead of its index (1,200 papers stored by another process, not indexed): the reader
builds the index in a process of its own (tui/index_process.py), relays its progress to the bar, and
then finds the papers. In the reader's own thread, Whoosh's commit held the GIL in long stretches:
keys took up to 0.6-1.3 s to show in tmux during a 100,000-paper build, and quitting then waited
~17 s for the build (2 s with the process)."""

from __future__ import annotations

from paperreader.model import Paper
from paperreader.tui import index_process

from tui_helpers import WIDE, ready, search_for, settle


async def test_a_big_catch_up_runs_in_its_own_process_and_the_reader_finds_the_papers(make_app, library, monkeypatch):
    library.upsert([Paper(title=f"Quokkafication study number {k}", abstract=f"We measure quokkafication {k}.") for k in range(1_200)])
    runs: list[tuple[str, int]] = []
    shown: list[tuple[int, int]] = []
    real_run = index_process.run

    def run(data_dir, mode, progress, closing):
        def relay(done: int, total: int) -> None:
            shown.append((done, total))
            progress(done, total)

        notice = real_run(data_dir, mode, relay, closing)
        runs.append((mode, len(shown)))
        return notice

    monkeypatch.setattr(index_process, "run", run)
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot, in_list=False)
        assert runs and runs[0][0] == "ensure" and runs[0][1] > 0, runs  # in the process, with progress
        assert shown[-1][0] == shown[-1][1] >= 1_200, shown
        await search_for(app, pilot, "quokkafication")
        await settle(app, pilot)
        assert app.screen.result.total == 1_200
        assert app.workspace.index.read_stamp()["docs"] == library.count()


async def test_a_small_catch_up_stays_in_the_thread(make_app, library, monkeypatch):
    """Under index_process.FROM papers behind, no process is started (it would cost more than the work)."""
    library.upsert([Paper(title=f"Wombatization note {k}", abstract="Short.") for k in range(20)])
    called: list[str] = []
    monkeypatch.setattr(index_process, "run", lambda *args: called.append(args[1]))
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot, in_list=False)
        assert called == []
        assert app.workspace.index.read_stamp()["docs"] == library.count()
