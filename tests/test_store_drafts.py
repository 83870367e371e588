"""Drafts: the note being written is kept in the store until it is saved or discarded.
(The crash test kills a process mid-draft; the TUI engineer wires drafts to the editor.)"""

from __future__ import annotations

import pytest

from paperreader.model import Paper
from paperreader.store import Library, NotFound


@pytest.fixture
def library(tmp_path):
    lib = Library(tmp_path / "library.sqlite3")
    lib.upsert([Paper(title="Hybrid lemmatization in HuSpaCy"), Paper(title="Another one")])
    yield lib
    lib.close()


def test_a_draft_is_kept_and_survives_a_restart(library, tmp_path):
    pid = library.list_ids()[0]
    assert library.get_draft(pid) is None
    library.save_draft(pid, "first words")
    library.save_draft(pid, "first words, then more\n\n- a list\n")
    library.close()
    again = Library(tmp_path / "library.sqlite3")
    assert again.get_draft(pid) == "first words, then more\n\n- a list\n"  # as typed, trailing newline too
    assert again.get(pid).note == ""  # a draft is not the note
    again.close()


def test_saving_the_note_drops_the_draft(library):
    pid = library.list_ids()[0]
    library.save_draft(pid, "draft")
    library.set_note(pid, "the note")
    assert library.get_draft(pid) is None and library.get(pid).note == "the note"
    library.save_draft(pid, "an edit")
    library.set_note(pid, None)  # clearing the note also settles the draft
    assert library.get_draft(pid) is None


def test_discarding_a_draft_keeps_the_note(library):
    pid = library.list_ids()[0]
    library.set_note(pid, "kept")
    library.save_draft(pid, "thrown away")
    library.discard_draft(pid)
    assert library.get_draft(pid) is None and library.get(pid).note == "kept"
    library.discard_draft(pid)  # nothing to discard: fine


def test_drafts_are_per_paper_and_resolve_ids(library):
    a, b = library.list_ids()
    library.save_draft(a, "for a")
    library.save_draft(b, "for b")
    assert (library.get_draft(a), library.get_draft(b)) == ("for a", "for b")
    with pytest.raises(NotFound):
        library.save_draft("t:000000000000", "x")
    with pytest.raises(NotFound):
        library.get_draft("nope")


def test_a_draft_loses_control_characters_but_not_its_lines(library):
    pid = library.list_ids()[0]
    library.save_draft(pid, "line one\x1b[31m red\x07\r\nline two\x00\ttabbed\u202e")
    assert library.get_draft(pid) == "line one red\nline two    tabbed"


def test_a_draft_follows_its_paper_when_the_paper_gains_an_arxiv_id(library):
    title_only = next(i for i in library.list_ids() if library.get(i).title.startswith("Hybrid"))
    library.save_draft(title_only, "half written")
    library.upsert([Paper(title="Hybrid Lemmatization in HuSpaCy", arxiv_id="2301.02345")])
    assert library.get_draft("arxiv:2301.02345") == "half written"
    assert library.get_draft(title_only) == "half written"  # the old id still finds it
