"""The digest after a big import: tens of thousands of new papers. Each saved search was ANDed with
one id term per new paper (a Whoosh Or of 60,000 terms at 60k new papers: 4 s of CPU a saved search,
and "the search took too long" for the word 'kazakh' on a loaded machine). Past a few hundred new
papers the saved search now runs as typed and its hits are kept when new: the same papers, in the
same order, for any size of the new set."""

from __future__ import annotations

import json

from paperreader import digest
from paperreader.search.engine import SearchEngine

MANY = 1500  # more new papers than digest restricts the query to by id


def _library(cli, tmp_path, n):
    rows = [{"title": f"Zebra finch song learning part {i}", "abstract": f"Songbirds and zebra finches, study {i}."}
            for i in range(n)]
    rows += [{"title": f"Quokka ecology {i}", "abstract": "Marsupials on Rottnest."} for i in range(20)]
    path = tmp_path / "many.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    assert cli("import", str(path)).code == 0
    assert cli("saved", "add", "finches", "zebra finch").code == 0
    assert cli("saved", "add", "quokka", "title:quokka").code == 0


def _evaluated_id_terms(engine) -> list[int]:
    """How many id terms each query handed to the evaluator held (the real call goes on)."""
    seen: list[int] = []
    original = SearchEngine.ranked_ids

    def counting(self, parsed, limit):
        seen.append(sum(1 for t in parsed.whoosh.all_terms() if t[0] == "id"))
        return original(self, parsed, limit)

    engine.ranked_ids = counting.__get__(engine)
    return seen


def test_a_digest_of_many_new_papers_runs_each_saved_search_as_typed(cli, tmp_path, workspace):
    _library(cli, tmp_path, MANY)
    seen = _evaluated_id_terms(workspace.engine)
    built = digest.build(workspace, since="2000-01-01")
    assert built["new"] == MANY + 20 + 201  # the built-in corpus is new since 2000 too
    by_name = {s["name"]: s for s in built["searches"]}
    assert by_name["finches"]["total"] == MANY and "error" not in by_name["finches"]
    assert by_name["quokka"]["total"] == 20
    assert seen and max(seen) <= digest.RESTRICT_BY_ID, seen


def test_the_same_papers_in_the_same_order_either_way(cli, tmp_path, workspace):
    _library(cli, tmp_path, MANY)
    since, new = digest.new_set(workspace.library, "2000-01-01")
    for query in ("zebra finch", "title:quokka", "songbirds OR marsupials", "zebra -part", "how do finches learn songs?"):
        small = set(sorted(new)[::10])  # a new set small enough to be a query of ids
        assert 0 < len(small) <= digest.RESTRICT_BY_ID < len(new)
        big = digest.matching(workspace.engine, query, new)  # by filtering the hits
        assert digest.matching(workspace.engine, query, small) == [p for p in big if p in small], query
