"""Import fidelity (issue 15): a JSON object keyed by arXiv id, bad records never silently dropped,
duplicates within a file merged and reported, precise values never replaced by vaguer ones, and
`show` telling a malformed id (exit 2) from an unknown one (exit 1). Real store, CLI in-process."""

from __future__ import annotations

import json
from pathlib import Path

EMAIL = Path(__file__).parent / "fixtures" / "arxiv_email_sample.txt"

KEYED = {
    "2312.17653": {"title": "LLM Augmented LLMs: Expanding Capabilities through Composition",
                   "abstract": "Foundational models with billions of parameters which have been trained on large corpora.",
                   "published": "2023-12-01", "authors": ["Rachit Bansal", "Bidisha Samanta"]},
    "2401.04088": {"title": "Mixtral of Experts", "abstract": "We introduce Mixtral 8x7B."},
}  # fmt: skip


def _write(tmp_path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_json_object_keyed_by_arxiv_id_is_read_like_a_list(cli, tmp_path):
    path = _write(tmp_path, "papers.json", json.dumps(KEYED, indent=2))
    out = cli("import", str(path), "--json")
    assert out.code == 0, out.err
    assert (out.json["added"], out.json["files"][0]["papers"]) == (2, 2)
    paper = cli("show", "2312.17653", "--json").json
    assert paper["id"] == "arxiv:2312.17653" and paper["published"] == "2023-12-01"
    assert paper["authors"] == ["Rachit Bansal", "Bidisha Samanta"]
    assert cli("show", "arxiv:2401.04088", "--json").json["title"] == "Mixtral of Experts"


def test_a_keyed_record_without_a_title_is_a_bad_record_with_its_line(cli, tmp_path):
    bad = dict(KEYED, **{"2402.00001": {"abstract": "no title here"}})
    path = _write(tmp_path, "papers.json", json.dumps(bad, indent=2))
    out = cli("import", str(path))
    assert out.code == 2 and out.err.count("\n") == 1
    assert out.err.startswith(f"{path}:") and "has no 'title' field" in out.err and "nothing was imported" in out.err
    line = int(out.err.split(":")[1])
    assert '"2402.00001"' in path.read_text().splitlines()[line - 1]
    assert cli("stats", "--json").json["papers"] == 201  # nothing imported
    skipped = cli("import", str(path), "--skip-bad", "--json")
    assert skipped.code == 0 and skipped.json["added"] == 2 and skipped.json["skipped"] == 1
    assert "has no 'title' field" in skipped.err


def test_an_email_entry_without_an_id_is_a_bad_record(cli, tmp_path):
    lines = EMAIL.read_text(encoding="utf-8").split("\n")
    number = lines.index("arXiv:2602.11901")
    lines[number] = "arXiv:"
    path = _write(tmp_path, "mail.txt", "\n".join(lines))
    out = cli("import", str(path))
    assert out.code == 2 and f"{path}:{number + 1}: an entry without an arXiv id" in out.err
    assert cli("stats", "--json").json["papers"] == 201
    skipped = cli("import", str(path), "--skip-bad", "--json")
    assert skipped.code == 0 and skipped.json["skipped"] == 1 and skipped.json["files"][0]["papers"] == 5
    assert f"skipped {path}:{number + 1}: an entry without an arXiv id" in skipped.err


def test_duplicates_within_one_file_are_merged_and_reported(cli, tmp_path):
    rows = [{"id": "2312.17653", "title": KEYED["2312.17653"]["title"], "abstract": KEYED["2312.17653"]["abstract"]},
            {"id": "2401.04088", "title": "Mixtral of Experts"},
            {"id": "arXiv:2312.17653v2", "title": KEYED["2312.17653"]["title"], "authors": "Rachit Bansal"}]  # fmt: skip
    path = _write(tmp_path, "list.json", "[\n" + ",\n".join(json.dumps(r) for r in rows) + "\n]")
    out = cli("import", str(path), "--json")
    assert out.code == 0
    assert out.json["files"][0]["duplicates"] == [{"id": "arxiv:2312.17653", "lines": [2, 4]}]
    # counted a paper at a time: the second entry (which adds an author) is not a paper 'updated'
    assert out.json["files"][0]["papers"] == 2
    assert (out.json["added"], out.json["updated"], out.json["unchanged"]) == (2, 0, 0)
    merged = cli("show", "2312.17653", "--json").json
    assert merged["authors"] == ["Rachit Bansal"] and merged["abstract"] == KEYED["2312.17653"]["abstract"]
    text = cli("import", str(path))
    assert f"{path}: json, 2 papers (1 repeated in the file: arxiv:2312.17653 lines 2, 4)\n" in text.out
    assert text.out.endswith("added 0, updated 0, unchanged 2\n")


def test_a_paper_repeated_in_a_file_is_one_paper(cli, tmp_path):
    """Three entries of one paper (one re-typed without its id, found by title) and one other: 2 papers,
    across two files of one command too."""
    title = KEYED["2312.17653"]["title"]
    rows = [{"id": "2312.17653", "title": title}, {"title": title.upper()}, {"title": "Only once here"},
            {"id": "2312.17653v3", "title": title}]
    path = _write(tmp_path, "list.json", "[\n" + ",\n".join(json.dumps(r) for r in rows) + "\n]")
    out = cli("import", str(path), "--json")
    assert out.code == 0, out.err
    assert out.json["files"][0]["papers"] == 2
    assert (out.json["added"], out.json["updated"], out.json["unchanged"]) == (2, 0, 0)
    assert cli("stats", "--json").json["papers"] == 201 + 2
    again = cli("import", str(path), str(_write(tmp_path, "same.json", json.dumps(rows[:1]))))
    assert again.out.splitlines() == [f"{path}: json, 2 papers (2 repeated in the file: arxiv:2312.17653 lines 2, 3, 5)",
                                      f"{tmp_path / 'same.json'}: json, 1 paper",
                                      "added 0, updated 0, unchanged 2"]


def test_a_precise_value_is_never_replaced_by_a_vaguer_one(cli, tmp_path):
    assert cli("import", str(_write(tmp_path, "papers.json", json.dumps(KEYED)))).code == 0
    bib = """@article{bansal2023llm,
  title = {LLM Augmented LLMs: Expanding Capabilities through Composition},
  author = {Bansal, Rachit and Samanta, Bidisha},
  year = {2023},
  eprint = {2312.17653},
  archivePrefix = {arXiv}
}
"""
    assert cli("import", str(_write(tmp_path, "later.bib", bib))).code == 0
    paper = cli("show", "2312.17653", "--json").json
    assert (paper["published"], paper["year"]) == ("2023-12-01", 2023)
    truncated = [{"id": "2312.17653", "title": KEYED["2312.17653"]["title"], "abstract": "Foundational models with billions of..."}]
    assert cli("import", str(_write(tmp_path, "short.json", json.dumps(truncated)))).code == 0
    assert cli("show", "2312.17653", "--json").json["abstract"] == KEYED["2312.17653"]["abstract"]
    # a more precise date, or a different abstract, still comes in
    better = [{"id": "2401.04088", "title": "Mixtral of Experts", "abstract": "A sparse mixture of experts.", "published": "2024-01-08"}]
    assert cli("import", str(_write(tmp_path, "better.json", json.dumps(better)))).code == 0
    mixtral = cli("show", "2401.04088", "--json").json
    assert (mixtral["published"], mixtral["abstract"]) == ("2024-01-08", "A sparse mixture of experts.")


def test_show_tells_a_malformed_id_from_an_unknown_one(cli):
    for malformed in ("foo bar", "arxiv:abc", "t:xyz", "12345"):
        out = cli("show", malformed)
        assert out.code == 2 and "is not a paper id" in out.err and out.err.count("\n") == 1, malformed
    for unknown in ("2401.99999", "arxiv:2401.99999", "t:0123456789ab", "https://arxiv.org/abs/2401.99999v2"):
        out = cli("show", unknown)
        assert out.code == 1 and "no paper with id" in out.err, unknown
    assert cli("star", "not an id").code == 2
