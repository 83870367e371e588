"""A note being written on a paper that another process deletes meanwhile: ctrl+s cannot save it
while the paper is in the trash, so the editor says how to bring it back (it said "no paper with id
…, ctrl+s saves it", and the user, taking the paper for gone, escaped and lost the text: engineer Q's find)."""

from __future__ import annotations

import subprocess
import sys

from paperreader.tui.screens.note_editor import NoteEditor
from textual.widgets import TextArea

from tui_helpers import WIDE, ready, settle, widget_text


async def test_saving_a_note_on_a_paper_deleted_meanwhile_says_how_to_restore_it(make_app, library_dir):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        pid = screen.results.current_row.id
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, NoteEditor)
        app.screen.query_one(TextArea).insert("written while another process deletes the paper")
        done = subprocess.run([sys.executable, "-m", "paperreader", "--data-dir", str(library_dir), "delete", pid],
                              capture_output=True, text=True, timeout=120)  # fmt: skip
        assert done.returncode == 0, done.stderr
        await pilot.press("ctrl+s")
        for _ in range(50):
            await app.workers.wait_for_complete()
            await settle(app, pilot)
            status = widget_text(app.screen.query_one("#note-status"))
            if "not saved" in status:
                break
        assert isinstance(app.screen, NoteEditor)  # the text is still there
        assert "in the trash" in status and f"restore-paper {pid}" in status and "Restore from the trash" in status
        assert "ctrl+s saves it)" not in status
