"""Search as you type (search/expansion.py): a word being typed is scored only within the other
words' documents and its sums are kept between keystrokes; the top page and the total stay what
a plain evaluation (a fresh evaluator, nothing kept, nothing narrowed) gives, keystroke after
keystroke, on the benchmark's typed texts over a generated corpus."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from paperreader.search import expansion, lexicon
from paperreader.search.fast import FastSearch

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
import queries  # noqa: E402

PAPERS = 1500


@pytest.fixture(scope="module")
def typing_workspace(tmp_path_factory):
    from paperreader import paths
    from paperreader.workspace import Workspace

    directory = tmp_path_factory.mktemp("typing")
    ws = Workspace.open(paths.resolve(directory).ensure(), seed=False, backup=False)
    ws.library.upsert([generate.to_paper(d) for d in generate.papers(PAPERS)])
    ws.ensure_index()
    yield ws
    ws.close()


def _plain(ws, whoosh_query, monkeypatch):
    """The whole evaluation by a fresh evaluator that neither narrows nor keeps."""
    with monkeypatch.context() as m:
        m.setattr(expansion, "NARROW", 10**12)
        m.setattr(expansion, "KEPT_POSTINGS", 0)
        with ws.index.lock:
            return FastSearch(ws.index.searcher()).run(whoosh_query, 20)


def _typed(ws, strokes, monkeypatch, narrow: int) -> tuple[int, int]:
    monkeypatch.setattr(expansion, "NARROW", narrow)
    monkeypatch.setattr(lexicon, "LETTERS_KEPT", 3)  # letters read again as typing goes on
    narrowed = kept = 0
    with ws.index.lock:
        typing = FastSearch(ws.index.searcher())  # one evaluator for every keystroke, as the app's
    for _text, q in strokes:
        whoosh_query = ws.engine.parse(q).whoosh
        with ws.index.lock:
            got = typing.run(whoosh_query, 20)
        want = _plain(ws, whoosh_query, monkeypatch)
        assert got.top == want.top, q
        assert (got.total, got.exact) == (want.total, want.exact), q
        scores = typing._expansion_scores
        if scores is not None:
            kept = max(kept, len(scores._kept))
        narrowed += typing._within is None  # handed back after every AND
    return narrowed, kept


def test_typing_top_page_is_the_plain_evaluations(typing_workspace, monkeypatch):
    strokes = queries.keystrokes(12)
    assert sum(q.endswith("*") and " " in q for _t, q in strokes) > 20  # prefixes inside ANDs
    narrowed, kept = _typed(typing_workspace, strokes, monkeypatch, narrow=1)
    assert narrowed == len(strokes)
    assert kept > 0  # sums were kept and (later keystrokes) reused


def test_every_prefix_narrowed_or_not(typing_workspace, monkeypatch):
    """With every candidate set used to cut (NARROW 0 means: always), and never."""
    strokes = [(t, q) for t, q in queries.keystrokes(30) if " " in q][:40]
    _typed(typing_workspace, strokes, monkeypatch, narrow=0)
    _typed(typing_workspace, strokes, monkeypatch, narrow=10**12)


def test_narrowed_scores_are_the_whole_sums_within(typing_workspace, monkeypatch):
    """The narrowed sum of a prefix is the whole sum's entries for the documents asked about."""
    from whoosh import query as wq

    ws = typing_workspace
    with ws.index.lock:
        fast = FastSearch(ws.index.searcher())
        for field in ("title", "abstract", "author"):
            for prefix in ("m", "ne", "tra", "s"):
                node = wq.Prefix(field, prefix)
                monkeypatch.setattr(expansion, "KEPT_POSTINGS", 0)
                whole = expansion.ExpansionScores(fast).scores(node)
                within = set(range(0, PAPERS, 3))
                monkeypatch.setattr(expansion, "NARROW", 0)
                narrowed = expansion.ExpansionScores(fast).scores(node, within)
                assert narrowed == {d: s for d, s in whole.items() if d in within}, (field, prefix)
                assert whole, (field, prefix)
