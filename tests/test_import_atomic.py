"""Nothing half-imported: a bad file (or one bad file among good ones) changes nothing, byte for byte,
and says FILE:LINE; --skip-bad imports the good records and lists the bad; merging keeps user state."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from conftest import FIXTURES

GOOD_BIB = """@misc{a2024one,
  title={A First Good Paper},
  author={Ann Author and Bob Writer},
  year={2024},
  eprint={2401.00001},
  archivePrefix={arXiv},
  primaryClass={cs.LG}
}

@misc{b2024two,
  title={A Second Good Paper},
  year={2023}
}
"""
BAD_BIB = GOOD_BIB + """
@article{broken,
  author={No Title Here},
  year={2020}
}

@misc{c2024three,
  title={A Third Good Paper},
  eprint={2401.00003}
}
"""


def store_hash(data_dir: Path) -> str:
    """Every row of every table of the store, hashed: "changes nothing" means this is equal."""
    conn = sqlite3.connect(f"file:{data_dir / 'library.sqlite3'}?mode=ro", uri=True)
    digest = hashlib.sha256()
    try:
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
            for row in sorted(map(repr, conn.execute(f"SELECT * FROM {table}"))):
                digest.update(f"{table}:{row}\n".encode())
    finally:
        conn.close()
    return digest.hexdigest()


@pytest.fixture
def files(tmp_path):
    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def test_a_bad_file_changes_nothing_and_names_file_and_line(cli, data_dir, files):
    cli("stats")  # the built-in corpus is in
    stats, digest = cli("stats", "--json").json, store_hash(data_dir)
    bad = files("refs.bib", BAD_BIB)
    out = cli("import", str(bad))
    assert out.code == 2 and out.out == ""
    assert out.err.strip().splitlines() == [f"{bad}:15: entry 'broken' has no title (nothing was imported)"]
    assert cli("stats", "--json").json == stats
    assert store_hash(data_dir) == digest


def test_one_bad_file_among_good_ones_imports_none_of_them(cli, data_dir, files):
    cli("stats")
    digest = store_hash(data_dir)
    good = files("good.bib", GOOD_BIB)
    bad_json = files("bad.json", '[{"title": "Fine"},\n {"title": "Also fine"},\n {"abstract": "no title"}]')
    bad_atom = files("cut.xml", '<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n<entry>\n')
    out = cli("import", str(good), str(bad_json), str(bad_atom))
    assert out.code == 2
    lines = out.err.strip().splitlines()
    assert lines[0].startswith(f"{bad_json}:3: record 3 has no 'title' field")
    assert lines[1].startswith(f"{bad_atom}:4: not well-formed XML") and lines[1].endswith("(nothing was imported)")
    assert store_hash(data_dir) == digest
    assert cli("show", "arxiv:2401.00001").code == 1


def test_skip_bad_imports_the_good_and_lists_the_bad(cli, files):
    bad = files("refs.bib", BAD_BIB)
    unreadable = files("cut.xml", '<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n<entry>\n')
    out = cli("import", "--skip-bad", "--json", str(bad), str(unreadable))
    assert out.code == 0
    result = out.json
    assert (result["added"], result["updated"], result["unchanged"], result["skipped"]) == (3, 0, 0, 2)
    assert result["files"][0]["skipped"] == [f"{bad}:15: entry 'broken' has no title"]
    assert result["files"][1]["papers"] == 0 and "not well-formed XML" in result["files"][1]["skipped"][0]
    assert f"skipped {bad}:15: entry 'broken' has no title" in out.err
    assert cli("show", "arxiv:2401.00003", "--json").json["title"] == "A Third Good Paper"


def test_unknown_format_and_missing_file_are_one_line_errors(cli, files, tmp_path):
    out = cli("import", str(tmp_path / "nope.bib"))
    assert out.code == 2 and out.err.strip() == f"{tmp_path / 'nope.bib'}: no such file (nothing was imported)"
    mystery = files("notes.txt", "just some words\nand more words\n")
    out = cli("import", str(mystery))
    assert out.code == 2 and "cannot tell the format" in out.err and len(out.err.strip().splitlines()) == 1
    out = cli("import", str(tmp_path))
    assert out.code == 2 and "is a folder" in out.err


def test_forced_format_that_does_not_fit(cli, files):
    bib = files("refs.bib", GOOD_BIB)
    out = cli("import", "--format", "arxiv-atom", str(bib))
    assert out.code == 2 and out.err.startswith(f"{bib}:1: not well-formed XML")


def test_not_utf8_names_the_line(cli, tmp_path):
    path = tmp_path / "latin1.bib"
    path.write_bytes(GOOD_BIB.replace("Writer", "Wr\xefter").encode("latin-1"))
    out = cli("import", str(path))
    assert out.code == 2 and out.err.startswith(f"{path}:3: not UTF-8")


def test_a_title_of_control_characters_only_is_a_bad_record(cli, files):
    path = files("x.json", '[{"title": "Good"},\n {"title": "\\u001b[31m\\u0007"}]')
    out = cli("import", str(path))
    assert out.code == 2 and out.err.startswith(f"{path}:2: record 2 has no title")
    assert cli("import", "--skip-bad", str(path)).code == 0


HUSPACY = "Hybrid lemmatization in HuSpaCy"
ATOM_HUSPACY = f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <entry>
    <id>http://arxiv.org/abs/2304.02917v2</id>
    <published>2023-04-06T07:40:23Z</published>
    <title>Hybrid lemmatization in
  HuSpaCy</title>
    <summary>Lemmatization is still not a trivial task for morphologically rich languages.</summary>
    <author><name>Gy\u00f6rgy Orosz</name></author>
    <author><name>Gerg\u0151 Szab\u00f3</name></author>
    <arxiv:comment>Code: https://github.com/huspacy/huspacy</arxiv:comment>
    <arxiv:primary_category term="cs.CL"/>
    <category term="cs.CL"/>
  </entry>
</feed>
"""


