"""The search box: an Input that remembers past queries (up/down) and offers them as you type."""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.suggester import SuggestFromList
from textual.widgets import Input

from paperreader.tui.widgets.keys_in_order import take_in_order


LEAVE_WAIT = 0.25  # seconds: if the focus has not left by then, nothing took it


def as_typed(text: str) -> str:
    """Pasted text for the box: printable as it is, else escape sequences and control characters
    out and every run of white space (tabs, line breaks) one space."""
    if text.isprintable():
        return text
    from paperreader.text import strip_controls

    return " ".join(strip_controls(text).split())


class SearchBox(Input):
    # The typed text's width is the box's virtual width; Textual's own asks for a layout of the
    # whole screen when it changes, i.e. at every key (~4 ms, racing the search for the CPU). The
    # box scrolls within its own region and shows no scrollbar: a repaint is all it needs.
    virtual_size = Reactive(Size(0, 0), repaint=True)

    BINDINGS = [
        Binding("up", "history_back", "Older query", show=False, id="search.history_back"),
        Binding("down", "history_forward", "Newer query, or to the results", show=False, id="search.history_forward"),
        Binding("escape", "leave", "To results", id="search.leave"),
        Binding("ctrl+t", "accept_suggestion", "Use 'did you mean'", show=False, id="search.use_suggestion"),
    ]

    class Left(Message):
        """The user pressed escape (or down, past the newest query) in the box."""

    class SuggestionWanted(Message):
        """The user asked to search the "did you mean" query."""

    def __init__(self, **kwargs) -> None:
        super().__init__(
            placeholder="Search papers: words, \"phrases\", author:, tag:, year:2020..2024, is:starred …",
            **kwargs,
        )
        self.history: list[str] = []
        self._position = 0
        self._draft = ""
        self._recalled: str | None = None
        self._held: list[events.Key] | None = None  # keys that came after down/escape left the box

    def set_history(self, history: list[str]) -> None:
        """Past queries, oldest first."""
        self.history = list(history)
        self._position = len(self.history)
        self.suggester = SuggestFromList(list(reversed(self.history)), case_sensitive=False)

    def _recall(self, value: str) -> None:
        self._recalled = value
        self.value = value
        self.cursor_position = len(value)

    def action_history_back(self) -> None:
        if not self.history or self._position == 0:
            self.app.bell()
            return
        if self._position == len(self.history):
            self._draft = self.value
        self._position -= 1
        self._recall(self.history[self._position])

    def action_history_forward(self) -> None:
        if self._position >= len(self.history):  # not in the history: down goes to the results
            self._leave()
            return
        self._position += 1
        self._recall(self._draft if self._position == len(self.history) else self.history[self._position])

    def action_leave(self) -> None:
        self._leave()

    def _leave(self) -> None:
        """Ask the screen for the results; keys already on their way here are theirs (`_held`)."""
        self._held = []
        self.post_message(self.Left())
        self.set_timer(LEAVE_WAIT, self._stay)

    def _stay(self) -> None:
        """The focus never left (nothing to go to): the held letters were typed here after all."""
        held, self._held = self._held, None
        if held and self.has_focus:
            for key in held:
                if key.is_printable and key.character:
                    self.insert_text_at_cursor(key.character)

    def _on_blur(self, event) -> None:
        super()._on_blur(event)
        held, self._held = self._held, None
        focused = self.screen.focused
        if held and focused is not None and focused is not self:
            for key in held:  # in the order typed, ahead of any key the app sends there later
                focused._forward_event(events.Key(key.key, key.character))

    def action_accept_suggestion(self) -> None:
        self.post_message(self.SuggestionWanted())

    async def _on_key(self, event) -> None:
        if self._held is not None:  # down or escape came first in this burst: not the box's keys
            self._held.append(event)
            event.stop()
            event.prevent_default()
            return
        if event.character == "/" and not self.value:  # `/` means "search": it is already here
            event.stop()
            event.prevent_default()
            return
        # An editing key's binding runs now, before the letters that followed it in the same read
        # (`mamba`, two backspaces and `x` gave `mamb`); see keys_in_order.
        if await take_in_order(self, event, bindings=not event.is_printable):
            return
        await super()._on_key(event)
        if not event.is_printable:
            event.stop()  # its bindings were looked up above, from here (see take_in_order)

    def _on_paste(self, event: events.Paste) -> None:
        """Pasted text is a query: escape sequences and control characters out, and its lines one
        line (a title copied from a PDF wraps; Input keeps only the first line), not typed as keys."""
        event.prevent_default()  # Input's own handler would insert the raw first line
        event.stop()
        text = as_typed(event.text)
        if not text:
            return
        selection = self.selection
        if selection.is_empty:
            self.insert_text_at_cursor(text)
        else:
            self.replace(text, *selection)

    def _on_input_changed(self, event: Input.Changed) -> None:
        if event.value != self._recalled:  # typed, not recalled: up starts again from the newest
            self._position = len(self.history)
            self._recalled = None
