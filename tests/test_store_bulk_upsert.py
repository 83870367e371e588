"""Library.upsert (store.bulk: lookups for a batch read at once, writes with executemany) must leave
exactly the store that upserting one paper at a time leaves, with the same counts: every row,
rowid, alias, change-log entry and the user's state carried across re-keys. The reference below is
the one-at-a-time code as it was before store.bulk, verbatim."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import paperreader.store.bulk as bulk
import paperreader.store.upsert as upsert
from paperreader.model import Link, Paper, arxiv_paper_id, id_from_title_key
from paperreader.store import Library, UpsertResult

STAMP = ["2024-01-01T00:00:00+00:00"]


def now() -> str:
    return STAMP[0]


# -- the reference: one paper at a time (store/upsert.py before store.bulk) -----------------------
def reference_find_target(conn, paper):
    key = paper.title_key
    if paper.arxiv_id:
        pid = arxiv_paper_id(paper.arxiv_id)
        if conn.execute("SELECT 1 FROM papers WHERE id = ?", (pid,)).fetchone():
            return pid
        row = conn.execute("SELECT id FROM papers WHERE title_key = ? AND arxiv_id IS NULL LIMIT 1", (key,)).fetchone()
        if row:
            conn.execute("UPDATE papers SET id = ?, arxiv_id = ? WHERE id = ?", (pid, paper.arxiv_id, row[0]))
            conn.execute("INSERT OR REPLACE INTO aliases(alias, paper_id) VALUES (?, ?)", (row[0], pid))
            conn.execute("INSERT INTO changes(paper_id) VALUES (?), (?)", (row[0], pid))
            return pid
        return None
    tid = paper.title_id
    row = conn.execute(
        "SELECT id FROM papers WHERE id = ? UNION ALL SELECT paper_id FROM aliases WHERE alias = ? LIMIT 1", (tid, tid)
    ).fetchone() or conn.execute("SELECT id FROM papers WHERE title_key = ? LIMIT 1", (key,)).fetchone()
    return row[0] if row else None


def reference_upsert_one(conn, paper):
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
    target = reference_find_target(conn, paper)
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


def reference_upsert(library: Library, papers) -> UpsertResult:
    result = UpsertResult()
    with library.transaction() as conn:
        for paper in papers:
            outcome = reference_upsert_one(conn, paper)
            setattr(result, outcome, getattr(result, outcome) + 1)
    return result


# -- comparing two stores ------------------------------------------------------------------------
def dump(library: Library) -> dict:
    q = library.db.read
    return {
        "papers": [tuple(r) for r in q("SELECT rowid, * FROM papers ORDER BY rowid")],
        "aliases": [tuple(r) for r in q("SELECT rowid, * FROM aliases ORDER BY rowid")],
        "changes": [tuple(r) for r in q("SELECT * FROM changes ORDER BY seq")],
        "state": [tuple(r) for t in ("stars", "reads", "notes", "drafts") for r in q(f"SELECT * FROM {t} ORDER BY paper_id")],
        "tags": [tuple(r) for r in q("SELECT * FROM tags ORDER BY paper_id, tag")],
        "seq": [tuple(r) for r in q("SELECT * FROM sqlite_sequence ORDER BY name")],
    }


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    """Both ways stamp with the same clock (the batch number), so rows compare byte for byte."""
    monkeypatch.setattr(upsert, "now", now)
    monkeypatch.setattr(bulk, "now", now)


@pytest.fixture(scope="module")
def empty_store(tmp_path_factory) -> Path:
    """A new empty library, copied for each example (creating one fsyncs several times)."""
    path = tmp_path_factory.mktemp("empty") / "library.sqlite3"
    Library(path).close()
    return path


def check_same(initial: list[Paper], batches: list[list[Paper]], chunk: int, tmp: Path, empty: Path) -> None:
    for name in ("ref.sqlite3", "new.sqlite3"):
        shutil.copyfile(empty, tmp / name)
    ref, new = Library(tmp / "ref.sqlite3"), Library(tmp / "new.sqlite3")
    try:
        for library in (ref, new):
            library.db.read("PRAGMA synchronous = OFF")  # (a test of logic, not durability: faster)
            STAMP[0] = "2024-01-01T00:00:00+00:00"
            reference_upsert(library, initial)
            for pid in library.list_ids()[:2]:  # user state on the first papers, to follow re-keys
                library.set_star(pid)
                with library.db.write() as conn:
                    conn.execute("UPDATE stars SET starred_at = 'then'")
                library.set_note(pid, f"note on {pid}")
                with library.db.write() as conn:
                    conn.execute("UPDATE notes SET updated_at = 'then'")
        assert dump(ref) == dump(new)
        old_chunk, bulk.CHUNK = bulk.CHUNK, chunk
        try:
            for n, batch in enumerate(batches):
                STAMP[0] = f"2024-02-{n + 1:02d}T00:00:00+00:00"
                expected = reference_upsert(ref, batch)
                assert new.upsert(batch) == expected
                assert dump(new) == dump(ref)
        finally:
            bulk.CHUNK = old_chunk
        assert new.integrity_check() == ["ok"]
    finally:
        ref.close()
        new.close()


TITLES = [
    "Attention Is All You Need", "attention is all you need!", "ATTENTION  is all you\tneed", "Mamba", "mamba.",
    "Éléments de géométrie", "Elements de geometrie", "A third paper",
]  # fmt: skip
papers = st.builds(
    Paper,
    title=st.sampled_from(TITLES),
    abstract=st.sampled_from(["", "One.", "Two."]),
    authors=st.sampled_from([(), ("A. Author",), ("A. Author", "B. Author")]),
    arxiv_id=st.sampled_from([None, None, "1706.03762", "2312.00752", "2401.00001", "hep-th/9901001"]),
    published=st.sampled_from([None, "2017-06-12", "2024-01-02"]),
    categories=st.sampled_from([(), ("cs.CL",)]),
    doi=st.sampled_from([None, "10.1/x"]),
    urls=st.sampled_from([(), (Link("code", "https://github.com/a/b"),), (Link("project", "https://p.io", "site"),)]),
    source=st.sampled_from(["a", "b"]),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    initial=st.lists(papers, max_size=8),
    batches=st.lists(st.lists(papers, min_size=1, max_size=14), min_size=1, max_size=3),
    chunk=st.sampled_from([1, 2, 3, 5, 2000]),
)
def test_a_batch_leaves_the_store_one_at_a_time_leaves(initial, batches, chunk, empty_store):
    with tempfile.TemporaryDirectory() as tmp:
        check_same(initial, batches, chunk, Path(tmp), empty_store)


def test_every_merge_rule_inside_one_batch(tmp_path, empty_store):
    """Duplicates within a batch, in every combination the rules know, across chunk boundaries."""
    x, y = "Hybrid lemmatization in HuSpaCy", "Mamba: linear-time sequence modeling"
    batch = [
        Paper(title=x, abstract="Lemmas."),  # title-only, new
        Paper(title=x.upper() + "!", authors=("Orosz",)),  # the same title, another spelling: merged
        Paper(title=x, arxiv_id="2301.02345", abstract="Lemmas (arXiv)."),  # gains its arXiv id: re-keyed
        Paper(title=x, abstract="Lemmas (dump)."),  # title-only again: the arXiv paper wins
        Paper(title="Hybrid Lemmatization (v2)", arxiv_id="2301.02345"),  # same id, new title: updated
        Paper(title=x),  # its old title still finds it (alias)
        Paper(title=y, arxiv_id="2312.00752"),  # new arXiv paper
        Paper(title=y, arxiv_id="2312.00752"),  # again: unchanged
        Paper(title=y, arxiv_id="2401.99999"),  # same title, another arXiv id: another paper
        Paper(title=y),  # title-only, two arXiv papers with its title: the first one
        Paper(title="Third", urls=(Link("code", "https://github.com/a/b"),)),
        Paper(title="third", urls=(Link("project", "https://p.io"),)),  # links united
    ]
    initial = [Paper(title=y + " (draft)"), Paper(title="Elsewhere", arxiv_id="2312.00752")]
    for chunk in (1, 2, 4, 2000):
        for sub in ("a", "b"):
            (tmp_path / f"{chunk}{sub}").mkdir()
        check_same(initial, [batch, batch[::-1], batch], chunk, tmp_path / f"{chunk}a", empty_store)
        check_same([], [batch + batch], chunk, tmp_path / f"{chunk}b", empty_store)


def test_a_bad_paper_anywhere_in_a_batch_writes_nothing(tmp_path):
    library = Library(tmp_path / "library.sqlite3")
    library.upsert([Paper(title="Kept")])
    seq = library.change_seq()
    for bad_at in (0, 3, 2500):
        batch = [Paper(title=f"Paper {i}") for i in range(3000)]
        batch.insert(bad_at, Paper(title="\x1b[31m"))  # nothing left once cleaned
        with pytest.raises(ValueError, match="needs a title"):
            library.upsert(batch)
        assert library.count() == 1 and library.change_seq() == seq


def test_a_big_batch_of_new_papers_and_the_same_again(tmp_path):
    """Past a chunk: counts, change log, and the page cache put back as it was."""
    library = Library(tmp_path / "library.sqlite3")
    cache = library.db.read("PRAGMA cache_size")[0][0]
    batch = [Paper(title=f"Paper {i}", arxiv_id=f"2401.{i:05d}" if i % 3 else None) for i in range(5000)]
    assert library.upsert(batch) == UpsertResult(added=5000)
    seq, changed = library.changes_since(0)
    assert len(changed) == 5000 and seq == library.change_seq()
    assert library.upsert(batch) == UpsertResult(unchanged=5000)
    assert library.change_seq() == seq
    assert library.db.read("PRAGMA cache_size")[0][0] == cache


def test_a_paper_found_by_an_old_title_after_an_update_in_the_same_batch(tmp_path, empty_store):
    """The alias of a renamed paper leads to a row this batch already changed: read it afresh."""
    initial = [Paper(title="Old name", arxiv_id="2401.00001"), Paper(title="New name", arxiv_id="2401.00001")]
    batch = [Paper(title="New name", arxiv_id="2401.00001", abstract="One."), Paper(title="Old name", abstract="Two.")]
    for chunk in (1, 2000):
        (tmp_path / str(chunk)).mkdir()
        check_same(initial, [batch], chunk, tmp_path / str(chunk), empty_store)


def test_column_values_come_in_the_order_the_statements_name_them():
    assert tuple(upsert.prepare(Paper(title="T"))[1]) == upsert.COLUMNS
