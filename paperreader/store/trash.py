"""The trash: deleted papers kept for 30 days, with everything the user did to them.

Deleting a paper snapshots its `papers` row and every row of every table that refers to it (stars,
notes, tags, read marks, drafts, aliases, and whatever later migrations add: found through the
schema's foreign keys, so a new table is kept without changes here) into one `trash` entry, then
deletes the paper; ON DELETE CASCADE removes the rest. All of it is one transaction, so a crash
leaves the paper either in the library or in the trash, never in neither. Restoring puts the rows
back. Both log the paper in `changes`, so every process's index drops or re-adds it.

Entries older than `KEEP_DAYS` are purged when a workspace opens (one indexed query when there is
nothing to purge).
"""

from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from paperreader.model import arxiv_paper_id, parse_arxiv_id
from paperreader.store.change_log import record_changes
from paperreader.store.records import now

KEEP_DAYS = 30


@dataclass(frozen=True)
class TrashEntry:
    """One deleted paper, as listed: what `paperreader trash` prints."""

    entry: int
    paper_id: str
    title: str
    deleted_at: str
    has_note: bool
    tags: tuple[str, ...]
    starred: bool

    @property
    def expires_at(self) -> str:
        deleted = datetime.fromisoformat(self.deleted_at)
        return (deleted + timedelta(days=KEEP_DAYS)).isoformat(timespec="seconds")

    def json(self) -> dict:
        return {
            "entry": self.entry,
            "id": self.paper_id,
            "title": self.title,
            "deleted_at": self.deleted_at,
            "expires_at": self.expires_at,
            "has_note": self.has_note,
            "tags": list(self.tags),
            "starred": self.starred,
        }


class NotInTrash(KeyError):
    def __str__(self) -> str:
        return f"no paper with id {self.args[0]!r} in the trash"


# -- the schema's own description of what belongs to a paper ---------------------------------------
def _dependents(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """(table, column) for every column that references papers(id)."""
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    found = []
    for table in tables:
        for fk in conn.execute(f'PRAGMA foreign_key_list("{table}")').fetchall():
            # (id, seq, table, from, to, on_update, on_delete, match)
            if fk[2] == "papers" and (fk[4] in (None, "id")):
                found.append((table, fk[3]))
    return found


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]


def _plain(value):
    return {"$b64": base64.b64encode(value).decode()} if isinstance(value, bytes) else value


def _unplain(value):
    return base64.b64decode(value["$b64"]) if isinstance(value, dict) and "$b64" in value else value


def _rows(conn: sqlite3.Connection, table: str, where: str, params: tuple) -> list[dict]:
    cursor = conn.execute(f'SELECT * FROM "{table}" WHERE {where}', params)
    names = [d[0] for d in cursor.description]
    return [{n: _plain(v) for n, v in zip(names, row)} for row in cursor.fetchall()]


def _snapshot(conn: sqlite3.Connection, pid: str, dependents: list[tuple[str, str]]) -> dict | None:
    papers = _rows(conn, "papers", "id = ?", (pid,))
    if not papers:
        return None
    rows: dict[str, list[dict]] = {}
    for table, column in dependents:
        found = _rows(conn, table, f'"{column}" = ?', (pid,))
        if found:
            rows.setdefault(table, []).extend(found)
    rowid = conn.execute("SELECT rowid FROM papers WHERE id = ?", (pid,)).fetchone()[0]  # its place among arrivals
    return {"paper": papers[0], "rows": rows, "refs": {t: c for t, c in dependents}, "rowid": rowid}


# -- deleting ----------------------------------------------------------------------------------------
def delete_papers(library, paper_ids: Iterable[str]) -> list[int]:
    """Move papers to the trash in one transaction; returns their trash entry numbers (in order).

    Every id must be known (raises NotFound naming the first unknown one, and nothing changes)."""
    resolved = list(dict.fromkeys(library.require_id(pid) for pid in paper_ids))
    entries: list[int] = []
    with library.db.write() as conn:
        dependents = _dependents(conn)
        stamp = now()
        for pid in resolved:
            snapshot = _snapshot(conn, pid, dependents)
            if snapshot is None:  # removed by another process since it was resolved
                continue
            cursor = conn.execute(
                "INSERT INTO trash(paper_id, title, deleted_at, snapshot) VALUES (?, ?, ?, ?)",
                (pid, snapshot["paper"]["title"], stamp, json.dumps(snapshot, ensure_ascii=False)),
            )
            entries.append(cursor.lastrowid)
            conn.execute("DELETE FROM papers WHERE id = ?", (pid,))
            record_changes(conn, [pid])
    return entries


