"""Holding the screen's next frame while a quick search is on its way (issue 12: last key to paint).

Textual draws at most 60 frames a second, on a fixed grid: a key's echo in the search box is one
frame (~2-3 ms CPU), and the answer, arriving a few ms later, waits for the next tick of the grid
(up to 16.7 ms) before its own frame. While searches answer quickly, the frames after a key are
held (Textual's batch update, as `App.delay_update` does) until the answer is handled: the box and
the results are then drawn in one frame, at once, since no tick was used meanwhile. A search that
takes long (a big library, a heavy query) is not waited for: the hold is only taken when the last
answer came within AT_MOST, and it ends after AT_MOST whatever happens, so the box's echo is never
later than that.
"""

from __future__ import annotations

import time

AT_MOST = 0.04  # seconds: the longest a key's echo waits for its answer


def _nothing() -> None:
    pass


class PaintHold:
    """One hold at a time on the app's frames; `answered` is safe to call whenever."""

    def __init__(self, app) -> None:
        self.app = app
        self._timer = None
        self._started = 0.0
        self._scene = None  # (screen, size, CSS updates) when the hold began
        self.last_answer = 0.0  # seconds from the newest search's start to its answer

    @property
    def held(self) -> bool:
        return self._timer is not None

    def started(self) -> None:
        """A search has started (a key typed): hold the frames if the last answer was quick."""
        self._started = time.perf_counter()
        if self._timer is None and self.last_answer < AT_MOST:
            self._scene = self._now()
            self.app._begin_batch()
            self._timer = self.app.set_timer(AT_MOST, self._end, name="paint-hold")

    def answered(self) -> None:
        """The newest search's answer is handled (its state set): draw it with the box, now."""
        if self._started:
            self.last_answer, self._started = time.perf_counter() - self._started, 0.0
        if self._timer is not None:
            self._timer.stop()
            self._end()

    def _end(self) -> None:
        if self._timer is None:
            return
        self._timer = None
        try:
            screen = self.app.screen
        except Exception:  # noqa: BLE001 (the app is closing: no screen left to draw)
            self.app._end_batch()
            return
        # The widgets' requests to be redrawn reach the screen from each widget's own idle, a
        # message hop later: handed over now, so they are in the frame the hold's end starts
        # (not the next tick's), and only they are drawn (not the whole screen).
        for widget in screen.walk_children():
            getattr(widget, "_check_refresh", _nothing)()
        self.app._end_batch()
        if self.app._batch_count:
            return
        if self._now() != self._scene:  # a resize, another screen, a theme: a frame Textual drew
            screen.refresh()  # meanwhile was dropped (as in App.delay_update): all of it again
        screen.check_idle()

    def _now(self) -> tuple:
        app = self.app
        return (app.screen, app.size, getattr(app, "_css_update_count", 0))
