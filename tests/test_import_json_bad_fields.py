"""Generic JSON (and CSV) fields with values that cannot be read: a value of the wrong kind is a bad
record (FILE:LINE: record N: field 'X' ..., exit 2, nothing imported; --skip-bad leaves the record
out), never silently emptied; a date that is not one and a link that is not a web address are left
out of the paper (links are http(s) only, by design) and each is said on stderr and counted."""

from __future__ import annotations

import json

import pytest


def papers(cli) -> int:
    return cli("stats", "--json").json["papers"]


GOOD = {"title": "A good paper", "abstract": "Words.", "authors": ["Ada Lovelace"]}


@pytest.mark.parametrize("field, value, said", [
    ("authors", 42, "field 'authors' should be a list of names or text, not a number"),
    ("authors", {"name": "Ada"}, "field 'authors' should be a list of names or text, not an object"),
    ("authors", True, "field 'authors' should be a list of names or text, not true/false"),
    ("authors", ["Ada Lovelace", 7], "field 'authors' item 2 should be a name, not a number"),
    ("authors", ["Ada Lovelace", None], "field 'authors' item 2 should be a name, not null"),
    ("categories", 5, "field 'categories' should be a list of category names or text, not a number"),
    ("categories", {"cs": "LG"}, "field 'categories' should be a list of category names or text, not an object"),
    ("categories", ["cs.LG", ["cs.AI"]], "field 'categories' item 2 should be a category name, not a list"),
    ("arxiv_id", "hello", "field 'arxiv_id' 'hello' is not an arXiv id"),
    ("arxiv_id", 2401.00001, "field 'arxiv_id' should be an arXiv id as text (\"2401.00001\"), not a number"),
    ("code", 5, "field 'code' should be a web address as text, not a number"),
    ("url", ["https://example.org"], "field 'url' should be a web address as text, not a list"),
])
def test_a_value_of_the_wrong_kind_is_a_bad_record(cli, tmp_path, field, value, said):
    path = tmp_path / "papers.json"
    path.write_text("[" + json.dumps(GOOD) + ",\n" + json.dumps({"title": "A bad one", field: value}) + "]\n")
    before = papers(cli)
    out = cli("import", str(path))
    assert out.code == 2 and out.out == ""
    lines = out.err.strip().splitlines()
    assert lines == [f"{path}:2: record 2: {said} (nothing was imported)"]
    assert papers(cli) == before
    skipped = cli("import", "--skip-bad", str(path), "--json")
    assert skipped.code == 0 and skipped.json["added"] == 1 and skipped.json["skipped"] == 1
    assert f"{path}:2: record 2: {said}" in skipped.err


def test_values_left_out_are_said_and_counted(cli, tmp_path):
    path = tmp_path / "papers.json"
    path.write_text(json.dumps([
        {"title": "Dated badly", "published": "last tuesday", "code": "github.com/a/b"},
        {"title": "A local link", "url": "file:///etc/passwd", "year": 2021},
        {"title": "All fine", "published": "2023-12-01", "code": "https://github.com/a/b"},
    ], indent=None).replace("}, {", "},\n{"))
    out = cli("import", str(path))
    assert out.code == 0
    assert out.out.splitlines()[0] == f"{path}: json, 3 papers, 3 value(s) left out"
    err = out.err.strip().splitlines()
    assert err == [f"paperreader: {path}:1: left out code (not a web address: 'github.com/a/b')",
                   f"paperreader: {path}:1: left out published (not a date: 'last tuesday')",
                   f"paperreader: {path}:2: left out url (not a web address: 'file:///etc/passwd')"]
    dated = cli("search", "title:dated", "--json").json["results"][0]["id"]
    shown = cli("show", dated, "--json").json
    assert shown.get("published") is None and all("github.com/a/b" not in link["url"] for link in shown["links"])
    again = cli("import", str(path), "--json").json
    assert [len(f.get("dropped", [])) for f in again["files"]] == [3]


def test_csv_cells_are_said_too(cli, tmp_path):
    path = tmp_path / "papers.csv"
    path.write_text("title,published,code\nFour,someday,ftp://x.org/y\nFive,2020,https://github.com/c/d\n")
    out = cli("import", str(path))
    assert out.code == 0 and out.out.splitlines()[0] == f"{path}: csv, 2 papers, 2 value(s) left out"
    assert f"{path}:2: left out published (not a date: 'someday')" in out.err


def test_objects_with_names_and_other_ids_still_import(cli, tmp_path):
    path = tmp_path / "papers.json"
    path.write_text(json.dumps([{"title": "Named", "authors": [{"name": "Ada Lovelace"}, {"fullname": "Alan Turing"}],
                                 "id": "W12345", "categories": "cs.LG cs.AI", "year": 2021}]))
    out = cli("import", str(path), "--json")
    assert out.code == 0 and out.json["added"] == 1 and "dropped" not in out.json["files"][0] and out.err == ""
