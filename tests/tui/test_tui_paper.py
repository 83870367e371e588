"""The keys that act on a paper: star, read, note, $EDITOR, tags, copy, open, links, more like this."""

from __future__ import annotations

import contextlib
import sys

from textual.widgets import TextArea

from paperreader.tui.screens.confirm import ConfirmScreen
from paperreader.tui.screens.note_dialogs import DraftFound
from paperreader.tui.screens.note_editor import NoteEditor
from paperreader.tui.screens.pick import CopyMenu, LinksMenu
from paperreader.tui.screens.tags import TagEditor

from tui_helpers import WIDE, ready, screen_text, search_for, settle, widget_text


async def test_s_stars_and_r_marks_read_on_screen_and_in_the_store(make_app, library):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        await pilot.press("j")
        pid = screen.results.current_row.id
        await pilot.press("s")
        await settle(app, pilot)
        assert library.get(pid).starred
        assert screen.results.current_row.record.starred
        assert "★ starred" in widget_text(screen.reader.query_one("#reader-marks"))
        title = screen.results.current_row.record.title
        row_line = next(line.split("▕")[0] for line in screen_text(app).splitlines() if title[:30] in line.split("▕")[0])
        assert row_line.lstrip().startswith("★")  # the mark on the row
        await pilot.press("r")
        await settle(app, pilot)
        assert library.get(pid).read
        assert "✓ read" in widget_text(screen.reader.query_one("#reader-marks"))
        await pilot.press("s", "r")
        await settle(app, pilot)
        record = library.get(pid)
        assert not record.starred and not record.read


async def test_n_edits_the_note_ctrl_s_saves_and_markdown_shows_in_the_reader(make_app, library):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        pid = screen.results.current_row.id
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, NoteEditor)
        await pilot.press(*"# Idea", "enter", "enter")  # typed, as a user would
        app.screen.query_one(TextArea).insert("Selective **state**")  # and pasted
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, NoteEditor)
        assert library.get(pid).note == "# Idea\n\nSelective **state**"
        assert library.get_draft(pid) is None
        text = screen_text(app)
        assert "Idea" in text and "Selective state" in text  # rendered: no # and no **
        assert "✎" in text


async def test_escape_in_the_note_editor_asks_before_discarding(make_app, library):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        pid = screen.results.current_row.id
        await pilot.press("n")
        await settle(app, pilot)
        await pilot.press("escape")  # nothing typed: closes at once
        await settle(app, pilot)
        assert not isinstance(app.screen, (NoteEditor, ConfirmScreen))
        await pilot.press("n")
        await settle(app, pilot)
        await pilot.press(*"draft")
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # keep editing
        assert isinstance(app.screen, NoteEditor)
        assert app.screen.query_one(TextArea).text == "draft"
        await pilot.press("escape", "y")  # discard
        await settle(app, pilot)
        assert not isinstance(app.screen, (NoteEditor, ConfirmScreen))
        assert library.get(pid).note == ""
        assert library.get_draft(pid) is None


async def test_a_draft_left_by_a_crash_is_offered_back(make_app, library):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        pid = screen.results.current_row.id
        library.save_draft(pid, "words typed before the crash", owner="elsewhere:1:crashed")
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, DraftFound)
        await pilot.press("r")
        await settle(app, pilot)
        assert app.screen.query_one(TextArea).text == "words typed before the crash"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert library.get(pid).note == "words typed before the crash"
        assert library.drafts(pid) == []  # saved: the recovered draft has done its job


async def test_typing_in_the_note_editor_saves_a_draft(make_app, library, monkeypatch):
    monkeypatch.setattr("paperreader.tui.screens.note_editor.DRAFT_INTERVAL", 0.05)
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        pid = screen.results.current_row.id
        await pilot.press("n")
        await settle(app, pilot)
        await pilot.press(*"new")
        await pilot.pause(0.2)
        await settle(app, pilot)
        assert library.get_draft(pid) == "new"


async def test_e_edits_the_note_in_the_editor_while_the_app_is_suspended(make_app, library, monkeypatch, tmp_path):
    script = tmp_path / "fake-editor.py"
    script.write_text("import sys\nopen(sys.argv[1], 'a').write('written in $EDITOR')\n")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    monkeypatch.delenv("VISUAL", raising=False)
    app = make_app()
    suspended = []

    @contextlib.contextmanager
    def fake_suspend():  # the headless driver cannot suspend; record that we asked
        suspended.append(True)
        yield

    monkeypatch.setattr(app, "suspend", fake_suspend)
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        pid = screen.results.current_row.id
        await pilot.press("e")
        await settle(app, pilot)
        assert suspended == [True]
        assert library.get(pid).note == "written in $EDITOR"
        assert "written in $EDITOR" in screen_text(app)


