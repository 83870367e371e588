"""A saved search in the digest finds what the same text finds in the search box. The digest read
each saved query with the strict parser only: a question (`how do zebra finches learn songs?`, the
reader's S saves what was typed) became `how AND do AND ... AND songs?` (`songs?`: a wildcard) and
matched nothing, and pasted ids (`2401.00001 2401.00002`) matched nothing, however new the papers."""

from __future__ import annotations

import json

from paperreader import digest

QUESTION = "how do zebra finches learn their songs?"


def _import(cli, tmp_path):
    rows = [
        {"title": "Zebra finches learn songs from tutors", "abstract": "How juvenile zebra finches learn.", "arxiv_id": "2401.00001"},
        {"title": "Song learning in zebra finches", "abstract": "Finches learn their songs by practice.", "arxiv_id": "2401.00002"},
        {"title": "Quokka ecology", "abstract": "Marsupials on Rottnest.", "arxiv_id": "2401.00003"},
    ]
    path = tmp_path / "new.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    assert cli("import", str(path)).code == 0


def test_a_question_saved_as_typed_finds_the_new_papers_the_search_finds(cli, tmp_path, workspace):
    _import(cli, tmp_path)
    assert cli("saved", "add", "finches", QUESTION).code == 0
    searched = json.loads(cli("search", "--json", QUESTION).out)
    every_word = [r["id"] for r in searched["results"] if r["match"] == "all"]
    assert sorted(every_word) == ["arxiv:2401.00001", "arxiv:2401.00002"]
    built = digest.build(workspace, since="2000-01-01")
    entry = {s["name"]: s for s in built["searches"]}["finches"]
    assert "error" not in entry
    assert sorted(p["id"] for p in entry["papers"]) == sorted(every_word)
    assert entry["total"] == 2


def test_saved_ids_list_those_papers_when_new(cli, tmp_path, workspace):
    _import(cli, tmp_path)
    assert cli("saved", "add", "mine", "2401.00003 arXiv:2401.00001").code == 0
    built = digest.build(workspace, since="2000-01-01")
    entry = {s["name"]: s for s in built["searches"]}["mine"]
    assert [p["id"] for p in entry["papers"]] == ["arxiv:2401.00003", "arxiv:2401.00001"]  # in the order saved
    since, new = digest.new_set(workspace.library, "2000-01-01")
    big = set(new) | {f"t:{i:012x}" for i in range(digest.RESTRICT_BY_ID + 1)}  # the other way: filtering the hits
    assert digest.matching(workspace.engine, "2401.00003 arXiv:2401.00001", big) == ["arxiv:2401.00003", "arxiv:2401.00001"]
