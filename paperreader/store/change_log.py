"""The change log: which papers changed in what the search index holds, in order.

Every write that changes a paper's indexed text (its metadata, note or tags; a delete or restore)
records the paper with `record_changes`, inside the write's own transaction, so whichever process
holds the index next can catch it up (`search/index.py`); the citation-key table follows it too.

The log is pruned up to what the index has taken in (`prune`, called when the index commits a
catch-up or a rebuild), so it does not grow for ever after a big import. A reader whose own
position is older than the prune (another process's table, an index restored from a copy) must
not miss a change: the prune mark is kept in `meta` in the same transaction as the delete, and
`changes_since` raises `ChangeLogPruned` for a position before it; that reader then starts over
from the store (the index rebuilds, a table is made afresh).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

PRUNED_TO = "changes_pruned_to"  # meta key: every change up to this number has been deleted
PRUNE_EVERY = 1000  # changes gathered since the last prune before the index's catch-up prunes
PRUNE_CHUNK = 200_000  # rows deleted per transaction (a million-row prune holds no lock for long)


class ChangeLogPruned(Exception):
    """The changes after a reader's position were pruned: it must start over from the store."""

    def __init__(self, position: int, pruned_to: int) -> None:
        self.position, self.pruned_to = position, pruned_to
        super().__init__(f"the change log was pruned up to {pruned_to}, past position {position}")


def record_changes(conn: sqlite3.Connection, paper_ids: Iterable[str]) -> None:
    """Log that these papers changed in what the index holds (inside the caller's transaction)."""
    conn.executemany("INSERT INTO changes(paper_id) VALUES (?)", [(pid,) for pid in paper_ids])


def change_seq(db) -> int:
    """The newest change's number; never goes back, even after pruning (AUTOINCREMENT)."""
    return db.scalar("SELECT seq FROM sqlite_sequence WHERE name = 'changes'", default=0)


def pruned_to(conn: sqlite3.Connection) -> int:
    """Every change up to this number has been pruned (0: none)."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (PRUNED_TO,)).fetchone()
    return int(row[0]) if row else 0


def changes_since(db, seq: int) -> tuple[int, list[str]]:
    """(the newest change's number, the papers changed after `seq`, each once, in order).
    ChangeLogPruned if changes after `seq` were pruned (read in one snapshot with the rows)."""
    with db.snapshot() as conn:
        rows = conn.execute("SELECT seq, paper_id FROM changes WHERE seq > ? ORDER BY seq", (seq,)).fetchall()
        mark = pruned_to(conn)
    if seq < mark:
        raise ChangeLogPruned(seq, mark)
    if not rows:
        return seq, []
    return rows[-1][0], list(dict.fromkeys(r[1] for r in rows))


def prune(db, upto: int, *, every: int = 1, wait: bool = True) -> int:
    """Delete the changes up to `upto` (what the index has taken in), in chunks, each with its
    mark; only once at least `every` changes have gathered since the last prune. wait=False: a
    StoreError at once if another process is writing. Returns the rows deleted."""
    with db.reading() as conn:
        start = pruned_to(conn)
    if upto - start < max(every, 1):
        return 0
    deleted = 0
    while True:
        with db.write(wait=wait) as conn:
            mark = pruned_to(conn)
            if mark >= upto:
                return deleted
            first = conn.execute("SELECT min(seq) FROM changes WHERE seq > ?", (mark,)).fetchone()[0]
            end = upto if first is None else min(upto, max(first - 1, mark) + PRUNE_CHUNK)
            deleted += conn.execute("DELETE FROM changes WHERE seq <= ?", (end,)).rowcount
            conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (PRUNED_TO, str(end)))
        if end >= upto:
            return deleted
