"""Pilot tests of delete (D, the trash, undo), the tag browser (#), the one citation key and the
reader's links, at 140x40 and 80x24, on the real store and index."""

from __future__ import annotations

import re
import shlex

import pytest

from paperreader.store import trash
from paperreader.tui.screens.confirm import ConfirmScreen
from paperreader.tui.screens.pick import CopyMenu, LinksMenu, NamePrompt
from paperreader.tui.screens.tag_browser import TagBrowser

from tui_helpers import NARROW, WIDE, ready, screen_text, search_for, settle

SIZES = pytest.mark.parametrize("size", [WIDE, NARROW], ids=["140x40", "80x24"])


def _search_ids(library_dir, query: str) -> list[str]:
    """What a search in another process (a fresh workspace) finds."""
    from paperreader.paths import resolve
    from paperreader.workspace import Workspace

    ws = Workspace.open(resolve(library_dir), backup=False)
    try:
        ws.ensure_index()
        return [h.id for h in ws.engine.search(query, limit=50).hits]
    finally:
        ws.close()


@SIZES
async def test_D_deletes_the_paper_under_the_cursor_and_u_brings_it_back(make_app, library, library_dir, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        screen = await ready(app, pilot)
        row = screen.results.current_row
        assert screen.results.cursor == 0
        second = screen.result.rows[1].id
        total = screen.result.total
        await pilot.press("D")
        await settle(app, pilot)
        assert not isinstance(app.screen, ConfirmScreen)  # no note, no tags: no question
        assert library.get(row.id) is None
        assert [e.paper_id for e in trash.entries(library)] == [row.id]
        assert screen.result.total == total - 1
        assert screen.results.current_row.id != row.id  # the cursor is on the next paper
        assert screen.results.current_row.id == second
        assert any("in the trash for 30 days" in n.message for n in app._notifications)
        await pilot.press("u")
        await settle(app, pilot)
        assert library.get(row.id) is not None and trash.entries(library) == []
        assert screen.result.total == total


@SIZES
async def test_D_asks_first_when_the_paper_has_a_note_and_the_index_forgets_it(make_app, library, library_dir, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        screen = await ready(app, pilot)
        pid = screen.results.current_row.id
        library.set_note(pid, "quokkanote thoughts")
        library.add_tags(pid, ["quokkatag"])
        await settle(app, pilot)
        await pilot.press("D")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "It has a note and tags" in app.screen.question.plain
        await pilot.press("n")
        await settle(app, pilot)
        assert library.get(pid) is not None
        await pilot.press("D")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert library.get(pid) is None
        (entry,) = trash.entries(library)
        assert entry.has_note and entry.tags == ("quokkatag",)
        assert _search_ids(library_dir, "quokkanote") == []  # another process's search
        await search_for(app, pilot, "quokkanote")  # and this one's
        assert screen.result.total == 0


async def test_D_deletes_the_marked_papers_and_one_u_restores_them_all(make_app, library, library_dir):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        first = screen.results.current_row.id
        await pilot.press("space")  # mark, and the cursor moves on
        second = screen.results.current_row.id
        await pilot.press("space")
        await settle(app, pilot)
        total = screen.result.total
        await pilot.press("D")
        await settle(app, pilot)
        assert library.get(first) is None and library.get(second) is None
        assert screen.result.total == total - 2 and len(screen.marks) == 0
        assert sorted(e.paper_id for e in trash.entries(library)) == sorted([first, second])
        await pilot.press("u")
        await settle(app, pilot)
        assert library.get(first) is not None and library.get(second) is not None
        assert any("Undid: deleted 2 papers" in n.message for n in app._notifications)


@SIZES
async def test_the_tag_browser_shows_counts_filters_and_merges_a_tag(make_app, library, library_dir, size):
    ids = library.list_ids()[:3]
    library.add_tags(ids[0], ["ssm"])
    library.add_tags(ids[1], ["ssm", "state-space"])
    library.add_tags(ids[2], ["state-space"])
    library.save_search("spaces", "tag:state-space")
    app = make_app()
    async with app.run_test(size=size) as pilot:
        screen = await ready(app, pilot)
        await pilot.press("number_sign")
        await settle(app, pilot)
        assert isinstance(app.screen, TagBrowser)
        text = screen_text(app)
        assert re.search(r"2 #ssm", text) and re.search(r"2 #state-space", text)
        await pilot.press("down", "enter")  # state-space
        await settle(app, pilot)
        assert screen.search_box.value == "tag:state-space"
        assert {row.id for row in screen.result.rows.values()} == {ids[1], ids[2]}

        await pilot.press("number_sign")
        await settle(app, pilot)
        await pilot.press("down", "r")  # rename state-space ...
        await settle(app, pilot)
        assert isinstance(app.screen, NamePrompt)
        app.screen.query_one("#prompt-input").value = "ssm"  # ... onto ssm: a merge, asked first
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen) and app.screen.question.plain.startswith("Merge #state-space")
        await pilot.press("y")
        await settle(app, pilot)
        assert library.all_tags() == [("ssm", 3)]
        assert library.saved_searches() == [("spaces", "tag:ssm")]
        assert isinstance(app.screen, TagBrowser)  # back in the browser, with the new counts
        assert "3 #ssm" in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert screen.search_box.value == "tag:ssm"
        assert {row.id for row in screen.result.rows.values()} == set(ids)
    assert sorted(_search_ids(library_dir, "tag:ssm")) == sorted(ids)
    assert _search_ids(library_dir, "tag:state-space") == []


async def test_the_tag_browser_is_in_the_command_palette(make_app, library):
    library.add_tags(library.list_ids()[0], ["palette-tag"])
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        for key in "Tags (counts":
            await pilot.press(key if key != " " else "space")
        await settle(app, pilot)
        assert "key: #" in screen_text(app)  # shown as the key it is, not its name (number_sign)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, TagBrowser)
        assert "1 #palette-tag" in screen_text(app)


def _key_in(bibtex: str) -> str:
    return bibtex.split("{", 1)[1].split(",", 1)[0]


@SIZES
async def test_the_reader_the_copy_menu_and_export_give_one_key(make_app, library, clipboard, cli, size):
    """The built-in corpus has no authors or years: several Mamba papers share the base key `mamba`."""
    app = make_app()
    async with app.run_test(size=size) as pilot:
        screen = await ready(app, pilot)
        await search_for(app, pilot, "title:mamba")
        await pilot.press("enter", "enter")  # to the list, then read the first paper
        await settle(app, pilot)
        record = screen.reader.row.record
        await pilot.press("y", "b")
        await settle(app, pilot)
        copied = _key_in(clipboard.calls[-1])
        assert re.fullmatch(r"[a-z0-9]+-[a-z]{3,}", copied), copied  # it shares its base key
        for _ in range(100):  # the reader looks the key up once the paper has been shown a moment
            if f"BibTeX key  {copied}" in str(screen.reader.query_one("#reader-body").render()):
                break
            await pilot.pause(0.05)
            await settle(app, pilot, 1)
        assert f"BibTeX key  {copied}" in str(screen.reader.query_one("#reader-body").render())
        await pilot.press("y")
        await settle(app, pilot)
        assert isinstance(app.screen, CopyMenu) and f"@misc{{{copied}," in screen_text(app)
        await pilot.press("escape")
    for args in (("export", "--format", "bibtex"), ("export", "--query", "mamba", "--format", "bibtex")):
        out = cli(*args)
        assert out.code == 0
        assert f"@misc{{{copied},\n      title={{{record.title}}}" in out.out


@SIZES
async def test_links_are_hyperlinks_and_a_click_opens_them(make_app, browser, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        screen = await ready(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        record = screen.reader.row.record
        body = screen.reader.query_one("#reader-body")
        rendered = body.render()
        linked = {span.style.link for span in rendered.spans if getattr(span.style, "link", None)}
        assert linked == {link.url for link in record.links}
        # a click on a link in the reader opens it through the app
        await pilot.press("end")
        await settle(app, pilot)
        region = body.content_region
        for y in range(region.y, region.y + region.height):
            for x in range(region.x, region.x + min(region.width, 40)):
                style = app.screen.get_style_at(x, y)
                if style.link:
                    await pilot.click(offset=(x, y))
                    await settle(app, pilot)
                    assert browser.calls == [style.link]
                    break
            if browser.calls:
                break
        assert browser.calls, "no link was found on the screen to click"
        await pilot.press("l")
        await settle(app, pilot)
        assert isinstance(app.screen, LinksMenu)
        menu_links = set()
        for y in range(app.size.height):
            for x in range(app.size.width):
                if link := app.screen.get_style_at(x, y).link:
                    menu_links.add(link)
        assert menu_links and menu_links <= {link.url for link in record.links}


def _browser_script(tmp_path):
    log = tmp_path / "opened.txt"
    script = tmp_path / "my-browser"
    script.write_text(f"#!/bin/sh\nfor a in \"$@\"; do echo \"$a\" >> '{log}'; done\n")
    script.chmod(0o755)
    return script, log


@SIZES
async def test_o_runs_BROWSER_whenever_it_is_set_and_says_what_it_ran(make_app, browser, tmp_path, size):
    script, log = _browser_script(tmp_path)
    # over SSH, no display: without $BROWSER nothing would open here
    app = make_app(environ={"BROWSER": f"no-such-browser:{script} --new-tab %s", "SSH_CONNECTION": "10.0.0.1 1 10.0.0.2 22"})
    async with app.run_test(size=size) as pilot:
        screen = await ready(app, pilot)
        url = screen.results.current_row.record.link.url
        await pilot.press("o")
        await settle(app, pilot)
        assert log.read_text().splitlines() == ["--new-tab", url]
        assert browser.calls == []  # the app's own opener was not asked
        said = [n.message for n in app._notifications]
        assert any(f"with $BROWSER: {shlex.join([str(script), '--new-tab', url])}" in m for m in said), said


async def test_a_BROWSER_that_names_nothing_runnable_is_said_and_the_link_copied(make_app, browser, clipboard):
    app = make_app(environ={"BROWSER": "no-such-browser-anywhere"})
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        url = screen.results.current_row.record.link.url
        await pilot.press("o")
        await settle(app, pilot)
        assert browser.calls == [] and app.clipboard == url
        assert any("$BROWSER (no-such-browser-anywhere) names nothing that runs here" in n.message for n in app._notifications)


async def test_a_paper_deleted_by_another_process_leaves_the_reader_and_the_list(make_app, library):
    from paperreader.tui import messages as msg

    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        pid = screen.reader.row.id
        total = screen.result.total
        trash.delete_papers(library, [pid])  # the CLI, say, on the same data dir
        screen.post_message(msg.LibraryChanged())  # what the store poll posts when it sees a commit
        await settle(app, pilot)
        await settle(app, pilot)
        assert screen.reader.row is None or screen.reader.row.id != pid
        assert screen.result.total == total - 1
        assert pid not in {row.id for row in screen.result.rows.values()}


async def test_after_a_merge_the_tag_browser_stays_on_the_tag_merged_into(make_app, library):
    ids = library.list_ids()[:3]
    library.add_tags(ids[0], ["aaa"])
    library.add_tags(ids[1], ["bbb"])
    library.add_tags(ids[2], ["ccc"])
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await ready(app, pilot)
        await pilot.press("number_sign")
        await settle(app, pilot)
        await pilot.press("down", "down", "r")  # rename ccc ...
        await settle(app, pilot)
        app.screen.query_one("#prompt-input").value = "bbb"  # ... onto bbb: a merge
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert isinstance(app.screen, TagBrowser) and "2 #bbb" in screen_text(app)
        assert app.screen.highlighted_id() == "bbb"
        await pilot.press("enter")  # shows the merged tag's papers, not the first tag's
        await settle(app, pilot)
        assert screen.search_box.value == "tag:bbb"
        assert {row.id for row in screen.result.rows.values()} == {ids[1], ids[2]}


async def test_many_papers_added_elsewhere_are_indexed_with_a_progress_bar(make_app, library):
    """Another process (the CLI's import, killed before it indexed; a script on the store) adds
    1,200 papers: the reader indexes them in its index worker with the bar, not inside a search
    that says "searching…" for as long."""
    from paperreader.model import Paper

    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        library.upsert([Paper(title=f"Quokka survey part {i}", abstract=f"quokkaword number {i} of many") for i in range(1_200)])
        seen = set()
        for _ in range(600):  # bounded (~60 s on a busy machine); the store poll runs every 2 s
            text = screen_text(app)
            seen.update(re.findall(r"Indexing [\d,]+ of [\d,]+", text))
            if seen and screen.index_ready:
                break
            await pilot.pause(0.1)
        assert seen and all(s.endswith(" of 1,200") for s in seen), seen  # the bar's label was on screen
        await settle(app, pilot)
        await search_for(app, pilot, "quokkaword")
        assert screen.result.total == 1_200


async def test_an_import_by_the_cli_is_left_to_index_its_own_papers(make_app, library_dir, tmp_path):
    """The CLI's import stores the papers, then indexes them itself: the reader, seeing the store
    far ahead of the index, must not take the index's writer first (the CLI then failed with
    "another paperreader is writing the search index")."""
    import json
    import subprocess
    import sys

    from paperreader.model import Paper  # noqa: F401 (the fields below are Paper's)

    papers = tmp_path / "many.jsonl"
    papers.write_text("".join(json.dumps({"title": f"Wombat study {i}", "abstract": f"wombatword {i} burrows"}) + "\n" for i in range(3_000)))
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        cli = subprocess.Popen([sys.executable, "-m", "paperreader", "--data-dir", str(library_dir), "import", str(papers)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(1_200):  # bounded: ~2 min on a busy machine
            if cli.poll() is not None:
                break
            await pilot.pause(0.1)
        out, err = cli.communicate(timeout=120)
        assert cli.returncode == 0 and "another paperreader" not in err, err
        await settle(app, pilot)
        await search_for(app, pilot, "wombatword")
        assert screen.result.total == 3_000
