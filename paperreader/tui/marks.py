"""Marked papers (`space`, `*`): the one answer to "which papers does this key act on?".

Every paper action (star, read, tags, copy/export, delete, …) acts on the marked papers when some
are marked, else on the paper under the cursor (or the one open in the reader). A change to
several papers is one change: one notification, one undo step.

`Marks` is an immutable value (no Textual): each change makes a new one, which the main screen
holds as a reactive that the list (the markers) and the status line (the count) are bound to.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.binding import Binding

MARK_BINDINGS = [
    Binding("space", "toggle_mark", "Mark", show=False, id="marks.toggle"),
    Binding("asterisk", "mark_all", "Mark all", show=False, id="marks.all"),
]


class Marks:
    """Paper ids the user marked, in the order marked. Never changed in place."""

    __slots__ = ("_ids",)

    def __init__(self, ids: Iterable[str] = ()) -> None:
        self._ids: dict[str, None] = dict.fromkeys(ids)

    def toggled(self, paper_id: str) -> Marks:
        """With this paper marked, or unmarked if it was."""
        if paper_id in self._ids:
            return self.without([paper_id])
        return Marks([*self._ids, paper_id])

    def with_ids(self, ids: Iterable[str]) -> Marks:
        return Marks([*self._ids, *ids])

    def without(self, ids: Iterable[str]) -> Marks:
        gone = set(ids)
        return Marks(pid for pid in self._ids if pid not in gone)

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
