"""The copy menu (`y`) is one line an option at any width: its key, its label and the start of what
it copies, cut with an ellipsis where the dialog ends. Before, the previews were cut at 62 characters
whatever the width, and the option list wrapped them: at 80x24 the link and the Markdown link took
two lines each, with the wrapped part under the keys; at 60x20 the dialog overflowed and the Title
option and the hint were off the screen, as the hint was for the corpus's longest title (123
characters, a 4-line heading at 60x20)."""

from __future__ import annotations

import pytest

from paperreader.tui.screens.pick import CopyMenu

from tui_helpers import NARROW, WIDE, ready, screen_text, search_for, settle

SIZES = pytest.mark.parametrize("size", [WIDE, NARROW, (60, 20)], ids=["140x40", "80x24", "60x20"])


@SIZES
@pytest.mark.parametrize("paper", ["first", "longest title"])
async def test_the_copy_menu_has_one_line_an_option_and_its_hint_on_screen(make_app, library, clipboard, size, paper):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        screen = await ready(app, pilot)
        if paper == "longest title":
            longest = max(library.get_many(library.list_ids()).values(), key=lambda r: len(r.title))
            assert len(longest.title) > 110
            await search_for(app, pilot, f'title:"{" ".join(longest.title.split()[:4])}"')
            await pilot.press("enter")  # to the list
            await settle(app, pilot)
        record = screen.results.current_row.record
        assert paper == "first" or record.id == longest.id
        await pilot.press("y")
        await settle(app, pilot)
        assert isinstance(app.screen, CopyMenu)
        lines = screen_text(app).splitlines()
        first = next(i for i, line in enumerate(lines) if " l  Link " in line)
        starts = [(" l  Link ", "https://"), (" m  Markdown link ", f"[{record.title[:6]}"),
                  (" b  BibTeX ", "@misc{"), (" t  Title ", record.title[:6])]  # fmt: skip
        for line, (label, preview) in zip(lines[first:first + 4], starts):
            assert label in line and preview in line.split(label, 1)[1], (label, line)
        assert "…" in lines[first]  # the long link is cut where the dialog ends, not wrapped
        assert any("enter copy" in line for line in lines[first + 4:])
        await pilot.press("t")
        await settle(app, pilot)
        assert clipboard.calls[-1] == record.title
