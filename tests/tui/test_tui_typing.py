"""Type to search: at launch the keys go to the search box, all of them and in order, even those
typed before the main screen exists; the list keeps its keys once the user moves there."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events

import paperreader.tui.app

from paperreader.tui.app import PaperReaderApp
from paperreader.tui.screens.main import MainScreen

from tui_helpers import NARROW, WIDE, ready, screen_text, settle


class TypedAtOnce(PaperReaderApp):
    """Keys that arrive as the app starts, before its main screen is composed (a fast typist, or
    keys already in the terminal's buffer when the process starts)."""

    CSS_PATH = str(Path(paperreader.tui.app.__file__).with_name("app.tcss"))
    typed = "mamba"

    def on_mount(self) -> None:
        for char in self.typed:  # handled after this handler: the main screen is pushed, not composed
            self.post_message(events.Key(char, char))
        super().on_mount()


@pytest.mark.parametrize("size", [WIDE, NARROW])
async def test_keys_typed_before_the_screen_exists_all_land_in_the_box(library_dir, size):
    app = TypedAtOnce(data_dir=str(library_dir), system_copy=None, environ={})
    async with app.run_test(size=size) as pilot:
        screen = await ready(app, pilot, in_list=False)
        assert isinstance(app.screen, MainScreen)  # `m` did not open more-like-this, `b` no dialog
        assert screen.search_box.value == "mamba"
        assert screen.focused is screen.search_box
        assert screen.result.query == "mamba" and screen.result.total > 0
        assert "mamba" in screen.results.current_row.record.title.lower() + screen.results.current_row.record.abstract.lower()
        assert "Mamba" in screen_text(app)


async def test_typing_at_launch_searches_and_the_list_keeps_j_k_g_G(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press(*"mamba")  # at once: no waiting for the library
        screen = await ready(app, pilot, in_list=False)
        assert screen.search_box.value == "mamba" and screen.result.query == "mamba"
        await pilot.press("enter")  # to the list
        assert screen.focused is screen.results
        await pilot.press("j", "j")
        assert screen.results.cursor == 2 and screen.search_box.value == "mamba"
        await pilot.press("G")
        assert screen.results.cursor == screen.results.total - 1
        await pilot.press("g")
        assert screen.results.cursor == 0
        await pilot.press("slash")  # back to the box, which keeps the query
        assert screen.focused is screen.search_box
        await pilot.press("escape")
        assert screen.focused is screen.results
        await pilot.press("tab")  # tab from the box goes to the list too
        await pilot.press("slash")
        await pilot.press("tab")
        assert screen.focused is screen.results


@pytest.mark.parametrize("size", [WIDE, NARROW])
async def test_down_arrow_goes_from_the_box_to_the_list(make_app, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        screen = await ready(app, pilot, in_list=False)
        assert screen.focused is screen.search_box  # type to search: the box has the focus at launch
        await pilot.press(*"state space")
        await settle(app, pilot)
        await pilot.press("down")
        assert screen.focused is screen.results
        await pilot.press("down")
        assert screen.results.cursor == 1
        assert screen.search_box.value == "state space"


class TypedWithKeysAtOnce(PaperReaderApp):
    """A fast typist who corrects a letter, leaves the box with escape and moves down the list,
    all before the main screen exists."""

    CSS_PATH = TypedAtOnce.CSS_PATH

    async def on_mount(self) -> None:
        # through the app's own key handling, as the terminal's keys come (Textual runs
        # PaperReaderApp.on_mount after this one: the main screen does not exist yet)
        for key, char in [("m", "m"), ("a", "a"), ("m", "m"), ("x", "x"), ("backspace", "\x7f"), ("b", "b"), ("a", "a")]:
            await self.on_event(events.Key(key, char))
        await self.on_event(events.Key("escape", "\x1b"))
        await self.on_event(events.Key("j", "j"))


async def test_backspace_and_escape_typed_before_the_screen_exists_act_as_keys(library_dir):
    app = TypedWithKeysAtOnce(data_dir=str(library_dir), system_copy=None, environ={})
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot, in_list=False)
        await settle(app, pilot)
        assert screen.search_box.value == "mamba"  # backspace took the x back, j did not land here
        assert screen.result.query == "mamba"
        assert screen.focused is screen.results  # escape went to the list (before j came)
        # the early j moved the list's cursor (by one, on whichever list was showing: the answer to
        # "mamba" may land before or after it); a j now moves it one further
        before = screen.results.cursor
        assert before in (0, 1)
        await pilot.press("j")
        assert screen.results.cursor == before + 1


@pytest.mark.parametrize("size", [WIDE, NARROW])
async def test_a_query_longer_than_the_box_scrolls_to_keep_the_cursor_in_view(make_app, size):
    """The box repaints, without a layout of the screen, as its text grows: the end of a long
    query stays in view as it is typed, home shows its start, end its end again."""
    app = make_app()
    async with app.run_test(size=size) as pilot:
        screen = await ready(app, pilot, in_list=False)
        words = [f"w{i:03d}" for i in range(45)]  # 224 characters: wider than any box here
        await pilot.press(*" ".join(words))
        await settle(app, pilot)
        box_line = lambda: next(line for line in screen_text(app).splitlines() if "w0" in line)  # noqa: E731
        assert words[-1] in box_line() and words[0] not in box_line()
        await pilot.press("home")
        await settle(app, pilot)
        assert words[0] in box_line() and words[-1] not in box_line()
        await pilot.press("end", "backspace", "backspace", "backspace", "backspace")
        await settle(app, pilot)
        assert words[-2] in box_line() and words[-1] not in box_line()
