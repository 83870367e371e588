"""Listings (issue 15): every ranked import records one, `listings`, `diff`, new since the last
visit (`seen`, `list --new`, `is:new`), saved searches from the CLI, `digest`, the default order and
listings kept in the JSON backup. Real store, real index, the CLI run in-process."""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURES

HF_DAY = FIXTURES / "hf-daily" / "daily_papers_2025-07-22.json"
HF_SEARCH = FIXTURES / "hf-daily" / "papers_search_q_kazakh.json"
ATOM_2016 = FIXTURES / "arxiv-atom" / "arxivpy_2016_search_au_del_maestro.xml"
EMAIL = __import__("pathlib").Path(__file__).parent / "fixtures" / "arxiv_email_sample.txt"


def _needs(*paths):
    for path in paths:
        if not path.is_file():
            pytest.skip(f"fixture not found at {path}")


def hf_day(tmp_path, day: str, order: list[int]):
    """A daily-papers file for `day` holding the real fixture's items `order` (indexes), in that order."""
    _needs(HF_DAY)
    items = json.loads(HF_DAY.read_text(encoding="utf-8"))
    chosen = []
    for k in order:
        item = dict(items[k])
        item["publishedAt"] = f"{day}T08:00:00.000Z"
        chosen.append(item)
    path = tmp_path / f"daily_papers_{day}.json"
    path.write_text(json.dumps(chosen), encoding="utf-8")
    return path, [f"arxiv:{items[k]['paper']['id']}" for k in order], [" ".join(items[k]["paper"]["title"].split()) for k in order]


def test_the_builtin_corpus_is_the_first_listing_and_nothing_is_new(cli):
    out = cli("listings", "--json")
    assert out.code == 0
    [first] = out.json["listings"]
    assert set(first) == {"id", "source", "name", "date", "papers", "added"}
    assert (first["source"], first["papers"], first["added"]) == ("pagedump", 201, 201)
    assert cli("list", "--new", "--json").json == {"total": 0, "results": []}
    assert cli("search", "is:new", "--json").json["total"] == 0


def test_every_ranked_format_records_a_listing_with_its_own_date_once(cli):
    _needs(HF_DAY, HF_SEARCH, ATOM_2016, EMAIL)
    assert cli("import", str(HF_DAY), str(ATOM_2016), str(EMAIL), str(HF_SEARCH)).code == 0
    found = {item["source"]: item for item in cli("listings", "--json").json["listings"]}
    assert set(found) == {"pagedump", "hf-daily", "arxiv-atom", "arxiv-email", "hf-search"}
    assert (found["hf-daily"]["date"], found["hf-daily"]["papers"], found["hf-daily"]["added"]) == ("2025-07-22", 16, 16)
    assert found["arxiv-atom"]["date"] == "2016-10-09T04:00:00+00:00"  # the feed's <updated>, in UTC
    assert found["arxiv-atom"]["name"] == "arXiv: au:del_maestro"
    assert (found["arxiv-email"]["date"], found["arxiv-email"]["name"]) == ("2026-02-12", "arXiv cs daily Subj-class")
    assert found["hf-search"]["papers"] == 9
    # the same files again: nothing new recorded
    assert cli("import", str(HF_DAY), str(ATOM_2016), str(EMAIL), str(HF_SEARCH)).code == 0
    assert len(cli("listings", "--json").json["listings"]) == 5
    # unranked formats record nothing
    bib = FIXTURES / "bibtex" / "arxiv_export_2026_style_SRPO.bib"
    _needs(bib)
    assert cli("import", str(bib)).code == 0
    assert len(cli("listings", "--json").json["listings"]) == 5


def test_listings_are_newest_first_with_added_counting_papers_new_to_the_library(cli, tmp_path):
    day1, ids1, _ = hf_day(tmp_path, "2025-07-21", [0, 1, 2, 3])
    day2, ids2, _ = hf_day(tmp_path, "2025-07-22", [2, 0, 4, 1])
    assert cli("import", str(day2)).code == 0
    assert cli("import", str(day1)).code == 0  # an older day imported later still sorts by its date
    listed = cli("listings", "--json").json["listings"]
    hf = [item for item in listed if item["source"] == "hf-daily"]
    assert [(i["date"], i["papers"], i["added"]) for i in hf] == [("2025-07-22", 4, 4), ("2025-07-21", 4, 1)]
    text = cli("listings").out
    assert "Hugging Face daily papers" in text and "2025-07-21" in text


