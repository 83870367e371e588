"""`paperreader restore` given the JSON export (README calls it a full backup) says what it is and what
takes it (import), in one line, changing nothing; before, "not a paperreader library (not an SQLite database)"."""

from __future__ import annotations


def test_restore_of_a_json_export_points_to_import(cli, tmp_path):
    pid = cli("list", "--json", "--limit", "1").json["results"][0]["id"]
    assert cli("star", pid).code == 0
    export = tmp_path / "everything.json"
    assert cli("export", "--format", "json", "-o", str(export)).code == 0
    assert cli("unstar", pid).code == 0
    refused = cli("restore", str(export))
    assert refused.code == 2 and not refused.out
    assert refused.err == (f"paperreader: {export}: a JSON export, not a copy of the library (what `paperreader backup` makes): "
                           f"`paperreader import {export}` merges it into this library; nothing was changed\n")  # fmt: skip
    assert cli("show", pid, "--json").json["starred"] is False  # nothing changed
    other = tmp_path / "notes.txt"
    other.write_text("just some words\n", encoding="utf-8")
    assert "not a paperreader library (not an SQLite database)" in cli("restore", str(other)).err  # as before
    done = cli("import", str(export))  # what the message says works
    assert done.code == 0 and cli("show", pid, "--json").json["starred"] is True
