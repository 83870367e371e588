"""Merging papers *with user state* into the library: how a JSON backup is restored.

`Library.upsert` merges papers; a backup also carries stars and reads with their times, notes,
tags and saved searches. They land in the same single transaction as the papers (a restore is all
or nothing), and they merge rather than replace, so a backup can be brought into any library:
a star or read mark is added with its original time (an existing one is kept); tags are united;
a note is taken when the paper has none, kept when it already holds the backup's text, and
otherwise the backup's text is appended below a rule, so no one's words are lost. Importing the
same backup twice changes nothing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from paperreader.model import Paper, UserState
from paperreader.store.change_log import record_changes
from paperreader.store.library import Library, UpsertResult
from paperreader.store.records import now
from paperreader.store.notes import write_note
from paperreader.store.upsert import find_target, upsert_one
from paperreader.text import clean_block, clean_line, clean_tag

NOTE_RULE = "\n\n---\n\n"


def upsert_with_state(
    library: Library, papers: Iterable[Paper], saved_searches: Iterable[tuple[str, str]] = (), recorder=None,
    outcomes: list[str] | None = None,
) -> UpsertResult:
    """Upsert `papers` and merge each one's `state` (see sources.backup) in one transaction.

    A paper whose metadata is unchanged but whose state was merged counts as updated. A
    `store.listings.Recorder` writes listings in the same transaction. Each paper's outcome is
    appended to `outcomes` if given.
    """
    result = UpsertResult()
    with library.db.write() as conn:
        if recorder:
            recorder.before(conn)
        for paper in papers:
            outcome = upsert_one(conn, paper)
            state = paper.state
            if state is not None:
                target = find_target(conn, paper.cleaned())
                if target is not None and _merge_state(conn, target, state) and outcome == "unchanged":
                    outcome = "updated"
            setattr(result, outcome, getattr(result, outcome) + 1)
            if outcomes is not None:
                outcomes.append(outcome)
        for name, query in saved_searches:
            conn.execute(
                "INSERT OR IGNORE INTO saved_searches(name, query, created_at) VALUES (?, ?, ?)", (clean_line(name), query, now())
            )
        if recorder:
            recorder.after(conn)
    return result


def _merge_state(conn: sqlite3.Connection, pid: str, state: UserState) -> bool:
    """Merge one paper's state; True if anything changed."""
    before = conn.total_changes
    for table, column, when in (("stars", "starred_at", state.starred_at), ("reads", "read_at", state.read_at)):
        if when:
            conn.execute(f"INSERT OR IGNORE INTO {table}(paper_id, {column}) VALUES (?, ?)", (pid, when))
    indexed = conn.total_changes
    tags = sorted({t for t in (clean_tag(x) for x in state.tags) if t})
    conn.executemany("INSERT OR IGNORE INTO tags(paper_id, tag, added_at) VALUES (?, ?, ?)", [(pid, t, now()) for t in tags])
    note = clean_block(state.note or "")
    if note.strip():
        row = conn.execute("SELECT body FROM notes WHERE paper_id = ?", (pid,)).fetchone()
        old = row[0] if row else ""
        if note.strip() in old:
            body = None  # already here
        elif not old.strip() or note.strip().startswith(old.strip()):
            body = note  # none yet, or the backup's note continues the one here
        else:
            body = old.rstrip("\n") + NOTE_RULE + note
        if body is not None:
            write_note(conn, pid, body)  # a new version: an editor open on this note sees the change
    if conn.total_changes != indexed:  # notes and tags are in the index
        record_changes(conn, [pid])
    return conn.total_changes != before