def test_diff_shape_and_what_changed(cli, tmp_path):
    day1, ids1, titles = hf_day(tmp_path, "2025-07-21", [0, 1, 2, 3])
    day2, ids2, _ = hf_day(tmp_path, "2025-07-22", [2, 0, 4, 1])
    assert cli("import", str(day1)).code == 0 and cli("import", str(day2)).code == 0
    # the latest listing is the built-in one (dated when it was imported, today): name day 2, whose
    # previous listing from the same source is day 1
    day2_id = next(i["id"] for i in cli("listings", "--json").json["listings"] if i["date"] == "2025-07-22")
    out = cli("diff", str(day2_id), "--json")
    assert out.code == 0, out.err
    d = out.json
    assert set(d) == {"from", "to", "added", "dropped", "moved"}
    assert (d["from"]["date"], d["to"]["date"]) == ("2025-07-21", "2025-07-22")
    assert d["added"] == [{"id": ids2[2], "title": d["added"][0]["title"], "rank": 3}]
    assert d["dropped"] == [{"id": ids1[3], "title": titles[3], "rank": 4}]
    assert d["moved"] == [
        {"id": ids1[2], "title": titles[2], "from": 3, "to": 1},
        {"id": ids1[0], "title": titles[0], "from": 1, "to": 2},
        {"id": ids1[1], "title": titles[1], "from": 2, "to": 4},
    ]
    # explicit ids, both ways round
    a, b = d["from"]["id"], d["to"]["id"]
    assert cli("diff", str(a), str(b), "--json").json == d
    back = cli("diff", str(b), str(a), "--json").json
    assert [x["id"] for x in back["added"]] == [ids1[3]] and [x["id"] for x in back["dropped"]] == [ids2[2]]
    text = cli("diff", str(b)).out
    assert "entered (1):" in text and "climbed (1):" in text and "fell (2):" in text and "dropped (1):" in text
    assert "↑ 3 → 1" in text and "↓ 2 → 4" in text


def test_diff_bad_and_unknown_ids(cli):
    bad = cli("diff", "x")
    assert bad.code == 2 and bad.err.count("\n") == 1 and "not a listing id" in bad.err
    assert cli("diff", "99").code == 1
    assert cli("diff", "1", "2", "3").code == 2
    only = cli("diff", "--json").json  # one listing: everything entered, nothing before
    assert only["from"] is None and len(only["added"]) == 201


def test_new_since_the_last_visit_and_seen(cli, tmp_path):
    day, ids, _ = hf_day(tmp_path, "2025-07-22", [0, 1, 2])
    assert cli("import", str(day)).code == 0
    new = cli("list", "--new", "--json").json
    assert new["total"] == 3 and [r["id"] for r in new["results"]] == ids  # in the listing's rank order
    assert sorted(h["id"] for h in cli("search", "is:new", "--json").json["results"]) == sorted(ids)
    assert cli("search", "is:new", "--json", "--limit", "50").json["total"] == 3
    seen = cli("seen", "--json")
    assert seen.code == 0 and seen.json["were_new"] == 3
    assert cli("list", "--new", "--json").json["total"] == 0
    assert cli("search", "is:new", "--json").json["total"] == 0
    bad = cli("search", "is:newest", "--json")
    assert bad.code == 2 and "is:new" in bad.err


def test_saved_searches_from_the_cli_are_the_readers(cli, data_dir):
    assert cli("saved", "list", "--json").json == {"saved": []}
    added = cli("saved", "add", "ssm", "mamba", "OR", '"state space"', "--json")
    assert added.code == 0 and added.json == {"saved": "ssm", "query": 'mamba OR "state space"', "replaced": False}
    assert cli("saved", "add", "ssm", "mamba", "--json").json["replaced"] is True
    assert cli("saved", "list", "--json").json == {"saved": [{"name": "ssm", "query": "mamba"}]}
    bad = cli("saved", "add", "broken", "title:(")
    assert bad.code == 2 and bad.err.count("\n") == 1
    assert cli("saved", "rm", "nope").code == 1
    from paperreader.paths import resolve
    from paperreader.store import Library

    lib = Library(resolve(data_dir).store)
    try:
        assert lib.saved_searches() == [("ssm", "mamba")]  # what the reader's saved-search screen reads
    finally:
        lib.close()
    assert cli("saved", "rm", "ssm").code == 0
    assert cli("saved", "list").out.startswith("no saved searches")


def test_digest_json_shape_and_markdown(cli, tmp_path):
    day, ids, titles = hf_day(tmp_path, "2025-07-22", list(range(16)))
    assert cli("saved", "add", "rl", "reinforcement").code == 0
    assert cli("saved", "add", "none", "zzzunmatchedword").code == 0
    empty = cli("digest", "--json").json
    assert empty["new"] == 0 and all(s["papers"] == [] for s in empty["searches"])
    assert cli("import", str(day)).code == 0
    d = cli("digest", "--json").json
    assert set(d) >= {"since", "searches"} and d["new"] == 16
    by_name = {s["name"]: s for s in d["searches"]}
    assert by_name["none"]["papers"] == []
    rl = by_name["rl"]
    assert rl["query"] == "reinforcement" and rl["papers"], "the fixture day has reinforcement-learning papers"
    assert {"id", "title", "links", "url", "authors", "published"} <= set(rl["papers"][0])
    assert all(p["id"] in ids for p in rl["papers"]) and rl["total"] == len(rl["papers"])
    assert any(link["kind"] == "abs" for link in rl["papers"][0]["links"])
    md = cli("digest").out
    assert md.startswith("# New papers since ") and "## rl (" in md and "](https://arxiv.org/abs/" in md
    # --since: papers added on or after a date (all of them here); a future date finds none
    assert cli("digest", "--since", "2000-01-01", "--json").json["new"] == 201 + 16
    assert cli("digest", "--since", "2999-01-01", "--json").json["new"] == 0
    assert cli("digest", "--since", "yesterday").code == 2
    cli("seen")
    assert cli("digest", "--json").json["new"] == 0


