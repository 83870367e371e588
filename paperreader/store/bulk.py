"""Upserting many papers with few statements: the same result as `upsert_one` a paper at a time.

Per chunk of papers, what the per-paper lookups would find (rows by id, aliases, rows by title
key) is read in a few `IN (...)` queries, and inserts, updates, aliases and change-log entries
are written with `executemany`, in the order `upsert_one` would write them. A paper whose lookups
touch a row this chunk has already written (a duplicate within the batch), or whose answer
depends on row order or re-keys a paper, is flushed up to and then run through `upsert_one`'s
own code, so every merge rule stays in one place (store.upsert).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import islice

from paperreader.model import Paper, id_from_title_key
from paperreader.store.change_log import record_changes
from paperreader.store.records import now
from paperreader.store.upsert import ALIAS_SQL, INSERT_SQL, UPDATE_SQL, merged_values, prepare, upsert_prepared

CHUNK = 500  # papers read ahead at a time: fewer live objects (2000 was ~15% slower), one IN query each
CACHE_KIB = 32 * 1024  # SQLite's page cache while upserting (see _page_cache)
_IN = 500  # ids an IN (...) query takes at once


def upsert_many(conn: sqlite3.Connection, papers: Iterable[Paper], outcomes: list[str] | None = None) -> dict[str, int]:
    """Insert or merge `papers` in order inside the caller's transaction: counts by outcome (and
    each paper's outcome appended to `outcomes`, for an import that counts papers, not entries)."""
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    it = iter(papers)
    with _page_cache(conn, CACHE_KIB):
        while chunk := list(islice(it, CHUNK)):
            _Chunk(conn, [prepare(p) for p in chunk]).run(counts, outcomes)
    return counts


@contextmanager
def _page_cache(conn: sqlite3.Connection, kib: int) -> Iterator[None]:
    """A bigger page cache for a while: a batch inserts into title-key and alias indexes at random
    places, and with SQLite's default 2 MB the same pages are evicted and read again (or spilled
    to the WAL mid-transaction). Put back after, so an idle process holds no more than before."""
    size = conn.execute("PRAGMA cache_size").fetchone()[0]
    current = -size if size < 0 else size * conn.execute("PRAGMA page_size").fetchone()[0] // 1024
    if current >= kib:
        yield
        return
    conn.execute(f"PRAGMA cache_size = -{kib}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {size}")


def _in_query(conn: sqlite3.Connection, sql: str, keys: list[str]) -> list[sqlite3.Row]:
    """`sql` has one `{}` for the IN list; run over `keys` 500 at a time."""
    rows: list[sqlite3.Row] = []
    for start in range(0, len(keys), _IN):
        part = keys[start : start + _IN]
        rows += conn.execute(sql.format(",".join("?" * len(part))), part).fetchall()
    return rows


