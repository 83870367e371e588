"""Merging one paper into the library: the same arXiv id (any spelling) or the same normalised
title is one paper. Runs inside the caller's transaction."""

from __future__ import annotations

import json
import sqlite3

from paperreader.model import Paper, arxiv_paper_id, id_from_title_key
from paperreader.store.records import now

def find_target(conn: sqlite3.Connection, paper: Paper) -> str | None:
    """The id of the library paper `paper` is (same arXiv id, alias or title), or None if new.

    A title-only paper that now arrives with an arXiv id is re-keyed here; its stars, notes and
    tags follow it (ON UPDATE CASCADE), and its old id stays as an alias."""
    key = paper.title_key
    if paper.arxiv_id:
        pid = arxiv_paper_id(paper.arxiv_id)
        if conn.execute("SELECT 1 FROM papers WHERE id = ?", (pid,)).fetchone():
            return pid
        row = conn.execute(
            "SELECT id FROM papers WHERE title_key = ? AND arxiv_id IS NULL LIMIT 1", (key,)
        ).fetchone()
        if row:  # a title-only paper gains its arXiv id; its stars, notes and tags follow it
            conn.execute("UPDATE papers SET id = ?, arxiv_id = ? WHERE id = ?", (pid, paper.arxiv_id, row[0]))
            conn.execute("INSERT OR REPLACE INTO aliases(alias, paper_id) VALUES (?, ?)", (row[0], pid))
            conn.execute("INSERT INTO changes(paper_id) VALUES (?), (?)", (row[0], pid))
            return pid
        return None
    tid = paper.title_id
    row = conn.execute(
        "SELECT id FROM papers WHERE id = ? UNION ALL SELECT paper_id FROM aliases WHERE alias = ? LIMIT 1",
        (tid, tid),
    ).fetchone() or conn.execute("SELECT id FROM papers WHERE title_key = ? LIMIT 1", (key,)).fetchone()
    return row[0] if row else None

def upsert_one(conn: sqlite3.Connection, paper: Paper) -> str:
    """Insert or merge one paper inside the caller's transaction: "added", "updated" or "unchanged"."""
    paper = paper.cleaned()
    if not paper.title:
        raise ValueError("a paper needs a title")
    values = {
        "title": paper.title,
        "title_key": paper.title_key,
        "abstract": paper.abstract,
        "authors": json.dumps(list(paper.authors), ensure_ascii=False),
        "published": paper.published,
        "year": paper.year,
        "categories": json.dumps(list(paper.categories), ensure_ascii=False),
        "doi": paper.doi,
        "comment": paper.comment,
        "journal_ref": paper.journal_ref,
        "urls": json.dumps([[u.kind, u.url, u.label] for u in paper.urls], ensure_ascii=False),
        "source": paper.source,
    }
    target = find_target(conn, paper)
    stamp = now()
    if target is None:
        pid = paper.id
        conn.execute(
            f"INSERT INTO papers(id, arxiv_id, added_at, updated_at, {', '.join(values)}) "
            f"VALUES (?, ?, ?, ?, {', '.join('?' * len(values))})",
            (pid, paper.arxiv_id, stamp, stamp, *values.values()),
        )
        if paper.title_id != pid:
            conn.execute("INSERT OR IGNORE INTO aliases(alias, paper_id) VALUES (?, ?)", (paper.title_id, pid))
        conn.execute("INSERT INTO changes(paper_id) VALUES (?)", (pid,))
        return "added"
    old = conn.execute("SELECT * FROM papers WHERE id = ?", (target,)).fetchone()
    merged = dict(values)
    weaker = old["arxiv_id"] is not None and paper.arxiv_id is None
    empty = {"", "[]", None}
    for key in values:
        if merged[key] in empty or (weaker and old[key] not in empty):
            merged[key] = old[key]
    merged["title_key"] = paper.title_key if merged["title"] == paper.title else old["title_key"]
    old_urls = json.loads(old["urls"])
    merged["urls"] = json.dumps(old_urls + [u for u in json.loads(values["urls"]) if u not in old_urls], ensure_ascii=False)
    if all(merged[key] == old[key] for key in merged if key != "source"):
        return "unchanged"
    assignments = ", ".join(f"{key} = ?" for key in merged)
    conn.execute(f"UPDATE papers SET {assignments}, updated_at = ? WHERE id = ?", (*merged.values(), stamp, target))
    alias = id_from_title_key(merged["title_key"])
    if alias != target:
        conn.execute("INSERT OR IGNORE INTO aliases(alias, paper_id) VALUES (?, ?)", (alias, target))
    conn.execute("INSERT INTO changes(paper_id) VALUES (?)", (target,))
    return "updated"
