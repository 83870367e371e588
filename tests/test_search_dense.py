"""The dense evaluator (search/dense.py: the query tree over numpy arrays) answers exactly what the
dict evaluator (search/fast.py's `_eval`) answers: the same total, the same exactness, the same
top page (papers, float scores bit for bit, ties broken by document number), on the benchmark's
query mix and every keystroke it types, over a generated library written in several segments with
deleted documents (papers retitled, tagged and starred after the first build)."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pytest
from whoosh import query as wq

from paperreader.search import bulk, dense_arrays
from paperreader.search.fast import FastSearch
from paperreader.search.query import QueryError

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
import queries  # noqa: E402

PAPERS = 1500
LATER = 300  # papers added after the first build: a second segment


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    from paperreader import paths
    from paperreader.workspace import Workspace

    directory = tmp_path_factory.mktemp("dense")
    ws = Workspace.open(paths.resolve(directory).ensure(), seed=False, backup=False)
    papers = [generate.to_paper(d) for d in generate.papers(PAPERS + LATER)]
    ws.library.upsert(papers[:PAPERS])
    with pytest.MonkeyPatch.context() as patch:  # three batches: long lists joined (search/postings_joined.py)
        patch.setattr(bulk, "batch_size", lambda n, procs: 500)
        ws.ensure_index()
    ws.library.upsert(papers[PAPERS:])
    # changed papers: their old documents are deleted from the index, new ones added
    ws.library.upsert([dataclasses.replace(p, abstract=f"Rewritten: {p.title}.") for p in papers[10:20]])
    ids = ws.library.list_ids()
    for pid in ids[::37]:
        ws.library.set_star(pid)
    for pid in ids[5::53]:
        ws.library.add_tags(pid, ["reading-group"])
    with ws.index.lock:
        ws.index.catch_up()
        fs = ws.index.fast_search()
        assert len(fs.leaves) > 1 and fs._deleted  # several segments, deleted documents
    yield ws
    ws.close()


_PLAIN: dict = {}


def _same(ws, whoosh_query, limit: int = 20, label: str = "") -> tuple:
    """Both evaluators on one query, each kept between calls as the app keeps its one (caches
    and all); returns the dense answer."""
    with ws.index.lock:
        fs = ws.index.fast_search()
        plain = _PLAIN.get(id(fs.searcher))
        if plain is None or plain.searcher is not fs.searcher:
            plain = _PLAIN[id(fs.searcher)] = FastSearch(fs.searcher)
            plain._expansions = fs._expansions  # what a word expands to, one searcher's (a fuzzy word's lookups cost most here)
        got = fs.run(whoosh_query, limit, dense=True)
        want = plain.run(whoosh_query, limit, dense=False)
    assert (got.total, got.exact) == (want.total, want.exact), label or whoosh_query
    assert got.top == want.top, label or whoosh_query
    assert all(type(s) is float and type(d) is int for s, d in got.top)
    return got


def _texts(ws, texts) -> int:
    compared = 0
    for text in texts:
        try:
            parsed = ws.engine.parse(text)
        except QueryError:
            continue
        _same(ws, parsed.whoosh, label=text)
        compared += 1
    return compared


def test_the_query_mix(library):
    assert _texts(library, [q for _kind, q in queries.query_mix()]) > 100


def test_every_keystroke_in_order(library):
    """Typed in order through one evaluator: prefix sums and AND parts kept between keystrokes."""
    strokes = [q for _text, q in queries.keystrokes()]
    assert _texts(library, strokes) > 400
    kept = library.index.fast_search()._dense
    assert kept.sums.used and kept.ands.used and kept.words.used  # sums, AND parts and words' ORs were kept (and reused)


def test_a_kept_page_is_a_fresh_evaluations(library):
    """A query typed again (`n*` begins many of the bench's texts), or one whose words being typed
    stand for the same index terms as an earlier one's, is answered from the kept pages: the same
    total, exactness and page as a fresh evaluator's, whose caches are empty."""
    ws = library
    strokes = [q for _text, q in queries.keystrokes()]
    with ws.index.lock:
        fs = FastSearch(ws.index.searcher())
    repeated, kept, seen = 0, 0, set()
    for q in strokes:
        whoosh_query = ws.engine.parse(q).whoosh
        with ws.index.lock:
            was_kept = (fs._answer_key(whoosh_query), 20, True) in fs._pages
            got = fs.run(whoosh_query, 20, dense=True)
            want = FastSearch(ws.index.searcher()).run(whoosh_query, 20, dense=True)
        assert (got.total, got.exact, got.top) == (want.total, want.exact, want.top), q
        assert fs.exact == want.exact
        repeated += q in seen
        kept += was_kept
        assert was_kept or q not in seen, q
        seen.add(q)
    # every repeated keystroke, and others whose words expand as an earlier one's (`architec*`, `architect*`)
    assert repeated > 100 and kept > repeated


def test_filters_negations_and_edges(library):
    texts = [
        "model NOT learning", "NOT model", "learn* NOT (model OR network)", "-model", "is:starred",
        "is:unstarred", "is:starred model", "tag:reading-group", "tag:reading-group learn*",
        "has:tags", "has:code neural", "cat:cs.LG", "year:2020..2024", "year:2021 model",
        '"neural network"', '"neural network" learning', "modle~", "transfor*", "m*", "zzzzqqq",
        "model zzzzqqq", "zzzzqqq*", "title:model OR abstract:learn*", "model^3 learning",
    ]
    assert _texts(library, texts) == len(texts)


def test_deleted_documents_stay_out_of_the_page(library):
    """Rewritten papers' old documents are deleted in the index: neither evaluator lists them,
    even on a page long enough to hold every match."""
    ws = library
    deleted = set(ws.index.fast_search()._deleted)
    for text in ("model", "rewritten", "learn*", "model NOT learning", "neural network"):
        got = _same(ws, ws.engine.parse(text).whoosh, limit=10_000, label=text)
        assert got.total == len(got.top) and not deleted & {d for _s, d in got.top}, text


def test_and_maybe_every_null_and_limits(library):
    ws = library
    maybe = wq.AndMaybe(wq.Term("abstract", "model"), wq.Term("abstract", "learning"))
    _same(ws, maybe)
    _same(ws, wq.AndMaybe(wq.Prefix("abstract", "lea"), wq.Term("title", "neural")))
    _same(ws, wq.AndMaybe(wq.Every(), wq.Term("abstract", "learning")))
    every = _same(ws, wq.Every())
    assert every.total == ws.library.count() and every.top[0][0] == 0.0
    assert _same(ws, wq.NullQuery).total == 0
    _same(ws, wq.And([wq.Every(), wq.Term("abstract", "model")]))
    _same(ws, wq.Or([wq.Every(), wq.Term("abstract", "model")]))
    model = ws.engine.parse("model").whoosh
    for limit in (0, 1, 7, 10_000):
        got = _same(ws, model, limit=limit)
        assert len(got.top) == min(limit, got.total)


def test_ties_at_the_cut_go_to_the_lowest_document():
    import numpy as np

    ids = np.arange(10, dtype=np.int64) * 3
    scores = np.array([1.0, 2.0, 2.0, 0.5, 2.0, 2.0, 3.0, 2.0, 0.0, 2.0])
    assert dense_arrays.top(ids, scores, 3) == [(3.0, 18), (2.0, 3), (2.0, 6)]
    assert dense_arrays.top(ids, scores, 0) == []
    assert [d for _s, d in dense_arrays.top(ids, scores, 20)] == [18, 3, 6, 12, 15, 21, 27, 0, 9, 24]


def test_sums_add_in_the_parts_order():
    """(a + b) + c is not always a + (b + c): the parts are added one by one, in order, as a
    dict's `get(d, 0.0) + s` does, compact or over every document."""
    import numpy as np

    a = (np.array([1, 2], np.int64), np.array([0.1, 1e16]))
    b = (np.array([1, 2, 5], np.int64), np.array([0.2, 1.0, 4.0]))
    c = (np.array([1, 2], np.int64), np.array([0.3, -1e16]))
    for n in (6, 10_000):
        ids, scores = dense_arrays.add_up([a, b, c], n)
        assert ids.tolist() == [1, 2, 5]
        assert scores.tolist() == [(0.1 + 0.2) + 0.3, (1e16 + 1.0) - 1e16, 4.0]


# -- phrases (search/dense_phrase.py) --------------------------------------------------------------
_PHRASES = [
    '"neural network"', '"neural networks"', '"deep learning"', '"state of the art"', '"the model"',
    'title:"neural network"', 'abstract:"language models"', '"neural network"~3', '"learning model"~2',
    '"model learning"~4', '"neural zzzzqqq"', '"of the"', '"network neural"', '"neural network" learning',
    '"deep learning" OR "neural network"', 'model -"neural network"', '"large language models"',
]


def _phrase_nodes(node):
    if type(node) is wq.Phrase:
        yield node
    for child in node.children():
        yield from _phrase_nodes(child)


def test_phrases_every_document_and_float(library):
    """Every phrase of the mix and phrases with stop words, fields and slop: the dense path's whole
    answer (every document, every score bit for bit) is the dict path's, and so is the top page."""
    from paperreader.search.dense_phrase import phrase

    ws = library
    texts = [q for kind, q in queries.query_mix() if kind == "phrase"] + _PHRASES
    compared = found = 0
    for text in texts:
        parsed = ws.engine.parse(text).whoosh
        with ws.index.lock:
            fs = ws.index.fast_search()
            if fs._dense is None:
                fs.run(wq.NullQuery, 1, dense=True)
            for node in _phrase_nodes(parsed):
                ids, scores = phrase(fs._dense, node, None)
                want = fs._phrase(node)
                assert dict(zip(ids.tolist(), scores.tolist())) == want, text
                assert ids.tolist() == sorted(want), text
                compared += 1
                found += bool(want)
        _same(ws, parsed, label=text)
    assert compared >= len(texts) and found > 10


def test_phrase_positions_as_the_sets_find_them():
    """`dense_phrase.phrase_docs` on key arrays finds what `phrase._phrase_docs` finds on sets."""
    import random

    import numpy as np

    from paperreader.search.dense_phrase import phrase_docs
    from paperreader.search.phrase import _phrase_docs

    rng = random.Random(7)
    for _round in range(200):
        words = rng.randint(2, 4)
        keys = [sorted({d << 20 | rng.randrange(12) for d in range(6) for _k in range(rng.randrange(5))})
                for _w in range(words)]
        for slop in (1, 2, 3):
            want = _phrase_docs(keys, slop)
            got = phrase_docs([np.array(k, np.int64) for k in keys], slop)
            assert got.tolist() == sorted(want)


def test_fuzzy_spellings_as_looked_up_one_by_one(library):
    """`fuzzy_terms.one_edit` (range reads under the word's first letters) finds the terms and
    summed frequencies that asking the reader about each spelling finds, in every field."""
    from paperreader.search.fast import _edits1
    from paperreader.search.fuzzy_terms import one_edit

    ws = library
    words = [q.rstrip("~") for kind, q in queries.query_mix() if kind == "fuzzy"]
    words += ["modle", "lerning", "netwrk", "mdel", "nu", "a", "mod", "modl", "zzzzqqq", "réseau", "naïve", "reading-grup"]
    found, tagged = 0, False
    with ws.index.lock:
        fs = ws.index.fast_search()
        reader = fs.searcher.reader()
        for word in words:
            for field in ("title", "abstract", "author", "note", "tag"):
                spellings = _edits1(word)
                want = sorted((reader.doc_frequency(field, t), t) for t in spellings if (field, t) in reader)
                assert sorted(one_edit(fs.leaves, field, word, spellings)) == want, (word, field)
                found += len(want)
                tagged = tagged or (field == "tag" and bool(want))
    assert found > 20 and tagged  # a tag found (tags were added after the first build: segments without tags skipped)


def test_sums_within_an_and_are_the_whole_sums_there():
    """A part summed only over an AND's documents (`add_within`: bisection into a long part,
    a mark per document for a short one) gives those documents the whole sum's floats."""
    import numpy as np

    rng = np.random.default_rng(5)
    n = 50_000
    for within_size, sizes in ((3, (30_000, 5_000)), (3, (30_000, 5_000, 700, 12, 0)), (40, (30_000, 5_000, 700, 12, 0)),
                               (900, (30_000, 5_000, 700, 12, 0)), (20_000, (30_000, 5_000, 700, 12, 0))):
        parts = []
        for size in sizes:
            ids = np.sort(rng.choice(n, size, replace=False)).astype(np.int64)
            parts.append((ids, rng.random(size) * 10.0 ** rng.integers(-3, 17, size)))
        within = np.sort(rng.choice(n, within_size, replace=False)).astype(np.int64)
        ids, scores = dense_arrays.add_within(parts, within, n)
        whole_ids, whole = dense_arrays.add_up(parts, n)
        keep = np.isin(whole_ids, within)
        assert ids.tolist() == whole_ids[keep].tolist()
        assert scores.tolist() == whole[keep].tolist()


def test_sums_keep_documents_scored_zero_and_negative_scores():
    """Over every document (the accumulator), a document matched only by parts scoring it 0.0 (a
    keyword field) is in the sum; negative or -0.0 scores take the marked path, same floats."""
    import numpy as np

    a = (np.array([1, 2, 4], np.int64), np.array([0.5, 0.0, 2.0]))
    zero = (np.array([0, 2, 3], np.int64), np.array([0.0, 0.0, -0.0]))
    negative = (np.array([1, 3], np.int64), np.array([-0.5, 1.0]))
    n = 6  # (few documents: the accumulator over all of them, not the compact path)
    ids, scores = dense_arrays.add_up([a, zero], n)
    assert ids.tolist() == [0, 1, 2, 3, 4] and scores.tolist() == [0.0, 0.5, 0.0, 0.0, 2.0]
    ids, scores = dense_arrays.add_up([a, negative, zero], n)
    assert ids.tolist() == [0, 1, 2, 3, 4] and scores.tolist() == [0.0, 0.0, 0.0, 1.0, 2.0]
    rng = np.random.default_rng(9)
    parts = [(np.sort(rng.choice(n * 1000, k, replace=False)).astype(np.int64), rng.random(k) * 10.0 ** rng.integers(-3, 17, k))
             for k in (4000, 900, 30)]
    parts.append((parts[1][0], np.zeros(900)))
    ids, scores = dense_arrays.add_up(parts, n * 1000)
    acc, seen = np.zeros(n * 1000), np.zeros(n * 1000, bool)
    for pids, part in parts:
        acc[pids] += part
        seen[pids] = True
    assert ids.tolist() == np.flatnonzero(seen).tolist() and scores.tolist() == acc[seen].tolist()



def test_sums_over_every_document_added_again_are_the_same_floats():
    """An OR of expansions (`dense_arrays.Dense`: each field's sum kept over every document, then
    added to the others with 0.0 where a field has none) gives each document the floats and the
    documents that gathering each sum into (ids, scores) and scattering it again gives: keyword
    fields' 0.0 scores, negative scores and huge ones, alone or beside compact parts."""
    import numpy as np

    rng = np.random.default_rng(11)
    n = 20_000

    def part(size, scale=True):
        ids = np.sort(rng.choice(n, size, replace=False)).astype(np.int64)
        return ids, (rng.random(size) * 10.0 ** rng.integers(-3, 17, size) if scale else np.zeros(size))

    for signs in ("plus", "zeros", "negative"):
        fields = [[part(k) for k in (9000, 3000, 40)], [part(k) for k in (5000, 700)], [part(300, scale=False)], [part(2)]]
        if signs == "zeros":
            fields[1].append((fields[1][0][0][:50], np.zeros(50)))
        if signs == "negative":
            fields[0].append((fields[0][1][0][:80], -fields[0][1][1][:80]))
        sums = [dense_arrays.add_up(f, n) for f in fields]
        for dense_fields in ((0,), (0, 1), (0, 1, 2, 3)):
            mixed = [dense_arrays.add_dense(f, n) if i in dense_fields else sums[i] for i, f in enumerate(fields)]
            whole = dense_arrays.add_dense(mixed, n)
            ids, scores = dense_arrays.add_up(sums, n)
            assert np.flatnonzero(whole.found).tolist() == ids.tolist(), signs
            assert whole.pairs()[1].view(np.uint64).tolist() == scores.view(np.uint64).tolist(), signs
            within = np.sort(rng.choice(n, 4000, replace=False)).astype(np.int64)
            keep = np.isin(ids, within)
            got = whole.pairs(within)
            assert got[0].tolist() == ids[keep].tolist() and got[1].tolist() == scores[keep].tolist()


def test_position_keys_of_chosen_documents():
    """`postings_arrays.decode_keys`: the keys `postings.decode` gives, of the documents asked
    for only, over lists of several chunks (zlib'd or not); None for a list without positions."""
    import random

    import numpy as np

    from paperreader.search.postings import decode, encode_chunk, position_key
    from paperreader.search.postings_arrays import decode_keys

    rng = random.Random(3)
    for _round in range(60):
        blob, start = b"", 0
        for _chunk in range(rng.randint(1, 4)):
            ids = sorted(rng.sample(range(start, start + 400), rng.randint(1, 120)))
            tfs = [rng.randint(1, 4) for _ in ids]
            keys = [position_key(d, p) for d, tf in zip(ids, tfs) for p in sorted(rng.sample(range(3000), tf))]
            blob += encode_chunk(ids, tfs, keys)
            start += 400
        every = decode(blob)
        pairs = [(k >> 20, k) for k in every.keys]
        for size in (0, 1, 5, len(every.ids)):
            docs = np.array(sorted(rng.sample(every.ids, min(size, len(every.ids)))), np.int64)
            want = [k for d, k in pairs if d in set(docs.tolist())]
            assert decode_keys(blob, docs).tolist() == want
    assert decode_keys(encode_chunk([1, 5], [2, 1], None), np.array([1], np.int64)) is None
