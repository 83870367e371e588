"""The app as a whole: help, palette, theme, keymap, hostile text, clipboard, restarts, first run."""

from __future__ import annotations

import json
import threading

from textual.command import CommandPalette

from paperreader.model import Paper
from paperreader.tui.screens.help import HelpScreen

from tui_helpers import WIDE, find_id, ready, rendered_text, screen_text, search_for, settle, widget_text

HOSTILE_TITLE = "[bold]x[/] [@click=app.quit]quit[/] \x1b[31mred\x1b[0m Mamba trap"
HOSTILE_NOTE = "[bold]note[/] and [@click=app.quit]click me[/] and \x1b[2Jgone"


def notifications(app) -> list[str]:
    return [n.message for n in app._notifications]


async def test_help_lists_every_binding_with_its_id(make_app):
    from paperreader.tui.keys import all_binding_ids

    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(rendered_text(s) for s in app.screen.query(".help-section"))
        ids = all_binding_ids(app)
        assert len(ids) > 40
        for binding_id in ids:
            assert binding_id in text, binding_id
        for words in ("Star", "Note in $EDITOR", "Copy link", "More like this", "Filter", "First paper", "Last paper"):
            assert words in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_every_binding_has_an_id_and_a_description(make_app):
    from paperreader.tui.keys import binding_groups

    app = make_app()
    for _, bindings in binding_groups(app):
        for binding in bindings:
            assert binding.id and binding.description, binding


async def test_command_palette_runs_actions_and_jumps_to_a_paper(make_app, library):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        pid = screen.results.current_row.id
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"star")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(app, pilot)
        assert library.get(pid).starred
        await pilot.press("ctrl+p")
        app.screen.query_one("CommandInput").value = "lyapunov-stable"
        await pilot.pause(0.5)
        await settle(app, pilot)
        assert "Open paper: Mamba State-Space Models Are Lyapunov" in screen_text(app)
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.reader.row.record.title.startswith("Mamba State-Space Models Are Lyapunov")
        await pilot.press("ctrl+p")
        app.screen.query_one("CommandInput").value = "filter: unread"  # ("unread" alone: Next unread first)
        for _ in range(200):  # the palette's providers answer in workers (the papers provider searches)
            await pilot.pause(0.05)
            if "Filter: Unread" in screen_text(app):
                break
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.filter.label == "Unread"


async def test_theme_change_is_remembered(make_app, library_dir):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await pilot.press("T")
        assert isinstance(app.screen, CommandPalette)  # the theme picker
        await pilot.press("escape")
        app.theme = "nord"
        await settle(app, pilot)
    config = app.paths.config_file
    assert 'theme = "nord"' in config.read_text()
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        assert app.theme == "nord"


def app_with_config(make_app, text: str):
    """A new app that reads this config.toml (written where the app looks for it)."""
    config = make_app().paths.config_file
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(text)
    return make_app()


async def test_keymap_from_the_config_file(make_app, library):
    app = app_with_config(make_app, '[keymap]\n"paper.star" = "x"\n"results.down" = ["n", "down"]\n"no.such.binding" = "z"\n')
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        await pilot.press("n")  # remapped: moves down instead of opening the note editor
        assert screen.results.cursor == 1
        pid = screen.results.current_row.id
        await pilot.press("x")
        await settle(app, pilot)
        assert library.get(pid).starred
        await pilot.press("s")  # the old key no longer stars
        await settle(app, pilot)
        assert library.get(pid).starred
        assert any("no.such.binding" in m for m in notifications(app))
        assert any("paper.note lost its key to results.down" in m for m in notifications(app))  # n: the note
        await pilot.press("question_mark")
        help_text = "\n".join(rendered_text(s) for s in app.screen.query(".help-section"))
        assert any("x" in line.split("Star")[0] for line in help_text.splitlines() if "paper.star" in line)


