"""Export: BibTeX reads back to the same papers, the JSON backup restores every star, note and tag
into an empty library (and merges into a full one), Markdown and CSV have the promised shape, and
-o writes whole files only."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FIXTURES
from paperreader import export
from paperreader.model import UserState
from paperreader.sources import bibtex
from paperreader.store.records import PaperRecord
from paperreader.text import clean_line

SAMPLES = ["arxiv-atom/arxivpy_2016_search_au_del_maestro.xml", "hf-daily/daily_papers_2025-07-22.json",
           "bibtex/semantic_scholar_export_maomaocv_posts.bib", "arxiv-oai/kaggle_oai_snapshot_first100.jsonl"]  # fmt: skip
HUSPACY = "Hybrid lemmatization in HuSpaCy"


def sample_paths() -> list[str]:
    paths = [FIXTURES / rel for rel in SAMPLES]
    if not all(p.is_file() for p in paths):
        pytest.skip(f"shared fixtures not found under {FIXTURES}")
    return [str(p) for p in paths]


def empty_data_dir(path: Path) -> Path:
    """A data dir whose library is empty (the built-in corpus marked as already seeded)."""
    from paperreader.paths import resolve
    from paperreader.workspace import SEEDED, Workspace

    ws = Workspace.open(resolve(path), seed=False, backup=False)
    ws.library.set_meta(SEEDED, "1")
    ws.close()
    return path


@pytest.fixture
def library_with_state(cli):
    """The built-in corpus plus real samples, with stars, notes, tags, read marks and a saved search."""
    assert cli("import", *sample_paths()).code == 0
    huspacy = cli("search", f'title:"{HUSPACY}"', "--json").json["results"][0]["id"]
    cli("star", huspacy, "arxiv:1201.4869", "t:4a1c934d3d98")
    cli("read", "arxiv:0704.0001", "arxiv:1201.4869")
    cli("note", huspacy, "--set", "Lemmatizer: *hybrid*.\n\n- rules\n- dictionary")
    cli("note", "arxiv:1201.4869", "--set", "Luttinger liquid; see {braces} & 100% $x_1$")
    cli("tag", huspacy, "nlp", "hungarian")
    cli("tag", "t:4a1c934d3d98", "classic")
    from paperreader.paths import resolve
    from paperreader.workspace import Workspace

    ws = Workspace.open(resolve(None))
    ws.library.save_search("ssm papers", "mamba OR ssm")
    ws.close()
    return huspacy


def everything(store: Path) -> dict[str, dict]:
    """Every paper as `show --json` gives it (PaperRecord.full_json), with the star and read times."""
    from paperreader.store import Library

    library = Library(store)
    try:
        return {r.id: {**r.full_json(), "starred_at": r.starred_at, "read_at": r.read_at} for r in library.iter_records()}
    finally:
        library.close()


def test_bibtex_export_reads_back_to_the_same_papers(cli, library_with_state, tmp_path):
    target = tmp_path / "refs.bib"
    out = cli("export", "--format", "bibtex", "-o", str(target))
    assert out.code == 0 and out.out == "" and "exported" in out.err
    source = {r["id"]: r["title"] for r in cli("list", "--json").json["results"]}
    text = target.read_text(encoding="utf-8")
    assert text.count("@misc{") == len(source)
    keys = [line[6:-1] for line in text.splitlines() if line.startswith("@misc{")]
    assert len(set(keys)) == len(keys)

    other = empty_data_dir(tmp_path / "other")
    assert cli("--data-dir", str(other), "stats", "--json").json["papers"] == 0
    back = cli("--data-dir", str(other), "import", str(target), "--json")
    assert back.code == 0 and back.json["added"] == len(source)
    restored = {r["id"]: r["title"] for r in cli("--data-dir", str(other), "list", "--json").json["results"]}
    assert restored == source
    attention = cli("--data-dir", str(other), "show", "t:4a1c934d3d98", "--json").json
    assert attention["year"] == 2017 and attention["authors"][0] == "Ashish Vaswani"
    # the search links we write for id-less papers are not read back as links of the paper
    assert [link["kind"] for link in attention["links"]] == ["page", "search", "search", "search"]


def test_json_backup_restores_every_star_note_tag_and_read_mark(cli, library_with_state, tmp_path):
    backup = tmp_path / "backup.json"
    assert cli("export", "--format", "json", "-o", str(backup)).code == 0
    head = backup.read_text(encoding="utf-8").splitlines()[0]
    assert head.startswith('{"format": "paperreader-backup", "version": 1')
    store = Path(cli("paths", "--json").json["store"])
    before = everything(store)

    other = empty_data_dir(tmp_path / "other")
    out = cli("--data-dir", str(other), "import", str(backup), "--json")
    assert out.code == 0 and out.json["files"][0]["format"] == "backup"
    assert out.json["added"] == len(before)
    assert everything(other / "library.sqlite3") == before  # stars and read marks keep their times
    for pid in ("arxiv:1201.4869", "t:4a1c934d3d98", library_with_state):
        assert cli("--data-dir", str(other), "show", pid, "--json").json == cli("show", pid, "--json").json
    again = cli("--data-dir", str(other), "import", str(backup), "--json").json
    assert (again["added"], again["updated"]) == (0, 0)

    from paperreader.store import Library

    copy = Library(other / "library.sqlite3")
    try:
        assert copy.saved_searches() == [("ssm papers", "mamba OR ssm")]
    finally:
        copy.close()


def test_backup_merges_into_a_library_with_its_own_state(cli, library_with_state, tmp_path):
    huspacy = library_with_state
    backup = tmp_path / "backup.json"
    cli("export", "--format", "json", "--starred", "-o", str(backup))
    cli("note", huspacy, "--set", "A note written since the backup")
    cli("tag", huspacy, "later")
    cli("untag", "t:4a1c934d3d98", "classic")
    cli("unstar", "arxiv:1201.4869")
    out = cli("import", str(backup), "--json")
    assert out.code == 0 and out.json["added"] == 0
    paper = cli("show", huspacy, "--json").json
    assert paper["note"] == "A note written since the backup\n\n---\n\nLemmatizer: *hybrid*.\n\n- rules\n- dictionary"
    assert paper["tags"] == ["hungarian", "later", "nlp"]
    assert cli("show", "t:4a1c934d3d98", "--json").json["tags"] == ["classic"]
    assert cli("show", "arxiv:1201.4869", "--json").json["starred"]
    again = cli("import", str(backup), "--json").json
    assert (again["added"], again["updated"]) == (0, 0)
    assert cli("show", huspacy, "--json").json["note"] == paper["note"]


def test_markdown_lists_links_authors_tags_and_notes(cli, library_with_state):
    out = cli("export", "--starred", "--format", "markdown")
    assert out.code == 0
    text = out.out
    assert text.startswith("# Papers (starred)\n")
    assert "- [A Luttinger Liquid Core Inside Helium-4 Filled Nanopores](https://arxiv.org/abs/1201.4869)  ★\n" in text
    assert "  Adrian Del Maestro · 2012 · arXiv:1201.4869\n" in text
    assert "  Luttinger liquid; see {braces} & 100% $x_1$\n" in text
    assert f"- [{HUSPACY}](https://arxiv.org/search/?query=Hybrid+lemmatization+in+HuSpaCy&searchtype=title)" in text
    assert "  Tags: `hungarian` `nlp`\n\n  Lemmatizer: *hybrid*.\n\n  - rules\n  - dictionary\n" in text
    assert text.count("\n- [") + text.startswith("- [") == 3


def test_csv_columns_and_filters(cli, library_with_state):
    out = cli("export", "--tag", "nlp", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out.out)))
    assert rows[0] == ["id", "title", "authors", "year", "arxiv_id", "doi", "url", "tags", "starred", "note", "abstract"]
    assert len(rows) == 2 and rows[1][1] == HUSPACY and rows[1][7] == "hungarian nlp" and rows[1][8] == "true"
    assert rows[1][9].startswith("Lemmatizer:")
    out = cli("export", "--query", "helium nanopores", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out.out)))
    assert rows[0]["id"] == "arxiv:1201.4869" and rows[0]["authors"] == "Adrian Del Maestro"
    assert rows[0]["doi"] == "10.1142/S021797921244002X" and rows[0]["url"] == "https://arxiv.org/abs/1201.4869"
    both = cli("export", "--query", "helium", "--starred", "--format", "csv")
    assert [r["id"] for r in csv.DictReader(io.StringIO(both.out))] == ["arxiv:1201.4869"]
    assert cli("export", "--query", "title:(", "--format", "csv").code == 2


def test_output_file_is_written_whole_or_not_at_all(cli, library_with_state, tmp_path, monkeypatch):
    target = tmp_path / "out.csv"
    target.write_text("previous\n", encoding="utf-8")

    def broken(records, out):
        out.write("id,title\n")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export, "write_csv", broken)
    out = cli("export", "--format", "csv", "-o", str(target))
    assert out.code == 2 and "No space left on device" in out.err
    assert target.read_text(encoding="utf-8") == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "out.csv"]


# --- the public formatters -----------------------------------------------------------------------------


def record(**kw) -> PaperRecord:
    base = dict(id="arxiv:2401.00001", title="Attention Is All You Need", authors=("Ashish Vaswani", "Noam Shazeer"),
                arxiv_id="2401.00001", year=2017, published="2017-06-12", categories=("cs.CL", "cs.LG"))  # fmt: skip
    base.update(kw)
    return PaperRecord(**base)


def test_bibtex_entry_is_arxivs_style():
    assert export.bibtex_entry(record()) == (
        "@misc{vaswani2017attention,\n"
        "      title={Attention Is All You Need},\n"
        "      author={Ashish Vaswani and Noam Shazeer},\n"
        "      year={2017},\n"
        "      eprint={2401.00001},\n"
        "      archivePrefix={arXiv},\n"
        "      primaryClass={cs.CL},\n"
        "      url={https://arxiv.org/abs/2401.00001},\n"
        "}\n"
    )


def test_bibtex_entry_without_an_id_and_with_specials():
    rec = record(id="t:abc", arxiv_id=None, title="50% of {R&D} costs_$x^2$ ~ #1 \\o/", doi="10.1000/x_y",
                 authors=("Research and Development Team", "Smith, Jr."), categories=())  # fmt: skip
    entry = export.bibtex_entry(rec)
    assert "title={50\\% of \\{R\\&D\\} costs\\_$x^2$ \\textasciitilde{} \\#1 \\textbackslash{}o/}," in entry
    assert "author={{Research and Development Team} and {Smith, Jr.}}," in entry
    assert "eprint" not in entry and "doi={10.1000/x_y}," in entry and "url={https://doi.org/10.1000/x_y}," in entry
    (paper,) = bibtex.parse(entry, "e.bib")
    assert paper.title == rec.title and paper.authors == rec.authors and paper.doi == rec.doi


def test_a_key_on_its_own_is_arxivs_shape():
    """Keys within a library (suffixes for papers sharing one) are tested in test_citation.py."""
    assert export.bibtex_key(record()) == "vaswani2017attention"
    assert export.bibtex_key(record(authors=(), year=None, title="On the Müller–Brown surface")) == "muller"
    assert export.bibtex_key(record(authors=(), year=None, title="??")) == "paper"


def test_markdown_link_escapes_title_and_url():
    rec = record(title="[Re] *Fast* `code`_x", arxiv_id=None, id="t:1", doi=None, urls=())
    link = export.markdown_link(rec)
    assert link.startswith("[\\[Re\\] \\*Fast\\* \\`code\\`\\_x](https://arxiv.org/search/?query=")
    assert "(" not in link.split("](", 1)[1][:-1] and link.endswith(")")
    assert export.markdown_link(record()) == "[Attention Is All You Need](https://arxiv.org/abs/2401.00001)"


_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Co")), min_size=1, max_size=60)


@settings(max_examples=300, deadline=None)
@given(title=_TEXT, authors=st.lists(_TEXT, max_size=3))
def test_any_title_survives_bibtex_export_and_import(title, authors):
    # as the store holds them: cleaned on the way in (a title of only a bidi control is no title)
    rec = record(title=clean_line(title) or "x", authors=tuple(clean_line(a) for a in authors if clean_line(a)))
    papers = bibtex.parse(export.bibtex_entry(rec), "e.bib")
    assert len(papers) == 1
    assert papers[0].title == rec.title
    assert papers[0].authors == tuple(a for a in rec.authors if a.lower() != "others")
    assert papers[0].arxiv_id == rec.arxiv_id


def test_csv_cells_that_look_like_formulas_are_defused():
    out = io.StringIO()
    export.write_csv([record(title="=HYPERLINK(\"http://x\")", authors=("@me",))], out)
    row = list(csv.reader(io.StringIO(out.getvalue())))[1]
    assert row[1] == "'=HYPERLINK(\"http://x\")" and row[2] == "'@me"


def test_backup_record_round_trips_through_the_backup_parser():
    from paperreader.sources import backup

    rec = record(starred_at="2024-01-02T03:04:05+00:00", note="n", tags=("a", "b"))
    buf = io.StringIO()
    backup.write_backup([rec], buf, [("q", "x y")])
    parsed = backup.parse_backup(buf.getvalue(), "b.json")
    assert parsed.saved_searches == [("q", "x y")]
    (paper,) = parsed.papers
    assert paper.title == rec.title and paper.arxiv_id == rec.arxiv_id and paper.categories == rec.categories
    assert paper.state == UserState(starred_at=rec.starred_at, read_at=None, note="n", tags=("a", "b"))
    assert json.loads(buf.getvalue())["papers"][0]["id"] == "arxiv:2401.00001"