# -- listing -------------------------------------------------------------------------------------------
def _entry(row) -> TrashEntry:
    snapshot = json.loads(row[4])
    rows = snapshot.get("rows", {})
    notes = [n for n in rows.get("notes", []) if str(n.get("body", "")).strip()]
    return TrashEntry(
        entry=row[0],
        paper_id=row[1],
        title=row[2],
        deleted_at=row[3],
        has_note=bool(notes),
        tags=tuple(sorted({t["tag"] for t in rows.get("tags", []) if "tag" in t})),
        starred=bool(rows.get("stars")),
    )


def entries(library) -> list[TrashEntry]:
    """What the trash holds, most recently deleted first."""
    rows = library.db.read("SELECT entry, paper_id, title, deleted_at, snapshot FROM trash ORDER BY entry DESC")
    return [_entry(r) for r in rows]


def count(library) -> int:
    return library.db.read("SELECT count(*) FROM trash")[0][0]


def trashed(library, text: str = "", doi: str = "") -> TrashEntry | None:
    """The newest trash entry of a paper a user named (its id in any arXiv spelling, an alias it
    had, or its DOI), or None: what a lookup of a paper not in the library says instead of "not there"."""
    columns = "SELECT entry, paper_id, title, deleted_at, snapshot FROM trash"
    with library.db.reading() as conn:
        if text:
            entry = _find_entry(conn, text)
            row = conn.execute(f"{columns} WHERE entry = ?", (entry,)).fetchone() if entry is not None else None
            return _entry(row) if row else None
        wanted = doi.strip().lower()
        for row in conn.execute(f"{columns} WHERE instr(lower(snapshot), ?) ORDER BY entry DESC", (wanted,)) if wanted else ():
            if str(json.loads(row[4]).get("paper", {}).get("doi") or "").lower() == wanted:
                return _entry(row)
    return None


def _find_entry(conn: sqlite3.Connection, text: str) -> int | None:
    """The newest entry for what a user typed: the paper's id (any arXiv spelling) or an alias it had."""
    text = text.strip()
    candidates = [text]
    arxiv = parse_arxiv_id(text.removeprefix("arxiv:"))
    if arxiv:
        candidates.insert(0, arxiv_paper_id(arxiv))
    for candidate in candidates:
        row = conn.execute("SELECT max(entry) FROM trash WHERE paper_id = ?", (candidate,)).fetchone()
        if row[0] is not None:
            return row[0]
    for candidate in candidates:  # an old title-id the paper was known by
        pattern = json.dumps(candidate)
        for entry, snapshot in conn.execute("SELECT entry, snapshot FROM trash WHERE instr(snapshot, ?) ORDER BY entry DESC", (pattern,)):
            aliases = json.loads(snapshot).get("rows", {}).get("aliases", [])
            if any(a.get("alias") == candidate for a in aliases):
                return entry
    return None


# -- restoring -----------------------------------------------------------------------------------------
def restore(library, paper_id: str) -> str:
    """Bring the newest trash entry of a paper back, with its stars, notes, tags and read state.

    Returns the paper's id in the library. If the same paper came back meanwhile (imported again),
    the trashed state joins it: its note is kept beside the one written since."""
    with library.db.write() as conn:
        entry = _find_entry(conn, paper_id)
        if entry is None:
            raise NotInTrash(paper_id)
        return _restore_entry(conn, entry)


def restore_entries(library, entry_numbers: Iterable[int]) -> list[str]:
    """Restore given trash entries (an undo of `delete_papers`) in one transaction; entries no
    longer in the trash (restored or purged meanwhile) are skipped. Returns the restored ids."""
    restored = []
    with library.db.write() as conn:
        for entry in entry_numbers:
            if conn.execute("SELECT 1 FROM trash WHERE entry = ?", (entry,)).fetchone():
                restored.append(_restore_entry(conn, entry))
    return restored


