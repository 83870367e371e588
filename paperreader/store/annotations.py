"""Notes, drafts and tags: what the user writes on a paper, as the Library's methods (a part of
store/library.py's class, kept apart). The rules for two editors at once are in store/notes.py;
these methods check the id, clean the text and run those rules in one transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from paperreader.store import notes
from paperreader.store.notes import NoteState
from paperreader.text import clean_block, clean_tag, strip_controls


class Annotations:
    """The notes, drafts and tags part of `Library` (which provides `db` and `require_id`)."""

    def note(self, paper_id: str) -> NoteState:
        """The note and its version, for an editor to save against."""
        pid = self.require_id(paper_id)
        with self.db.reading() as conn:
            return notes.note_state(conn, pid)

    def save_note(
        self,
        paper_id: str,
        body: str | None,
        *,
        expected_version: int | None = None,
        owner: str | None = None,
        recovered: Iterable[notes.Draft] = (),
    ) -> NoteState:
        """Save (blank: remove) a note. With `expected_version`, only if nobody saved it since
        (else NoteConflict, nothing written). Drops `owner`'s draft and the `recovered` drafts that
        still hold what they held; never another session's draft. NoteTooLarge over NOTE_LIMIT."""
        pid = self.require_id(paper_id)
        body = clean_block(body or "")
        notes.check_size(body)
        with self.db.write() as conn:
            state = notes.write_note(conn, pid, body, expected_version=expected_version)
            notes.settle_drafts(conn, pid, owner, recovered)
        return state

    def set_note(self, paper_id: str, body: str | None, *, owner: str | None = "") -> str:
        """Save (or with None/blank, clear) a note whatever its version (the CLI's `note --set`);
        drops the draft of `owner` ('' is the session-less owner; None: no draft is touched)."""
        return self.save_note(paper_id, body, owner=owner).body

    def save_draft(self, paper_id: str, body: str, *, owner: str = "", base_version: int | None = None) -> None:
        """Keep the note being written (as typed, less control characters) until saved or discarded;
        one draft per paper and owner (an editing session), with the note version it started from."""
        pid = self.require_id(paper_id)
        body = strip_controls(body or "", keep_newlines=True)
        with self.db.write() as conn:
            notes.write_draft(conn, pid, owner, body, base_version)

    def drafts(self, paper_id: str) -> list[notes.Draft]:
        """Every unsaved draft of the paper's note (one per session), newest first."""
        pid = self.require_id(paper_id)
        with self.db.reading() as conn:
            return notes.read_drafts(conn, pid)

    def get_draft(self, paper_id: str, owner: str | None = None) -> str | None:
        """The newest draft's text (of `owner`, if given)."""
        found = [d for d in self.drafts(paper_id) if owner is None or d.owner == owner]
        return found[0].body if found else None

    def discard_draft(self, paper_id: str, owner: str = "", body: str | None = None) -> None:
        """Drop `owner`'s draft (only if it still holds `body`, when given)."""
        pid = self.require_id(paper_id)
        with self.db.write() as conn:
            if body is None:
                conn.execute("DELETE FROM drafts WHERE paper_id = ? AND owner = ?", (pid, owner))
            else:
                conn.execute("DELETE FROM drafts WHERE paper_id = ? AND owner = ? AND body = ?", (pid, owner, body))

    def change_tags(self, paper_id: str, add: Iterable[str] = (), remove: Iterable[str] = ()) -> tuple[str, ...]:
        """Add and remove tags in one transaction; every other tag (someone else's) stays."""
        pid = self.require_id(paper_id)
        added = {t for t in (clean_tag(x) for x in add) if t}
        removed = {t for t in (clean_tag(x) for x in remove) if t}
        with self.db.write() as conn:
            return notes.change_tags(conn, pid, added, removed)

    def set_tags(self, paper_id: str, tags: Iterable[str]) -> tuple[str, ...]:
        """Make the tags exactly `tags` (read and changed in one transaction)."""
        pid = self.require_id(paper_id)
        wanted = {t for t in (clean_tag(x) for x in tags) if t}
        with self.db.write() as conn:
            have = set(self._tags_of(conn, pid))
            return notes.change_tags(conn, pid, wanted - have, have - wanted)

    def add_tags(self, paper_id: str, tags: Iterable[str]) -> tuple[str, ...]:
        """Add tags, keeping the others; one transaction, so concurrent taggers never lose a tag."""
        return self.change_tags(paper_id, add=tags)

    def remove_tags(self, paper_id: str, tags: Iterable[str]) -> tuple[str, ...]:
        return self.change_tags(paper_id, remove=tags)

    @staticmethod
    def _tags_of(conn: sqlite3.Connection, pid: str) -> tuple[str, ...]:
        return tuple(r[0] for r in conn.execute("SELECT tag FROM tags WHERE paper_id = ? ORDER BY tag", (pid,)))
