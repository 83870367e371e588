"""The reader follows the list's cursor: while a key repeats, it catches up at most every 80 ms,
and the first results' paper is shown one frame after the list (not in the first frame).

A plain helper the main screen builds with the reader and a timer function.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from paperreader.tui.results import Row

READER_INTERVAL = 0.08  # the reader redraws at most this often while the cursor moves


class ReaderFollow:
    def __init__(self, reader, set_timer: Callable) -> None:
        self.reader = reader
        self._set_timer = set_timer
        self._next: Row | None = None
        self._shown_at = 0.0
        self._timer = None
        self._after_paint = False  # the first results: the reader fills in after the list is painted

    def highlighted(self, row: Row) -> None:
        """The cursor is on this row now."""
        if self._after_paint and row is self._next:
            return  # the first results' own highlight: fill() shows it once the list is painted
        self._after_paint = False  # the cursor moved before that: the reader follows it as usual
        self._next = row
        if time.monotonic() - self._shown_at >= READER_INTERVAL:
            self._show_next()
        elif self._timer is None:
            self._timer = self._set_timer(READER_INTERVAL, self._show_next)

    def after_paint(self, row: Row) -> None:
        """The first results' paper: `fill()` (called after the next refresh) shows it."""
        self._next, self._after_paint = row, True

    def fill(self) -> None:
        """The first results' paper, shown one frame after the list: the reader (a wrapped abstract,
        its layout and paint: ~13 ms) is not in the first frame the user waits for."""
        if not self._after_paint:  # the cursor moved first and the reader followed it
            return
        self._after_paint = False
        # Not _show_next: the cursor's first move must not wait READER_INTERVAL after this.
        if self._next is not None:
            self.reader.show(self._next)
            self._next = None

    def show_now(self, row: Row) -> None:
        """A paper opened (enter, N/P): shown at once, and a pending follow is dropped."""
        self._next = None
        self.reader.show(row)

    def _show_next(self) -> None:
        self._timer = None
        if self._next is not None:
            self.reader.show(self._next)
            self._next = None
            self._shown_at = time.monotonic()
