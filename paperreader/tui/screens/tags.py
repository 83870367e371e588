"""Editing a paper's tags: one line of words, completed from the tags already in the library.

The editor hands back what the user changed (tags added, tags removed) against the tags it
loaded, never the whole set: a tag added elsewhere while it was open (another window, `paperreader
tag`) is not in either list, so it stays.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.suggester import Suggester
from textual.widgets import Input, Static

from paperreader.store import PaperRecord
from paperreader.text import clean_tag, tag_names
from paperreader.tui.screens.dialog import Dialog


class LastWordSuggester(Suggester):
    """Completes the word being typed from the known tags."""

    def __init__(self, tags: list[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=False)
        self.tags = tags

    async def get_suggestion(self, value: str) -> str | None:
        head, _, word = value.rpartition(" ")
        if not word:
            return None
        typed = set(value.split())
        for tag in self.tags:
            if tag.startswith(word.lower()) and tag != word and tag not in typed:
                return f"{head} {tag}".lstrip() if head else tag
        return None


@dataclass(frozen=True)
class TagChange:
    added: frozenset[str]
    removed: frozenset[str]


def tag_change(loaded: tuple[str, ...], text: str) -> TagChange:
    """What the user did to the loaded tags, as the store will spell the tags."""
    before = {clean_tag(t) for t in loaded} - {""}
    after = set(tag_names(text))  # the one rule for typed tags, the CLI's too
    return TagChange(frozenset(after - before), frozenset(before - after))


class TagEditor(Dialog[TagChange | None]):
    """Dismisses with the tags added and removed, or None if cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="tags.cancel")]

    def __init__(self, record: PaperRecord, known: list[tuple[str, int]]) -> None:
        super().__init__(classes="dialog-screen")
        self.record = record
        self.known = [tag for tag, _ in sorted(known, key=lambda kv: (-kv[1], kv[0]))]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            heading = Text.assemble(("Tags for ", "bold"))
            heading.append(self.record.title, style="italic")
            yield Static(heading, classes="dialog-title", markup=False)
            yield Input(
                " ".join(self.record.tags),
                placeholder="tags, separated by spaces",
                suggester=LastWordSuggester(self.known),
                id="tags-input",
            )
            hint = Text("enter save  ·  escape cancel  ·  → completes", style="dim")
            if self.known:
                hint.append("\nIn use: ", style="dim")
                hint.append(" ".join(self.known[:30]), style="dim italic")
            yield Static(hint, classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        field = self.query_one(Input)
        field.focus()
        if field.value:
            field.value += " "
            field.cursor_position = len(field.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(tag_change(self.record.tags, event.value))

    def action_cancel(self) -> None:
        self.dismiss(None)
