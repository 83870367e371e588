"""A paste into the search box is a query: escape sequences and control characters out, its lines
joined (engineer T's find: `kazakh<ESC>[31mred<ESC>[0m more` kept the ESC characters in the box's value,
drawn raw to the terminal; a paste of several lines kept only the first)."""

from __future__ import annotations

from textual import events

from paperreader.tui.widgets.search_box import SearchBox

from tui_helpers import WIDE, ready, settle


async def paste(app, pilot, text: str) -> None:
    box = app.screen.search_box
    box.post_message(events.Paste(text))
    await settle(app, pilot)


async def test_a_paste_with_escapes_and_lines_is_one_clean_query(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await pilot.press("slash")
        assert isinstance(app.focused, SearchBox)
        await paste(app, pilot, "kazakh\x1b[31m\x1b[0m\tspeech\r\n")
        box = app.screen.search_box
        assert box.value == "kazakh speech"
        await paste(app, pilot, "\x07\n")  # nothing printable: nothing pasted
        assert box.value == "kazakh speech"
        box.value = ""
        await paste(app, pilot, "Mamba State-Space Models\nAre Lyapunov-Stable Learners")  # a title wrapped in a PDF
        assert box.value == "Mamba State-Space Models Are Lyapunov-Stable Learners"
        await settle(app, pilot)
        assert app.is_running and isinstance(app.focused, SearchBox)
        assert app.screen.result.query == box.value  # and it searched for it
        assert app.screen.results.current_row.record.title == box.value
