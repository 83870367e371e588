"""The dict evaluator's term scores (search/dict_terms.py): a segment's list scored over numpy arrays
gives the same floats, keys and key order as the map path, on one segment and with a second one
(a document offset)."""

import numpy  # noqa: F401  (the numpy path is taken once numpy is loaded)

from paperreader.search import dict_terms


def _all_paths(fast, field, text, boost, monkeypatch):
    fast._terms.clear()
    monkeypatch.setattr(dict_terms, "NUMPY_FROM", 10**9)
    by_maps = fast._read_term(field, text, boost)
    monkeypatch.setattr(dict_terms, "NUMPY_FROM", 1)
    by_arrays = fast._read_term(field, text, boost)
    return by_maps, by_arrays


def _terms(fast, fields=("title", "abstract", "author")):
    reader = fast.searcher.reader()
    return [(f, t.decode()) for f, t in reader.all_terms() if f in fields and reader.doc_frequency(f, t) >= 2]


def test_numpy_scores_are_the_maps_scores(workspace, monkeypatch):
    fast = workspace.index.fast_search()
    terms = _terms(fast)
    assert len(terms) > 100
    for field, text in terms:
        for boost in (1.0, 2.5):
            by_maps, by_arrays = _all_paths(fast, field, text, boost, monkeypatch)
            assert by_arrays == by_maps and list(by_arrays) == list(by_maps), (field, text)


def test_numpy_scores_with_a_second_segment(workspace, monkeypatch):
    ids = sorted(workspace.library.list_ids())
    workspace.library.set_note(ids[2], "attention models over state spaces")
    workspace.index.catch_up()  # the changed paper's document goes to a second segment
    fast = workspace.index.fast_search()
    assert len(fast.leaves) == 2 and fast.leaves[1][1] > 0
    for field, text in [("abstract", "model"), ("abstract", "attent"), ("note", "attent"), ("title", "model")]:
        by_maps, by_arrays = _all_paths(fast, field, text, 1.0, monkeypatch)
        assert by_arrays == by_maps and list(by_arrays) == list(by_maps), (field, text)
        assert by_maps or field == "title"
