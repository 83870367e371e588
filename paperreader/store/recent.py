"""The papers read lately, newest first (the reader's "Recently read" list)."""

from __future__ import annotations


def recently_read(library, limit: int = 100) -> list[tuple[str, str]]:
    """(paper id, read at) of the last `limit` papers marked read, newest first."""
    rows = library.db.read("SELECT paper_id, read_at FROM reads ORDER BY read_at DESC, rowid DESC LIMIT ?", (limit,))
    return [(row[0], row[1]) for row in rows]
