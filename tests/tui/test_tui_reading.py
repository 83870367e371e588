"""Reading every day: the order (O, remembered), next/previous unread (N/P), opening marks read
(as configured), the unread count, recently read (R), and the cursor that stays on its paper."""

from __future__ import annotations

import pytest

from paperreader.tui.screens.main import MainScreen
from paperreader.tui.screens.recent import RecentlyRead
from paperreader.tui.screens.sort_menu import SortMenu

from tui_helpers import NARROW, WIDE, ready, screen_text, settle


def status(app) -> str:
    return next(line for line in screen_text(app).splitlines() if "Filter:" in line)


def title_order(library) -> list[str]:
    return [row[0] for row in library.db.read("SELECT id FROM papers ORDER BY title_key")]


def shown_ids(screen, n: int) -> list[str]:
    return [screen.results.row_at(i).id for i in range(n)]


async def choose_sort(app, pilot, order: str) -> None:
    await pilot.press("O")
    await settle(app, pilot)
    assert isinstance(app.screen, SortMenu)
    menu = app.screen
    options = menu.query_one("#picker-options")
    options.highlighted = next(i for i in range(options.option_count) if options.get_option_at_index(i).id == order)
    await pilot.press("enter")
    await settle(app, pilot)


# -- the order ----------------------------------------------------------------------------------------
async def test_the_library_opens_in_listing_order(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        assert screen.results.row_at(0).record.title == "Hybrid lemmatization in HuSpaCy"  # the trending page's first


@pytest.mark.parametrize("size", [WIDE, NARROW])
async def test_O_sorts_keeps_the_cursor_and_is_remembered_across_restarts(make_app, library, size):
    from paperreader.model import Paper

    library.upsert(  # the built-in papers have no dates: three learning papers that have
        [Paper(title=f"Dated learning paper {n}", abstract="learning", published=f"202{n}-01-0{n}") for n in (1, 3, 2)]
    )
    app = make_app()
    async with app.run_test(size=size) as pilot:
        screen = await ready(app, pilot)
        await pilot.press("j", "j", "j")
        kept = screen.results.current_row.id
        await pilot.press("O")
        await settle(app, pilot)
        assert isinstance(app.screen, SortMenu)
        text = screen_text(app)
        for label in ("Listing rank", "Newest added", "Published date", "Title", "Starred time"):
            assert label in text
        assert "Relevance" not in text  # only while a query is active
        await pilot.press("escape")
        await choose_sort(app, pilot, "title")
        assert shown_ids(screen, 20) == title_order(library)[:20]
        assert screen.results.current_row.id == kept  # the cursor stayed on its paper
    app = make_app()
    async with app.run_test(size=size) as pilot:
        screen = await ready(app, pilot)
        assert shown_ids(screen, 20) == title_order(library)[:20]  # remembered
        assert library.get_meta("tui.sort.browse") == "title"
        await pilot.press("slash", *"learning", "enter")
        await settle(app, pilot)
        assert screen.result.sort == "relevance"  # a query has its own order: relevance by default
        await pilot.press("O")
        await settle(app, pilot)
        assert "Relevance" in screen_text(app)
        await pilot.press("escape")
        total = screen.result.total
        await choose_sort(app, pilot, "published")
        assert screen.result.total == total and screen.result.sort == "published"
        dates = [screen.results.row_at(i).record.published for i in range(3)]
        assert [d[:4] for d in dates] == ["2023", "2022", "2021"]  # newest first; the undated after them
        assert "learning" in screen.search_box.value


async def test_starred_time_and_newest_added_orders(make_app, library):
    ids = library.list_ids()
    library.set_star(ids[50])
    library.set_star(ids[7])  # starred last: first in starred-time order
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        await choose_sort(app, pilot, "starred")
        assert shown_ids(screen, 2) == [ids[7], ids[50]]
        await choose_sort(app, pilot, "added")
        added = [screen.results.row_at(i).record.added_at for i in range(30)]
        assert added == sorted(added, reverse=True)


# -- next unread, marking read ------------------------------------------------------------------------
@pytest.mark.parametrize("size", [WIDE, NARROW])
async def test_N_opens_the_next_unread_paper_and_marks_it_read_P_goes_back(make_app, library, size):
    ids = None
    app = make_app()
    async with app.run_test(size=size) as pilot:
        screen = await ready(app, pilot)
        ids = shown_ids(screen, 4)
        library.set_read(ids[1])  # read already: N skips it
        await settle(app, pilot)
        assert "201 unread" in status(app)
        await pilot.press("N")
        await settle(app, pilot)
        assert screen.results.cursor == 2 and screen.reader.row.id == ids[2]
        assert library.get(ids[2]).read  # opening marked it read
        if size == NARROW:
            assert screen.reading  # the reader took the screen
        await pilot.press("N")
        await settle(app, pilot)
        assert screen.reader.row.id == ids[3] and library.get(ids[3]).read
        await pilot.press("P")
        await settle(app, pilot)
        assert screen.reader.row.id == ids[0] and library.get(ids[0]).read  # back past the read ones
        await pilot.press("escape")  # on 80x24, back from the reader to the list and its status line
        await settle(app, pilot)
        assert f"{201 - 4} unread" in status(app)
        await pilot.press("P")
        await settle(app, pilot)
        assert "No unread paper above" in "\n".join(n.message for n in app._notifications)


async def test_N_finds_an_unread_paper_past_the_loaded_rows(make_app, library):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        every = library.list_ids()
        order = screen.fetcher.all_ids(screen.result)
        from paperreader.store.batch import set_flag

        set_flag(library, "read", order[1:150], True)  # the next unread is on the second page
        await pilot.press("N")
        await settle(app, pilot)
        assert screen.results.cursor == 150 and screen.reader.row.id == order[150]
        assert len(every) == 201


async def test_mark_read_never_and_enter_opening(make_app, library, library_dir, tmp_path):
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[reader]\nmark_read = "never"\n')
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        pid = screen.results.current_row.id
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("N")
        await settle(app, pilot)
        assert screen.reader.row.id != pid
        assert library.stats()["read"] == 0
    config.write_text('[reader]\nmark_read = "sometimes"\n')
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        assert any("reader.mark_read must be" in n.message for n in app._notifications)


async def test_the_unread_count_follows_the_view(make_app, library):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        await pilot.press("slash", *"mamba", "enter")
        await settle(app, pilot)
        total = screen.result.total
        await until_status(app, pilot, f"{total} unread")
        assert f"{total} unread" in status(app)
        await pilot.press("r")
        await settle(app, pilot)
        await until_status(app, pilot, f"{total - 1} unread")
        assert f"{total - 1} unread" in status(app)


async def until_status(app, pilot, text: str, rounds: int = 60) -> None:
    """The count is taken a moment after the change (a timer, then a worker): wait for it, bounded."""
    for _ in range(rounds):
        if text in status(app):
            return
        await pilot.pause(0.05)
        await settle(app, pilot, 1)


# -- recently read --------------------------------------------------------------------------------------
@pytest.mark.parametrize("size", [WIDE, NARROW])
async def test_R_lists_the_papers_read_lately_and_opens_one(make_app, library, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        screen = await ready(app, pilot)
        await pilot.press("R")
        await settle(app, pilot)
        assert isinstance(app.screen, RecentlyRead) and "Nothing read yet" in screen_text(app)
        await pilot.press("escape")
        first = screen.results.row_at(0).record
        await pilot.press("N", "N")  # reads two papers
        await settle(app, pilot)
        second = screen.reader.row.record
        await pilot.press("escape")
        await pilot.press("R")
        await settle(app, pilot)
        text = screen_text(app)
        assert isinstance(app.screen, RecentlyRead)
        assert second.title[:30] in text and app.screen.highlighted_id() in (first.id, second.id, screen.results.row_at(1).id)
        await pilot.press("end", "enter")  # the oldest of them
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert screen.reader.row is not None and library.get(screen.reader.row.id).read


# -- the cursor stays on its paper ----------------------------------------------------------------------
@pytest.mark.parametrize("size", [WIDE, NARROW])
async def test_the_cursor_stays_on_its_paper_across_filters(make_app, library, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        screen = await ready(app, pilot)
        ids = shown_ids(screen, 10)
        library.set_star(ids[2])
        library.set_star(ids[6])
        library.set_read(ids[0])
        await settle(app, pilot)
        await pilot.press(*"jjjjjj")
        assert screen.results.current_row.id == ids[6]
        await pilot.press("f")  # the next filter (whatever it is) still holds it, or the list starts at 0
        await settle(app, pilot)
        for _ in range(8):  # round the filters back to All
            if screen.filter.label == "All":
                break
            await pilot.press("f")
            await settle(app, pilot)
            if ids[6] in [screen.results.row_at(i).id for i in range(min(screen.results.total, 100)) if screen.results.row_at(i)]:
                assert screen.results.current_row.id == ids[6], screen.filter
        assert screen.filter.label == "All"
        assert screen.results.current_row.id == ids[6]


async def test_the_cursor_returns_from_more_like_this_and_a_saved_search(make_app, library):
    library.save_search("mamba", "mamba")
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        await pilot.press(*"jjjjj")
        kept = screen.results.current_row.id
        await pilot.press("m")
        await settle(app, pilot)
        assert screen.result.mode == "similar"
        await pilot.press("j", "j", "m")  # more like this, from more like this
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        assert screen.result.mode == "browse" and screen.results.current_row.id == kept
        await pilot.press("b")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.search_box.value == "mamba" and screen.result.query == "mamba"
        await pilot.press("j")
        await pilot.press("escape")
        await settle(app, pilot)
        assert screen.search_box.value == "" and screen.results.current_row.id == kept


async def test_the_cursor_stays_when_another_process_reorders_the_list(make_app, library, monkeypatch):
    monkeypatch.setattr("paperreader.tui.screens.main.POLL_SECONDS", 0.1)
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        await choose_sort(app, pilot, "starred")
        await pilot.press("g", *"jjj")
        kept = screen.results.current_row.id
        far = screen.results.row_at(150) or None
        other = screen.fetcher.all_ids(screen.result)[150]
        library.set_star(other)  # as `paperreader star` in another terminal: it moves to the top
        for _ in range(100):  # bounded; pilot.pause only (the 0.1 s poll's exclusive workers come and go)
            await pilot.pause(0.1)
            if screen.results.row_at(0) is not None and screen.results.row_at(0).id == other:
                break
        assert screen.results.row_at(0).id == other and far is None
        assert screen.results.current_row.id == kept and screen.results.cursor == 4


async def test_mark_read_after_seconds_marks_the_paper_once_it_stayed_open(make_app, library, tmp_path):
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[reader]\nmark_read = 0.3\n")
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        assert app.settings.mark_read_after == 0.3
        pid = screen.results.current_row.id
        await pilot.press("enter")
        for _ in range(100):  # bounded polling; no timing is asserted
            await pilot.pause(0.05)
            if library.get(pid).read:
                break
        assert library.get(pid).read and screen.reader.row.id == pid


async def test_the_sort_menu_opens_on_the_current_order_so_enter_keeps_it(make_app, library):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        await choose_sort(app, pilot, "title")
        await pilot.press("O")
        await settle(app, pilot)
        options = app.screen.query_one("#picker-options")
        assert options.get_option_at_index(options.highlighted).id == "title"
        await pilot.press("up", "enter")  # one above the current order: Published date
        await settle(app, pilot)
        assert screen.result.sort == "published"
