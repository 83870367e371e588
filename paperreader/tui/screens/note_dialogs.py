"""The questions a note edit can raise: a draft found, a conflicting save, quitting with unsaved text.

Each is a ChoiceScreen: a question, one button per answer (its key in brackets), escape to go back.
The answers are Bindings (with ids, so they are remappable and on the help screen); the buttons are
made from them, so the keys shown are the keys that work.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Static

from paperreader.tui.screens.dialog import Dialog

PREVIEW = 600  # characters of each text shown in the conflict dialog


class ChoiceScreen(Dialog[str | None]):
    """Dismisses with the chosen answer's name, or None (escape: back, nothing decided)."""

    BINDINGS: list[Binding] = []

    def __init__(self, question: Text, details: Text | None = None) -> None:
        super().__init__(classes="dialog-screen")
        self.question, self.details = question, details

    def answers(self) -> list[Binding]:
        return [b for b in self.BINDINGS if b.action.startswith("choose(")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog choice"):
            yield Static(self.question, classes="dialog-text", markup=False)
            if self.details is not None:
                with VerticalScroll(classes="choice-details"):
                    yield Static(self.details, markup=False)
            with Horizontal(classes="dialog-buttons"):
                for binding in self.answers():
                    name = binding.action.removeprefix("choose(").rstrip(")").strip("'\"")
                    key = getattr(self.app, "keys_for", lambda b: b.key)(binding).split(",")[0]
                    yield Button(f"{binding.description} ({key})", id=f"choice-{name}")
            yield Static(Text("escape: back", style="dim"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query(Button).first().focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss((event.button.id or "").removeprefix("choice-"))

    def action_choose(self, name: str) -> None:
        self.dismiss(name)

    def action_back(self) -> None:
        self.dismiss(None)


class DraftFound(ChoiceScreen):
    """A draft no open editor of ours holds: restore it, leave it, or throw it away."""

    BINDINGS = [
        Binding("r", "choose('restore')", "Restore the draft", id="draft.restore"),
        Binding("s", "choose('saved')", "Start from the saved note", id="draft.saved"),
        Binding("d", "choose('discard')", "Discard the draft", id="draft.discard"),
        Binding("escape", "back", "Back (keep the draft)", id="draft.back"),
    ]


class NoteConflictScreen(ChoiceScreen):
    """Someone saved the note while it was being edited here."""

    BINDINGS = [
        Binding("m", "choose('mine')", "Keep mine", id="conflict.mine"),
        Binding("t", "choose('theirs')", "Keep theirs", id="conflict.theirs"),
        Binding("b", "choose('both')", "Keep both", id="conflict.both"),
        Binding("escape", "back", "Back to editing", id="conflict.back"),
    ]


class QuitWithNote(ChoiceScreen):
    """Quitting while the note editor holds text the store does not have."""

    BINDINGS = [
        Binding("s", "choose('save')", "Save and quit", id="quit_note.save"),
        Binding("k", "choose('draft')", "Keep as draft and quit", id="quit_note.draft"),
        Binding("d", "choose('discard')", "Discard and quit", id="quit_note.discard"),
        Binding("escape", "back", "Back to editing", id="quit_note.back"),
    ]


def preview(text: str, limit: int = PREVIEW) -> str:
    text = text.strip("\n")
    if not text:
        return "(empty: no note)"
    return text if len(text) <= limit else text[:limit].rstrip() + f" … ({len(text) - limit:,} more characters)"


def conflict_details(mine: str, theirs: str) -> Text:
    """Both texts, so the choice is made seeing what each keeps."""
    details = Text()
    details.append("Theirs (saved now):\n", style="bold")
    details.append(preview(theirs) + "\n\n")
    details.append("Yours (in the editor):\n", style="bold")
    details.append(preview(mine))
    return details
