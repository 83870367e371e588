"""The SQLite FTS5 baseline: what a well-built SQLite search would give on the same corpus.

External-content FTS5 (the text is stored once, in the papers table, as an app would keep it),
porter tokenizer, bm25 with title weighted over abstract, highlight()/snippet() for the top N only:
the top N rowids are ranked first, then highlighted, because SQLite computes result columns for
every matching row before sorting.

With a time limit (run.py's --time-limit), a query still running at the limit is interrupted
(SQLite's progress handler, called every few thousand VM steps, returns non-zero): it counts in
`timeouts`, answers nothing, and its time is when it stopped. FTS5 ranks a one- or two-letter
prefix whole (every matching row scored and sorted), which at 1M papers takes minutes a keystroke.
"""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path

from engines import Engine, batched

TITLE_WEIGHT, ABSTRACT_WEIGHT = 3.0, 1.0
BATCH = 5000
PROGRESS_STEPS = 10_000  # SQLite VM instructions between two looks at the clock under a time limit

SCHEMA = """
CREATE TABLE papers(
    rowid INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, title TEXT, abstract TEXT,
    authors TEXT, published TEXT, categories TEXT);
CREATE VIRTUAL TABLE papers_fts USING fts5(
    title, abstract, content='papers', content_rowid='rowid', tokenize='porter unicode61');
"""

_TOKEN = re.compile(r'"[^"]*"|\(|\)|[^\s()"]+')
_OPERATORS = {"AND", "OR", "NOT"}
_COLUMNS = {"title", "abstract"}


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _term(tok: str) -> str:
    if tok.startswith('"'):
        return _quote(tok.strip('"'))
    if tok.endswith("*"):
        return _quote(tok.rstrip("*")) + "*"
    if tok.endswith("~"):  # no fuzzy matching in FTS5: the word exactly as typed
        return _quote(tok.rstrip("~"))
    return _quote(tok)


def translate(query: str) -> str:
    """paperreader/Whoosh syntax -> FTS5 MATCH syntax, for the subset the query mix uses."""
    out = []
    for tok in _TOKEN.findall(query):
        if tok in _OPERATORS or tok in "()":
            out.append(tok)
            continue
        field, sep, rest = tok.partition(":")
        if sep and field in _COLUMNS and rest:
            out.append(f"{field} : {_term(rest)}")
        else:
            out.append(_term(tok))
    return " ".join(out)


class FTS5Engine(Engine):
    name = "fts5"
    note = ("fuzzy `w~` searched as the exact word (FTS5 has no fuzzy match); with --time-limit, a query "
            "still running at the limit is interrupted, counted, and timed at the moment it stopped")

    def __init__(self, time_limit=None):
        super().__init__(time_limit)
        self.db: sqlite3.Connection | None = None

    def build(self, corpus, workdir: Path, progress=None) -> dict:
        db = sqlite3.connect(workdir / "fts5.db", isolation_level=None)
        db.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;" + SCHEMA)
        db.execute(
            "INSERT INTO papers_fts(papers_fts, rank) VALUES('rank', ?)",
            (f"bm25({TITLE_WEIGHT}, {ABSTRACT_WEIGHT})",),
        )
        done = 0
        for batch in batched(corpus, BATCH):
            rows = [
                (d["id"], d["title"], d["abstract"], "; ".join(d["authors"]), d["published"],
                 " ".join(d["categories"]))
                for d in batch
            ]  # fmt: skip
            db.execute("BEGIN")
            first = db.execute("SELECT coalesce(max(rowid), 0) + 1 FROM papers").fetchone()[0]
            db.executemany(
                "INSERT INTO papers(id, title, abstract, authors, published, categories) VALUES (?,?,?,?,?,?)",
                rows,
            )
            db.executemany(
                "INSERT INTO papers_fts(rowid, title, abstract) VALUES (?,?,?)",
                [(first + k, r[1], r[2]) for k, r in enumerate(rows)],
            )
            db.execute("COMMIT")
            done += len(batch)
            if progress:
                progress(done)
        db.execute("INSERT INTO papers_fts(papers_fts) VALUES('optimize')")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
        return {"docs": done}

    def open(self, workdir: Path) -> None:
        self.db = sqlite3.connect(workdir / "fts5.db", isolation_level=None, check_same_thread=False)

    def search(self, query: str, limit: int = 20, highlight: bool = True) -> list[dict]:
        if not self.time_limit:
            return self._search(query, limit, highlight)
        deadline = time.perf_counter() + self.time_limit
        self.db.set_progress_handler(lambda: time.perf_counter() > deadline, PROGRESS_STEPS)
        try:
            return self._search(query, limit, highlight)
        except sqlite3.OperationalError as exc:
            if "interrupted" not in str(exc):
                raise
            self.timeouts += 1
            return []
        finally:
            self.db.set_progress_handler(None, 0)

    def _search(self, query: str, limit: int, highlight: bool) -> list[dict]:
        match = translate(query)
        if not match:
            return []
        top = self.db.execute(
            "SELECT rowid, rank FROM papers_fts WHERE papers_fts MATCH ? ORDER BY rank LIMIT ?", (match, limit)
        ).fetchall()
        if not top:
            return []
        rowids = [r for r, _ in top]
        marks = ",".join("?" * len(rowids))
        if highlight:
            sql = (
                "SELECT f.rowid, p.id, highlight(papers_fts, 0, '[', ']'),"
                " snippet(papers_fts, 1, '[', ']', '…', 24) FROM papers_fts f JOIN papers p ON p.rowid = f.rowid"
                f" WHERE papers_fts MATCH ? AND f.rowid IN ({marks})"
            )
            rows = self.db.execute(sql, (match, *rowids)).fetchall()
        else:
            sql = f"SELECT rowid, id, title, '' FROM papers WHERE rowid IN ({marks})"
            rows = self.db.execute(sql, rowids).fetchall()
        by_rowid = {r[0]: r for r in rows}
        hits = []
        for rowid, rank in top:
            _, pid, title, snippet = by_rowid[rowid]
            hits.append({"id": pid, "title": title, "score": -rank, "highlights": snippet})
        return hits

    def sizes(self, workdir: Path) -> dict:
        db = sqlite3.connect(workdir / "fts5.db")
        index = db.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'papers_fts%'").fetchone()[0]
        db.close()
        total = sum(f.stat().st_size for f in workdir.iterdir() if f.name.startswith("fts5.db"))
        return {"index_mb": (index or 0) / 1e6, "total_mb": total / 1e6}

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None
