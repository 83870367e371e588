"""The search box with several ids pasted at once, and with the id of a paper in the trash."""

from __future__ import annotations

from paperreader.model import Paper
from paperreader.store import trash

from tui_helpers import WIDE, ready, search_for, widget_text


def status(app) -> str:
    return widget_text(app.screen.query_one("#status-text"))


def titles(screen) -> list[str]:
    rows = screen.result.rows
    return [rows[i].record.title for i in sorted(rows)]


async def test_pasted_ids_show_those_papers(make_app, library):
    library.upsert([Paper(title="Mamba: Linear-Time Sequence Modeling with Selective State Spaces",
                          arxiv_id="2312.00752", abstract="Selective state space models."),
                    Paper(title="A paper from January", arxiv_id="2401.00001", abstract="Vision.")])
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        await search_for(app, pilot, "2401.00001, https://arxiv.org/abs/2312.00752v1")
        assert sorted(titles(screen)) == ["A paper from January", "Mamba: Linear-Time Sequence Modeling with Selective State Spaces"]
        assert "2 ids: found by their ids" in status(app)
        await search_for(app, pilot, "2401.00001 2405.11111")
        assert titles(screen) == ["A paper from January"]
        assert "1 of the 2 ids found; not in the library: arXiv:2405.11111" in status(app)


async def test_the_id_of_a_paper_in_the_trash_says_so(make_app, library):
    library.upsert([Paper(title="A paper to delete", arxiv_id="2402.00002", abstract="Gone.")])
    trash.delete_papers(library, ["arxiv:2402.00002"])
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        await search_for(app, pilot, "https://arxiv.org/abs/2402.00002")
        assert screen.results.total == 0 and "not in the library" not in status(app)
        assert "arXiv:2402.00002 is in the trash" in status(app) and "restore-paper arxiv:2402.00002" in status(app)


async def test_restore_from_the_trash_in_the_palette_brings_the_paper_back(make_app, library):
    from textual.command import CommandPalette

    from paperreader.tui.screens.trash import TrashPicker
    from tui_helpers import screen_text, settle

    library.upsert([Paper(title="A paper to delete", arxiv_id="2402.00002", abstract="Gone."),
                    Paper(title="Another deleted paper", arxiv_id="2402.00003", abstract="Also gone.")])
    trash.delete_papers(library, ["arxiv:2402.00002"])
    trash.delete_papers(library, ["arxiv:2402.00003"])
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        await search_for(app, pilot, "2402.00002")
        assert "is in the trash (deleted " in status(app) and "ctrl+p, Restore from the trash in the reader" in status(app)
        await pilot.press("escape", "ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        app.screen.query_one("CommandInput").value = "restore from the trash"
        for _ in range(200):
            await pilot.pause(0.05)
            if "Restore from the trash" in screen_text(app):
                break
        await pilot.press("enter")
        for _ in range(100):
            await settle(app, pilot)
            if isinstance(app.screen, TrashPicker):
                break
        assert isinstance(app.screen, TrashPicker)
        text = screen_text(app)
        assert text.index("Another deleted paper") < text.index("A paper to delete")  # newest first
        await pilot.press("down", "enter")
        for _ in range(100):
            await settle(app, pilot)
            if library.get("arxiv:2402.00002") is not None and screen.results.total == 1:
                break
        assert app.screen is screen and library.get("arxiv:2402.00002").title == "A paper to delete"
        assert library.get("arxiv:2402.00003") is None
        assert [screen.result.rows[i].record.title for i in screen.result.rows] == ["A paper to delete"]


async def test_a_long_notice_is_shown_whole_at_80_columns(make_app, library):
    from tui_helpers import NARROW, screen_text

    library.upsert([Paper(title="A paper from January", arxiv_id="2401.00001", abstract="Vision.")])
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        screen = await ready(app, pilot)
        status_line = screen.query_one("#status")

        def shown() -> str:  # the status line's rows on screen, without the spaces wrapping adds
            rows = screen_text(app).splitlines()[status_line.region.y : status_line.region.bottom]
            return "".join("".join(rows).split())

        await search_for(app, pilot, "2401.00001 2405.11111 2405.22222")
        notice = screen.result.notice
        assert notice.startswith("1 of the 3 ids found; not in the library: arXiv:2405.11111") and len(notice) > 80
        assert status_line.region.height > 1 and "".join(notice.split()) in shown()
        assert "A paper from January" in screen_text(app)  # the list below, shorter
        await search_for(app, pilot, "")  # the library: one line again
        assert status_line.region.height == 1 and "papersinthelibrary" in shown()