async def test_t_edits_tags(make_app, library):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        pid = screen.results.current_row.id
        await pilot.press("t")
        await settle(app, pilot)
        assert isinstance(app.screen, TagEditor)
        await pilot.press(*"ssm,")
        app.screen.query_one("#tags-input").insert_text_at_cursor(" To-Read")
        await pilot.press("enter")
        await settle(app, pilot)
        assert library.get(pid).tags == ("ssm", "to-read")
        assert "#ssm #to-read" in screen_text(app)
        await pilot.press("t")
        await settle(app, pilot)
        field = app.screen.query_one("#tags-input")
        assert field.value == "ssm to-read "
        field.value = "ssm"
        await pilot.press("enter")
        await settle(app, pilot)
        assert library.get(pid).tags == ("ssm",)
        await pilot.press("t")
        await settle(app, pilot)
        await pilot.press("escape")
        assert library.get(pid).tags == ("ssm",)


async def test_y_copy_menu_and_Y_copy_the_link(make_app, clipboard):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        await search_for(app, pilot, "mamba")
        await pilot.press("enter")
        record = screen.results.current_row.record
        await pilot.press("Y")
        await settle(app, pilot)
        assert clipboard.calls[-1] == record.link.url
        assert app.clipboard == record.link.url
        await pilot.press("y")
        assert isinstance(app.screen, CopyMenu)
        assert "BibTeX" in screen_text(app)
        await pilot.press("b")
        await settle(app, pilot)
        assert clipboard.calls[-1].startswith("@misc{") and record.title in clipboard.calls[-1]
        await pilot.press("y", "m")
        await settle(app, pilot)
        assert clipboard.calls[-1].startswith("[") and clipboard.calls[-1].endswith(")")
        await pilot.press("y", "down", "down", "down", "enter")  # the menu works with arrows too
        await settle(app, pilot)
        assert clipboard.calls[-1] == record.title
        notes = [n.message for n in app._notifications]
        assert any("Copied the title to the clipboard" in m for m in notes)


async def test_o_opens_the_link_and_l_lists_links_to_copy_or_open(make_app, browser, clipboard):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        record = screen.results.current_row.record
        await pilot.press("o")
        await settle(app, pilot)
        assert browser.calls == [record.link.url]
        await pilot.press("l")
        assert isinstance(app.screen, LinksMenu)
        links = record.links
        assert len(links) >= 2
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert browser.calls[-1] == links[1].url
        await pilot.press("l", "c")
        await settle(app, pilot)
        assert clipboard.calls[-1] == links[0].url



async def test_m_shows_papers_like_this_one_and_escape_goes_back(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        await search_for(app, pilot, "mamba")
        await pilot.press("enter")
        source = screen.results.current_row.record
        await pilot.press("m")
        await settle(app, pilot)
        assert screen.result.mode == "similar"
        assert source.id not in {row.id for row in screen.result.rows.values()}
        assert "papers like" in widget_text(screen.query_one("#status-text"))
        assert screen.results.total > 0
        await pilot.press("escape")
        await settle(app, pilot)
        assert screen.result.mode == "search" and screen.result.query == "mamba"


async def test_a_store_error_is_a_message_not_a_crash(make_app, library_dir):
    """Another process holds the library's write lock: `s` says the library is busy, in words, and
    the reader carries on; once the lock is gone the same key stars the paper."""
    import subprocess
    import sys

    from test_tui_notes_conflict import HOLD_LOCK  # a real second process holding the write lock

    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        pid = screen.results.current_row.id
        library = screen.fetcher.ws.library
        library.set_busy_timeout(0.2)
        holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(library_dir / "library.sqlite3")],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            assert holder.stdout.readline().strip() == "locked"
            await pilot.press("s")
            await settle(app, pilot)
            assert app.is_running
            messages = [str(n.message) for n in app._notifications]
            assert any("busy" in m for m in messages), messages
            assert not any("Error" in m or "Traceback" in m for m in messages), messages
            assert not library.get(pid).starred
        finally:
            holder.communicate("\n", timeout=30)
        await pilot.press("s")
        await settle(app, pilot)
        assert library.get(pid).starred