def _target(conn: sqlite3.Connection, paper: dict) -> str | None:
    """The paper in the library that is the trashed one (same id, arXiv id or title), if any."""
    row = conn.execute("SELECT id FROM papers WHERE id = ?", (paper["id"],)).fetchone()
    if row is None and paper.get("arxiv_id"):
        row = conn.execute("SELECT id FROM papers WHERE arxiv_id = ?", (paper["arxiv_id"],)).fetchone()
    if row is None and paper.get("title_key"):
        row = conn.execute("SELECT id FROM papers WHERE title_key = ? ORDER BY id LIMIT 1", (paper["title_key"],)).fetchone()
    return row[0] if row else None


def _insert(conn: sqlite3.Connection, table: str, row: dict, existing: set[str] | None = None, verb: str = "INSERT OR IGNORE") -> None:
    columns = [c for c in row if existing is None or c in existing]
    marks = ",".join("?" * len(columns))
    names = ",".join(f'"{c}"' for c in columns)
    conn.execute(f'{verb} INTO "{table}"({names}) VALUES ({marks})', [_unplain(row[c]) for c in columns])


def _restore_entry(conn: sqlite3.Connection, entry: int) -> str:
    row = conn.execute("SELECT snapshot FROM trash WHERE entry = ?", (entry,)).fetchone()
    snapshot = json.loads(row[0])
    paper = snapshot["paper"]
    old_id = paper["id"]
    target = _target(conn, paper)
    if target is None:
        columns = set(_columns(conn, "papers"))
        rowid = snapshot.get("rowid")  # its old row when free: a restored paper is not a new arrival ("new" is a rowid mark)
        if rowid is not None and conn.execute("SELECT 1 FROM papers WHERE rowid = ?", (rowid,)).fetchone() is None:
            paper, columns = {"rowid": rowid, **paper}, columns | {"rowid"}
        _insert(conn, "papers", paper, columns, verb="INSERT")
        target = old_id
    live = {table: column for table, column in _dependents(conn)}
    for table, rows in snapshot.get("rows", {}).items():
        column = live.get(table)
        if column is None:  # a table this version no longer has
            continue
        existing = set(_columns(conn, table))
        for item in rows:
            item = {**item, column: target}
            if table == "notes":
                _merge_note(conn, target, item)
                continue
            try:
                _insert(conn, table, item, existing)
            except sqlite3.IntegrityError:  # it also referred to something gone since (a listing removed)
                continue
    if target != old_id:
        conn.execute("INSERT OR IGNORE INTO aliases(alias, paper_id) VALUES (?, ?)", (old_id, target))
    conn.execute("DELETE FROM trash WHERE entry = ?", (entry,))
    record_changes(conn, [target])
    return target


def _merge_note(conn: sqlite3.Connection, target: str, item: dict) -> None:
    """The trashed note onto a paper that came back meanwhile: a note written since is kept, the
    trashed one follows it, so neither is lost."""
    current = conn.execute("SELECT body FROM notes WHERE paper_id = ?", (target,)).fetchone()
    body = str(item.get("body", ""))
    if current is None:
        _insert(conn, "notes", item, set(_columns(conn, "notes")))
    elif body.strip() and body.strip() not in current[0]:
        from paperreader.store.notes import write_note  # a new version, so open editors notice

        write_note(conn, target, current[0].rstrip() + "\n\n" + body)


# -- purging ---------------------------------------------------------------------------------------------
def cutoff(days: int = KEEP_DAYS, at: datetime | None = None) -> str:
    at = at or datetime.now(timezone.utc)
    return (at - timedelta(days=days)).isoformat(timespec="seconds")


def purge_expired(library, days: int = KEEP_DAYS) -> int:
    """Drop entries deleted more than `days` ago. Reads first (one indexed probe), so an open with
    nothing to purge writes nothing."""
    limit = cutoff(days)
    if not library.db.read("SELECT 1 FROM trash WHERE deleted_at < ? LIMIT 1", (limit,)):
        return 0
    with library.db.write() as conn:
        return conn.execute("DELETE FROM trash WHERE deleted_at < ?", (limit,)).rowcount


def empty(library) -> int:
    with library.db.write() as conn:
        return conn.execute("DELETE FROM trash").rowcount
