"""The note and tag editors with a second writer at work (issue 10, cases 2-5): a conflicting save
asks keep mine / theirs / both, another session's draft survives a save, tags are a diff, a failed
save keeps the editor and its text, drafts are throttled, ctrl+q asks, a found draft is kept
unless the user discards it. The second writer is a real process (the CLI, or a script on the store).
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from textual.widgets import TextArea

from paperreader.tui.screens.note_dialogs import DraftFound, NoteConflictScreen, QuitWithNote
from paperreader.tui.screens.note_editor import NoteEditor
from paperreader.tui.screens.tags import TagEditor

from tui_helpers import WIDE, ready, settle, widget_text


def cli(data_dir, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "-m", "paperreader", "--data-dir", str(data_dir), *args], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done


def notifications(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def open_editor(app, pilot, typed: str = ""):
    await pilot.press("n")
    await settle(app, pilot)
    assert isinstance(app.screen, NoteEditor)
    if typed:
        app.screen.query_one(TextArea).insert(typed)
        await settle(app, pilot)
    return app.screen


@pytest.mark.parametrize("choice", ["m", "t", "b"])
async def test_note_set_from_the_cli_while_the_editor_is_open_is_a_conflict_not_overwritten(make_app, library, library_dir, choice, monkeypatch):
    monkeypatch.setattr("paperreader.tui.screens.note_editor.DRAFT_INTERVAL", 0.05)
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        pid = screen.results.current_row.id
        await open_editor(app, pilot, "mine, typed in the reader")
        cli(library_dir, "note", pid, "--set", "theirs, from the command line")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, NoteConflictScreen)
        shown = widget_text(app.screen.query_one(".choice-details Static"))
        assert "theirs, from the command line" in shown and "mine, typed in the reader" in shown
        assert library.get(pid).note == "theirs, from the command line"  # nothing overwritten yet
        await pilot.press(choice)
        await settle(app, pilot)
        assert not isinstance(app.screen, (NoteEditor, NoteConflictScreen))
        note = library.get(pid).note
        if choice == "m":
            assert note == "mine, typed in the reader"
            assert library.drafts(pid) == []
        elif choice == "t":
            assert note == "theirs, from the command line"
            assert library.get_draft(pid) == "mine, typed in the reader"  # kept, offered on the next n
        else:
            assert note.startswith("mine, typed in the reader") and note.endswith("theirs, from the command line")
            assert "their version" in note


async def test_escape_in_the_conflict_dialog_goes_back_to_the_text(make_app, library, library_dir):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        pid = screen.results.current_row.id
        editor = await open_editor(app, pilot, "mine")
        cli(library_dir, "note", pid, "--set", "theirs")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is editor and editor.text == "mine"
        await pilot.press("ctrl+s")  # asks again: the note is still theirs
        await settle(app, pilot)
        assert isinstance(app.screen, NoteConflictScreen)


SECOND_READER = """
import sys
from paperreader.store import Library
from paperreader.store.notes import new_owner
lib = Library(sys.argv[1])
me = new_owner()
loaded = lib.note(sys.argv[2])
lib.save_draft(sys.argv[2], "B typing", owner=me, base_version=loaded.version)
lib.save_note(sys.argv[2], "B's note", expected_version=loaded.version, owner=me)
lib.close()
"""


async def test_another_readers_save_keeps_this_readers_draft_and_this_save_asks(make_app, library, library_dir, monkeypatch):
    monkeypatch.setattr("paperreader.tui.screens.note_editor.DRAFT_INTERVAL", 0.05)
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        pid = screen.results.current_row.id
        await open_editor(app, pilot, "A typing")
        await pilot.pause(0.2)
        await settle(app, pilot)
        assert library.get_draft(pid) == "A typing"
        done = subprocess.run([sys.executable, "-c", SECOND_READER, str(library_dir / "library.sqlite3"), pid], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert library.get(pid).note == "B's note"
        assert [d.body for d in library.drafts(pid)] == ["A typing"]  # B's save dropped only B's draft
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await pilot.press("b")
        await settle(app, pilot)
        note = library.get(pid).note
        assert "A typing" in note and "B's note" in note
        assert library.drafts(pid) == []


async def test_a_tag_added_by_the_cli_while_the_tag_editor_is_open_survives_enter(make_app, library, library_dir):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        pid = screen.results.current_row.id
        library.add_tags(pid, ["old", "keep"])
        await pilot.press("t")
        await settle(app, pilot)
        assert isinstance(app.screen, TagEditor)
        cli(library_dir, "tag", pid, "from-cli")
        field = app.screen.query_one("#tags-input")
        field.value = "keep mine"  # the user removed "old" and added "mine"
        await pilot.press("enter")
        await settle(app, pilot)
        assert library.get(pid).tags == ("from-cli", "keep", "mine")


HOLD_LOCK = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
"""


