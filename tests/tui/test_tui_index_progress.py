"""The status line's index bar through a whole build: papers indexed, then "Finishing the index…" with a
sweeping bar while the segment is written and committed (10-18 s at 100,000 papers), not a bar stuck at
"100,000 of 100,000" that looks like a hang."""

from __future__ import annotations

import paperreader.tui.messages as msg
from paperreader.model import Paper
from paperreader.tui import index_process
from paperreader.tui.widgets.status_line import StatusLine

from tui_helpers import WIDE, ready, settle, widget_text


def index_text(app) -> str:
    return widget_text(app.screen.query_one("#status-index"))


async def test_the_status_line_says_when_the_index_is_being_written(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot, in_list=False)
        app.screen.post_message(msg.IndexProgress(1_000, 4_000))  # as the index worker posts them
        await pilot.pause()
        bar = app.screen.query_one("#status-progress")
        assert "Indexing 1,000 of 4,000" in index_text(app) and bar.total == 4_000 and bar.progress == 1_000
        app.screen.post_message(msg.IndexProgress(4_000, 4_000, "writing"))
        await pilot.pause()
        assert "Finishing the index…" in index_text(app) and "4,000" not in index_text(app)
        assert bar.display and bar.total is None  # a sweeping bar: still working, no percentage to sit at
        app.screen.post_message(msg.IndexProgress(2_000, 9_000, "writing"))  # a chunk of a big build
        await pilot.pause()
        assert "Finishing the index (2,000 of 9,000 papers)…" in index_text(app)
        app.screen.post_message(msg.IndexReady())
        await pilot.pause()
        assert not bar.display and index_text(app).strip() == ""


async def test_a_build_in_its_own_process_shows_its_progress_then_the_writing_stage(make_app, library, monkeypatch):
    library.upsert([Paper(title=f"Quokkafication study number {k}", abstract=f"We measure quokkafication {k}.") for k in range(1_200)])
    relayed: list[tuple] = []
    shown: list[str] = []
    real_run = index_process.run
    real_watch = StatusLine.watch_index_progress

    def run(data_dir, mode, progress, closing):
        def relay(done: int, total: int, stage: str) -> None:
            relayed.append((done, total, stage))
            progress(done, total, stage)

        return real_run(data_dir, mode, relay, closing)

    def watch(self, progress):
        real_watch(self, progress)
        if progress is not None:
            shown.append(widget_text(self.query_one("#status-index")))

    monkeypatch.setattr(index_process, "run", run)
    monkeypatch.setattr(StatusLine, "watch_index_progress", watch)
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot, in_list=False)
        await settle(app, pilot)
    assert relayed and relayed[0][2] == "indexing" and relayed[-1] == (1_200, 1_200, "writing"), relayed
    assert [d for d, _t, _s in relayed] == sorted(d for d, _t, _s in relayed)
    assert any(text.startswith("Indexing 500 of 1,200") for text in shown), shown
    assert shown[-1].startswith("Finishing the index…"), shown
