"""Merging one paper into the library: the same arXiv id (any spelling) or the same normalised
title is one paper. Runs inside the caller's transaction.

The rules live here once: `prepare` (clean, check, encode) and `merged_values` (what a merge
keeps) are shared with `store.bulk`, which applies them to a batch with fewer statements.
"""

from __future__ import annotations

import json
import sqlite3
from json.encoder import encode_basestring  # what json.dumps(ensure_ascii=False) quotes strings with

from paperreader.model import Paper, arxiv_paper_id, id_from_title_key
from paperreader.store.change_log import record_changes
from paperreader.store.records import now

_EMPTY = {"", "[]", None}
COLUMNS = ("title", "title_key", "abstract", "authors", "published", "year", "categories", "doi", "comment",
           "journal_ref", "urls", "source")  # fmt: skip


def json_strings(items) -> str:
    """`json.dumps(list(items), ensure_ascii=False)` for strings, without the encoder's setup."""
    return "[" + ", ".join(map(encode_basestring, items)) + "]"


def prepare(paper: Paper) -> tuple[Paper, dict]:
    """The cleaned paper and its column values; a paper without a title is refused."""
    paper = paper.cleaned()
    if not paper.title:
        raise ValueError("a paper needs a title")
    urls = "[" + ", ".join(json_strings((u.kind, u.url, u.label)) for u in paper.urls) + "]"
    values = {  # in COLUMNS' order (a test checks)
        "title": paper.title, "title_key": paper.title_key, "abstract": paper.abstract,
        "authors": json_strings(paper.authors), "published": paper.published, "year": paper.year,
        "categories": json_strings(paper.categories), "doi": paper.doi, "comment": paper.comment,
        "journal_ref": paper.journal_ref, "urls": urls, "source": paper.source,
    }  # fmt: skip
    return paper, values


def vaguer_date(new: str | None, old: str | None) -> bool:
    """`new` says less than `old` (a year or a month where a day was known)."""
    return bool(new and old and len(new) < len(old) and old[:4].isdigit())


def truncation_of(new: str | None, old: str | None) -> bool:
    """`new` is `old` cut short (maybe with "..." or "…" at the cut)."""
    if not new or not old or len(new) >= len(old):
        return False
    cut = new.rstrip().removesuffix("...").removesuffix("…").rstrip()
    return " ".join(old.split()).startswith(" ".join(cut.split()))


def merged_values(paper: Paper, values: dict, old) -> dict | None:
    """The row after merging `paper` into `old` (a papers row), or None if nothing would change.

    A paper without an arXiv id never overwrites what an arXiv paper has; empty values never
    overwrite; links are united."""
    merged = dict(values)
    weaker = old["arxiv_id"] is not None and paper.arxiv_id is None
    for key in values:
        if merged[key] in _EMPTY or (weaker and old[key] not in _EMPTY):
            merged[key] = old[key]
    if vaguer_date(merged["published"], old["published"]):  # "2023" never replaces "2023-12-01"
        merged["published"], merged["year"] = old["published"], old["year"]
    if truncation_of(merged["abstract"], old["abstract"]):  # a cut-short abstract never replaces the whole one
        merged["abstract"] = old["abstract"]
    if merged["categories"] != old["categories"] and old["categories"] not in _EMPTY and \
            set(json.loads(merged["categories"])) <= set(json.loads(old["categories"])):
        merged["categories"] = old["categories"]  # BibTeX's primaryClass alone never replaces the whole list
    merged["title_key"] = paper.title_key if merged["title"] == paper.title else old["title_key"]
    if values["urls"] != "[]":  # (none new: most papers; spare the JSON round trip)
        merged["urls"] = _united_links(old["urls"], values["urls"], merged["abstract"])
    if all(merged[key] == old[key] for key in merged if key != "source"):
        return None
    return merged


def _united_links(old: str, new: str, abstract: str | None) -> str:
    """The stored links (JSON [kind, url, label] rows) with the new ones whose address the paper does
    not show yet: not stored under any label, not written in its abstract (links.links_for shows
    those). So re-importing one's own CSV or BibTeX export, whose url column is such a link, changes
    nothing."""
    from paperreader.links import urls_in

    kept = json.loads(old)
    known = {row[1] for row in kept}
    fresh = [row for row in json.loads(new) if row[1] not in known]
    if fresh:
        known.update(urls_in(abstract or ""))
    added = []
    for row in fresh:
        if row[1] not in known:
            known.add(row[1])
            added.append(row)
    return json.dumps(kept + added, ensure_ascii=False) if added else old


INSERT_SQL = f"INSERT INTO papers(id, arxiv_id, added_at, updated_at, {', '.join(COLUMNS)}) VALUES ({', '.join('?' * 16)})"
UPDATE_SQL = f"UPDATE papers SET {', '.join(f'{k} = ?' for k in COLUMNS)}, updated_at = ? WHERE id = ?"
ALIAS_SQL = "INSERT OR IGNORE INTO aliases(alias, paper_id) VALUES (?, ?)"


def find_target(conn: sqlite3.Connection, paper: Paper, touched: set[str] | None = None) -> str | None:
    """The id of the library paper `paper` is (same arXiv id, alias or title), or None if new.

    A title-only paper that now arrives with an arXiv id is re-keyed here; its stars, notes and
    tags follow it (ON UPDATE CASCADE), and its old id stays as an alias (added to `touched`)."""
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
            record_changes(conn, [row[0], pid])
            if touched is not None:
                touched.add(row[0])
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
    return upsert_prepared(conn, *prepare(paper))[0]


def upsert_prepared(conn: sqlite3.Connection, paper: Paper, values: dict) -> tuple[str, set[str], set[str]]:
    """upsert_one for a prepared paper; also the ids and title keys whose rows it may have written."""
    ids = {paper.id, paper.title_id}
    keys = {paper.title_key}
    target = find_target(conn, paper, ids)
    stamp = now()
    if target is None:
        pid = paper.id
        conn.execute(INSERT_SQL, (pid, paper.arxiv_id, stamp, stamp, *values.values()))
        if paper.title_id != pid:
            conn.execute(ALIAS_SQL, (paper.title_id, pid))
        record_changes(conn, [pid])
        return "added", ids, keys
    ids.add(target)
    old = conn.execute("SELECT * FROM papers WHERE id = ?", (target,)).fetchone()
    keys.add(old["title_key"])
    merged = merged_values(paper, values, old)
    if merged is None:
        return "unchanged", ids, keys
    conn.execute(UPDATE_SQL, (*merged.values(), stamp, target))
    keys.add(merged["title_key"])
    alias = id_from_title_key(merged["title_key"])
    ids.add(alias)
    if alias != target:
        conn.execute(ALIAS_SQL, (alias, target))
    record_changes(conn, [target])
    return "updated", ids, keys
