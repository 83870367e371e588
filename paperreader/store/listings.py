"""Ranked listings (a trending page, a day of Hugging Face papers, an arXiv mail or API answer)
kept as records, and the visit mark that says which papers are new.

A listing is its source kind, a name, a date (the data's own when it has one, else the import
time) and its papers in rank order. It is written in the transaction that imports its papers, and
identified by a fingerprint (source, name, the data's date, the ranked ids), so importing the same
listing again records nothing new.

"New" is measured against the visit mark: the papers table's rowid grows with every paper that
arrives (a re-keyed or merged paper keeps its row), so a mark is the highest rowid at a visit and a
paper is new when its row is above the previous visit's mark. Exact, unlike timestamps kept to the
second. Reads and writes go through the library's `db` (store.connection).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import NamedTuple

from paperreader.store.records import now
from paperreader.text import clean_line

# meta keys of the visit mark: the current visit's and the previous one's (rowid and time)
CURRENT_ROW, CURRENT_AT = "visit.current_row", "visit.current_at"
PREVIOUS_ROW, PREVIOUS_AT = "visit.previous_row", "visit.previous_at"


class ListingSpec(NamedTuple):  # not a dataclass: ~0.4 ms less at the reader's launch (model.Link)
    """What a source says about a ranked file: its kind, a name, and its own date if it has one.

    `dated` says whether the date belongs to the listing's identity (a day of HF papers, a mail):
    an arXiv feed's `updated` is the moment of the request, so the same answer fetched twice is
    the same listing."""

    source: str
    name: str
    date: str | None = None
    dated: bool = True


class Listing(NamedTuple):  # as ListingSpec
    id: int
    source: str
    name: str
    date: str
    papers: int
    added: int
    recorded_at: str = ""
    fingerprint: str = ""

    def json(self) -> dict:
        return {"id": self.id, "source": self.source, "name": self.name, "date": self.date, "papers": self.papers, "added": self.added}


# --- recording -----------------------------------------------------------------------------------


def resolve_in(conn: sqlite3.Connection, paper) -> str | None:
    """The stored id of `paper` (a model.Paper) inside a transaction: id, alias, or title."""
    for pid in dict.fromkeys((paper.id, paper.title_id)):
        row = conn.execute(
            "SELECT id FROM papers WHERE id = ? UNION ALL SELECT paper_id FROM aliases WHERE alias = ? LIMIT 1", (pid, pid)
        ).fetchone()
        if row:
            return row[0]
    row = conn.execute("SELECT id FROM papers WHERE title_key = ? LIMIT 1", (paper.title_key,)).fetchone()
    return row[0] if row else None


def fingerprint(spec: ListingSpec, ids: list[str]) -> str:
    parts = [spec.source, spec.name, spec.date if spec.dated and spec.date else "", *ids]
    import hashlib  # here: not on the reader's launch path

    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def record(
    conn: sqlite3.Connection, spec: ListingSpec, ids: list[str], added: int, *, recorded_at: str | None = None, fp: str | None = None
) -> int | None:
    """Write one listing (ids in rank order, duplicates keep their first rank) inside the caller's
    transaction; None when the same listing is already recorded (or it has no papers)."""
    ids = list(dict.fromkeys(i for i in ids if i))
    if not ids:
        return None
    fp = fp or fingerprint(spec, ids)
    if conn.execute("SELECT 1 FROM listings WHERE fingerprint = ?", (fp,)).fetchone():
        return None
    stamp = recorded_at or now()
    cur = conn.execute(
        "INSERT INTO listings(source, name, date, fingerprint, added, recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
        (clean_line(spec.source) or "unknown", clean_line(spec.name) or "listing", clean_line(spec.date or "") or stamp, fp, added, stamp),
    )
    lid = cur.lastrowid
    conn.executemany("INSERT INTO listing_papers(listing_id, rank, paper_id) VALUES (?, ?, ?)", [(lid, r, pid) for r, pid in enumerate(ids, 1)])
    return lid


class Recorder:
    """Records listings around an upsert in one transaction: `before(conn)` notes which of each
    listing's papers the library already holds, `after(conn)` writes the listings (and a backup's
    listings to restore); `recorded` holds the new listings' ids."""

    def __init__(self, ranked: Iterable[tuple[ListingSpec, list]] = (), restored: Iterable[dict] = ()) -> None:
        self.ranked = [(spec, list(group)) for spec, group in ranked]
        self.restored = list(restored)
        self.known: list[list[bool]] = []
        self.recorded: list[int] = []

    def __bool__(self) -> bool:
        return bool(self.ranked or self.restored)

    def before(self, conn: sqlite3.Connection) -> None:
        self.known = [[resolve_in(conn, p) is not None for p in group] for _, group in self.ranked]

    def after(self, conn: sqlite3.Connection) -> None:
        for (spec, group), before in zip(self.ranked, self.known):
            ids = [resolve_in(conn, p) for p in group]
            first: dict[str | None, bool] = {}
            for pid, was in zip(ids, before):
                first.setdefault(pid, was)
            lid = record(conn, spec, ids, sum(1 for pid, was in first.items() if pid and not was))
            if lid is not None:
                self.recorded.append(lid)
        restore(conn, self.restored)


