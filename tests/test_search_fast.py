"""The fast paths of search give the same answers as Whoosh's own (no timings here)."""

import pytest

from paperreader.search import fast
from paperreader.search.formats import CompactPositions
from paperreader.search.schema import fast_analysis, name_analyzer, tag_analyzer, text_analyzer

TEXTS = [
    "The état-of-the-art e.g. U.S.A. naïve Über café 3.5x x_y don't",
    "Mamba: Linear-Time Sequence Modeling with Selective State Spaces",
    "the a of an is",
    "José Ñúñez O'Brien\nAn Is",
    "to-read  Mamba X is",
    "",
]


@pytest.mark.parametrize("make", [text_analyzer, name_analyzer, tag_analyzer], ids=lambda m: m.__name__)
def test_fast_analysis_is_the_analyzer(workspace, make):
    analyzer = make()
    quick = fast_analysis(analyzer)
    assert quick is not None
    texts = TEXTS + [r.title + "\n" + r.abstract for r in workspace.library.iter_records()][:200]
    for text in texts:
        assert list(quick.terms(text)) == [(t.text, t.pos) for t in analyzer(text, positions=True, mode="index")]
        assert list(quick.spans(text)) == [(t.text, t.startchar, t.endchar) for t in analyzer(text, chars=True, mode="index")]


def test_compact_positions_round_trip():
    fmt = CompactPositions()
    for poslist in ([0], [3, 7, 300], [5, 70000, 70001], list(range(0, 5000, 7))):
        value = fmt.encode(poslist)
        assert fmt.decode_positions(value) == poslist
        assert fmt.decode_frequency(value) == len(poslist)


QUERIES = [
    "mamba", "mamba vision", "mamba OR rnn", "mamba NOT vision", "NOT mamba", "(mamba OR rnn) AND linear",
    '"state space"', '"state models"~3', '"large language models"', "title:mamba", "author:gu",
    "year:2020..2024 attention", "cat:cs.lg transformer", "has:code", "transf*", "transfomer~", "tr*ns*",
]


@pytest.mark.parametrize("text", QUERIES)
def test_same_papers_as_whoosh(workspace, text):
    """The fast evaluator finds exactly the papers Whoosh's matchers find (when not capped)."""
    parsed = workspace.engine.parse(text)
    index = workspace.index
    with index.lock:
        searcher = index.searcher()
        expected = set(searcher.docs_for_query(parsed.whoosh))
        found = index.fast_search().run(parsed.whoosh, limit=len(expected) + 5)
    if found.exact:
        assert found.total == len(expected)
        assert {d for _, d in found.top} == expected
    else:
        assert {d for _, d in found.top} <= expected
    assert [s for s, _ in found.top] == sorted((s for s, _ in found.top), reverse=True)


def test_capped_expansion_says_the_total_is_a_lower_bound(workspace, monkeypatch):
    monkeypatch.setattr(fast, "MAX_EXPANSIONS", 2)
    workspace.index._fast = None
    results = workspace.engine.search("s*")
    assert not results.total_exact and results.json()["total_exact"] is False
    assert results.total == len({h.id for h in results.hits}) or results.total > len(results.hits)
    assert workspace.engine.search("mamba").total_exact


def test_ranked_ids_page_deep_in_search_order(workspace):
    engine = workspace.engine
    results = engine.search("model", limit=60)
    parsed = engine.parse("model")
    assert engine.ranked_ids(parsed, 60) == [h.id for h in results.hits]
    assert engine.ranked_ids(parsed, 10) == [h.id for h in results.hits][:10]


@pytest.mark.parametrize("make", [text_analyzer, name_analyzer, tag_analyzer], ids=lambda m: m.__name__)
def test_each_word_through_plain_steps_is_the_analyzer(workspace, make):
    """A new word goes through the filters as plain steps (no generator chain); for every word of
    the corpus and some hard ones, that is exactly what the analyzer makes of it."""
    quick = fast_analysis(make())
    assert quick.filters is not None  # the steps are in use for every analyzer of the schema
    words = set(" ".join(TEXTS).split())
    for r in workspace.library.iter_records():
        words.update(m.group() for m in quick.pattern.finditer(f"{r.title} {r.abstract} {' '.join(r.authors)}"))
    words.update(["A", "I", "THE", "Ünïcödé", "ÆON", "straße", "İstanbul", "ﬁnetuning", "x" * 300, "running", "Runs"])
    assert len(words) > 3000
    for word in words:
        for raw in [m.group() for m in quick.pattern.finditer(word)]:
            assert quick._word(raw) == quick.analyzer_word(raw), raw
