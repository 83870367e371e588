"""The session's undo history: `u` undoes the last change, then the one before, and so on.

A plain bounded stack, no Textual: each change the reader makes (star, tag, read, a note cleared,
a delete, a saved search removed) pushes one entry, a description and a callable that puts the
store back. A change to several marked papers is one entry. The screen pops an entry and runs
its callable in a worker thread (it writes to the store), then says what it undid.

    undo.push("starred “Mamba”", lambda library: library.set_star(pid, False))
    entry = undo.pop()          # on `u`
    entry.undo(library)         # in a worker
    f"Undid: {entry.description}"
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from typing import NamedTuple

UNDO_LIMIT = 100  # changes kept (the issue asks for at least 50)

Undo = Callable[[object], None]  # called with the store's Library, in a worker thread


class UndoEntry(NamedTuple):  # not a dataclass: ~1 ms less CPU at launch (its code generation)
    description: str  # what the change did, e.g. "starred 3 papers"; shown as "Undid: …"
    undo: Undo


class UndoStack:
    """Newest change last; the oldest fall off past `limit`. Thread-safe (workers push)."""

    def __init__(self, limit: int = UNDO_LIMIT) -> None:
        self._entries: deque[UndoEntry] = deque(maxlen=limit)
        self._lock = threading.Lock()

    def push(self, description: str, undo: Undo) -> None:
        with self._lock:
            self._entries.append(UndoEntry(description, undo))

    def pop(self) -> UndoEntry | None:
        """The newest change, taken off the stack; None when there is nothing to undo."""
        with self._lock:
            return self._entries.pop() if self._entries else None

    def __len__(self) -> int:
        return len(self._entries)

    def __bool__(self) -> bool:
        return bool(self._entries)

    def descriptions(self) -> list[str]:
        """Newest first, for showing what `u` would undo."""
        with self._lock:
            return [entry.description for entry in reversed(self._entries)]
