"""A search typed while the index is far behind the store (another process stored papers without
indexing them, `paperreader import --no-index`, and the change poll has not looked yet): it answers
at once from the index as it is, says the index is catching up, the catch-up runs in a process of
its own with the bar (tui/index_process.py), and the search runs again after it. Before, the search
caught the index up inline in its worker thread: Whoosh's writer held the reader's GIL for seconds
at tens of thousands of papers, and keys lagged. A few papers behind are still caught up inline."""

from __future__ import annotations

import threading

from paperreader.model import Paper
from paperreader.tui import index_process

from tui_helpers import WIDE, ready, screen_text, search_for, settle, widget_text


def _store_elsewhere(library, count: int, word: str) -> None:
    """What `paperreader import --no-index` does: the papers stored by another connection, not indexed."""
    library.upsert([Paper(title=f"{word} study number {k}", abstract=f"We measure {word} {k}.") for k in range(count)])


async def test_a_search_far_behind_answers_from_the_index_as_it_is_then_again_after_the_catch_up(make_app, library, monkeypatch):
    runs: list[str] = []
    seen_while_catching_up: list = []
    shown: list[tuple] = []
    real_run = index_process.run
    app = make_app()

    def run(data_dir, mode, progress, closing):
        # the catch-up process starts after the search answered: what the screen shows now
        screen = app.screen
        seen_while_catching_up.append((screen.search_box.value, screen.result.total, screen.result.notice, screen.index_ready))

        def relay(*report):
            shown.append(report)
            progress(*report)

        runs.append(mode)
        return real_run(data_dir, mode, relay, closing)

    monkeypatch.setattr(index_process, "run", run)
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot, in_list=False)
        assert runs == []  # the index was up to date at launch
        before = app.workspace.index.read_stamp()["docs"]
        _store_elsewhere(library, index_process.FROM + 200, "Quokkafication")
        await search_for(app, pilot, "quokkafication")  # typed before the 2 s poll looks
        await settle(app, pilot)
        assert runs == ["catch-up"], runs  # not caught up inside the search's thread
        query, total, notice, searchable = seen_while_catching_up[0]
        assert query == "quokkafication" and total == 0  # the index as it was: none of the new papers
        assert notice and "the index is catching up" in notice and f"{index_process.FROM + 200:,}" in notice
        assert searchable  # keys typed meanwhile still search (the index as it is), no "results once indexed"
        assert shown and shown[-1][0] >= index_process.FROM + 200, shown  # the bar moved through the catch-up
        # the catch-up done, the same search ran again and finds them
        assert app.workspace.index.read_stamp()["docs"] == before + index_process.FROM + 200
        assert app.screen.result.query == "quokkafication" and app.screen.result.total == index_process.FROM + 200
        assert not app.screen.result.notice
        assert "catching up" not in screen_text(app)


async def test_the_status_line_says_so_while_it_catches_up(make_app, library, monkeypatch):
    """While the catch-up runs: the answer's notice and the bar are on the status line."""
    moved, go_on = threading.Event(), threading.Event()
    real_run = index_process.run
    app = make_app()

    def run(data_dir, mode, progress, closing):
        def relay(*report):
            progress(*report)
            if report[0] and not moved.is_set():  # the bar's first move: held until the test has looked
                moved.set()
                go_on.wait(30)

        return real_run(data_dir, mode, relay, closing)

    monkeypatch.setattr(index_process, "run", run)
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot, in_list=False)
        _store_elsewhere(library, index_process.FROM + 100, "Wombatization")
        await pilot.press("slash")
        app.screen.search_box.value = "wombatization"
        try:
            for _ in range(400):  # until the catch-up's first report is on the status line
                await pilot.pause(0.02)
                if moved.is_set() and "Indexing" in widget_text(app.screen.query_one("#status-index")):
                    break
            line = widget_text(app.screen.query_one("#status-text"))
            index = widget_text(app.screen.query_one("#status-index"))
        finally:
            go_on.set()
        assert "0 papers match" in line and "the index is catching up" in line, line
        assert f"of {index_process.FROM + 100:,}" in index, index
        await settle(app, pilot)
        assert app.screen.result.total == index_process.FROM + 100


async def test_a_few_papers_behind_are_still_caught_up_by_the_search(make_app, library, monkeypatch):
    runs: list[str] = []
    monkeypatch.setattr(index_process, "run", lambda *args: runs.append(args[1]))
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot, in_list=False)
        _store_elsewhere(library, 30, "Numbatology")
        await search_for(app, pilot, "numbatology")
        assert runs == []
        assert app.screen.result.total == 30 and not app.screen.result.notice
