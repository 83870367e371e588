"""Keys taken in the order they were typed, when several come in one read (typed fast, over SSH).

Textual sends each key to the widget focused when the app reads it, and runs a key's binding only
once the key has bubbled up to the app, a message hop per parent. So in a burst, `/graph` typed on
the results ran `g r a p h` as the list's keys (`r` marked a paper read) before `/` moved the focus,
and letters after a backspace reached the search box before the backspace. Here a focusable widget
runs a key's binding the moment it takes the key, and hands on the keys that were sent to it before
a binding moved the focus elsewhere (or opened another screen) to whatever has the focus now.

A key that opens a dialog only after a worker has read the store (`n`, the note; `t`, the tags)
holds the keys that follow it until the dialog is up: typed right after `n`, they are the note's
text, not the list's keys (`e` in such a burst once opened $EDITOR).
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from textual import events

HOLD_S = 1.5  # a dialog slower than this to come: the held keys are let go (see release_keys)
_held: WeakKeyDictionary = WeakKeyDictionary()  # app -> the keys held for the dialog on its way


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
    held = _held.get(widget.app)
    if held is not None:
        held.append(events.Key(event.key, event.character))
        return _stop(event)
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


def hold_keys(app) -> None:
    """From now on, keys typed on the main screen wait for the dialog on its way (`release_keys`)."""
    if app not in _held:
        held = _held[app] = []
        app.set_timer(HOLD_S, lambda: _held.get(app) is held and release_keys(app))  # this hold, not a later one


def keys_held(app) -> bool:
    return app in _held


def held_for_dialog(app) -> list | None:
    """The keys held for the dialog on its way, or None (the app holds every key typed meanwhile)."""
    return _held.get(app)


def release_keys(app) -> None:
    """The held keys go to the focused text field (the dialog's), in the order typed. Without one
    (the dialog is not a text one, or never came) they are dropped: a burst meant as a note's text
    must not run as the list's keys or answer a question's buttons."""
    held = _held.pop(app, None)
    focused = app.screen.focused
    if not held or focused is None or not _takes_text(focused):
        return
    for key in held:
        focused._forward_event(key)


def _takes_text(widget) -> bool:
    from textual.widgets import Input, TextArea

    return isinstance(widget, (Input, TextArea))
