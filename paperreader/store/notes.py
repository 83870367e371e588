"""Notes, drafts and tags when several processes edit the same paper at once.

The rules (RELIABILITY.md, "Notes and tags edited from two places"):

- A note has a version. Every write gives it a new one, taken from a clock in `meta` that only
  goes up, so a note cleared and written again never reuses a version an editor may hold. "No
  note" is version 0.
- An editor saves with the version it loaded (`expected_version`): the check and the write are one
  `BEGIN IMMEDIATE` transaction, so a save never silently replaces a note someone else saved
  meanwhile; it raises `NoteConflict` with their text and version instead.
- Drafts are kept per paper and per owner (one editing session), with the note version they were
  based on. Saving deletes only the saver's own draft, and a recovered draft only if it still holds
  the text that was saved, so one process never drops a draft another is typing.
- Tags change by additions and removals in one transaction, never by writing back a loaded set.
- A note is at most NOTE_LIMIT bytes (UTF-8), so the reader can always show it.

These functions run inside the caller's transaction (a `sqlite3.Connection` in BEGIN IMMEDIATE).
"""

from __future__ import annotations

import os
import socket
import sqlite3
from collections.abc import Iterable
from typing import NamedTuple

from paperreader.store.change_log import record_changes
from paperreader.store.records import now
from paperreader.store.validation import StoreError

NOTE_LIMIT = 256 * 1024  # bytes of UTF-8: ~40,000 words, far above any real note
DRAFT_LIMIT = 4 * NOTE_LIMIT  # a draft may run over while the user trims it; it is still kept
BOTH_RULE = "\n\n---- their version (saved elsewhere while you edited) ----\n\n"
_CLOCK = "note_clock"


class NoteTooLarge(StoreError):
    """A note (or draft) over the limit: refused whole, nothing written."""

    def __init__(self, size: int, limit: int = NOTE_LIMIT, what: str = "note") -> None:
        super().__init__(f"the {what} is {size:,} bytes; a {what} can be at most {_kb(limit)} ({limit:,} bytes)")
        self.size, self.limit = size, limit


class NoteState(NamedTuple):  # not a dataclass: ~0.4 ms less at the reader's launch (model.Link)
    """A note as stored: its text and version (0 and "" when there is none)."""

    body: str
    version: int


class NoteConflict(Exception):
    """The note changed since the editor loaded it; `current` is what is stored now."""

    def __init__(self, paper_id: str, expected: int, current: NoteState) -> None:
        super().__init__(f"the note on {paper_id} was changed elsewhere (version {current.version}, this edit is based on {expected})")
        self.paper_id, self.expected, self.current = paper_id, expected, current


class Draft(NamedTuple):  # as NoteState
    paper_id: str
    owner: str
    body: str
    base_version: int
    updated_at: str

    @property
    def pid_alive(self) -> bool:
        """True when the owner is another live process on this machine (it may be typing now)."""
        host, _, rest = self.owner.partition(":")
        pid = rest.partition(":")[0]
        if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
            return False
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return False
        except OSError:
            return True  # exists, not ours to signal
        return True


def new_owner() -> str:
    """An id for one editing session: host, process and a random part (host:pid:token)."""
    import secrets  # here: not on the reader's launch path (3 ms with hashlib)

    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def _kb(size: int) -> str:
    return f"{size / 1024:,.0f} KB" if size >= 1024 else f"{size} bytes"


def check_size(body: str, limit: int = NOTE_LIMIT, what: str = "note") -> None:
    size = len(body.encode("utf-8", "surrogatepass"))
    if size > limit:
        raise NoteTooLarge(size, limit, what)


def note_state(conn: sqlite3.Connection, pid: str) -> NoteState:
    row = conn.execute("SELECT body, version FROM notes WHERE paper_id = ?", (pid,)).fetchone()
    return NoteState(row[0], row[1]) if row else NoteState("", 0)


def next_version(conn: sqlite3.Connection) -> int:
    """A version no note has had: the clock goes up, past any version already stored."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (_CLOCK,)).fetchone()
    clock = int(row[0]) if row and str(row[0]).isdigit() else 0
    top = conn.execute("SELECT coalesce(max(version), 0) FROM notes").fetchone()[0]
    version = max(clock, top) + 1
    conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (_CLOCK, str(version)))
    return version


def write_note(conn: sqlite3.Connection, pid: str, body: str, *, expected_version: int | None = None) -> NoteState:
    """Store `body` (blank: remove the note) as a new version; with `expected_version`, only if the
    note is still at that version (else NoteConflict, nothing written). `body` is already cleaned."""
    current = note_state(conn, pid)
    if expected_version is not None and current.version != expected_version:
        raise NoteConflict(pid, expected_version, current)
    if not body.strip():
        if current.version:
            conn.execute("DELETE FROM notes WHERE paper_id = ?", (pid,))
            record_changes(conn, [pid])
        return NoteState("", 0)
    check_size(body)
    if body == current.body:
        return current  # nothing to write: keeps the version, so open editors need not resolve anything
    version = next_version(conn)
    conn.execute(
        "INSERT OR REPLACE INTO notes(paper_id, body, updated_at, version) VALUES (?, ?, ?, ?)", (pid, body, now(), version)
    )
    record_changes(conn, [pid])
    return NoteState(body, version)


def settle_drafts(conn: sqlite3.Connection, pid: str, owner: str | None, recovered: Iterable[Draft] = ()) -> None:
    """After a save: drop the saver's own draft, and each recovered draft whose text is unchanged
    since it was recovered (an owner still typing has changed it; it stays)."""
    if owner is not None:
        conn.execute("DELETE FROM drafts WHERE paper_id = ? AND owner = ?", (pid, owner))
    for draft in recovered:
        conn.execute(
            "DELETE FROM drafts WHERE paper_id = ? AND owner = ? AND body = ?", (pid, draft.owner, draft.body)
        )


def write_draft(conn: sqlite3.Connection, pid: str, owner: str, body: str, base_version: int | None) -> None:
    check_size(body, DRAFT_LIMIT, "draft")
    if base_version is None:
        base_version = note_state(conn, pid).version
    conn.execute(
        "INSERT OR REPLACE INTO drafts(paper_id, owner, body, base_version, updated_at) VALUES (?, ?, ?, ?, ?)",
        (pid, owner, body, base_version, now()),
    )


def read_drafts(conn: sqlite3.Connection, pid: str) -> list[Draft]:
    """The paper's drafts, newest first."""
    rows = conn.execute(
        "SELECT paper_id, owner, body, base_version, updated_at FROM drafts WHERE paper_id = ? ORDER BY updated_at DESC, rowid DESC",
        (pid,),
    ).fetchall()
    return [Draft(*row) for row in rows]


def change_tags(conn: sqlite3.Connection, pid: str, add: Iterable[str], remove: Iterable[str]) -> tuple[str, ...]:
    """Apply additions and removals (cleaned tags); tags nobody touched stay as they are."""
    add, remove = set(add), set(remove) - set(add)
    stamp = now()
    conn.executemany("INSERT OR IGNORE INTO tags(paper_id, tag, added_at) VALUES (?, ?, ?)", [(pid, t, stamp) for t in sorted(add)])
    conn.executemany("DELETE FROM tags WHERE paper_id = ? AND tag = ?", [(pid, t) for t in sorted(remove)])
    if add or remove:
        record_changes(conn, [pid])
    return tuple(r[0] for r in conn.execute("SELECT tag FROM tags WHERE paper_id = ? ORDER BY tag", (pid,)))
