"""A page's records (store/records.record_from_row, filled without the frozen dataclass's
__init__, from plain rows read by position) are the PaperRecords the dataclass itself makes from
the store's values: every field, for papers with and without stars, reads, notes, tags, links,
categories and a year, and they behave as records (equal, hashable fields, frozen, links)."""

import dataclasses
import json
import sqlite3

import pytest

from paperreader.model import Link, Paper
from paperreader.store.library import Library
from paperreader.store.records import RECORD_COLUMNS, PaperRecord


@pytest.fixture
def lib(tmp_path):
    library = Library(tmp_path / "library.sqlite3")
    library.upsert([
        Paper(title="Plain paper", abstract="Nothing else."),
        Paper(title="Full paper", abstract="With everything: see https://github.com/a/b.", authors=("Ana Li", "Bo Wu"),
              arxiv_id="2401.00001", published="2024-01-02", categories=("cs.LG", "cs.AI"), doi="10.1/x",
              comment="12 pages", journal_ref="J. Things 1", urls=(Link("code", "https://github.com/a/b"),),
              source="arxiv"),
        Paper(title="Ünïcode title", abstract="Ça va.", authors=("Zoë",), published="2023-05-06"),
    ])
    by_title = {r.title: r.id for r in library.get_many(library.list_ids()).values()}
    library.set_star(by_title["Plain paper"])
    library.set_note(by_title["Plain paper"], "a note")
    library.set_read(by_title["Full paper"])
    library.add_tags(by_title["Full paper"], ["b-tag", "a-tag"])
    yield library
    library.close()


def _by_init(lib, pid) -> PaperRecord:
    """The same paper through PaperRecord's own __init__, from the store's columns by name."""
    conn = sqlite3.connect(lib.path)
    conn.row_factory = sqlite3.Row
    row = conn.execute("SELECT p.*, s.starred_at, r.read_at, n.body FROM papers p LEFT JOIN stars s ON s.paper_id = p.id "
                       "LEFT JOIN reads r ON r.paper_id = p.id LEFT JOIN notes n ON n.paper_id = p.id WHERE p.id = ?",
                       (pid,)).fetchone()
    tags = tuple(t for (t,) in conn.execute("SELECT tag FROM tags WHERE paper_id = ? ORDER BY tag", (pid,)))
    conn.close()
    values = {name: row[name] for name in RECORD_COLUMNS}
    for name in ("authors", "categories"):
        values[name] = tuple(json.loads(values[name]))
    values["urls"] = tuple(Link(*u) for u in json.loads(values["urls"]))
    return PaperRecord(**values, note=row["body"] or "", tags=tags)


def test_page_records_equal_the_dataclass_s_own(lib):
    ids = lib.list_ids()
    got = lib.get_many(ids)
    assert set(got) == set(ids)
    for pid in ids:
        record, expected = got[pid], _by_init(lib, pid)
        assert record == expected
        assert vars(record) == vars(expected)  # every field, _links included, in the same order
        assert list(vars(record)) == [f.name for f in dataclasses.fields(PaperRecord)]
        assert record.links == expected.links and record.link == expected.link
    full = next(r for r in got.values() if r.arxiv_id)
    assert full.starred is False and full.read and full.tags == ("a-tag", "b-tag") and full.year == 2024
    assert full.urls == (Link("code", "https://github.com/a/b"),) and full.categories == ("cs.LG", "cs.AI")
    plain = next(r for r in got.values() if r.title == "Plain paper")
    assert plain.starred and plain.note == "a note"


def test_page_records_stay_frozen(lib):
    record = next(iter(lib.get_many(lib.list_ids()).values()))
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.title = "changed"


def test_a_list_column_reads_as_json_loads_reads_it():
    """records._tuple's split of a list of strings as the store writes it equals json.loads, and any
    other JSON list (escapes, quotes, other spacing, control characters, numbers) goes to json.loads."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from paperreader.store.records import _tuple
    from paperreader.store.upsert import json_strings

    texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)

    @settings(max_examples=400, deadline=None)
    @given(st.lists(texts, max_size=5), st.sampled_from(["store", "compact", "ascii", "spaced"]))
    def check(items, how):
        text = {"store": json_strings(items), "compact": json.dumps(items, separators=(",", ":")),
                "ascii": json.dumps(items), "spaced": json.dumps(items, indent=1)}[how]
        assert _tuple(text) == tuple(json.loads(text)) == tuple(items)

    check()
    for text in ['["a", "b"]', '["a","b"]', '["a" , "b"]', '[ "a", "b" ]', '["a\\"", "b"]', '["a, ", "b"]',
                 '["", ""]', '[""]', '["x", 1]', '["tab\\there"]', '["Zoë", "Ça"]']:
        assert _tuple(text) == tuple(json.loads(text)), text
    with pytest.raises(ValueError):
        _tuple('["raw\nnewline"]')  # not JSON: refused as json.loads refuses it
