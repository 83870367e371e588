"""The store: merging papers into one library, and the user's state on them."""

import sqlite3

from paperreader.model import Link, Paper
from paperreader.store import Library


def lib(tmp_path) -> Library:
    return Library(tmp_path / "library.sqlite3")


def test_store_is_wal_versioned_and_transactional(tmp_path):
    library = lib(tmp_path)
    library.upsert([Paper(title="A paper", abstract="text")])
    conn = sqlite3.connect(tmp_path / "library.sqlite3")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] >= 1
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_failing_batch_imports_nothing(tmp_path):
    library = lib(tmp_path)
    try:
        library.upsert([Paper(title="Good one"), Paper(title="")])
    except ValueError:
        pass
    assert library.count() == 0


def test_reimport_changes_nothing(tmp_path):
    library = lib(tmp_path)
    papers = [Paper(title=f"Paper {i}", abstract=f"About {i}") for i in range(5)]
    assert library.upsert(papers).added == 5
    again = library.upsert(papers)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 5)
    assert library.count() == 5


def test_same_arxiv_id_in_any_spelling_is_one_paper(tmp_path):
    library = lib(tmp_path)
    library.upsert([Paper(title="Attention", arxiv_id="1706.03762")])
    library.upsert([Paper(title="Attention (v5)", arxiv_id="1706.03762", abstract="now with abstract")])
    assert library.count() == 1
    for spelling in ("arxiv:1706.03762", "1706.03762v5", "arXiv:1706.03762", "https://arxiv.org/abs/1706.03762v1"):
        assert library.resolve_id(spelling) == "arxiv:1706.03762"
    assert library.get("1706.03762").abstract == "now with abstract"


def test_title_only_paper_gains_arxiv_id_and_keeps_user_state(tmp_path):
    library = lib(tmp_path)
    library.upsert([Paper(title="Hybrid lemmatization in HuSpaCy", abstract="Lemmas.")])
    old_id = library.list_ids()[0]
    library.set_star(old_id)
    library.set_note(old_id, "read this")
    library.add_tags(old_id, ["nlp"])
    library.set_read(old_id)
    result = library.upsert([Paper(title="Hybrid Lemmatization in HuSpaCy", arxiv_id="2301.02345", authors=("Gy. Orosz",))])
    assert result.updated == 1 and library.count() == 1
    record = library.get(old_id)  # the old id still finds it
    assert record.id == "arxiv:2301.02345"
    assert record.starred and record.note == "read this" and record.tags == ("nlp",) and record.read
    assert record.authors == ("Gy. Orosz",) and record.abstract == "Lemmas."
    assert [link.kind for link in record.links][:3] == ["abs", "pdf", "hf"]
    # the built-in dump imported again does not duplicate it or overwrite the arXiv data
    again = library.upsert([Paper(title="Hybrid lemmatization in HuSpaCy", abstract="Lemmas (dump).")])
    assert again.unchanged == 1 and library.count() == 1
    assert library.get(old_id).abstract == "Lemmas."


def test_user_state_round_trips(tmp_path):
    library = lib(tmp_path)
    library.upsert([Paper(title="One"), Paper(title="Two")])
    one, two = sorted(library.list_ids())
    assert library.toggle_star(one) is True
    assert library.toggle_star(one) is False
    library.set_star(two)
    library.set_note(one, "# Heading\n\nbody\x1b[2J")
    assert library.get(one).note == "# Heading\n\nbody"
    assert library.set_tags(one, ["B", "a", "a"]) == ("a", "b")
    assert library.remove_tags(one, ["a"]) == ("b",)
    assert library.list_ids(starred=True) == [two]
    assert library.list_ids(tag="b") == [one]
    assert library.list_ids(annotated=True) == [one]
    library.set_note(one, "   ")
    assert not library.get(one).has_note
    stats = library.stats()
    assert (stats["papers"], stats["starred"], stats["notes"], stats["tags"]) == (2, 1, 0, 1)


def test_urls_from_sources_are_merged(tmp_path):
    library = lib(tmp_path)
    library.upsert([Paper(title="X", urls=(Link("code", "https://github.com/a/b"),))])
    library.upsert([Paper(title="X", urls=(Link("project", "https://a.github.io"),))])
    assert [link.url for link in library.get(library.list_ids()[0]).urls] == ["https://github.com/a/b", "https://a.github.io"]


def test_saved_searches_and_history(tmp_path):
    library = lib(tmp_path)
    library.save_search("ssm", "mamba OR \"state space\"")
    assert library.saved_searches() == [("ssm", "mamba OR \"state space\"")]
    for q in ("a", "b", "a"):
        library.add_history(q)
    assert library.history() == ["b", "a"]


def test_change_log_drives_the_index(tmp_path):
    library = lib(tmp_path)
    library.upsert([Paper(title="One")])
    seq = library.change_seq()
    pid = library.list_ids()[0]
    library.set_star(pid)  # stars are answered from the store, not logged
    assert library.change_seq() == seq
    library.set_note(pid, "x")
    new_seq, ids = library.changes_since(seq)
    assert new_seq == seq + 1 and ids == [pid]
    library.prune_changes(new_seq)
    assert library.change_seq() == new_seq
