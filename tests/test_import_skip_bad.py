"""Per-record error collection in the parsers (what `import --skip-bad` needs): the good records
are kept, every bad one is listed with its line, and file-level damage still stops the file."""

from __future__ import annotations

import os

import pytest

from paperreader.sources import SourceError, arxiv_atom, arxiv_email, arxiv_oai, backup, bibtex, hf, tabular
from paperreader.sources.detect import check_sizes

ATOM = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <entry>
    <id>http://arxiv.org/abs/2401.00001v1</id>
    <title>Good one</title>
  </entry>
  <entry>
    <id>http://example.org/not-arxiv</id>
    <title>Bad id</title>
  </entry>
  <entry>
    <id>http://arxiv.org/abs/2401.00003v2</id>
    <title>Good three</title>
  </entry>
</feed>
"""


def collect(parse, text):
    errors: list[SourceError] = []
    papers = parse(text, "f", errors)
    return [p.title for p in papers], [(e.line, e.reason) for e in errors]


def test_atom_skips_a_bad_entry_and_names_its_line():
    with pytest.raises(SourceError) as caught:
        arxiv_atom.parse(ATOM, "f")
    assert caught.value.line == 7
    titles, errors = collect(arxiv_atom.parse, ATOM)
    assert titles == ["Good one", "Good three"]
    assert [line for line, _ in errors] == [7]


def test_atom_error_feed_is_never_skipped():
    feed = ATOM.replace("<title>Bad id</title>", "<title>Error</title>").replace(
        "http://example.org/not-arxiv", "http://arxiv.org/api/errors#incorrect_id_format_for_abc"
    )
    with pytest.raises(SourceError, match="arXiv answered with an error"):
        arxiv_atom.parse(feed, "f", [])


def test_oai_skips_bad_lines():
    good = '{"id": "0704.0001", "title": "A", "abstract": "x", "versions": [], "authors_parsed": []}'
    text = "\n".join([good, "{not json", '{"id": "nope", "title": "B"}', good.replace("0001", "0002")])
    titles, errors = collect(arxiv_oai.parse, text)
    assert titles == ["A", "A"]
    assert [line for line, _ in errors] == [2, 3]


def test_hf_skips_items_without_title():
    text = '[{"paper": {"id": "2401.00001", "title": "T"}},\n {"paper": {"id": "2401.00002"}}]'
    titles, errors = collect(hf.parse, text)
    assert titles == ["T"] and errors[0][0] == 2


def test_bibtex_resumes_after_an_unclosed_entry():
    text = "@misc{a,\n title={One},\n\n@misc{b, title={Two}}\n@misc{c, author={X}}\n@misc{d, title={Four}}\n"
    with pytest.raises(SourceError):
        bibtex.parse(text, "f")
    titles, errors = collect(bibtex.parse, text)
    assert titles == ["Two", "Four"]
    assert [line for line, _ in errors] == [1, 5]


def test_email_skips_a_bad_entry():
    entry = "\\\\\narXiv:{id}\nDate: Wed, 11 Feb 2026 19:02:44 GMT   (812kb,D)\n\nTitle: {title}\nAuthors: A B\n\\\\\n  Abstract.\n\\\\ ( https://arxiv.org/abs/{id} ,  812kb)\n" + "-" * 30 + "\n"
    text = entry.format(id="2602.00001", title="First") + entry.format(id="2602.00002", title="") + entry.format(id="2602.00003", title="Third")
    titles, errors = collect(arxiv_email.parse, text)
    assert titles == ["First", "Third"] and len(errors) == 1 and "no Title" in errors[0][1]


def test_csv_and_json_skip_bad_rows():
    titles, errors = collect(tabular.parse_csv, "title,abstract\nA,x\n,empty\nC,z\n")
    assert titles == ["A", "C"] and errors[0][0] == 3
    titles, errors = collect(tabular.parse_json, '[{"title": "A"},\n 3,\n {"title": "C"}]')
    assert titles == ["A", "C"] and errors[0][0] == 2


def test_csv_that_cannot_be_split_still_stops_the_file():
    with pytest.raises(SourceError):
        tabular.parse_csv('title,abstract\n"A,x\n', "f", [])


def test_backup_skips_malformed_papers():
    text = '{"format": "paperreader-backup", "version": 1,\n"papers": [\n{"id": "t:1", "title": "A"},\n{"id": "t:2", "title": 5},\n{"id": "t:3", "title": "C", "starred_at": "2024-01-02T03:04:05+00:00"}\n]}'
    titles, errors = collect(backup.parse, text)
    assert titles == ["A", "C"] and errors[0][0] == 4


def test_check_sizes_collects():
    papers = hf.parse('[{"paper": {"id": "2401.00001", "title": "T", "summary": "0123456789"}}]', "h.json")
    errors: list[SourceError] = []
    assert check_sizes(papers, "h.json", limit=5, errors=errors) == [] and len(errors) == 1


def test_a_backup_note_over_the_limit_names_the_file_and_the_paper(cli, data_dir, tmp_path):
    """The store refused it as 'the note is N bytes' with no file or paper: the check is now the
    parser's, so the line says where, and --skip-bad skips that paper alone."""
    source = tmp_path / "notes.json"
    source.write_text('{"format": "paperreader-backup", "version": 1,\n"papers": [\n{"id": "t:1", "title": "A"},\n'
                      '{"id": "t:2", "title": "B", "note": "' + "x" * 300_000 + '"}\n]}', encoding="utf-8")
    before = cli("stats", "--json").json
    out = cli("import", str(source))
    assert out.code == 2 and out.err.count("\n") == 1, out.err
    assert out.err.startswith(f"{source}:4: paper 2: 'note': the note is 300,000 bytes"), out.err
    assert cli("stats", "--json").json == before
    out = cli("import", "--skip-bad", str(source))
    assert out.code == 0 and cli("stats", "--json").json["papers"] == before["papers"] + 1


def test_importing_the_library_itself_is_refused_before_it_is_opened(cli, data_dir, tmp_path):
    """`import library.sqlite3` (or its -wal, a symlink or hard link to it) was read with open() by
    the process holding the store open, which drops SQLite's POSIX locks: it is refused first."""
    assert cli("stats").code == 0
    store = data_dir / "library.sqlite3"
    link = tmp_path / "old-library.json"
    link.symlink_to(store)
    hard = tmp_path / "hard.sqlite3"
    os.link(store, hard)
    before = cli("stats", "--json").json
    for given in (store, link, hard, data_dir / "library.sqlite3-wal"):
        out = cli("import", str(given))
        assert out.code == 2 and out.err.count("\n") == 1, out.err
        assert out.err.startswith(f"{given}: that is the library itself"), out.err
    assert cli("stats", "--json").json == before
    assert cli("check").code == 0
