"""Re-importing one's own CSV or BibTeX export changes nothing: every paper is "unchanged" and the
store is not written (no updated_at moved, no change-log row), whatever links the export's url
column carries (a link written in the abstract, a stored link under another label), and BibTeX's
primaryClass does not cut a paper's categories to one."""

from __future__ import annotations

import sqlite3

import pytest

from conftest import FIXTURES

SOURCES = ["bibtex/semantic_scholar_export_maomaocv_posts.bib", "bibtex/arxiv_export_2026_style_SRPO.bib",
           "hf-daily/daily_papers_2025-07-22.json", "arxiv-atom/arxivpy_2016_search_au_del_maestro.xml",
           "arxiv-oai/kaggle_oai_snapshot_first100.jsonl"]


def store_state(data_dir) -> tuple:
    conn = sqlite3.connect(f"file:{data_dir / 'library.sqlite3'}?mode=ro", uri=True)
    try:
        changes = conn.execute("SELECT count(*), max(seq) FROM changes").fetchone()
        rows = conn.execute("SELECT * FROM papers ORDER BY id").fetchall()
        return changes, rows
    finally:
        conn.close()


@pytest.mark.parametrize("fmt", ["csv", "bibtex"])
def test_reimporting_an_export_changes_nothing(cli, data_dir, tmp_path, fmt):
    assert cli("import", *(str(FIXTURES / rel) for rel in SOURCES)).code == 0
    out = tmp_path / f"export.{fmt}"
    assert cli("export", "--format", fmt, "-o", str(out)).code == 0
    papers = cli("stats", "--json").json["papers"]
    before = store_state(data_dir)
    again = cli("import", str(out), "--json")
    assert again.code == 0, again.err
    assert (again.json["added"], again.json["updated"], again.json["unchanged"]) == (0, 0, papers)
    assert store_state(data_dir) == before


def test_a_new_link_is_still_added_and_a_known_one_under_another_label_is_not(cli, tmp_path):
    path = tmp_path / "one.json"
    path.write_text('[{"title": "A paper with links", "abstract": "Code at https://github.com/a/b.",'
                    ' "url": "https://example.org/paper"}]')
    assert cli("import", str(path)).code == 0
    pid = cli("search", "title:links", "--json").json["results"][0]["id"]
    path.write_text('[{"title": "A paper with links", "code": "https://github.com/a/b", "link": "https://example.org/paper"}]')
    assert cli("import", str(path), "--json").json["unchanged"] == 1
    path.write_text('[{"title": "A paper with links", "project": "https://example.org/project"}]')
    assert cli("import", str(path), "--json").json["updated"] == 1
    urls = [link["url"] for link in cli("show", pid, "--json").json["links"]]
    assert urls.count("https://example.org/paper") == 1 and "https://example.org/project" in urls
    assert urls.count("https://github.com/a/b") == 1


def test_a_csv_cell_guarded_against_spreadsheets_reads_back_as_it_was(cli, data_dir, tmp_path):
    """export --format csv puts an apostrophe before a cell starting with = + @ (so a spreadsheet does
    not run it); import takes it off: the same titles and authors, nothing changed, in any library."""
    source = tmp_path / "formulas.json"
    source.write_text('[{"title": "@Home: robots at home", "abstract": "a"},'
                      ' {"title": "+1 tricks for training", "abstract": "b", "authors": ["=Eve Null"]},'
                      ' {"title": "\'Quoted\' titles stay quoted", "abstract": "c"}]')
    assert cli("import", str(source)).code == 0
    out = tmp_path / "formulas.csv"
    assert cli("export", "--format", "csv", "--query", "robots OR tricks OR quoted", "-o", str(out)).code == 0
    assert "'@Home" in out.read_text() and "'=Eve Null" in out.read_text()
    before = store_state(data_dir)
    again = cli("import", str(out), "--json").json
    assert (again["added"], again["updated"]) == (0, 0) and store_state(data_dir) == before
    other = tmp_path / "other"
    assert cli("--data-dir", str(other), "import", str(out)).code == 0
    titles = {r["title"] for r in cli("--data-dir", str(other), "search", "robots OR tricks OR quoted", "--json").json["results"]}
    assert {"@Home: robots at home", "+1 tricks for training", "'Quoted' titles stay quoted"} <= titles
    tricks = cli("--data-dir", str(other), "search", 'title:"tricks for training"', "--json").json["results"][0]["id"]
    assert cli("--data-dir", str(other), "show", tricks, "--json").json["authors"] == ["=Eve Null"]


def test_a_leading_minus_is_guarded_too_and_every_text_reads_back(cli, data_dir, tmp_path):
    """A spreadsheet runs '-2+3' as a formula as it does '=...': the export guards a leading '-' too; a
    text that already starts with apostrophes before a formula character keeps them through the round
    trip (the guard adds one, import takes one off)."""
    import csv
    import json

    titles = ["-5+3 degrees of freedom", "'=Quoted formula' as a title", "''+Two apostrophes",
              "Hyphen-ated - not at the start", "'Plain quoted' title"]
    rows = [{"title": t, "abstract": "zyzzyva", "authors": ["-Dash Author"]} for t in titles]
    source = tmp_path / "minus.json"
    source.write_text(json.dumps(rows))
    assert cli("import", str(source)).code == 0
    out = tmp_path / "minus.csv"
    assert cli("export", "--format", "csv", "--query", "zyzzyva", "-o", str(out)).code == 0
    cells = {row["title"]: row for row in csv.DictReader(out.open(encoding="utf-8"))}
    assert set(cells) == {"'-5+3 degrees of freedom", "''=Quoted formula' as a title", "'''+Two apostrophes",
                          "Hyphen-ated - not at the start", "'Plain quoted' title"}
    assert all(row["authors"] == "'-Dash Author" for row in cells.values())
    before = store_state(data_dir)
    again = cli("import", str(out), "--json").json
    assert (again["added"], again["updated"], again["unchanged"]) == (0, 0, len(titles))
    assert store_state(data_dir) == before
    other = tmp_path / "other"
    assert cli("--data-dir", str(other), "import", str(out)).code == 0
    shown = [cli("--data-dir", str(other), "show", row["id"], "--json").json for row in cells.values()]
    assert sorted(p["title"] for p in shown) == sorted(titles)
    assert all(p["authors"] == ["-Dash Author"] for p in shown)
