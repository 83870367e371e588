"""bench/tui.py's launch figure: the first frame the app hands to its driver with its results in it."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import tui  # noqa: E402
from textual.app import App  # noqa: E402
from textual.widgets import Static  # noqa: E402


class LateApp(App):
    """Its text comes in a later message, as a library opened in a thread does."""

    text = None

    def compose(self):
        yield Static("", id="text")

    def on_mount(self) -> None:
        self.set_timer(0.05, self.show)

    def show(self) -> None:
        self.text = "results"
        self.query_one("#text", Static).update("results")


async def test_the_frame_counted_is_the_first_with_the_results():
    app = LateApp()
    frames, seen = [], []
    display = app._display
    app._display = lambda screen, renderable: (display(screen, renderable), renderable is not None and frames.append(app.text))
    tui._on_first_frame_with(app, lambda: app.text is not None, lambda: seen.append((len(frames), app.export_screenshot())))
    async with app.run_test(size=(40, 5)) as pilot:
        await pilot.pause(0.2)
    assert frames[0] is None  # a first frame without the text was drawn, and not counted
    assert len(seen) == 1 and frames[seen[0][0] - 1] == "results"  # counted once: the first frame with it
    assert "results" in seen[0][1]


async def test_an_app_with_its_results_in_its_first_frame_is_counted_at_that_frame():
    app = tui.BareTarget().make_app()
    frames, seen = [], []
    display = app._display
    app._display = lambda screen, renderable: (display(screen, renderable), renderable is not None and frames.append(1))
    tui._on_first_frame_with(app, lambda: app.shown_query is not None, lambda: seen.append(len(frames)))
    async with app.run_test(size=tui.SIZE) as pilot:
        await pilot.pause(0.1)
    assert seen == [1]
