"""The keys line at the bottom: what Textual's Footer shows, drawn by one widget.

Textual's Footer is a container of one widget per key, rebuilt whole whenever the bindings may
have changed (five times at launch, ~10 ms and a layout each); mounting and styling its dozen
widgets cost ~20 ms of the first frame. This draws the same line (the shown bindings of the focused
widget's chain, one per action, the command palette's key at the right) as a single line of text,
repainted when the bindings change. A click on a key presses it, as a Footer key does.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.widget import Widget


class KeyBar(Widget):
    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description", "key-bar--hover", "key-bar--separator"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
    }
    KeyBar > .key-bar--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyBar > .key-bar--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    KeyBar > .key-bar--hover {
        background: $block-hover-background;
    }
    KeyBar > .key-bar--separator {
        color: $foreground 20%;
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._items: list[tuple[str, str, str, bool, str]] = []  # key, display, description, enabled, tooltip
        self._spans: list[tuple[int, int, int]] = []  # start, end, item index, as last drawn
        self._hover: int | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._items = self._current()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _current(self) -> list[tuple[str, str, str, bool, str]]:
        """The keys to show now: one per action, in the bindings' order; the palette's last."""
        app = self.app
        items, actions, palette = [], set(), None
        for key, (_, binding, enabled, tooltip) in self.screen.active_bindings.items():
            if key == app.COMMAND_PALETTE_BINDING and app.ENABLE_COMMAND_PALETTE:
                palette = (binding.key, app.get_key_display(binding), binding.description, enabled, binding.tooltip or "")
            elif binding.show and binding.action not in actions:
                actions.add(binding.action)
                items.append((binding.key, app.get_key_display(binding), binding.description, enabled, tooltip or ""))
        return items + ([palette] if palette else [])

    def _bindings_changed(self, screen) -> None:
        items = self._current()
        if items != self._items:
            self._items = items
            self.refresh()

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-bar--key")
        description_style = self.get_component_rich_style("key-bar--description")
        hover_style = self.get_component_rich_style("key-bar--hover")
        line, spans, count = Text(no_wrap=True, overflow="crop", end=""), [], len(self._items)
        for index, (key, display, description, enabled, _) in enumerate(self._items):
            palette = index == count - 1 and key == self.app.COMMAND_PALETTE_BINDING
            if palette:  # at the right, after a thin rule
                width = 3 + len(display) + len(description)
                line.append(" " * max(1, self.size.width - line.cell_len - width))
                line.append("▏", self.get_component_rich_style("key-bar--separator"))
            start = line.cell_len
            extra = hover_style if index == self._hover else None
            line.append(display if palette else f" {display} ", key_style + extra if extra else key_style)
            if description:
                text = f" {description}" if palette else f"{description} "
                line.append(text, description_style + extra if extra else description_style)
            if palette:
                line.append(" ")
            if not enabled:
                line.stylize("dim", start)
            spans.append((start, line.cell_len, index))
        self._spans = spans
        return line

    def _item_at(self, x: int) -> int | None:
        return next((index for start, end, index in self._spans if start <= x < end), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        hover = self._item_at(event.x)
        if hover != self._hover:
            self._hover = hover
            self.tooltip = self._items[hover][4] or None if hover is not None else None
            self.refresh()

    def on_leave(self, event: events.Leave) -> None:
        if self._hover is not None:
            self._hover = None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        index = self._item_at(event.x)
        if index is None:
            return
        key, _, _, enabled, _ = self._items[index]
        if enabled:
            self.app.simulate_key(key)
        else:
            self.app.bell()
