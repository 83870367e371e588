"""A CSV whose header names a column it reads twice (two 'Title's) is refused in one line naming the file and
the columns, and nothing of the command is imported; before, the first was taken silently."""

from __future__ import annotations

from conftest import FIXTURES


def _count(cli) -> int:
    return cli("stats", "--json").json["papers"]


def test_two_title_columns_refuse_the_file_naming_them(cli, tmp_path):
    before = _count(cli)
    table = tmp_path / "two titles.csv"
    table.write_text("Title,abstract,title\nA paper on quokkas,An abstract,The real title\n", encoding="utf-8")
    good = FIXTURES / "bibtex" / "arxiv_export_2026_style_SRPO.bib"
    refused = cli("import", str(good), str(table))
    assert refused.code == 2 and not refused.out
    assert refused.err.strip().splitlines() == [
        f"{table}:1: the header has 2 columns named 'title': columns 1 ('Title') and 3 ('title'); "
        "rename or remove all but one (nothing was imported)"
    ]
    assert _count(cli) == before  # not even the good file of the same command


def test_any_column_that_is_read_counts_and_others_may_repeat(cli, tmp_path):
    table = tmp_path / "abstracts.tsv"
    table.write_text("title\tAbstract\tnotes\t ABSTRACT \nA paper\tone\tx\ttwo\n", encoding="utf-8")
    refused = cli("import", str(table))
    assert refused.code == 2
    assert "columns named 'abstract': columns 2 ('Abstract') and 4 ('ABSTRACT')" in refused.err
    fine = tmp_path / "notes.csv"
    fine.write_text("title,Notes,notes\nA paper about wombats,x,y\n", encoding="utf-8")  # notes are not read
    done = cli("import", str(fine))
    assert done.code == 0 and "added 1," in done.out


def test_a_json_record_with_title_twice_in_two_spellings_is_refused_at_its_line(cli, tmp_path):
    before = _count(cli)
    records = tmp_path / "records.json"
    records.write_text('[{"title": "A fine paper about numbats"},\n {"Title": "A", "title": "B", "abstract": "x"}]\n', encoding="utf-8")
    refused = cli("import", str(records))
    assert refused.code == 2
    assert refused.err.strip() == f"{records}:2: record 2 has 2 fields named 'title': 'Title' and 'title'; keep one (nothing was imported)"
    assert _count(cli) == before
    skipped = cli("import", "--skip-bad", str(records))  # a bad record, as any other: skipped when asked
    assert skipped.code == 0 and "added 1," in skipped.out
    fine = tmp_path / "notes.jsonl"
    fine.write_text('{"title": "A paper about quolls", "Notes": 1, "notes": 2}\n', encoding="utf-8")
    assert cli("import", str(fine)).code == 0