async def test_a_keymap_taking_another_actions_key_says_which_lost_it(make_app, library):
    """`paper.note = "s"`: star had s, and Textual drops its binding without a word."""
    app = app_with_config(make_app, '[keymap]\n"paper.note" = "s"\n')
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        told = [m for m in notifications(app) if "has no key now" in m]
        assert len(told) == 1 and "paper.star lost its key to paper.note" in told[0], notifications(app)


async def test_a_broken_config_file_is_reported_not_fatal(make_app):
    app = app_with_config(make_app, "theme = [unclosed\n")
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        assert any("not valid TOML" in m for m in notifications(app))


async def test_hostile_text_is_shown_literally(make_app, library):
    library.upsert([Paper(title=HOSTILE_TITLE, abstract="[red]abstract[/red] about mamba [@click=app.quit]x[/]")])
    pid = find_id(library, "Mamba trap")
    library.set_note(pid, HOSTILE_NOTE)
    library.set_tags(pid, ["[b]tag"])
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await search_for(app, pilot, "trap")
        await pilot.press("enter")
        text = screen_text(app)
        assert "[bold]x[/] [@click=app.quit]quit[/]" in text
        assert "\x1b" not in text and "red Mamba trap" in text
        assert "[red]abstract[/red] about" in text
        assert "[@click=app.quit]click me[/]" in text and "[bold]note[/]" in text
        assert "#[b]tag" in text
        await pilot.click("#reader-title")  # clicking the title does not run its "action"
        await pilot.click("#reader-note")
        await settle(app, pilot)
        assert app.is_running
        await pilot.press("y", "t")  # the notification shows the title as text
        await settle(app, pilot)
        assert any("[bold]x[/]" in m for m in notifications(app))
        await pilot.press("ctrl+p")
        app.screen.query_one("CommandInput").value = "trap"
        await pilot.pause(0.5)
        await settle(app, pilot)
        assert "[@click=app.quit]quit[/]" in screen_text(app)
        await pilot.press("escape")
        assert app.is_running


async def test_clipboard_falls_back_to_osc52_when_pyperclip_fails(make_app):
    from conftest import Recorder

    broken = Recorder(fail=True)
    app = make_app(system_copy=broken)
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        await pilot.press("Y")
        await settle(app, pilot)
        url = screen.results.current_row.record.link.url
        assert broken.calls == [url]  # tried, raised, and the app carried on
        assert app.clipboard == url  # what Textual sent with OSC 52
        assert any("via the terminal (OSC 52)" in m and url in m for m in notifications(app))


async def test_clipboard_over_ssh_uses_osc52_only(make_app, clipboard):
    app = make_app(environ={"SSH_CONNECTION": "10.0.0.1 5555 10.0.0.2 22"})
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        await pilot.press("y", "t")
        await settle(app, pilot)
        assert clipboard.calls == []
        assert app.clipboard == screen.results.current_row.record.title
        assert any("OSC 52" in m for m in notifications(app))


async def test_o_without_a_browser_copies_the_link(make_app):
    from conftest import Recorder

    app = make_app(url_opener=Recorder(result=False))
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        await pilot.press("o")
        await settle(app, pilot)
        url = screen.results.current_row.record.link.url
        assert app.clipboard == url
        assert any("No browser" in m for m in notifications(app))


