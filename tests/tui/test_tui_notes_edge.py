"""Issue 10, cases 6, 9 and 16: $EDITOR text that is not UTF-8 or an editor that fails keeps the
text in its file; a note at the size limit is shown (as bounded plain text) and the reader keeps
answering keys; a keymap with a bad key name is reported and quit stays reachable."""

from __future__ import annotations

import contextlib
import shutil
import sys
from pathlib import Path

from paperreader.store.notes import NOTE_LIMIT
from paperreader.tui.screens.main import MainScreen
from paperreader.tui.widgets.reader import MARKDOWN_LIMIT, PLAIN_LIMIT, note_display

from tui_helpers import WIDE, ready, screen_text, settle, widget_text


def notifications(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


def fake_editor(monkeypatch, tmp_path, app, body: str) -> None:
    script = tmp_path / "fake-editor.py"
    script.write_text(body)
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    monkeypatch.delenv("VISUAL", raising=False)

    @contextlib.contextmanager
    def no_suspend():  # the headless driver cannot suspend
        yield

    monkeypatch.setattr(app, "suspend", no_suspend)


def kept_path(message: str) -> Path:
    return Path(next(word for word in message.split() if word.endswith("note.md") or "note.md" in word).rstrip(".;,"))


async def test_editor_text_that_is_not_utf8_is_refused_in_one_line_and_kept(make_app, library, monkeypatch, tmp_path):
    app = make_app()
    fake_editor(monkeypatch, tmp_path, app, "import sys\nopen(sys.argv[1], 'wb').write(b'Caf\\xe9 au lait')\n")
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        pid = screen.results.current_row.id
        library.set_note(pid, "before")
        await pilot.press("e")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen) and app.is_running  # no traceback, still here
        message = next(m for m in notifications(app) if "not UTF-8" in m)
        assert "\n" not in message and "Error" not in message
        path = kept_path(message)
        assert path.read_bytes() == b"Caf\xe9 au lait"  # the text is still there
        assert library.get(pid).note == "before"
    shutil.rmtree(path.parent)


async def test_an_editor_that_exits_non_zero_keeps_the_text_and_says_where(make_app, library, monkeypatch, tmp_path):
    app = make_app()
    fake_editor(monkeypatch, tmp_path, app, "import sys\nopen(sys.argv[1], 'w').write('half an idea')\nsys.exit(3)\n")
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        pid = screen.results.current_row.id
        await pilot.press("e")
        await settle(app, pilot)
        message = next(m for m in notifications(app) if "status 3" in m)
        path = kept_path(message)
        assert path.read_text() == "half an idea"
        assert library.get(pid).note == ""
    shutil.rmtree(path.parent)


async def test_editor_text_saved_when_the_note_changed_meanwhile_asks_instead_of_overwriting(make_app, library, monkeypatch, tmp_path):
    from paperreader.tui.screens.note_dialogs import NoteConflictScreen

    app = make_app()
    # the "editor" is slow: while it runs, someone else saves the note
    store = app.paths.store
    fake_editor(
        monkeypatch, tmp_path, app,
        "import sys\nfrom paperreader.store import Library\n"
        f"lib = Library({str(store)!r}); pid = open({str(tmp_path / 'pid')!r}).read(); lib.set_note(pid, 'saved meanwhile'); lib.close()\n"
        "open(sys.argv[1], 'w').write('from my editor')\n",
    )
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        pid = screen.results.current_row.id
        (tmp_path / "pid").write_text(pid)
        await pilot.press("e")
        await settle(app, pilot)
        await settle(app, pilot)
        assert isinstance(app.screen, NoteConflictScreen)
        await pilot.press("b")
        await settle(app, pilot)
        note = library.get(pid).note
        assert "from my editor" in note and "saved meanwhile" in note
        kept = kept_path(next(m for m in notifications(app) if "also kept in" in m))
        assert kept.read_text() == "from my editor"  # the file is left until the user is done with it
    shutil.rmtree(kept.parent)


def test_the_reader_renders_markdown_only_for_short_notes_and_a_bounded_text_otherwise():
    assert note_display("# short")[0] == "markdown"
    assert note_display("x" * MARKDOWN_LIMIT)[0] == "markdown"
    kind, shown = note_display("y" * NOTE_LIMIT)
    assert kind == "plain" and len(shown.plain) < PLAIN_LIMIT + 200  # bounded, whatever the note
    assert "press n" in shown.plain


async def test_a_note_at_the_size_limit_is_shown_and_the_reader_keeps_answering(make_app, library):
    big = ("## A heading\n\nSome *Markdown* text, **bold** and `code`, over and over.\n\n" * 5000)[:NOTE_LIMIT]
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        pid = screen.results.current_row.id
        await pilot.press("n")  # pasted into the note editor and saved, as a user would
        await settle(app, pilot)
        app.screen.query_one("#note-text").insert(big)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert library.get(pid).note == big.rstrip("\n")
        plain = screen.reader.query_one("#reader-note-plain")
        assert plain.display and "## A heading" in widget_text(plain)
        await pilot.press("s")  # the app still answers
        await settle(app, pilot)
        assert library.get(pid).starred
        assert "★" in screen_text(app)


def write_config(app, text: str) -> None:
    app.paths.config_file.parent.mkdir(parents=True, exist_ok=True)
    app.paths.config_file.write_text(text)


async def test_a_bad_key_name_in_the_keymap_is_reported_and_the_binding_keeps_its_key(make_app, library):
    write_config(make_app(), '[keymap]\n"paper.star" = "ctrl-s"\n"paper.read" = ["x", "banana"]\n')
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        pid = screen.results.current_row.id
        notes = notifications(app)
        assert any("paper.star" in m and "ctrl-s" in m for m in notes), notes
        assert any("paper.read" in m and "banana" in m for m in notes), notes
        await pilot.press("s")
        await settle(app, pilot)
        assert library.get(pid).starred


async def test_quit_stays_reachable_and_on_the_key_bar_when_q_is_given_to_another_action(make_app, library):
    write_config(make_app(), '[keymap]\n"paper.star" = "q"\n')
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        pid = screen.results.current_row.id
        screen.results.focus()
        await settle(app, pilot)
        bar = screen_text(app).splitlines()[-1]
        assert "Quit" in bar and "^q" in bar, bar
        await pilot.press("q")
        await settle(app, pilot)
        assert library.get(pid).starred and app.is_running
        await pilot.press("ctrl+q")
        await settle(app, pilot)
    assert not app.is_running
