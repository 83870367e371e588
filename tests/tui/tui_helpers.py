"""Helpers for pilot tests: waiting for workers, reading the screen, typing a search."""

from __future__ import annotations

WIDE = (140, 40)
NARROW = (80, 24)


async def settle(app, pilot, rounds: int = 2) -> None:
    """Wait for the workers (which pilot.pause does not) and the messages they posted."""
    for _ in range(rounds):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def ready(app, pilot, in_list: bool = True):
    """Wait until the library is open, the index ready and the first results shown.

    The search box has the focus at launch (type to search); with `in_list` (the default) the
    user then goes to the list with escape, as tests about the list's keys need."""
    from paperreader.tui.screens.main import MainScreen

    for _ in range(200):
        await settle(app, pilot, 1)
        screen = app.screen
        if isinstance(screen, MainScreen) and screen.index_ready and screen.result is not None:
            await settle(app, pilot, 1)
            if in_list and screen.focused is screen.search_box:
                await pilot.press("escape")
                await settle(app, pilot, 1)
            return screen
    raise AssertionError("the app never became ready")


def screen_text(app) -> str:
    """What the terminal shows now, as plain text."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def widget_text(widget) -> str:
    """A Static's or Label's current content as plain text."""
    return str(widget.render())


async def search_for(app, pilot, query: str):
    """Press / and put the query in the box (as a paste would), then wait for the results.

    Tests that are about typing press the keys; the others save the pilot's per-key pacing.
    """
    await pilot.press("slash")
    app.screen.search_box.value = query
    await settle(app, pilot)
    return app.screen


def find_id(library, title_part: str) -> str:
    """The id of the first paper whose title contains `title_part` (the built-in corpus has few arXiv ids)."""
    records = library.get_many(library.list_ids())
    for record in records.values():
        if title_part.lower() in record.title.lower():
            return record.id
    raise AssertionError(f"no paper titled like {title_part!r}")


def rendered_text(widget) -> str:
    """What a widget draws at its current size, as plain text (any renderable: a Rich table too),
    whether or not it is scrolled into view."""
    from textual.geometry import Region

    width, height = widget.size
    return "\n".join(strip.text for strip in widget.render_lines(Region(0, 0, width, height)))


async def help_screens(app, pilot) -> list[str]:
    """Every screenful of the open help screen, scrolled one line at a time from top to bottom."""
    body = app.screen.query_one("#help-body")
    seen: list[str] = []
    for _ in range(400):
        seen.append(screen_text(app))
        if body.scroll_y >= body.max_scroll_y:
            break
        await pilot.press("j")
        await pilot.pause()
    return seen
