"""Notes and tags edited from two places at once (issue 10, cases 2 and 9): versions checked on save,
drafts per editing session, tags as additions and removals, and a size limit.

The second writer is a real process (`paperreader note --set`, `paperreader tag`) where it matters."""

from __future__ import annotations

import subprocess
import sys

import pytest

from paperreader.model import Paper
from paperreader.store import Library, StoreError
from paperreader.store.notes import NOTE_LIMIT, NoteConflict, NoteTooLarge, new_owner


@pytest.fixture
def store(tmp_path):
    lib = Library(tmp_path / "data" / "library.sqlite3")
    lib.upsert([Paper(title="Hybrid lemmatization in HuSpaCy", arxiv_id="2301.02345"), Paper(title="Another one")])
    yield lib
    lib.close()


def run_cli(tmp_path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "paperreader", "--data-dir", str(tmp_path / "data"), *args],
        input=stdin, capture_output=True, text=True, timeout=120,
    )


def test_a_save_based_on_an_old_version_is_refused_with_the_other_text(store, tmp_path):
    pid = "arxiv:2301.02345"
    assert store.note(pid).version == 0  # no note yet
    loaded = store.note(pid)
    done = run_cli(tmp_path, "note", pid, "--set", "written by the CLI meanwhile")
    assert done.returncode == 0, done.stderr
    with pytest.raises(NoteConflict) as caught:
        store.save_note(pid, "mine", expected_version=loaded.version)
    assert caught.value.current.body == "written by the CLI meanwhile"
    assert store.get(pid).note == "written by the CLI meanwhile"  # nothing written
    saved = store.save_note(pid, "mine", expected_version=caught.value.current.version)  # "keep mine"
    assert saved.body == "mine" and saved.version > caught.value.current.version
    assert store.get(pid).note == "mine"


def test_a_version_is_never_reused_after_a_note_is_cleared_and_written_again(store):
    pid = "arxiv:2301.02345"
    first = store.save_note(pid, "one")
    held = store.note(pid)  # an editor holds this version
    store.set_note(pid, None)
    assert store.note(pid).version == 0
    again = store.save_note(pid, "two")
    assert again.version not in (0, first.version)
    with pytest.raises(NoteConflict):
        store.save_note(pid, "the editor's text", expected_version=held.version)
    assert store.get(pid).note == "two"


def test_saving_the_same_text_keeps_the_version(store):
    pid = "arxiv:2301.02345"
    v = store.save_note(pid, "same").version
    assert store.save_note(pid, "same", expected_version=v).version == v


def test_a_save_drops_only_the_savers_draft(store):
    pid = "arxiv:2301.02345"
    me, other = new_owner(), new_owner()
    store.save_draft(pid, "mine, typing", owner=me)
    store.save_draft(pid, "the other window, typing", owner=other)
    store.save_note(pid, "mine, saved", expected_version=0, owner=me)
    assert [d.body for d in store.drafts(pid)] == ["the other window, typing"]
    store.set_note(pid, "from the CLI", owner=None)  # a command touches no draft
    assert [d.owner for d in store.drafts(pid)] == [other]


def test_a_recovered_draft_is_dropped_only_if_it_still_holds_what_was_recovered(store):
    pid = "arxiv:2301.02345"
    crashed, me = new_owner(), new_owner()
    store.save_draft(pid, "before the crash", owner=crashed)
    recovered = store.drafts(pid)
    assert recovered[0].base_version == 0 and recovered[0].owner == crashed
    store.save_draft(pid, "before the crash, and still typing", owner=crashed)  # it was alive after all
    store.save_note(pid, "before the crash", expected_version=0, owner=me, recovered=recovered)
    assert store.get_draft(pid) == "before the crash, and still typing"
    store.save_note(pid, "before the crash!", expected_version=store.note(pid).version, owner=me, recovered=store.drafts(pid))
    assert store.drafts(pid) == []


def test_a_draft_remembers_the_version_it_was_based_on(store):
    pid = "arxiv:2301.02345"
    v = store.save_note(pid, "v1").version
    store.save_draft(pid, "v1 and more", owner="x")
    assert store.drafts(pid)[0].base_version == v
    store.save_draft(pid, "v1 and more", owner="x", base_version=3)
    assert store.drafts(pid)[0].base_version == 3


def test_tags_change_by_additions_and_removals_never_by_writing_back_a_set(store, tmp_path):
    pid = "arxiv:2301.02345"
    store.add_tags(pid, ["nlp", "old"])
    loaded = store.get(pid).tags  # an editor loads ("nlp", "old")
    done = run_cli(tmp_path, "tag", pid, "added-by-cli")
    assert done.returncode == 0, done.stderr
    # the editor's user removed "old" and added "new": only that is applied
    assert store.change_tags(pid, add={"new"} - set(loaded), remove=set(loaded) - {"nlp", "new"}) == (
        "added-by-cli", "new", "nlp",
    )
    assert store.change_tags(pid, add=["Has Space!"], remove=["nope"]) == ("added-by-cli", "has-space!", "new", "nlp")


def test_set_tags_reads_and_writes_in_one_transaction(store):
    pid = "arxiv:2301.02345"
    store.add_tags(pid, ["a", "b"])
    assert store.set_tags(pid, ["b", "c"]) == ("b", "c")
    assert store.set_tags(pid, []) == ()


def test_a_note_at_the_limit_is_kept_and_one_byte_over_is_refused_whole(store):
    pid = "arxiv:2301.02345"
    store.save_note(pid, "kept")
    at_limit = "é" * (NOTE_LIMIT // 2)  # two bytes each in UTF-8
    assert store.save_note(pid, at_limit).body == at_limit
    with pytest.raises(NoteTooLarge) as caught:
        store.save_note(pid, at_limit + "x")
    assert isinstance(caught.value, StoreError)
    assert "256 KB" in str(caught.value) and "\n" not in str(caught.value)
    assert store.get(pid).note == at_limit


def test_note_set_refuses_a_note_over_the_limit_in_one_line(tmp_path, store):
    pid = "arxiv:2301.02345"
    store.set_note(pid, "kept")
    done = run_cli(tmp_path, "note", pid, "--set", "-", stdin="x" * (NOTE_LIMIT + 1))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "256 KB" in done.stderr and "Traceback" not in done.stderr
    assert store.get(pid).note == "kept"
