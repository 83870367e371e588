"""A lone surrogate in a str: JSON's "\\ud800" escape in a file, or a command-line argument typed in a
Latin-1 terminal (Python reads argv with surrogateescape: b'\\xff' becomes '\\udcff'). SQLite and the
terminal cannot take one as UTF-8: importing such a file and `note --set`/`tag` with such an argument
ended in a UnicodeEncodeError traceback. The text cleaner (text.py, which everything entering the
store goes through) now shows each as U+FFFD."""

from __future__ import annotations

from paperreader.text import clean_block, clean_line, clean_tag, for_terminal


def test_the_cleaners_replace_lone_surrogates():
    assert clean_line("Surrogate \ud800 here") == "Surrogate \ufffd here"
    assert clean_block("a note\n\udcff") == "a note\n\ufffd"
    assert clean_tag("t\udcffx") == "t\ufffdx"
    assert for_terminal("q\udcff") == "q\ufffd"
    for text in ("Surrogate \ud800 here", "x\udfff"):
        clean_line(text).encode("utf-8")  # writable


def test_importing_a_json_with_a_lone_surrogate_escape(cli, tmp_path):
    path = tmp_path / "surrogate.json"
    path.write_text('[{"title": "Surrogate \\ud800 here", "abstract": "lone \\udfff in it"}]', encoding="utf-8")
    out = cli("import", str(path), "--json")
    assert out.code == 0, out.err
    assert out.json["added"] == 1
    found = cli("search", "title:surrogate", "--json").json["results"]
    assert "Surrogate \ufffd here" in [r["title"] for r in found]


def test_a_note_and_tags_with_lone_surrogates_are_stored(workspace):
    # the command line now refuses such an argument before it gets here (cli._check_text, 14085a1);
    # the library's own API, which the reader and scripts call, cleans what it stores
    pid = workspace.library.list_ids()[0]
    workspace.library.set_note(pid, "caf\udce9 au lait")
    workspace.library.add_tags(pid, ["r\udce9sum\udce9"])
    record = workspace.library.get_many([pid])[pid]
    assert workspace.library.note(pid).body == "caf\ufffd au lait"
    assert "r\ufffdsum\ufffd" in record.tags
