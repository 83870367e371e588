"""What an action service may do to the interface, and nothing more: run blocking work in a
thread, post a message back to the screen, run something on the UI thread, open a dialog, notify.

The services (papers, notes, library) take one of these in their constructor instead of being
mixed into the screen, so what they touch is written in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.dom import DOMNode
from textual.message import Message


class UiPort:
    """The screen's public Textual API, as much of it as the services use."""

    def __init__(self, node: DOMNode) -> None:
        self._node = node

    @property
    def app(self):
        return self._node.app

    def in_thread(self, work: Callable, *args, group: str, exclusive: bool = False) -> None:
        """Run blocking work (store, index, subprocess) in a worker thread; it ends by posting."""
        self._node.run_worker(partial(work, *args), thread=True, exit_on_error=False, group=group, exclusive=exclusive)

    def post(self, message: Message) -> None:
        """To the screen (thread-safe)."""
        self._node.post_message(message)

    def on_ui(self, callback: Callable, *args, **kwargs) -> None:
        """From a worker: run this on the UI thread (and wait for it)."""
        self._node.app.call_from_thread(callback, *args, **kwargs)

    def ask(self, screen, callback: Callable | None = None) -> None:
        """Open a dialog; its answer goes to `callback`. Keys held for it (`hold_keys`) go to its
        text field once it has the focus."""
        from paperreader.tui.widgets.keys_in_order import keys_held, release_keys

        app = self._node.app
        app.push_screen(screen, callback)
        if keys_held(app):
            screen.call_after_refresh(release_keys, app)

    def hold_keys(self) -> None:
        """The keys typed until the next dialog opens are its (see keys_in_order)."""
        from paperreader.tui.widgets.keys_in_order import hold_keys

        hold_keys(self._node.app)

    def release_keys(self) -> None:
        """No dialog is coming after all (its load failed): the held keys go (see keys_in_order)."""
        from paperreader.tui.widgets.keys_in_order import release_keys

        self._node.app.call_from_thread(release_keys, self._node.app)

    def notify(self, message: str, **kwargs) -> None:
        self._node.notify(message, **kwargs)

    def bell(self) -> None:
        self._node.app.bell()