async def test_star_and_note_survive_quitting_and_restarting(make_app, library_dir, capsys):
    from paperreader.cli import main

    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await search_for(app, pilot, "mamba") if await ready(app, pilot) else None
        await pilot.press("enter", "enter")
        pid = screen.reader.row.id
        await pilot.press("s", "n")
        await settle(app, pilot)
        app.screen.query_one("TextArea").insert("remember **this**")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await pilot.press("q")
        await pilot.pause()
    assert not app.is_running
    capsys.readouterr()
    assert main(["--data-dir", str(library_dir), "list", "--starred", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(r["id"], r["has_note"]) for r in listed["results"]] == [(pid, True)]
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        await pilot.press("f")  # the Starred filter (the library opens in the listing order)
        await settle(app, pilot)
        assert screen.results.current_row.id == pid
        assert screen.results.current_row.record.starred
        assert screen.reader.row.record.note == "remember **this**"
        await pilot.press("enter")
        assert "remember this" in screen_text(app)


async def test_changes_by_another_process_show_up(make_app, library, monkeypatch):
    monkeypatch.setattr("paperreader.tui.screens.main.POLL_SECONDS", 0.1)
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        await pilot.press("j")
        pid = screen.results.current_row.id
        library.set_star(pid, True)  # as `paperreader star` in another terminal would
        library.set_note(pid, "from the CLI")
        for _ in range(30):
            await pilot.pause(0.1)
            await settle(app, pilot, 1)
            if screen.reader.row.record.note == "from the CLI":
                break
        assert screen.reader.row.id == pid  # the cursor stayed on the paper
        assert screen.reader.row.record.starred and screen.reader.row.record.note == "from the CLI"


async def test_first_run_builds_the_index_in_the_background(tmp_path, monkeypatch):
    from paperreader.tui.app import PaperReaderApp
    from paperreader.workspace import Workspace

    release = threading.Event()
    real = Workspace.ensure_index

    def slow_ensure(self, progress=None):
        progress(100, 201)
        release.wait(10)
        return real(self, progress)

    monkeypatch.setattr(Workspace, "ensure_index", slow_ensure)
    app = PaperReaderApp(data_dir=str(tmp_path / "fresh"), system_copy=None, environ={})
    async with app.run_test(size=WIDE) as pilot:
        for _ in range(100):
            await pilot.pause(0.05)
            if app.screen.result is not None:
                break
        screen = app.screen
        assert screen.results.total == 201  # usable at once: the library lists before the index is built
        for _ in range(100):  # the build starts once the first results are painted
            bars = screen.query("#status-progress")
            if bars and bars.first().display:
                break
            await pilot.pause(0.05)
        bar = screen.query_one("#status-progress")
        assert bar.display and bar.progress == 100
        assert "Indexing 100 of 201" in screen_text(app)
        await pilot.press("slash", *"mamba")
        assert "results once indexed" in widget_text(screen.query_one("#status-text"))
        release.set()
        await ready(app, pilot)
        await settle(app, pilot)
        assert not bar.display
        assert screen.result.query == "mamba" and screen.results.total == 21  # being typed: mamba*, "Mamba2" too


async def test_an_unreadable_library_exits_with_a_message(tmp_path, capsys):
    from paperreader.tui.app import PaperReaderApp

    data = tmp_path / "broken"
    data.mkdir()
    (data / "library.sqlite3").write_bytes(b"this is not a database" * 100)
    app = PaperReaderApp(data_dir=str(data), system_copy=None, environ={})
    async with app.run_test(size=WIDE) as pilot:
        for _ in range(50):
            await pilot.pause(0.05)
            if not app.is_running:
                break
    assert app.return_code == 2
    err = capsys.readouterr().err.replace("\n", "")
    assert "library.sqlite3: not a" in err and "it was left as it was" in err


async def test_a_failed_daily_backup_is_a_notice(make_app, library_dir):
    import shutil

    shutil.rmtree(library_dir / "backups", ignore_errors=True)
    (library_dir / "backups").write_text("a file where the backups folder should be")
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        assert any("daily backup was not made" in m for m in notifications(app))
        assert app.screen.results.current_row is not None  # the library works all the same


async def test_the_tui_rebuilds_a_missing_index_on_both_cores(make_app, library_dir, monkeypatch):
    """The index rebuilt from inside the TUI with worker processes (Textual's captured stderr
    once made starting them fail: "bad value(s) in fds_to_keep")."""
    import shutil

    from paperreader.search import rebuild as rebuild_mod

    monkeypatch.setattr(rebuild_mod, "BULK_PROCS_FROM", 10)  # 201 papers: two processes
    shutil.rmtree(library_dir / "index")
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await search_for(app, pilot, "mamba")
        assert app.screen.results.total > 0
        assert not [n for n in notifications(app) if "not available" in n]
