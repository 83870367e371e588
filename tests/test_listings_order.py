"""Listings of one day are ordered by their times, newest first, as shown; before, by the order imported
(#3 22:09 listed above #2 22:10 when imported the other way round)."""

from __future__ import annotations

from conftest import FIXTURES

ATOM = FIXTURES / "arxiv-atom"
AT_22_09 = ATOM / "arxivpy_2026_search_all_testing_m10.xml"  # <updated> 2026-04-12T22:09
AT_22_10 = ATOM / "arxivpy_2026_id_quant-ph_0201082v1.xml"  # <updated> 2026-04-12T22:10


def test_listings_of_one_day_are_newest_first_by_time(cli):
    assert cli("import", str(AT_22_10)).code == 0  # the later one imported first
    assert cli("import", str(AT_22_09)).code == 0
    listed = cli("listings", "--json").json["listings"]
    atom = [(item["name"], item["date"][:16]) for item in listed if item["source"] == "arxiv-atom"]
    assert atom == [("arXiv: quant-ph/0201082v1", "2026-04-12T22:10"), ("arXiv: all:testing", "2026-04-12T22:09")]
    text = cli("listings").out
    assert text.index("22:10") < text.index("22:09")

    # what changed on the 22:10 listing is measured against the one before it from its source: 22:09's
    later, earlier = (item["id"] for item in listed if item["source"] == "arxiv-atom")
    changed = cli("diff", str(later), "--json").json
    assert changed["to"]["date"][:16] == "2026-04-12T22:10" and changed["from"]["date"][:16] == "2026-04-12T22:09"
    assert cli("diff", str(earlier), "--json").json["from"] is None  # nothing from arXiv before 22:09
    # the library's default order starts with the latest listing (by time: the built-in one is imported today),
    # then the older ones newest first: the 22:10 paper before the ten of 22:09
    ids = [r["id"] for r in cli("list", "--json", "--limit", "0").json["results"]]
    quant = ids.index("arxiv:quant-ph/0201082")
    testing = {p["id"] for p in cli("diff", str(earlier), "--json").json["added"]}
    assert len(testing) == 10 and quant < min(ids.index(pid) for pid in testing)
