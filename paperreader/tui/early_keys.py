"""Keys typed while the app starts go to the search box, all of them, in order.

A user who types `mamba` the moment the command returns types before the main screen exists (or
before it is composed): Textual would hand those keys to an empty screen or to its bindings (`m`
is "more like this"). Until the main screen takes them, the app keeps every text key (and
backspace, enter, escape) in arrival order; the screen then forwards them to its focused search
box ahead of any later key, so nothing is lost or reordered. An App mixin.
"""

from __future__ import annotations

from textual import events

HELD = {"backspace", "enter", "escape", "tab", "down", "up"}  # besides printable keys


class EarlyKeys:
    """Holds keys until `take_early_keys(widget)` (the main screen's on_mount) hands them over."""

    _early_keys: list[events.Key] | None = None

    def hold_early_keys(self) -> None:
        self._early_keys = []

    def take_early_keys(self, widget) -> None:
        """Forward the held keys to `widget`; from now on keys go their usual way."""
        held, self._early_keys = self._early_keys, None
        for event in held or ():
            widget._forward_event(event)  # queued on the widget in order, before any key that comes later

    async def on_event(self, event: events.Event) -> None:
        held = self._early_keys
        if held is not None and isinstance(event, events.Key) and not event.is_forwarded:
            if event.is_printable or event.key in HELD:
                held.append(event)
                return
        await super().on_event(event)