@pytest.mark.parametrize("kind", ["atom", "bibtex"])
def test_builtin_paper_gains_its_arxiv_id_and_keeps_star_note_and_tags(cli, files, kind):
    found = cli("search", f'title:"{HUSPACY}"', "--json").json["results"]
    old = found[0]["id"]
    assert old.startswith("t:")
    assert cli("star", old).code == 0
    assert cli("note", old, "--set", "Compare with spaCy's lemmatizer").code == 0
    assert cli("tag", old, "nlp", "hungarian").code == 0
    if kind == "atom":
        path = files("huspacy.xml", ATOM_HUSPACY)
    else:
        path = files("huspacy.bib", "@misc{orosz2023hybrid,\n  title={Hybrid Lemmatization in {HuSpaCy}},\n"
                     "  author={Gy{\\\"o}rgy Orosz and Gerg{\\H{o}} Szab{\\'o}},\n  year={2023},\n  eprint={2304.02917},\n"
                     "  archivePrefix={arXiv},\n  primaryClass={cs.CL},\n  url={https://arxiv.org/abs/2304.02917}\n}\n")
    out = cli("import", str(path), "--json")
    assert (out.json["added"], out.json["updated"]) == (0, 1)
    paper = cli("show", old, "--json").json  # the old id still finds it
    assert paper["id"] == "arxiv:2304.02917" and paper["arxiv_id"] == "2304.02917"
    assert paper["authors"] == ["György Orosz", "Gergő Szabó"]
    assert paper["starred"] and paper["note"] == "Compare with spaCy's lemmatizer" and paper["tags"] == ["hungarian", "nlp"]
    kinds = [link["kind"] for link in paper["links"]]
    assert kinds[:3] == ["abs", "pdf", "hf"] and "search" not in kinds
    assert paper["links"][0]["url"] == "https://arxiv.org/abs/2304.02917"
    assert paper["abstract"].startswith("Lemmatization is still not a trivial task")
    assert cli("stats", "--json").json["papers"] == 201
    hits = cli("search", "huspacy", "--json").json["results"]
    assert [h["id"] for h in hits] == ["arxiv:2304.02917"] and hits[0]["starred"]
    again = cli("import", str(path), "--json").json
    assert (again["added"], again["updated"], again["unchanged"]) == (0, 0, 1)


def test_bad_oai_line_refuses_the_snapshot_before_writing(cli, data_dir, tmp_path):
    src = FIXTURES / "arxiv-oai" / "kaggle_oai_snapshot_first100.jsonl"
    if not src.is_file():
        pytest.skip(f"shared fixture not found at {src}")
    lines = src.read_text(encoding="utf-8").splitlines()
    lines[57] = json.dumps({**json.loads(lines[57]), "title": 42})
    path = tmp_path / "snap.json"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    cli("stats")
    digest = store_hash(data_dir)
    out = cli("import", str(path))
    assert out.code == 2 and out.err.strip().splitlines()[-1] == (
        f"{path}:58: field 'title' should be a string, not int (nothing was imported)"
    )
    assert store_hash(data_dir) == digest
    out = cli("import", "--skip-bad", "--json", str(path))
    assert out.code == 0 and out.json["added"] == 99 and out.json["skipped"] == 1
    assert out.json["files"][0]["skipped"] == [f"{path}:58: field 'title' should be a string, not int"]
