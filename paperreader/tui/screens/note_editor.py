"""The note editor: Markdown in a TextArea, saved with ctrl+s; escape asks before throwing work away.

While the user types, a draft is saved (debounced, in a worker) so a crash loses at most a second;
the next open offers it back.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Static, TextArea

from paperreader.store import PaperRecord
from paperreader.tui.screens.confirm import ConfirmScreen

DRAFT_DELAY = 0.8


class NoteEditor(ModalScreen[str | None]):
    """Dismisses with the note to save, or None when the user leaves without saving."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="note.save", priority=True),
        Binding("escape", "leave", "Close", id="note.close"),
    ]

    def __init__(self, record: PaperRecord, text: str, save_draft: Callable[[str], None] | None = None) -> None:
        super().__init__(classes="dialog-screen")
        self.record = record
        self.initial = text
        self.saved_text = record.note
        self._save_draft = save_draft
        self._draft_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog editor"):
            heading = Text.assemble(("Note on ", "bold"))
            heading.append(self.record.title, style="italic")
            yield Static(heading, classes="dialog-title", markup=False)
            area = TextArea(self.initial, id="note-text", soft_wrap=True, show_line_numbers=False)
            if "markdown" in area.available_languages:
                area.language = "markdown"
            yield area
            yield Static(Text("Markdown.  ctrl+s save  ·  escape close", style="dim"), classes="dialog-hint")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    @property
    def text(self) -> str:
        return self.query_one(TextArea).text

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if self._save_draft is None:
            return
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_DELAY, self._flush_draft)

    def _flush_draft(self) -> None:
        if self.text != self.saved_text:
            self._write_draft(self.text)

    @work(thread=True, exit_on_error=False, exclusive=True, group="note-draft")
    def _write_draft(self, text: str) -> None:
        try:
            self._save_draft(text)
        except Exception:  # a draft is a safety net; failing to write one must not stop the typing
            pass

    def _stop_drafts(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()

    def action_save(self) -> None:
        self._stop_drafts()
        self.dismiss(self.text)

    def action_leave(self) -> None:
        if self.text == self.initial and self.initial == self.saved_text:
            self._stop_drafts()
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self._stop_drafts()
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen("Discard the changes to this note?", yes="Discard", no="Keep editing"), answered)