def upsert_listed(library, papers: list, recorder: Recorder, outcomes: list[str] | None = None):
    """Upsert `papers` and record the recorder's listings in one transaction: the UpsertResult
    (each paper's outcome appended to `outcomes`, see bulk.upsert_many)."""
    from paperreader.store.bulk import upsert_many
    from paperreader.store.library import UpsertResult

    with library.db.write() as conn:
        recorder.before(conn)
        result = UpsertResult(**upsert_many(conn, papers, outcomes))
        recorder.after(conn)
    return result


# --- reading -------------------------------------------------------------------------------------

_LISTING_SQL = """SELECT l.id, l.source, l.name, l.date, l.added, l.recorded_at, l.fingerprint,
    (SELECT count(*) FROM listing_papers lp WHERE lp.listing_id = l.id) AS papers FROM listings l"""
# Newest first by date, as shown: a date is a day ("2025-07-22") or a UTC time ("2025-07-22T22:10:00+00:00"),
# both ISO, so their text sorts as time does (a day alone as its start); equal dates in the order recorded.
NEWEST_FIRST = "ORDER BY l.date DESC, l.id DESC"


def _listing(row) -> Listing:
    return Listing(row["id"], row["source"], row["name"], row["date"], row["papers"], row["added"], row["recorded_at"], row["fingerprint"])


def all_listings(library) -> list[Listing]:
    """Every listing, newest first (by its date and time, then the order recorded)."""
    return [_listing(r) for r in library.db.read(f"{_LISTING_SQL} {NEWEST_FIRST}")]


def get(library, listing_id: int) -> Listing | None:
    rows = library.db.read(f"{_LISTING_SQL} WHERE l.id = ?", (listing_id,))
    return _listing(rows[0]) if rows else None


def latest(library) -> Listing | None:
    rows = library.db.read(f"{_LISTING_SQL} {NEWEST_FIRST} LIMIT 1")
    return _listing(rows[0]) if rows else None


def previous_of(library, listing: Listing) -> Listing | None:
    """The listing before `listing` from the same source (the same name preferred)."""
    for where in ("l.source = ? AND l.name = ?", "l.source = ?"):
        params = (listing.source, listing.name) if "name" in where else (listing.source,)
        rows = library.db.read(
            f"{_LISTING_SQL} WHERE {where} AND (l.date < ? OR (l.date = ? AND l.id < ?)) {NEWEST_FIRST} LIMIT 1",
            (*params, listing.date, listing.date, listing.id),
        )
        if rows:
            return _listing(rows[0])
    return None


def ranked(library, listing_id: int) -> list[str]:
    """The listing's paper ids in rank order."""
    return [r[0] for r in library.db.read("SELECT paper_id FROM listing_papers WHERE listing_id = ? ORDER BY rank", (listing_id,))]


def by_date(library) -> list[Listing]:
    """Every listing, oldest first: what `[` and `]` step through."""
    return list(reversed(all_listings(library)))


# --- comparing two listings ------------------------------------------------------------------------


class Diff(NamedTuple):  # as ListingSpec
    before: Listing | None
    after: Listing
    added: list[tuple[str, int]]  # (id, rank in after)
    dropped: list[tuple[str, int]]  # (id, rank in before)
    moved: list[tuple[str, int, int]]  # (id, rank before, rank after)

    def titles(self, library) -> dict[str, str]:
        ids = [i for i, _ in self.added] + [i for i, _ in self.dropped] + [i for i, _, _ in self.moved]
        return {pid: rec.title for pid, rec in library.get_many(ids).items()}

    def json(self, library) -> dict:
        title = self.titles(library)
        return {
            "from": self.before.json() if self.before else None,
            "to": self.after.json(),
            "added": [{"id": i, "title": title.get(i, ""), "rank": r} for i, r in self.added],
            "dropped": [{"id": i, "title": title.get(i, ""), "rank": r} for i, r in self.dropped],
            "moved": [{"id": i, "title": title.get(i, ""), "from": a, "to": b} for i, a, b in self.moved],
        }