class _Chunk:
    """One chunk: its prefetched lookups, its pending writes and what it has written so far."""

    def __init__(self, conn: sqlite3.Connection, prepared: list[tuple[Paper, dict]]) -> None:
        self.conn = conn
        # each paper with its id (arxiv:… or, without one, its title id) and its title id, hashed once
        self.papers = [(paper, values, paper.id, paper.title_id) for paper, values in prepared]
        self.inserts: list[tuple] = []
        self.updates: list[tuple] = []
        self.aliases: list[tuple[str, str]] = []
        self.changes: list[str] = []
        self.dirty_ids: set[str] = set()  # ids and aliases whose rows this chunk may have written
        self.dirty_keys: set[str] = set()  # title keys likewise
        self._second, self._stamp = -1, ""
        self._prefetch()

    def _prefetch(self) -> None:
        """What find_target's queries would answer before the chunk writes anything."""
        conn, papers = self.conn, self.papers
        wanted = list(dict.fromkeys(pid for _, _, pid, _ in papers))
        self.rows = {r["id"]: r for r in _in_query(conn, "SELECT * FROM papers WHERE id IN ({})", wanted)}
        title_ids = {pid for p, _, pid, _ in papers if not p.arxiv_id and pid not in self.rows}
        self.alias_of = dict(_in_query(conn, "SELECT alias, paper_id FROM aliases WHERE alias IN ({})", sorted(title_ids)))
        keys = {p.title_key for p, _, pid, _ in papers if pid not in self.rows and pid not in self.alias_of}
        self.by_key: dict[str, list[tuple[str, str | None]]] = {}
        for row in _in_query(conn, "SELECT id, title_key, arxiv_id FROM papers WHERE title_key IN ({})", sorted(keys)):
            self.by_key.setdefault(row[1], []).append((row[0], row[2]))
        more = {t for t in self.alias_of.values() if t not in self.rows}
        more |= {c[0][0] for c in self.by_key.values() if len(c) == 1 and c[0][0] not in self.rows}
        self.rows.update((r["id"], r) for r in _in_query(conn, "SELECT * FROM papers WHERE id IN ({})", sorted(more)))

    def now(self) -> str:
        """records.now(), formatted once a second rather than once a row."""
        second = int(time.time())
        if second != self._second:
            self._second, self._stamp = second, now()
        return self._stamp

    def _target(self, paper: Paper, pid: str) -> str | None | bool:
        """find_target's answer from the prefetch: an id, None for a new paper, False to ask the store."""
        key = paper.title_key
        if pid in self.dirty_ids or key in self.dirty_keys:
            return False
        if pid in self.rows:
            target = pid
        elif paper.arxiv_id:
            if any(arxiv is None for _, arxiv in self.by_key.get(key, ())):
                return False  # a title-only paper to re-key (or several to choose from)
            return None
        elif pid in self.alias_of:
            target = self.alias_of[pid]
        else:
            found = self.by_key.get(key, ())
            if len(found) > 1:
                return False  # which one LIMIT 1 picks is the store's business
            target = found[0][0] if found else None
        return False if target in self.dirty_ids else target

    def run(self, counts: dict[str, int], outcomes: list[str] | None = None) -> None:
        for paper, values, pid, tid in self.papers:
            target = self._target(paper, pid)
            if target is None:
                outcome = self._insert(paper, values, pid, tid)
            elif target is False:
                self.flush()
                outcome, ids, keys = upsert_prepared(self.conn, paper, values)
                self.dirty_ids |= ids
                self.dirty_keys |= keys
            else:
                outcome = self._update(paper, values, target)
            counts[outcome] += 1
            if outcomes is not None:
                outcomes.append(outcome)
        self.flush()

    def _insert(self, paper: Paper, values: dict, pid: str, tid: str) -> str:
        stamp = self.now()
        self.inserts.append((pid, paper.arxiv_id, stamp, stamp, *values.values()))
        if tid != pid:
            self.aliases.append((tid, pid))
            self.dirty_ids.add(tid)
        self.changes.append(pid)
        self.dirty_ids.add(pid)
        self.dirty_keys.add(paper.title_key)
        return "added"

    def _update(self, paper: Paper, values: dict, target: str) -> str:
        old = self.rows[target]
        merged = merged_values(paper, values, old)
        if merged is None:
            return "unchanged"
        self.updates.append((*merged.values(), self.now(), target))
        alias = id_from_title_key(merged["title_key"])
        if alias != target:
            self.aliases.append((alias, target))
        self.changes.append(target)
        self.dirty_ids |= {target, alias}
        self.dirty_keys |= {old["title_key"], merged["title_key"]}
        return "updated"

    def flush(self) -> None:
        """Write what is pending: papers before the aliases that refer to them (foreign keys)."""
        for sql, rows in ((INSERT_SQL, self.inserts), (UPDATE_SQL, self.updates), (ALIAS_SQL, self.aliases)):
            if rows:
                self.conn.executemany(sql, rows)
                rows.clear()
        if self.changes:
            record_changes(self.conn, self.changes)
            self.changes.clear()
