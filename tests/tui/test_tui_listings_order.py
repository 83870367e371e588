"""`[` in the reader steps through listings by their times: from the built-in listing (imported today) to
22:10, then to 22:09 of the same day, though the 22:09 one was imported last (before: 22:09 first)."""

from __future__ import annotations

from pathlib import Path

from tui_helpers import WIDE, ready, screen_text, settle

ATOM = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "arxiv-atom"


async def test_left_bracket_steps_back_by_time_within_a_day(make_app, library_dir):
    from paperreader.cli import main

    for name in ("arxivpy_2026_id_quant-ph_0201082v1.xml", "arxivpy_2026_search_all_testing_m10.xml"):  # 22:10, 22:09
        assert main(["--data-dir", str(library_dir), "import", str(ATOM / name)]) == 0
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        await pilot.press("left_square_bracket")
        await settle(app, pilot)
        text = screen_text(app)
        assert "arXiv: quant-ph/0201082v1" in text and "listing 2/3" in text
        assert [screen.result.rows[i].id for i in sorted(screen.result.rows)] == ["arxiv:quant-ph/0201082"]
        await pilot.press("left_square_bracket")
        await settle(app, pilot)
        text = screen_text(app)
        assert "arXiv: all:testing" in text and "listing 1/3" in text
        assert len(screen.result.rows) == 10


async def test_a_listings_unread_count_is_its_own(make_app, library_dir):
    """In a listing view the status line counts the listing's unread papers, not the library's
    (engineer T's find: 'listing 7/7 · 48,367 unread' for a listing of 9)."""
    from paperreader.cli import main
    from paperreader.tui.reading import UNREAD_COUNT_AFTER

    assert main(["--data-dir", str(library_dir), "import", str(ATOM / "arxivpy_2026_search_all_testing_m10.xml")]) == 0
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        await pilot.press("left_square_bracket")
        await settle(app, pilot)
        assert "arXiv: all:testing" in screen_text(app)
        await pilot.pause(UNREAD_COUNT_AFTER + 0.3)
        await settle(app, pilot)
        assert screen.unread == 10, screen.unread  # every paper of the listing is unread; the library has 211
        assert "10 unread" in screen_text(app)
