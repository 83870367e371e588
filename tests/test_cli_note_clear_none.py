"""`note ID --clear` of a paper without a note says there was none (before: "note cleared"), with exit 0
as `unstar` of an unstarred paper; a real clear still says "note cleared" and removes the note."""

from __future__ import annotations


def test_clear_without_a_note_says_there_was_none(cli):
    pid = cli("list", "--json", "--limit", "1").json["results"][0]["id"]
    unstar = cli("unstar", pid)
    none = cli("note", pid, "--clear")
    assert none.code == unstar.code == 0
    assert none.out == f"no note to clear: {pid} had none\n" and none.err == ""
    assert cli("note", pid, "--clear", "--json").json == {"id": pid, "note": ""}


def test_clear_of_a_note_clears_it(cli):
    pid = cli("list", "--json", "--limit", "1").json["results"][0]["id"]
    assert cli("note", pid, "--set", "read the appendix").out == f"note saved: {pid}\n"
    done = cli("note", pid, "--clear")
    assert done.code == 0 and done.out == f"note cleared: {pid}\n"
    assert cli("show", pid, "--json").json["note"] in ("", None)
    assert cli("note", pid, "--clear").out == f"no note to clear: {pid} had none\n"


def test_reading_a_paper_without_a_note_says_so_on_stderr(cli):
    """`note ID` prints the note; without one, stdout stays empty (a script's `note ID > file`) and
    stderr says there is none, instead of printing nothing at all."""
    pid = cli("list", "--json", "--limit", "1").json["results"][0]["id"]
    none = cli("note", pid)
    assert none.code == 0 and none.out == "" and none.err == f"no note on {pid} (`note {pid} --set TEXT` writes one)\n"
    cli("note", pid, "--set", "see figure 2")
    some = cli("note", pid)
    assert some.out == "see figure 2\n" and some.err == ""
