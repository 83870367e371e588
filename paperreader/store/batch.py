"""Changes to several papers in one transaction, and their exact reversal (the reader's undo).

Marked papers are starred, marked read or tagged together: one `BEGIN IMMEDIATE` transaction, so
a crash leaves all or none of them changed. Each change returns what it replaced, and `restore_*`
reverses exactly that change (the star's time included, so "starred time" order survives an undo;
tags another process changed meanwhile are kept).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from paperreader.store.change_log import record_changes
from paperreader.store.records import now
from paperreader.text import clean_tag

FLAGS = {"star": ("stars", "starred_at"), "read": ("reads", "read_at")}


def _flag_times(conn, table: str, column: str, ids: list[str]) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        found.update(conn.execute(f"SELECT paper_id, {column} FROM {table} WHERE paper_id IN ({marks})", chunk).fetchall())
    return {pid: found.get(pid) for pid in ids}


def _known(conn, ids: Iterable[str]) -> list[str]:
    ids = list(dict.fromkeys(ids))
    known: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        known.update(r[0] for r in conn.execute(f"SELECT id FROM papers WHERE id IN ({marks})", chunk))
    return [pid for pid in ids if pid in known]


def set_flag(library, flag: str, ids: Iterable[str], on: bool) -> dict[str, str | None]:
    """Star ("star") or mark read ("read") the papers, or take it off; papers no longer in the
    library are skipped. Returns each changed paper's previous time (None: it was off)."""
    table, column = FLAGS[flag]
    with library.db.write() as conn:
        ids = _known(conn, ids)
        before = _flag_times(conn, table, column, ids)
        changed = {pid: at for pid, at in before.items() if (at is not None) != on}
        if on:
            at = now()
            conn.executemany(f"INSERT OR IGNORE INTO {table}(paper_id, {column}) VALUES (?, ?)", [(pid, at) for pid in changed])
        else:
            conn.executemany(f"DELETE FROM {table} WHERE paper_id = ?", [(pid,) for pid in changed])
    return changed


def restore_flag(library, flag: str, before: Mapping[str, str | None]) -> None:
    """Put the flag back as `set_flag` found it: on at its old time, or off."""
    table, column = FLAGS[flag]
    with library.db.write() as conn:
        ids = _known(conn, before)
        conn.executemany(f"DELETE FROM {table} WHERE paper_id = ?", [(pid,) for pid in ids])
        conn.executemany(
            f"INSERT INTO {table}(paper_id, {column}) VALUES (?, ?)", [(pid, before[pid]) for pid in ids if before[pid] is not None]
        )


def tags_of(conn, ids: list[str]) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {pid: [] for pid in ids}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for pid, tag in conn.execute(f"SELECT paper_id, tag FROM tags WHERE paper_id IN ({marks}) ORDER BY tag", chunk):
            out[pid].append(tag)
    return {pid: tuple(tags) for pid, tags in out.items()}


def edit_tags(library, ids: Iterable[str], add: Iterable[str] = (), remove: Iterable[str] = ()) -> dict[str, tuple[str, ...]]:
    """Add and remove tags on every paper given, keeping their other tags. Returns the tags each
    changed paper had before (for `restore_tags`)."""
    add = sorted({t for t in (clean_tag(x) for x in add) if t})
    remove = sorted({t for t in (clean_tag(x) for x in remove) if t} - set(add))
    with library.db.write() as conn:
        ids = _known(conn, ids)
        before = tags_of(conn, ids)
        changed = {pid: tags for pid, tags in before.items() if set(add) - set(tags) or set(remove) & set(tags)}
        at = now()
        for pid in changed:
            conn.executemany("INSERT OR IGNORE INTO tags(paper_id, tag, added_at) VALUES (?, ?, ?)", [(pid, t, at) for t in add])
            conn.executemany("DELETE FROM tags WHERE paper_id = ? AND tag = ?", [(pid, t) for t in remove])
            record_changes(conn, [pid])  # the index holds tags
    return changed


def restore_tags(library, before: Mapping[str, Iterable[str]], add: Iterable[str] = (), remove: Iterable[str] = ()) -> None:
    """Undo an `edit_tags(ids, add, remove)` that returned `before`: take off each paper the tags it
    put on, put back the ones it took off. Tags changed since (by the CLI, another reader, a tag
    rename) are left as they are: an undo reverses this change, it does not roll the paper back."""
    add = {t for t in (clean_tag(x) for x in add) if t}
    remove = {t for t in (clean_tag(x) for x in remove) if t} - add
    with library.db.write() as conn:
        ids = _known(conn, before)
        at = now()
        for pid in ids:
            had = set(before[pid])
            conn.executemany("DELETE FROM tags WHERE paper_id = ? AND tag = ?", [(pid, t) for t in sorted(add - had)])
            conn.executemany(
                "INSERT OR IGNORE INTO tags(paper_id, tag, added_at) VALUES (?, ?, ?)", [(pid, t, at) for t in sorted(remove & had)]
            )
            record_changes(conn, [pid])