def test_default_order_is_the_latest_listings_rank_then_older_then_the_rest(cli, tmp_path):
    day1, ids1, _ = hf_day(tmp_path, "2025-07-21", [5, 6])
    day2, ids2, _ = hf_day(tmp_path, "2025-07-22", [7, 5, 8])
    assert cli("import", str(day1)).code == 0 and cli("import", str(day2)).code == 0
    listed = [r["id"] for r in cli("list", "--json").json["results"]]
    # newest listing by date is the built-in one (imported at today's date): it comes first
    builtin = 201
    assert len(listed) == builtin + 4
    assert listed[builtin : builtin + 4] == [ids2[0], ids2[1], ids2[2], ids1[1]]
    from paperreader.store import listing

    assert listing.ORDERS == ("listing", "added", "published", "title", "starred")


def test_the_json_backup_keeps_listings(cli, tmp_path, data_dir, monkeypatch):
    day, ids, _ = hf_day(tmp_path, "2025-07-22", [0, 1, 2])
    assert cli("import", str(day)).code == 0
    backup = tmp_path / "backup.json"
    assert cli("export", "--format", "json", "-o", str(backup)).code == 0
    before = cli("listings", "--json").json["listings"]
    other = tmp_path / "other"
    from paperreader.cli import main

    assert main(["--data-dir", str(other), "import", str(backup)]) == 0
    assert main(["--data-dir", str(other), "import", str(backup)]) == 0  # twice: nothing doubled
    main(["--data-dir", str(other), "listings", "--json"])
    from paperreader.paths import resolve
    from paperreader.store import Library, listings

    lib = Library(resolve(other).store)
    try:
        # the other library's own built-in listing is the same listing (the same fingerprint): kept once
        after = [item.json() for item in listings.all_listings(lib)]
        assert sorted((i["source"], i["name"], i["papers"]) for i in after) == sorted(
            (i["source"], i["name"], i["papers"]) for i in before
        )
        hf = next(i for i in listings.all_listings(lib) if i.source == "hf-daily")
        assert listings.ranked(lib, hf.id) == ids
    finally:
        lib.close()


from test_fetch_http import server  # noqa: E402,F401 (the recorded-responses HTTP server fixture)


def test_fetch_records_listings_once(cli, server):
    assert cli("fetch", "hf", "--date", "2025-07-22").code == 0
    assert cli("fetch", "arxiv", "del", "maestro", "--max", "10", "--delay", "0").code == 0
    found = {i["source"]: i for i in cli("listings", "--json").json["listings"]}
    assert (found["hf-daily"]["date"], found["hf-daily"]["papers"], found["hf-daily"]["added"]) == ("2025-07-22", 16, 16)
    atom = found["arxiv-atom"]
    assert (atom["name"], atom["date"], atom["papers"]) == ("arXiv: del maestro", "2016-10-09T04:00:00+00:00", 10)
    assert cli("fetch", "hf", "--date", "2025-07-22").code == 0
    assert cli("fetch", "arxiv", "del", "maestro", "--max", "10", "--delay", "0").code == 0
    assert len(cli("listings", "--json").json["listings"]) == 3  # the same answers again: nothing new


def test_a_library_made_before_listings_gets_the_builtin_listing_and_a_mark(cli, data_dir):
    """A store upgraded to migration 3 has no listings and no visit mark: the first open records
    the built-in corpus (nothing new to the library: added 0) and starts the mark at now."""
    import sqlite3

    from paperreader.paths import resolve

    assert cli("stats").code == 0  # a library seeded from the built-in corpus
    conn = sqlite3.connect(resolve(data_dir).store)
    with conn:
        conn.execute("DELETE FROM listings")
        conn.execute("DELETE FROM meta WHERE key LIKE 'visit.%' OR key = 'listings_ready'")
    conn.close()
    [first] = cli("listings", "--json").json["listings"]
    assert (first["source"], first["name"], first["papers"], first["added"]) == ("pagedump", "Trending papers (built-in)", 201, 0)
    assert cli("list", "--new", "--json").json["total"] == 0
