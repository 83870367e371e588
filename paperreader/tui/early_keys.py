"""Keys typed while the app starts go to the search box, all of them, in order.

A user who types `mamba` the moment the command returns types before the main screen exists (or
before it is composed): Textual would hand those keys to an empty screen or to its bindings (`m`
is "more like this"). Until the main screen takes them, the app keeps every text key (and
backspace, enter, escape) in arrival order; the screen then has them replayed, starting in its
focused search box, ahead of any later key, so nothing is lost or reordered and escape, backspace
or enter act as they would have. An App mixin.
"""

from __future__ import annotations

import asyncio

from textual import events

from paperreader.tui.widgets.keys_in_order import held_for_dialog

_SETTLE_ROUNDS = 1000  # at most, event-loop turns for a binding's messages to reach their widgets
HELD = {"backspace", "enter", "escape", "tab", "down", "up"}  # besides printable keys


class EarlyKeys:
    """Holds keys until `take_early_keys(widget)` (the main screen's on_mount) hands them over."""

    _early_keys: list[events.Key] | None = None

    def hold_early_keys(self) -> None:
        self._early_keys = []

    def take_early_keys(self, widget) -> None:
        """Replay the held keys, in order, to `widget` (focused by now) and then wherever they lead.

        Each key goes the usual way (priority bindings, the focused box's text, the focus chain's
        bindings), one key per callback: an escape's focus change lands before the next key, and a
        backspace deletes what was typed before it. Keys that arrive meanwhile are held behind them."""
        if not self._early_keys:
            self._early_keys = None
            return
        self.call_later(self._replay_early_key)

    async def _replay_early_key(self) -> None:
        held = self._early_keys
        if not held:
            self._early_keys = None  # from now on keys go their usual way
            return
        focused = self.focused
        if await self._replay_key(held.pop(0)):
            await self._settle(focused)
        self.call_later(self._replay_early_key)

    async def _settle(self, widget) -> None:
        """Let the messages a binding posted (escape's "to the list") bubble from `widget` up to
        its screen, so the focus change they ask for is queued before the next key. No clock:
        event-loop turns until those widgets' queues stay empty (bounded)."""
        chain = [node for node in (widget.ancestors_with_self if widget is not None else [self.screen]) if node is not self]
        quiet = 0
        for _ in range(_SETTLE_ROUNDS):
            await asyncio.sleep(0)
            quiet = quiet + 1 if all(node._message_queue.empty() for node in chain) else 0
            if quiet >= 3:
                return

    async def _replay_key(self, event: events.Key) -> bool:
        """Handle one key as the app would; True when a binding took it."""
        from textual.widgets import Input

        if await self._check_bindings(event.key, priority=True):
            return True
        focused = self.focused
        if isinstance(focused, Input) and event.is_printable and event.character:
            selection = focused.selection
            if selection.is_empty:
                focused.insert_text_at_cursor(event.character)
            else:
                focused.replace(event.character, *selection)
            return False
        if await self._check_bindings(event.key):
            return True
        if focused is not None:
            focused._forward_event(event)  # a key the widget handles itself
        return False

    async def on_event(self, event: events.Event) -> None:
        held = self._early_keys
        if held is None:  # a dialog on its way (`n`, `t`) holds the keys typed meanwhile, here, wherever the
            held = held_for_dialog(self)  # focus is: one reaching its screen before its field had the focus was lost
            if held is not None and isinstance(event, events.Key) and not event.is_forwarded and (event.is_printable or event.key in HELD):
                held.append(events.Key(event.key, event.character))
                return
        elif isinstance(event, events.Key) and not event.is_forwarded:
            if event.is_printable or event.key in HELD:
                held.append(event)
                return
        await super().on_event(event)
