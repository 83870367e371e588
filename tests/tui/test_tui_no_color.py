"""NO_COLOR (https://no-color.org): Textual draws every line through its Monochrome filter, which
needs a style on every segment. A line drawn with a segment without one was a traceback that
closed the reader (found with NO_COLOR=1: a search that finds nothing)."""

from __future__ import annotations

from tui_helpers import WIDE, ready, screen_text, search_for


async def test_a_search_that_finds_nothing_under_no_color(make_app, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await search_for(app, pilot, "zzqqxxnothing")
        await pilot.press("escape")
        await pilot.pause()
        assert "No papers match" in screen_text(app)
        assert app.is_running