def diff(library, before: Listing | None, after: Listing) -> Diff:
    """What changed from `before` to `after` (None: everything in `after` entered)."""
    old = {pid: rank for rank, pid in enumerate(ranked(library, before.id), 1)} if before else {}
    new = {pid: rank for rank, pid in enumerate(ranked(library, after.id), 1)}
    added = [(pid, r) for pid, r in new.items() if pid not in old]
    dropped = [(pid, r) for pid, r in old.items() if pid not in new]
    moved = [(pid, old[pid], r) for pid, r in new.items() if pid in old and old[pid] != r]
    return Diff(before, after, added, dropped, moved)


# --- the default order: the latest listing's rank, then older listings' papers, then the rest -------------


def listed_ids(library) -> list[str]:
    """Papers that are on some listing: the latest listing's in rank order, then each older
    listing's papers not yet named (newest listing first, by rank)."""
    rows = library.db.read(
        f"SELECT lp.paper_id FROM listings l JOIN listing_papers lp ON lp.listing_id = l.id {NEWEST_FIRST}, lp.rank"
    )
    return list(dict.fromkeys(r[0] for r in rows))


# --- new since the last visit --------------------------------------------------------------------------


def _max_row(library) -> int:
    return library.db.read("SELECT coalesce(max(rowid), 0) FROM papers")[0][0]


def start_visit(library) -> int:
    """A reader session starts: the current mark becomes the previous one (what "new" is measured
    against), and the current mark moves to now. Returns the previous mark's rowid."""
    with library.db.write() as conn:
        top = conn.execute("SELECT coalesce(max(rowid), 0) FROM papers").fetchone()[0]
        meta = dict(conn.execute("SELECT key, value FROM meta WHERE key IN (?, ?)", (CURRENT_ROW, CURRENT_AT)).fetchall())
        prev_row, prev_at = meta.get(CURRENT_ROW, str(top)), meta.get(CURRENT_AT, now())
        conn.executemany(
            "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
            [(PREVIOUS_ROW, prev_row), (PREVIOUS_AT, prev_at), (CURRENT_ROW, str(top)), (CURRENT_AT, now())],
        )
    return int(prev_row)


def mark_seen(library) -> str:
    """Everything in the library now has been seen: nothing is new until more arrives."""
    stamp = now()
    with library.db.write() as conn:
        top = str(conn.execute("SELECT coalesce(max(rowid), 0) FROM papers").fetchone()[0])
        conn.executemany(
            "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
            [(PREVIOUS_ROW, top), (PREVIOUS_AT, stamp), (CURRENT_ROW, top), (CURRENT_AT, stamp)],
        )
    return stamp


def ensure_mark(library) -> None:
    """A library without a mark (new, or made before listings) starts with everything seen."""
    if library.get_meta(PREVIOUS_ROW) is None:
        mark_seen(library)


def since(library) -> str | None:
    """When the previous visit began (what "new" is measured against)."""
    return library.get_meta(PREVIOUS_AT)


def new_ids(library) -> set[str]:
    """Papers that arrived after the previous visit's mark."""
    mark = library.get_meta(PREVIOUS_ROW)
    if mark is None:
        return set()
    return {r[0] for r in library.db.read("SELECT id FROM papers WHERE rowid > ?", (int(mark),))}


def ids_added_since(library, stamp: str) -> set[str]:
    """Papers first added at or after `stamp` (an ISO date or time)."""
    return {r[0] for r in library.db.read("SELECT id FROM papers WHERE added_at >= ?", (stamp,))}


# --- backup ---------------------------------------------------------------------------------------------


def backup_rows(library) -> list[dict]:
    """Every listing with its ranked ids, oldest first, for the JSON backup."""
    out = []
    for item in by_date(library):
        out.append({"source": item.source, "name": item.name, "date": item.date, "added": item.added,
                    "recorded_at": item.recorded_at, "fingerprint": item.fingerprint, "papers": ranked(library, item.id)})  # fmt: skip
    return out


def restore(conn: sqlite3.Connection, entries: Iterable[dict]) -> int:
    """Record a backup's listings (already checked by sources.backup) inside the caller's
    transaction; papers the library does not hold are left out; a listing already here is skipped."""
    count = 0
    for entry in entries:
        ids = []
        for pid in entry["papers"]:
            row = conn.execute(
                "SELECT id FROM papers WHERE id = ? UNION ALL SELECT paper_id FROM aliases WHERE alias = ? LIMIT 1", (pid, pid)
            ).fetchone()
            if row:
                ids.append(row[0])
        spec = ListingSpec(entry["source"], entry["name"], entry["date"])
        added = int(entry.get("added") or 0)
        if record(conn, spec, ids, added, recorded_at=entry.get("recorded_at"), fp=entry.get("fingerprint")) is not None:
            count += 1
    return count
