"""The cursor stays on its paper: across filter and sort changes and refreshes (the search runs
again with `keep_id`, and the worker finds the paper's row, loading its page), and back from
more-like-this or a saved search (the place is remembered before leaving, and `escape` returns
to it: the query, and the paper the cursor was on). A main-screen mixin.
"""

from __future__ import annotations

from typing import NamedTuple

from textual import work

from paperreader.tui.messages import PapersUpdated
from paperreader.tui.result_set import ResultSet


class Place(NamedTuple):  # not a dataclass: ~1 ms less CPU at launch (its code generation)
    """Where the user was: the query in the box, and the paper under the cursor (and its row)."""

    query: str
    paper_id: str | None
    index: int


class ViewKeeping:
    """Needs: `search_box`, `results`, `reader`, `result`, `fetcher`, `search()`, `_reload_reader()`."""

    _place: Place | None = None  # where escape returns to from more-like-this or a saved search
    _keep_next: tuple[str | None, int] | None = None  # the next search keeps the cursor here

    _anchor: tuple[str, int] | None = None  # a kept paper the view lacks, and where its cursor started

    def keep_args(self) -> dict:
        """`search()`'s arguments that keep the cursor on the paper under it: or, if the last
        filter or sort left the paper out and the cursor has not moved since, on that paper (so
        going through a filter without it and back finds it again)."""
        if self._anchor is not None and self.results.cursor == self._anchor[1]:
            return {"keep_id": self._anchor[0], "keep_index": self.results.cursor}
        row = self.results.current_row
        return {"keep_id": row.id if row else None, "keep_index": self.results.cursor}

    def note_kept(self, keep_id: str | None, found: bool) -> None:
        """From each search's answer: remember a kept paper that is not in the new view."""
        self._anchor = (keep_id, self.results.cursor) if keep_id is not None and not found else None

    def refresh_view(self) -> None:
        """Show the store's truth again (after an undo, say), the cursor on its paper."""
        if self.result is not None and self.result.mode == "similar":
            self._reload_rows(self.result)
        else:
            self.search(**self.keep_args())
        if self.reader.row is not None:
            self._reload_reader(self.reader.row)

    @work(thread=True, exit_on_error=False, group="reader")
    def _reload_rows(self, result: ResultSet) -> None:
        try:
            records = self.fetcher.ws.library.get_many([row.id for row in result.rows.values()])
        except Exception:
            return
        self.post_message(PapersUpdated(list(records.values())))

    # -- leaving and coming back -------------------------------------------------------------------------
    def remember_place(self) -> None:
        """Before more-like-this or a saved search takes the list over."""
        if self.result is not None and self.result.mode == "similar" and self._place is not None:
            return  # more like this, from more like this: escape still goes back to where it began
        row = self.results.current_row
        self._place = Place(self.search_box.value, row.id if row else None, self.results.cursor)

    def return_to_place(self) -> bool:
        """Escape in the list: back to the remembered place, if there is one. True if it went."""
        place, self._place = self._place, None
        if place is None:
            return False
        if self.search_box.value != place.query:
            self._keep_next = (place.paper_id, place.index)
            self.search_box.value = place.query  # its Changed event searches, consuming _keep_next
            self.search_box.cursor_position = len(place.query)
        else:
            self.search(keep_id=place.paper_id, keep_index=place.index)
        self.results.focus()
        return True

    def take_keep_next(self) -> tuple[str | None, int] | None:
        keep, self._keep_next = self._keep_next, None
        return keep
