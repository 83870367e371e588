"""Importing a file from the reader: the command palette's "Import a file" asks for a path, imports
it in a worker (ingest/import_files, as `paperreader import`), says what it did or why not in one
line, and the list shows the new papers."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandPalette

from paperreader.tui.screens.import_file import ImportFileScreen

from tui_helpers import WIDE, ready, screen_text, search_for, settle, widget_text

# Big enough that the import outlasts the key: while the worker imports, the UI thread gets the GIL
# in turns, and one escape took ~2 s to be handled (20,000 lines were all in by then on a fast machine).
SNAPSHOT_LINES = 100_000


async def open_dialog(app, pilot) -> ImportFileScreen:
    await pilot.press("ctrl+p")
    assert isinstance(app.screen, CommandPalette)
    app.screen.query_one("CommandInput").value = "import a file"
    for _ in range(200):
        await pilot.pause(0.05)
        if "Import a file" in screen_text(app):
            break
    await pilot.press("enter")
    await settle(app, pilot)
    assert isinstance(app.screen, ImportFileScreen)
    return app.screen


async def import_path(app, pilot, dialog, path: str) -> str:
    await pilot.press(*path, "enter")
    for _ in range(100):
        await settle(app, pilot)
        if not dialog.running:
            break
    return widget_text(dialog.query_one("#import-status"))


async def test_import_a_file_from_the_palette(make_app, library, tmp_path):
    good = tmp_path / "two.json"
    good.write_text('[{"title": "Zanzibar quokka sightings", "abstract": "Quokkas."},\n'
                    ' {"title": "Another zanzibar paper", "abstract": "More.", "published": "someday"}]')
    empty = tmp_path / "empty.bib"
    empty.write_text("")
    nothing = tmp_path / "none.json"
    nothing.write_text("[]")
    before = library.count()
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        dialog = await open_dialog(app, pilot)
        said = await import_path(app, pilot, dialog, str(empty))
        assert said == f"{empty}: the file is empty: nothing was imported"
        assert dialog.query_one("#import-status").has_class("-error") and library.count() == before
        dialog.query_one("#import-path").value = ""
        said = await import_path(app, pilot, dialog, str(tmp_path / "missing.csv"))
        assert said == f"{tmp_path / 'missing.csv'}: no such file: nothing was imported"
        dialog.query_one("#import-path").value = ""
        said = await import_path(app, pilot, dialog, str(nothing))  # valid, no papers: said as the CLI says it
        assert said == "Imported (none.json: no papers in the file): added 0, updated 0, unchanged 0.", said
        dialog.query_one("#import-path").value = ""
        said = await import_path(app, pilot, dialog, str(good))
        assert said.startswith("Imported (two.json: 2 papers): added 2, updated 0, unchanged 0; 1 value(s) left out")
        assert not dialog.query_one("#import-status").has_class("-error") and library.count() == before + 2
        assert "Traceback" not in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is screen
        await search_for(app, pilot, "zanzibar")
        titles = sorted(screen.result.rows[i].record.title for i in screen.result.rows)
        assert titles == ["Another zanzibar paper", "Zanzibar quokka sightings"]


async def test_the_library_itself_is_refused(make_app, library, library_dir):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        dialog = await open_dialog(app, pilot)
        store = Path(library_dir) / "library.sqlite3"
        said = await import_path(app, pilot, dialog, str(store))
        assert said == f"{store}: that is the library itself; nothing was imported"


async def test_a_big_import_is_indexed_in_the_dialog(make_app, library, tmp_path, monkeypatch):
    """Above INDEX_NOW changed papers the dialog brings the index up to date, as the CLI does (here
    the threshold is lowered so that a small file counts as big)."""
    import paperreader.tui.screens.import_file as import_file

    monkeypatch.setattr(import_file, "INDEX_NOW", 2)
    path = tmp_path / "three.csv"
    path.write_text("title,abstract\nWombat one,a\nWombat two,b\nWombat three,c\n")
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        before = app.workspace.index.read_stamp()["docs"]
        dialog = await open_dialog(app, pilot)
        said = await import_path(app, pilot, dialog, str(path))
        assert said.startswith("Imported (three.csv: 3 papers): added 3")
        assert app.workspace.index.read_stamp()["docs"] == before + 3 == library.count()


async def test_a_snapshot_import_stops_on_escape_and_ctrl_q_quits_once_it_has(make_app, library, tmp_path):
    """A big OAI snapshot (100,000 lines): escape (or ctrl+q) asks it to stop at its next batch; the dialog says so
    in one line (resumable); ctrl+q then quits, the worker never left waiting on a closed screen."""
    import json

    path = tmp_path / "snapshot.jsonl"
    path.write_text("".join(json.dumps({
        "id": f"{1501 + k // 50000}.{k % 50000 + 1:05d}", "title": f"Snapshot paper {k}", "abstract": "Words.", "authors": "A. Author",
        "categories": "cs.DB", "versions": [{"version": "v1", "created": "Mon, 2 Jan 2015 10:00:00 GMT"}],
        "update_date": "2015-01-05", "authors_parsed": [["Author", "A.", ""]]}) + "\n" for k in range(SNAPSHOT_LINES)))
    before = library.count()
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        dialog = await open_dialog(app, pilot)
        dialog.query_one("#import-path").value = str(path)
        await pilot.press("enter")
        for _ in range(400):  # escape once the first batch is written: a stop in the middle of the import
            await pilot.pause(0.05)
            if widget_text(dialog.query_one("#import-status")).startswith("Importing"):
                break
        assert dialog.running
        await pilot.press("escape")
        assert app.screen is dialog and dialog.stop_asked  # it stays until the import has stopped
        for _ in range(200):
            await settle(app, pilot)
            if not dialog.running:
                break
        said = widget_text(dialog.query_one("#import-status"))
        assert said.startswith("Stopped"), said
        added = library.count() - before
        assert 0 < added < SNAPSHOT_LINES and added % 5000 == 0  # stopped early, at a batch's end (how many got in depends on the machine's speed)
        await pilot.press("ctrl+q")
        await pilot.pause(0.5)
    assert app.return_code is not None or not app.is_running


async def test_escape_soon_after_enter_stops_a_snapshot_before_its_end(make_app, library, tmp_path):
    """The import runs in a process of its own (ingest/import_child.py): the UI thread handles the
    escape at once, and the snapshot stops at its next batch, well before its end. In a thread the
    import took the UI thread's turns at the GIL: pause(0.3) and escape took ~4 s here, by which time
    all 20,000 lines were in, every run."""
    import json

    lines = 20_000
    path = tmp_path / "snapshot.jsonl"
    path.write_text("".join(json.dumps({
        "id": f"1501.{k + 1:05d}", "title": f"Snapshot paper {k}", "abstract": "Words.", "authors": "A. Author",
        "categories": "cs.DB", "versions": [{"version": "v1", "created": "Mon, 2 Jan 2015 10:00:00 GMT"}],
        "update_date": "2015-01-05", "authors_parsed": [["Author", "A.", ""]]}) + "\n" for k in range(lines)))
    before = library.count()
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        dialog = await open_dialog(app, pilot)
        dialog.query_one("#import-path").value = str(path)
        await pilot.press("enter")
        await pilot.pause(0.3)
        await pilot.press("escape")
        for _ in range(200):
            await settle(app, pilot)
            if not dialog.running:
                break
        said = widget_text(dialog.query_one("#import-status"))
        assert said.startswith("Stopped"), said
        added = library.count() - before
        assert added < lines and added % 5000 == 0  # nothing, or whole batches: resumable
    app2 = make_app()  # imported again, it resumes and ends with every paper in
    async with app2.run_test(size=WIDE) as pilot:
        await ready(app2, pilot)
        dialog = await open_dialog(app2, pilot)
        said = await import_path(app2, pilot, dialog, str(path))
        assert said.startswith("Imported (snapshot.jsonl: 20,000 papers)"), said
        assert library.count() == before + lines


async def test_escape_while_the_dialog_indexes_ends_it_and_the_reader_catches_up(make_app, library, tmp_path, monkeypatch):
    """Past INDEX_NOW papers the dialog brings the index up to date; escape then ends that at once (the
    papers are in; the index is a cache) instead of saying "Stopping…" for the whole build, and the
    reader's own catch-up (tui/launch.py) indexes them."""
    import json

    from paperreader.tui.screens import import_file

    monkeypatch.setattr(import_file, "INDEX_NOW", 2)
    lines = 50_000  # an index stage of several seconds: with 20,000 it once ended before a loaded machine's UI handled the key
    path = tmp_path / "snapshot.jsonl"
    path.write_text("".join(json.dumps({
        "id": f"1501.{k + 1:05d}", "title": f"Wallabyform paper {k}", "abstract": "Words.", "authors": "A. Author",
        "categories": "cs.DB", "versions": [{"version": "v1", "created": "Mon, 2 Jan 2015 10:00:00 GMT"}],
        "update_date": "2015-01-05", "authors_parsed": [["Author", "A.", ""]]}) + "\n" for k in range(lines)))
    before = library.count()
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        dialog = await open_dialog(app, pilot)
        dialog.query_one("#import-path").value = str(path)
        await pilot.press("enter")
        for _ in range(1200):
            await pilot.pause(0.05)
            if "new or changed papers" in widget_text(dialog.query_one("#import-status")):
                break
        assert dialog.running
        await pilot.press("escape")
        for _ in range(200):
            await settle(app, pilot)
            if not dialog.running:
                break
        said = widget_text(dialog.query_one("#import-status"))
        assert said.startswith("Imported (snapshot.jsonl: 50,000 papers)") and said.endswith("The index catches up in the reader."), said
        assert library.count() == before + lines
        await pilot.press("escape")
        for _ in range(600):  # the store poll (every 2 s) sees the index behind, twice, then the index worker catches up
            await pilot.pause(0.1)
            stamp = app.workspace.index.read_stamp() or {}
            if stamp.get("docs") == before + lines and app.screen.index_ready:
                break
        await settle(app, pilot)
        await search_for(app, pilot, "wallabyform")
        assert app.screen.result.total == lines
