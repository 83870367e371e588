"""Keys taken in the order they were typed, when several come in one read (typed fast, over SSH).

Textual sends each key to the widget focused when the app reads it, and runs a key's binding only
once the key has bubbled up to the app, a message hop per parent. So in a burst, `/graph` typed on
the results ran `g r a p h` as the list's keys (`r` marked a paper read) before `/` moved the focus,
and letters after a backspace reached the search box before the backspace. Here a focusable widget
runs a key's binding the moment it takes the key, and hands on the keys that were sent to it before
a binding moved the focus elsewhere (or opened another screen) to whatever has the focus now.
"""

from __future__ import annotations

from textual import events


def _stop(event: events.Key) -> bool:
    event.stop()
    event.prevent_default()
    return True


async def take_in_order(widget, event: events.Key, *, bindings: bool = True) -> bool:
    """True if the key was dealt with here: handed on to the focus, or its binding run now.

    With `bindings`, a key no binding takes is kept from bubbling up (after the widget's own
    handling): the app would look its binding up again, by then from wherever the focus went (a
    ctrl+u on the list, then `/graph`, emptied the search box).
    """
    focused = widget.app.screen.focused
    if focused is not None and focused is not widget:  # the focus moved after this key was sent
        focused._forward_event(events.Key(event.key, event.character))
        return _stop(event)
    if bindings and await widget.app._check_bindings(event.key):  # what Textual does a few hops later
        return _stop(event)
    return False


class KeysInOrder:
    """For a focusable widget without text entry: every key's binding runs in the order typed."""

    async def _on_key(self, event: events.Key) -> None:
        if not await take_in_order(self, event):
            await super()._on_key(event)
            event.stop()  # its bindings were looked up above, from here (see take_in_order)
