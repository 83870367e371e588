"""Launch: the library is shown first; the index, the daily backup and the history come after it."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from paperreader.model import Paper
from paperreader.store import Library
from paperreader.tui.result_ids import BrowseList
from paperreader.tui.result_set import Filter

from tui_helpers import WIDE, ready, screen_text, settle


async def _until(pilot, predicate, rounds: int = 200) -> None:
    for _ in range(rounds):
        if predicate():
            return
        await pilot.pause(0.02)
    raise AssertionError("never happened")


def _shown(app) -> bool:
    screen = app.screen
    return getattr(screen, "result", None) is not None and screen.results.current_row is not None


async def test_the_library_shows_while_the_index_is_still_opening(make_app, monkeypatch):
    from paperreader.workspace import Workspace

    release = threading.Event()
    real = Workspace.ensure_index

    def held(self, progress=None):
        release.wait(10)
        return real(self, progress)

    monkeypatch.setattr(Workspace, "ensure_index", held)
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await _until(pilot, lambda: _shown(app))
        screen = app.screen
        assert not screen.index_ready and screen.result.mode == "browse"
        assert screen.results.total == 201 and "201 papers" in screen_text(app)
        # the reader shows the first paper too, a message hop after the list (the index still held)
        await _until(pilot, lambda: screen.reader.row is not None)
        assert not screen.index_ready
        release.set()
        await ready(app, pilot)
        assert screen.index_ready


async def test_the_daily_backup_is_made_after_the_first_results(make_app, library_dir, monkeypatch):
    from paperreader.workspace import Workspace

    release = threading.Event()
    started = threading.Event()
    real = Workspace.auto_backup

    def held(self):
        started.set()
        release.wait(10)
        return real(self)

    monkeypatch.setattr(Workspace, "auto_backup", held)
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await _until(pilot, lambda: _shown(app))  # shown while the backup has not even started, or waits
        await _until(pilot, started.is_set)
        assert not (library_dir / "backups").exists()
        release.set()
        await ready(app, pilot)
        await settle(app, pilot)
    assert (library_dir / "backups" / f"library-auto-{date.today().isoformat()}.sqlite3").is_file()


async def test_the_first_frame_reads_a_screenful_and_the_rest_of_the_page_follows(make_app):
    """The launch reads opening.FIRST_ROWS rows for the first frame; the rest of the first page is
    read once it is painted, so moving down the list shows papers, not placeholders."""
    from paperreader.tui.opening import FIRST_ROWS
    from paperreader.tui.results import PAGE

    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await _until(pilot, lambda: _shown(app))
        screen = app.screen
        first = dict(screen.result.rows)
        assert sorted(first) == list(range(FIRST_ROWS)) and screen.result.total == 201
        await ready(app, pilot)
        await _until(pilot, lambda: len(screen.result.rows) == PAGE)
        assert all(screen.result.rows[i].id == row.id for i, row in first.items())  # the same order
        screen.results.focus()
        for _ in range(FIRST_ROWS + 10):
            await pilot.press("down")
        await settle(app, pilot)
        assert screen.results.cursor == FIRST_ROWS + 10
        assert screen.results.current_row is not None
        assert screen.results.current_row.record.title[:30] in screen_text(app)


async def test_the_trash_is_purged_after_the_first_results(make_app, library, monkeypatch):
    """Papers deleted more than 30 days ago are forgotten by the reader too, as by the CLI: after its
    first paint (the purge is not on the launch path), in the backup's worker."""
    from paperreader.store import trash
    from paperreader.workspace import Workspace

    old, recent = sorted(library.list_ids())[:2]
    trash.delete_papers(library, [old])
    trash.delete_papers(library, [recent])
    with library.transaction() as conn:
        conn.execute("UPDATE trash SET deleted_at = ? WHERE paper_id = ?", (trash.cutoff(31), old))
        conn.execute("UPDATE trash SET deleted_at = ? WHERE paper_id = ?", (trash.cutoff(29), recent))
    entries_when_shown = []
    real = Workspace.purge_trash

    def purge(self):
        shown = getattr(app.screen, "result", None) is not None  # (read from the worker: a flag)
        entries_when_shown.append((shown, sorted(e.paper_id for e in trash.entries(self.library))))
        return real(self)

    monkeypatch.setattr(Workspace, "purge_trash", purge)
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await _until(pilot, lambda: _shown(app))
        await ready(app, pilot)
        await settle(app, pilot)
        assert "199 papers" in screen_text(app)
    assert entries_when_shown == [(True, sorted([old, recent]))]  # once, after the first results
    assert [e.paper_id for e in trash.entries(library)] == [recent]


