"""Our BM25F (`search/scoring.py`, used by the fast evaluator, phrases and similar papers) gives
Whoosh's own BM25F scores: same documents, same scores, on the built-in corpus."""

from __future__ import annotations

import pytest
from whoosh import query as wq
from whoosh.scoring import BM25F

from paperreader.search import scoring
from paperreader.search.fast import FastSearch

TERMS = [("title", "mamba"), ("abstract", "model"), ("abstract", "languag"), ("title", "learn"),
         ("abstract", "attent"), ("tag", "toread"), ("note", "wombat"), ("author", "gu")]


def _whoosh_with_own_average(searcher):
    """A Whoosh searcher over the same reader whose BM25F differs from Whoosh's in one way, ours by
    design: the note and tag fields (the user's own, which most papers lack) are normalised by their
    average length over the papers that have one, counted by the `has:` term (over every paper, a
    3-word note scored ~0.1: scoring.average_length). Only this searcher is changed, not ours."""
    from whoosh.searching import Searcher

    theirs = Searcher(searcher.reader(), closereader=False)
    original = theirs.avg_field_length
    own = {"note": "note", "tag": "tags"}

    def avg_field_length(fieldname, default=None):
        if fieldname not in own:
            return original(fieldname, default)
        return theirs.field_length(fieldname) / (theirs.reader().doc_frequency("has", own[fieldname]) or 1)

    theirs.avg_field_length = avg_field_length  # BM25FScorer asks the top searcher (get_parent())
    return theirs


def _whoosh_scores(searcher, q) -> dict[int, float]:
    results = searcher.search(q, limit=None, scored=True)
    return {hit.docnum: hit.score for hit in results}


def _close(ours: dict, theirs: dict) -> None:
    assert ours.keys() == theirs.keys()
    for d, s in theirs.items():
        assert ours[d] == pytest.approx(s, rel=1e-6, abs=0), d


@pytest.fixture
def changed(workspace):
    """The built-in corpus with a note and a tag (a second segment, deletions in the first)."""
    ids = sorted(workspace.library.list_ids())
    workspace.library.set_note(ids[3], "the wombat note, years in the making: a wombat")
    workspace.library.add_tags(ids[4], ["toread"])
    workspace.index.catch_up()
    return workspace


def test_whoosh_scores_with_the_same_constants():
    assert (BM25F().B, BM25F().K1) == (scoring.B, scoring.K1)


@pytest.mark.parametrize("boost", [1.0, 2.5])
def test_term_scores_equal_whooshs_bm25f(changed, boost):
    index = changed.index
    with index.lock:
        searcher = index.searcher()
        assert isinstance(searcher.weighting, BM25F)
        fast = FastSearch(searcher)
        checked = []
        for field, text in TERMS:
            theirs = _whoosh_scores(_whoosh_with_own_average(searcher), wq.Term(field, text, boost=boost))
            if not theirs:
                continue
            ours = {d: s for d, s in fast._term(field, text, boost).items() if d not in set(fast._deleted)}
            _close(ours, theirs)
            assert len(set(theirs.values())) > 1 or len(theirs) == 1  # lengths and tfs make a difference
            checked.append(field)
        assert len(checked) >= 6 and {"note", "tag"} <= set(checked)


def test_a_query_over_fields_scores_as_whoosh_does(changed):
    """An OR of boosted terms over two fields (what similar papers searches), ranked alike."""
    index = changed.index
    with index.lock:
        searcher = index.searcher()
        q = wq.Or([wq.Term(f, w, boost=b) for w, b in (("model", 1.7), ("state", 1.2), ("mamba", 3.0))
                   for f in ("title", "abstract")])
        theirs = _whoosh_scores(searcher, q)
        found = FastSearch(searcher).run(q, limit=len(theirs) + 5)
        assert found.total == len(theirs) > 10
        _close({d: s for s, d in found.top}, theirs)
        assert [d for _s, d in found.top[:10]] == [d for d, _s in sorted(theirs.items(), key=lambda x: (-x[1], x[0]))][:10]


def test_a_documents_score_from_the_tables(changed):
    """scoring's pieces put together by hand give Whoosh's score for one document."""
    index = changed.index
    with index.lock:
        searcher = index.searcher()
        theirs = _whoosh_scores(searcher, wq.Term("abstract", "model"))
        docnum, want = max(theirs.items(), key=lambda x: x[1])
        matcher = searcher.postings("abstract", "model")
        matcher.skip_to(docnum)
        tf = matcher.value_as("frequency")
        length = searcher.doc_field_length(docnum, "abstract")
        weight = scoring.term_weight(searcher.doc_count_all(), searcher.doc_frequency("abstract", "model"))
        norm = scoring.K1 * ((1 - scoring.B) + scoring.B * length / searcher.avg_field_length("abstract"))
        assert scoring.term_score(weight, tf, norm) == pytest.approx(want, rel=1e-9)
        table = scoring.norm_table(searcher.avg_field_length("abstract"))
        assert norm in table


def test_similar_papers_rank_as_whooshs_bm25f_did(changed):
    """engine.similar() scores through our BM25F; the papers and scores are Whoosh's."""
    engine, index = changed.engine, changed.index
    for pid in sorted(changed.library.list_ids())[:12]:
        record = changed.library.get(pid)
        with index.lock:
            searcher = index.searcher()
            terms = searcher.key_terms_from_text("abstract", f"{record.title} {record.title} {record.abstract}",
                                                 numterms=12)
            q = wq.Or([wq.Term(f, w, boost=b) for w, b in terms for f in ("title", "abstract")])
            theirs = [(hit["id"], hit.score) for hit in searcher.search(q, limit=6) if hit["id"] != pid][:5]
        ours = [(hit.id, hit.score) for hit in engine.similar(pid, limit=5)]
        assert [p for p, _ in ours] == [p for p, _ in theirs]
        assert [s for _, s in ours] == pytest.approx([s for _, s in theirs], rel=1e-6)
