"""Several papers at once (space, *), and undo (u): batch star, read, tags and copy; undo back
through more than 50 changes, each saying what it undid; a saved search's deletion undone."""

from __future__ import annotations

import pytest

from paperreader.tui.screens.copy_marked import CopyMarkedMenu
from paperreader.tui.screens.tags import TagEditor

from tui_helpers import NARROW, WIDE, ready, screen_text, settle


def notifications(app) -> list[str]:
    return [n.message for n in app._notifications]


def row_line(app, title: str) -> str:
    """The list's line showing this title (the left pane's part of it)."""
    return next(line.split("▕")[0] for line in screen_text(app).splitlines() if title[:25] in line.split("▕")[0])


@pytest.mark.parametrize("size", [WIDE, NARROW])
async def test_space_marks_and_star_read_act_on_the_marked_papers_as_one_undo_step(make_app, library, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        screen = await ready(app, pilot)
        first, second = screen.results.row_at(0).record, screen.results.row_at(1).record
        await pilot.press("space", "space")  # marks the row and moves down, like mutt
        assert screen.marks.ids() == [first.id, second.id]
        assert screen.targets() == [first.id, second.id]
        assert row_line(app, first.title).startswith("◆")
        assert "2 marked" in screen_text(app)
        await pilot.press("j")
        third = screen.results.current_row.record
        assert not row_line(app, third.title).startswith("◆")
        await pilot.press("s")
        await settle(app, pilot)
        assert library.get(first.id).starred and library.get(second.id).starred
        assert not library.get(third.id).starred  # the cursor's paper is not marked: left alone
        assert "Starred 2 papers" in notifications(app)
        await pilot.press("r")
        await settle(app, pilot)
        assert library.get(first.id).read and library.get(second.id).read
        await pilot.press("u")
        await settle(app, pilot)
        assert not library.get(first.id).read and not library.get(second.id).read
        assert library.get(first.id).starred  # one step: only the read marks were undone
        assert "Undid: marked read 2 papers" in notifications(app)
        await pilot.press("u")
        await settle(app, pilot)
        assert not library.get(first.id).starred and not library.get(second.id).starred
        assert "Undid: starred 2 papers" in notifications(app)
        await pilot.press("escape")  # drops the marks
        assert not screen.marks and "marked" not in screen_text(app).splitlines()[3]
        assert screen.targets() == [third.id]


async def test_star_marks_all_only_when_one_is_unstarred_and_undo_restores_each_as_it_was(make_app, library):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        a, b = screen.results.row_at(0).id, screen.results.row_at(1).id
        library.set_star(a)
        starred_at = library.get(a).starred_at
        await pilot.press("space", "space", "s")  # one of them unstarred: star both
        await settle(app, pilot)
        assert library.get(a).starred and library.get(b).starred
        assert library.get(a).starred_at == starred_at  # the older star kept its time
        await pilot.press("s")  # both starred: unstar both
        await settle(app, pilot)
        assert not library.get(a).starred and not library.get(b).starred
        await pilot.press("u")
        await settle(app, pilot)
        assert library.get(a).starred_at == starred_at and library.get(b).starred  # exactly as before


@pytest.mark.parametrize("size", [WIDE, NARROW])
async def test_asterisk_marks_the_whole_view_and_again_unmarks_it(make_app, library, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        screen = await ready(app, pilot)
        await pilot.press("asterisk")
        await settle(app, pilot)
        assert len(screen.marks) == 201 == screen.results.total  # rows not loaded yet count too
        assert "201 marked" in screen_text(app)
        await pilot.press("asterisk")
        await settle(app, pilot)
        assert not screen.marks
        await pilot.press("slash", *"mamba", "enter")
        await settle(app, pilot)
        total = screen.result.total
        await pilot.press("asterisk")
        await settle(app, pilot)
        assert len(screen.marks) == total
        await pilot.press("r")
        await settle(app, pilot)
        assert all(library.get(pid).read for pid in screen.marks.ids())
        assert library.stats()["read"] == total


async def test_t_with_marks_adds_and_removes_a_tag_on_each_keeping_their_other_tags(make_app, library):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        a, b = screen.results.row_at(0).id, screen.results.row_at(1).id
        library.add_tags(a, ["mine", "shared"])
        library.add_tags(b, ["shared"])
        await pilot.press("space", "space", "t")
        await settle(app, pilot)
        assert isinstance(app.screen, TagEditor)
        assert "2 papers" in screen_text(app)
        field = app.screen.query_one("#tags-input")
        assert field.value.split() == ["shared"]  # the tags all of them have
        field.value = "ssm"  # shared removed, ssm added
        await pilot.press("enter")
        await settle(app, pilot)
        assert library.get(a).tags == ("mine", "ssm") and library.get(b).tags == ("ssm",)
        await pilot.press("u")
        await settle(app, pilot)
        assert library.get(a).tags == ("mine", "shared") and library.get(b).tags == ("shared",)
        assert any(n.startswith("Undid: tags +#ssm -#shared on 2 papers") for n in notifications(app))
        from paperreader.tui.screens.main import MainScreen

        assert isinstance(app.screen, MainScreen)
        await pilot.press("slash", *"tag:ssm")
        await settle(app, pilot)
        assert screen.result.total == 0  # the index followed the undo too


async def test_y_with_marks_copies_every_marked_paper(make_app, library, clipboard):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        titles = [screen.results.row_at(i).record.title for i in range(3)]
        await pilot.press("space", "space", "space", "y")
        await settle(app, pilot)
        assert isinstance(app.screen, CopyMarkedMenu)
        await pilot.press("t")
        await settle(app, pilot)
        assert clipboard.calls[-1] == "\n".join(titles) + "\n"
        await pilot.press("y", "b")
        await settle(app, pilot)
        assert clipboard.calls[-1].count("@misc{") == 3


async def test_a_big_copy_of_marked_papers_says_it_has_started(make_app, library, clipboard, monkeypatch):
    """Thousands of marked papers take seconds to copy (BibTeX keys): the reader says it started."""
    monkeypatch.setattr("paperreader.tui.actions.papers.COPY_SAYS_FROM", 3)  # the fixture's library is small
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await pilot.press("space", "y", "t")  # one marked paper: no notice
        await settle(app, pilot)
        assert not any(n.startswith("Copying") for n in notifications(app))
        await pilot.press("space", "space", "y", "t")
        await settle(app, pilot)
        assert "Copying 3 papers…" in notifications(app)
        assert clipboard.calls[-1].count("\n") == 3


async def test_u_undoes_more_than_50_changes_one_at_a_time(make_app, library):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        ids = []
        for i in range(52):  # 52 changes: star a paper, next
            ids.append(screen.results.current_row.id)
            await pilot.press("s")
            await settle(app, pilot, 1)
            await pilot.press("j")
        await settle(app, pilot)
        assert library.stats()["starred"] == 52
        for i in range(52):
            await pilot.press("u")
            await settle(app, pilot, 1)
            assert library.stats()["starred"] == 51 - i  # the newest first, one at a time
        assert f"Undid: starred “{library.get(ids[0]).title[:20]}" in "\n".join(notifications(app))
        await pilot.press("u")
        await settle(app, pilot)
        assert "Nothing to undo." in notifications(app)


async def test_a_deleted_saved_search_comes_back_with_u(make_app, library):
    library.save_search("ssm", "state space")
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await pilot.press("b")
        await settle(app, pilot)
        await pilot.press("d")
        await settle(app, pilot)
        assert library.saved_searches() == []
        await pilot.press("u")
        await settle(app, pilot)
        assert library.saved_searches() == [("ssm", "state space")]
        assert "Undid: deleted the saved search “ssm”" in notifications(app)


async def test_a_cleared_note_comes_back_with_u(make_app, library):
    from textual.widgets import TextArea

    from paperreader.tui.screens.main import MainScreen

    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        pid = screen.results.current_row.id
        library.set_note(pid, "keep **this**")
        await pilot.press("n")
        await settle(app, pilot)
        app.screen.query_one(TextArea).load_text("")  # the user selects all and deletes
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen) and library.get(pid).note == ""
        await pilot.press("u")
        await settle(app, pilot)
        assert library.get(pid).note == "keep **this**"
        assert any(n.startswith("Undid: cleared the note on") for n in notifications(app))


async def test_u_takes_back_only_the_readers_tag_change_not_one_the_cli_made_since(make_app, library, library_dir):
    import subprocess
    import sys

    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        a = screen.results.row_at(0).id
        library.add_tags(a, ["old"])
        await pilot.press("t")
        await settle(app, pilot)
        assert isinstance(app.screen, TagEditor)
        app.screen.query_one("#tags-input").value = "mine"  # old removed, mine added
        await pilot.press("enter")
        await settle(app, pilot)
        assert library.get(a).tags == ("mine",)
        cli = [sys.executable, "-m", "paperreader", "--data-dir", str(library_dir), "tag", a, "theirs"]
        subprocess.run(cli, check=True, capture_output=True, timeout=60)  # another process, meanwhile
        await pilot.press("u")
        await settle(app, pilot)
        assert library.get(a).tags == ("old", "theirs")  # the CLI's tag is kept