async def test_a_library_opened_late_still_shows(make_app, monkeypatch):
    """The screen mounts before the library is open: a worker waits for it, then shows it."""
    from paperreader.workspace import Workspace

    release = threading.Event()
    real = Workspace.open.__func__

    def slow_open(cls, *args, **kwargs):
        release.wait(10)
        return real(cls, *args, **kwargs)

    monkeypatch.setattr(Workspace, "open", classmethod(slow_open))
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause(0.2)
        assert app.screen.result is None and "Opening the library" in screen_text(app)
        release.set()
        screen = await ready(app, pilot)
        assert screen.results.total == 201 and screen.reader.row is not None


async def test_quitting_before_the_library_is_shown_closes_it(make_app, monkeypatch):
    from paperreader.workspace import Workspace

    release = threading.Event()
    closed = threading.Event()
    real_open, real_close = Workspace.open.__func__, Workspace.close

    def slow_open(cls, *args, **kwargs):
        release.wait(10)
        return real_open(cls, *args, **kwargs)

    def close(self):
        closed.set()
        real_close(self)

    monkeypatch.setattr(Workspace, "open", classmethod(slow_open))
    monkeypatch.setattr(Workspace, "close", close)
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause(0.1)
        await pilot.press("q")
    release.set()
    assert closed.wait(10)


async def test_the_key_bar_follows_the_focus(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        assert "To results" not in screen_text(app)
        await pilot.press("slash")
        await settle(app, pilot)
        assert "To results" in screen_text(app)  # the search box's escape
        await pilot.press("escape")
        await settle(app, pilot)
        assert "To results" not in screen_text(app)


# -- browsing a page at a time ----------------------------------------------------------------------
@pytest.fixture
def browsed(tmp_path):
    library = Library(tmp_path / "library.sqlite3")
    library.upsert([Paper(title=f"Paper {i:03d} about things", abstract="text") for i in range(250)])
    ids = library.list_ids()
    for pid in (ids[200], ids[5], ids[120]):  # starred in this order: the newest star first
        library.set_star(pid)
    for pid in ids[:40:3] + [ids[120]]:
        library.set_read(pid)
    library.set_note(ids[7], "a note")
    yield library
    library.close()


def _store_order(library, which) -> list[str]:
    """What the store says a filter browses: All and Unread in the default (listing) order, New
    in that order too, the small filters in list_ids' order."""
    from paperreader.store import listing, listings

    if which in (Filter.ALL, Filter.UNREAD):
        return listing.ordered_ids(library, "listing", unread=which is Filter.UNREAD)
    if which is Filter.NEW:
        return listing.arrange(library, listings.new_ids(library))
    return library.list_ids(**which.list_flags())


@pytest.mark.parametrize("which", list(Filter))
def test_browsing_pages_in_the_stores_order(browsed, which):
    expected = _store_order(browsed, which)
    listing = BrowseList(browsed, which, first=100)
    assert listing.total == len(expected)
    assert listing.ids(0, 100) == expected[:100]
    assert listing.ids(100, 100) == expected[100:200]
    assert listing.ids(200, 100) == expected[200:300]


def test_the_first_page_reads_no_more_than_it_shows(browsed):
    listing = BrowseList(browsed, Filter.ALL, first=10)
    assert listing.total == 250 and len(listing._known) == 10
    assert listing.ids(0, 10) == _store_order(browsed, Filter.ALL)[:10]
    assert len(listing._known) == 10
    assert listing.ids(240, 10) == _store_order(browsed, Filter.ALL)[240:]


async def test_a_click_on_a_key_in_the_key_bar_presses_it(make_app):
    from paperreader.tui.screens.help import HelpScreen
    from paperreader.tui.widgets.key_bar import KeyBar

    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        line = screen_text(app).split("\n")[-1]
        assert line.startswith(" / Search  f Filter") and line.rstrip().endswith("▏^p Commands")
        await pilot.click(KeyBar, offset=(line.index("? Help") + 2, 0))
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)
