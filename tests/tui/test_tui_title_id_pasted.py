"""A `t:` id copied from the list (a paper without an arXiv id) and pasted into the search box finds
that paper, as an arXiv id does."""

from __future__ import annotations

from tui_helpers import WIDE, ready, screen_text, search_for


async def test_a_pasted_title_id_finds_its_paper(make_app, library):
    ids = [pid for pid in library.list_ids() if pid.startswith("t:")][:2]
    titles = [library.get(pid).title for pid in ids]
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        await search_for(app, pilot, f"{ids[1]} {ids[0]}")
        rows = screen.result.rows
        assert [rows[i].record.title for i in sorted(rows)] == [titles[1], titles[0]]
        assert "2 ids: found by their ids" in screen_text(app)
