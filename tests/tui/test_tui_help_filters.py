"""The help's paragraph on the search language names every filter the query language has
(is:new and has:arxiv were missing: engineer Q's find)."""

from __future__ import annotations

from textual.widgets import Static

from paperreader.search.query import HAS_VALUES, IS_VALUES
from paperreader.tui.screens.help import HelpScreen

from tui_helpers import WIDE, ready, widget_text


async def test_help_names_every_is_and_has_filter(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(widget_text(s) for s in app.screen.query(Static))
        for value in IS_VALUES:
            assert value in text.split("is:", 1)[1].split(",", 1)[0].split("|"), value
        for value in HAS_VALUES:
            assert value in text.split("has:", 1)[1].split(".", 1)[0].split("|"), value
