"""Ids pasted into the search box are listed in the order pasted, whatever the index's order."""

from __future__ import annotations

from paperreader.model import Paper

from tui_helpers import WIDE, ready, search_for


def titles(screen) -> list[str]:
    rows = screen.result.rows
    return [rows[i].record.title for i in sorted(rows)]


async def test_pasted_ids_are_listed_in_the_order_pasted(make_app, library):
    library.upsert([Paper(title=f"Paper {name}", arxiv_id=f"2401.0000{i}", abstract="Text.")
                    for i, name in enumerate(["one", "two", "three", "four"], start=1)])
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        await search_for(app, pilot, "2401.00003 2401.00001 https://arxiv.org/abs/2401.00004 2401.00002")
        assert titles(screen) == ["Paper three", "Paper one", "Paper four", "Paper two"]
        await search_for(app, pilot, "2401.00002, 2401.00004, 2401.00001")
        assert titles(screen) == ["Paper two", "Paper four", "Paper one"]
