"""Marked papers (`space`, `*`) and the one answer to "which papers does this key act on?".

Every paper action (star, read, tags, copy/export, delete, …) asks `targets()`: the marked papers
when some are marked, else the paper under the cursor (or the one open in the reader). A change to
several papers is one change: one notification, one undo step.

`Marks` is plain data (no Textual); `MarkedPapers` is a main-screen mixin with the keys.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual import work
from textual.binding import Binding

MARK_BINDINGS = [
    Binding("space", "toggle_mark", "Mark", show=False, id="marks.toggle"),
    Binding("asterisk", "mark_all", "Mark all", show=False, id="marks.all"),
]


class Marks:
    """Paper ids the user marked, in the order marked. Lives for the session, across searches."""

    def __init__(self) -> None:
        self._ids: dict[str, None] = {}

    def toggle(self, paper_id: str) -> bool:
        """Mark or unmark one paper; True if it is marked now."""
        if paper_id in self._ids:
            del self._ids[paper_id]
            return False
        self._ids[paper_id] = None
        return True

    def add(self, ids: Iterable[str]) -> None:
        self._ids.update(dict.fromkeys(ids))

    def remove(self, ids: Iterable[str]) -> None:
        for paper_id in ids:
            self._ids.pop(paper_id, None)

    def clear(self) -> None:
        self._ids.clear()

    def ids(self) -> list[str]:
        return list(self._ids)

    def __contains__(self, paper_id: object) -> bool:
        return paper_id in self._ids

    def __len__(self) -> int:
        return len(self._ids)

    def __bool__(self) -> bool:
        return bool(self._ids)


def count_papers(n: int) -> str:
    return f"{n:,} paper" if n == 1 else f"{n:,} papers"


class MarkedPapers:
    """Needs: `marks` (a Marks), `results`, `result`, `fetcher`, `current_record()`, `status`,
    and Screen's notify/app/post_message."""

    def targets(self) -> list[str]:
        """The ids a paper action acts on: the marked papers if any, else the current paper
        (under the list's cursor, or open in the reader). Empty (and a warning shown) if none."""
        if self.marks:
            return self.marks.ids()
        record = self.current_record()
        if record is None:
            self.notify("No paper selected.", severity="warning")
            return []
        return [record.id]

    def marks_changed(self) -> None:
        """Redraw the rows' markers and the status line's count."""
        self.results.marks_changed()
        self.status.set_marked(len(self.marks))

    def action_toggle_mark(self) -> None:
        row = self.results.current_row
        if row is None:
            self.app.bell()
            return
        self.marks.toggle(row.id)
        self.marks_changed()
        self.results.action_cursor_down()  # like mutt and newsboat: mark, next

    def action_mark_all(self) -> None:
        """Mark every paper in the view; if all of them are marked already, unmark them."""
        if self.result is None or self.fetcher is None or not self.result.total:
            self.app.bell()
            return
        self._view_ids_for_marking(self.result)

    @work(thread=True, exit_on_error=False, exclusive=True, group="marks")
    def _view_ids_for_marking(self, result) -> None:
        try:
            ids = self.fetcher.all_ids(result)
        except Exception as exc:  # StoreError, IndexBusy
            self.app.call_from_thread(self.notify, f"Could not mark the papers: {exc}", severity="error", markup=False)
            return
        self.app.call_from_thread(self._mark_view, result, ids)

    def _mark_view(self, result, ids: list[str]) -> None:
        if result is not self.result:
            return  # the view changed while the ids were read
        if ids and all(paper_id in self.marks for paper_id in ids):
            self.marks.remove(ids)
            self.notify(f"Unmarked {count_papers(len(ids))}.", timeout=2)
        else:
            self.marks.add(ids)
            self.notify(f"Marked {count_papers(len(ids))}: s r t y D act on them (u undoes).", timeout=3)
        self.marks_changed()

    def clear_marks(self) -> bool:
        """Escape in the list drops the marks first; True if there were some."""
        if not self.marks:
            return False
        n = len(self.marks)
        self.marks.clear()
        self.marks_changed()
        self.notify(f"Unmarked {count_papers(n)}.", timeout=2)
        return True
