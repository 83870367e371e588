"""Quitting at once: the reader's parts are mounted when the first paper fills it, one frame after
the list's first frame; a quit in between made that fill a traceback on the way out (Textual
mounts nothing once the app is exiting, and the fill looked the parts up)."""

from __future__ import annotations

from paperreader.tui.widgets.reader import ReaderPane

from tui_helpers import WIDE, ready


async def test_a_paper_shown_after_the_quit_is_not_a_traceback(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        row = app.screen.results.current_row
        fresh = ReaderPane(id="reader-before-its-first-paper")  # as the reader is at launch: no parts yet
        await app.screen.mount(fresh)
        app.exit()  # ctrl+q between the list's first frame and the reader's fill
        fresh.show(row)  # the fill, landing after the quit
        assert fresh.row is None
    assert app.return_code == 0
