"""get_many keeps the last pages' records between calls (store/records.RecordCache): never one
the store has changed since, whoever changed it."""

import pytest

from paperreader.model import Paper
from paperreader.store.library import Library
from paperreader.store.records import RecordCache


@pytest.fixture
def two(tmp_path):
    """Two connections to one store (as two processes, or the TUI beside a CLI command)."""
    path = tmp_path / "library.sqlite3"
    first = Library(path)
    first.upsert([Paper(title=f"Paper number {i}", abstract=f"About thing {i}.", authors=("A B",),
                        arxiv_id=f"2401.{i:05d}") for i in range(30)])
    second = Library(path)
    yield first, second
    first.close()
    second.close()


def test_a_page_comes_in_the_order_asked_without_unknown_ids(two):
    lib, _ = two
    ids = lib.list_ids()[:5][::-1]
    got = lib.get_many([ids[0], "nope", *ids, ids[1]])
    assert list(got) == ids
    assert all(got[i].id == i for i in ids)
    assert lib.get_many(ids) == got  # kept: the same records again


def test_another_connections_change_is_seen(two):
    lib, other = two
    pid = lib.list_ids()[0]
    assert not lib.get_many([pid])[pid].starred
    other.set_star(pid)
    other.set_note(pid, "a note from elsewhere")
    other.add_tags(pid, ["zeta", "alpha"])
    record = lib.get_many([pid])[pid]
    assert record.starred and record.note == "a note from elsewhere" and record.tags == ("alpha", "zeta")


def test_its_own_changes_are_seen(two):
    lib, _ = two
    pid = lib.list_ids()[0]
    lib.get_many([pid])
    lib.set_read(pid)
    lib.set_tags(pid, ["mine"])
    record = lib.get_many([pid])[pid]
    assert record.read and record.tags == ("mine",)
    lib.upsert([Paper(title="Paper number 0, revised", abstract="New words.", arxiv_id=pid.split(":")[-1])])
    assert lib.get_many([pid])[pid].abstract == "New words."


def test_a_rolled_back_write_leaves_nothing_kept(two):
    lib, _ = two
    pid = lib.list_ids()[0]
    with pytest.raises(RuntimeError):
        with lib.transaction() as conn:
            conn.execute("INSERT INTO stars(paper_id, starred_at) VALUES (?, '2026-01-01T00:00:00+00:00')", (pid,))
            assert lib.get_many([pid])[pid].starred  # the write's own view
            raise RuntimeError("give up")
    assert not lib.get_many([pid])[pid].starred


def test_large_requests_neither_use_nor_fill_the_kept_records(two, monkeypatch):
    lib, _ = two
    monkeypatch.setattr(RecordCache, "PAGE", 3)
    ids = lib.list_ids()
    got = lib.get_many(ids[::-1])
    assert sorted(got) == sorted(ids) and not lib._kept._records
    monkeypatch.setattr(RecordCache, "KEPT", 4)
    for pid in ids:
        lib.get_many([pid])
    assert len(lib._kept._records) == 4
