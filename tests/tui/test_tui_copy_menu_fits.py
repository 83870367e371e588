"""The copy menu (`y`) is one line an option at any width: its key, its label and the start of what
it copies, cut with an ellipsis where the dialog ends. Before, the previews were cut at 62 characters
whatever the width, and the option list wrapped them: at 80x24 the link and the Markdown link took
two lines each, with the wrapped part under the keys; at 60x20 the dialog overflowed and the Title
option and the hint were off the screen, as the hint was for the corpus's longest title (123
characters, a 4-line heading at 60x20)."""

from __future__ import annotations

import pytest

from paperreader.tui.screens.pick import CopyMenu, LinksMenu

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


@SIZES
async def test_the_links_menu_has_one_line_a_link(make_app, clipboard, size):
    """The links menu (`l`) likewise: before, at 80x24 each link took 3 lines (its label on one, the
    URL wrapped on two), at 60x20 the third link was off the dialog."""
    app = make_app()
    async with app.run_test(size=size) as pilot:
        screen = await ready(app, pilot)
        record = screen.results.current_row.record
        assert len(record.links) >= 3
        await pilot.press("l")
        await settle(app, pilot)
        assert isinstance(app.screen, LinksMenu)
        lines = screen_text(app).splitlines()
        first = next(i for i, line in enumerate(lines) if f" {record.links[0].label[:12]}" in line)
        for line, link in zip(lines[first:], record.links):
            label = link.label[:12]
            assert label in line and link.url[:12] in line.split(label, 1)[1], (label, line)
        assert any("enter/o open" in line for line in lines[first + len(record.links):])
        await pilot.press("end", "c")  # the last link, copied whole
        await settle(app, pilot)
        assert clipboard.calls[-1] == record.links[-1].url
