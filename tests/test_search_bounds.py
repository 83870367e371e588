"""Searches are bounded: a phrase's slop and a word's fuzziness are capped (with a notice), every
search runs under a time budget, and a stopped engine ends its running search at once.

The corpus is the benchmark's generator (deterministic), where "neural network" is in most
papers: there an uncapped `"neural network"~1000` took 55 s at 30,000 papers. No test here times
anything: the budget is shown to trigger with a deadline already past, checked by the evaluator.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from paperreader.paths import resolve
from paperreader.search import budget
from paperreader.search.budget import SearchCancelled, SearchTimeout
from paperreader.search.limits import MAX_FUZZY_EDITS, MAX_SLOP
from paperreader.search.query import QueryError
from paperreader.workspace import Workspace

BENCH = Path(__file__).resolve().parent.parent / "bench"
PAPERS = 1500


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    sys.path.insert(0, str(BENCH))
    import generate

    data_dir = tmp_path_factory.mktemp("bounds") / "data"
    ws = Workspace.open(resolve(data_dir), seed=False, backup=False)
    ws.library.upsert([generate.to_paper(d) for d in generate.papers(PAPERS)])
    ws.ensure_index()
    ws.close()
    return data_dir


@pytest.fixture
def ws(generated):
    ws = Workspace.open(resolve(generated), seed=False, backup=False)
    ws.ensure_index()
    yield ws
    ws.close()


def phrases(q) -> list:
    from whoosh import query as wq

    found = []
    q.accept(lambda node: found.append(node) or node if isinstance(node, wq.Phrase) else node)
    return found


def test_a_large_slop_is_capped_and_the_user_told(ws):
    results = ws.engine.search('"neural network"~1000')
    assert results.total > 0
    assert phrases(results.parsed.whoosh) and all(p.slop == MAX_SLOP for p in phrases(results.parsed.whoosh))
    assert results.parsed.notices == [f"~1000 on a phrase is more than the limit of {MAX_SLOP}: searched with ~{MAX_SLOP}"]
    # at the cap, the same answer as asking for the cap
    assert results.total == ws.engine.search(f'"neural network"~{MAX_SLOP}').total
    small = ws.engine.search('"neural network"~3')
    assert small.parsed.notices == [] and all(p.slop == 3 for p in phrases(small.parsed.whoosh))


def test_a_large_fuzzy_distance_is_capped(ws):
    from whoosh import query as wq

    results = ws.engine.search("network~9")
    fuzzy = []
    results.parsed.whoosh.accept(lambda n: fuzzy.append(n) or n if isinstance(n, wq.FuzzyTerm) else n)
    assert fuzzy and all(f.maxdist == MAX_FUZZY_EDITS for f in fuzzy)
    assert results.parsed.notices and "limit of 2" in results.parsed.notices[0]


def test_the_evaluator_stops_at_the_deadline(ws):
    """The deadline passes while the search runs: the evaluator (not only the entry) checks it."""
    from whoosh import query as wq

    fast = ws.index.fast_search()
    uncapped = wq.Or([wq.Phrase(f, ["neural", "network"], slop=1000) for f in ("title", "abstract")])
    with budget.bounded(60.0) as running:
        running.deadline = 0.0  # long past
        with pytest.raises(SearchTimeout):
            fast.run(uncapped, 10)
    with budget.bounded(60.0):
        assert fast.run(wq.Phrase("abstract", ["neural", "network"], slop=5), 10).total > 0


def test_a_search_past_its_budget_is_a_one_line_query_error(ws):
    ws.engine.time_budget = -1.0  # a budget spent before the search starts: as a tiny one, without timing
    with pytest.raises(QueryError) as caught:
        ws.engine.search('"neural network"~10')
    assert isinstance(caught.value, SearchTimeout)
    message = str(caught.value)
    assert "took too long" in message and "simplify" in message and "\n" not in message
    ws.engine.time_budget = budget.SEARCH_SECONDS
    assert ws.engine.search('"neural network"~10').total > 0


def test_a_stopped_engine_ends_searches(ws):
    ws.engine.stop()
    with pytest.raises(SearchCancelled):
        ws.engine.search("neural network")
    with pytest.raises(SearchCancelled):
        ws.engine.ranked_ids(ws.engine.parse("neural"), 10)


def test_a_suggestion_search_shares_the_budget_of_the_search(ws):
    """A search inside another (did-you-mean tries its correction) does not restart the clock."""
    with budget.bounded(60.0) as outer:
        with budget.bounded(60.0) as inner:
            assert inner is outer


def test_the_cli_says_a_slop_was_capped_on_stderr(generated):
    run = subprocess.run([sys.executable, "-m", "paperreader", "--data-dir", str(generated), "search",
                          '"neural network"~1000', "--json", "--limit", "3"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["total"] > 0
    assert run.stderr.strip() == f"paperreader: ~1000 on a phrase is more than the limit of {MAX_SLOP}: searched with ~{MAX_SLOP}"
