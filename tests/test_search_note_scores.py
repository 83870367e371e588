"""A word in a note scores as a word in a field of that length does, not near 0: BM25F's length
normalisation divides by the field's average length, and for the user's own fields (note, tag), which
most papers lack, that average is over the papers that have one (over all 201 papers, a 3-word note
counted as ~150 times the average and `note:quokka` scored 0.08 in the CLI's listing)."""

from __future__ import annotations

import json


def test_a_note_match_is_not_scored_near_zero(cli, tmp_path):
    source = tmp_path / "one.json"
    source.write_text(json.dumps([{"title": "Burrowing marsupials", "abstract": "We watched a quokka for a year and "
                                   "counted the burrows it dug, the food it ate and the hours it slept in the shade."}]))
    assert cli("import", str(source)).code == 0
    noted = cli("search", "mamba", "--limit", "1", "--json").json["results"][0]["id"]
    assert cli("note", noted, "--set", "quokka thoughts on this hybrid").code == 0
    found = cli("search", "note:quokka", "--json").json["results"]
    assert [r["id"] for r in found] == [noted] and found[0]["score"] > 1.0
    assert "score 0.0" not in cli("search", "note:quokka").out
    both = {r["id"]: r["score"] for r in cli("search", "quokka", "--json").json["results"]}  # a bare word: note and abstract
    assert len(both) == 2 and both[noted] > 1.0