async def test_a_save_while_another_process_holds_the_lock_keeps_the_editor_text_and_draft(make_app, library, library_dir, monkeypatch):
    monkeypatch.setattr("paperreader.tui.screens.note_editor.DRAFT_INTERVAL", 0.05)
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        pid = screen.results.current_row.id
        screen.fetcher.ws.library.set_busy_timeout(0.2)
        editor = await open_editor(app, pilot, "words that must not be lost")
        await pilot.pause(0.2)
        await settle(app, pilot)
        assert library.get_draft(pid) == "words that must not be lost"
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLD_LOCK, str(library_dir / "library.sqlite3")], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        try:
            assert holder.stdout.readline().strip() == "locked"
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert app.screen is editor and editor.text == "words that must not be lost"
            status = widget_text(editor.query_one("#note-status"))
            assert "not saved" in status and "busy" in status and "\n" not in status.strip()
            assert "Error" not in status and "library.sqlite3" not in status
            assert library.get_draft(pid) == "words that must not be lost"
        finally:
            holder.communicate("\n", timeout=30)
        await pilot.press("ctrl+s")  # the lock is gone: the same text saves
        await settle(app, pilot)
        assert not isinstance(app.screen, NoteEditor)
        assert library.get(pid).note == "words that must not be lost"
        assert library.drafts(pid) == []


async def test_a_save_on_a_full_disk_keeps_the_editor_open(make_app, library):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        pid = screen.results.current_row.id
        store = screen.fetcher.ws.library
        pages = store.db.read("PRAGMA page_count")[0][0]
        store.db.read(f"PRAGMA max_page_count = {pages}")  # SQLite's own "disk full" for this connection
        text = "a long note\n" * 20000
        editor = await open_editor(app, pilot, text)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is editor and editor.text == text
        status = widget_text(editor.query_one("#note-status"))
        assert "disk is full" in status and "Error" not in status
        store.db.read("PRAGMA max_page_count = 1073741823")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert library.get(pid).note == text.rstrip("\n")


async def test_steady_typing_writes_a_draft_before_the_typing_stops(make_app, library, monkeypatch):
    # a throttle: keys every 0.1 s, faster than the interval, still get a draft within the interval
    monkeypatch.setattr("paperreader.tui.screens.note_editor.DRAFT_INTERVAL", 0.3)
    monkeypatch.setattr("paperreader.tui.screens.note_editor.DRAFT_DELAY", 0.3, raising=False)  # the old debounce's name
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        pid = screen.results.current_row.id
        await open_editor(app, pilot)
        typed = "steady typing"
        for key in typed.replace(" ", "_"):
            await pilot.press("space" if key == "_" else key)
            await pilot.pause(0.1)
        await settle(app, pilot)  # no pause as long as the interval: the typing has not stopped
        draft = library.get_draft(pid)
        assert draft and typed.startswith(draft) and len(draft) >= 3


@pytest.mark.parametrize("answer", ["k", "s"])
async def test_ctrl_q_with_unsaved_text_asks_and_keeps_it(make_app, library, answer):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        pid = screen.results.current_row.id
        editor = await open_editor(app, pilot, "not saved yet")
        await pilot.press("ctrl+q")
        await settle(app, pilot)
        assert isinstance(app.screen, QuitWithNote)
        await pilot.press("escape")  # back: nothing decided, still editing
        await settle(app, pilot)
        assert app.screen is editor and app.is_running
        await pilot.press("ctrl+q")
        await settle(app, pilot)
        await pilot.press(answer)
        await settle(app, pilot)
        await app.workers.wait_for_complete()
    assert not app.is_running
    if answer == "k":
        assert library.get_draft(pid) == "not saved yet" and library.get(pid).note == ""
    else:
        assert library.get(pid).note == "not saved yet" and library.drafts(pid) == []


async def test_a_found_draft_is_deleted_only_when_the_user_says_so(make_app, library):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        pid = screen.results.current_row.id
        library.set_note(pid, "the saved note")
        library.save_draft(pid, "typed before a crash", owner="elsewhere:1:gone")
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, DraftFound)
        await pilot.press("s")  # start from the saved note
        await settle(app, pilot)
        assert isinstance(app.screen, NoteEditor) and app.screen.text == "the saved note"
        await pilot.press("escape")
        await settle(app, pilot)
        assert library.get_draft(pid) == "typed before a crash"
        await pilot.press("n")
        await settle(app, pilot)
        await pilot.press("escape")  # back: no editor, the draft stays
        await settle(app, pilot)
        assert not isinstance(app.screen, (DraftFound, NoteEditor))
        assert library.get_draft(pid) == "typed before a crash"
        await pilot.press("n")
        await settle(app, pilot)
        await pilot.press("d")  # the user says so
        await settle(app, pilot)
        assert isinstance(app.screen, NoteEditor)
        assert library.get_draft(pid) is None and library.get(pid).note == "the saved note"
