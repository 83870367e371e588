"""`is:starred`, `is:new`, `is:read` and their opposites are one set node (search/id_set.py), not an OR of
one id term per paper (after a 60k import `quantum is:new` took 6.5 s). The answers are the ones that
OR gave: the same total, exactness and top page (papers and float scores), with both evaluators
(dicts and numpy), alone, under NOT, in an OR and in an AND, over a library in several segments with
deleted documents (changed papers: their id is in two documents until a merge)."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pytest
from whoosh import query as wq

from paperreader.search import bulk, id_node, id_set
from paperreader.search.fast import FastSearch

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402

PAPERS = 1200
LATER = 300  # added after the visit's mark (is:new), in a second segment
CHANGED: list[str] = []  # papers changed after the first build: their id is in two documents

QUERIES = [
    "is:starred", "is:read", "is:new", "is:unread", "is:unstarred", "-is:read", "NOT is:new",
    "learning is:new", "model -is:starred", "-is:read network", "model OR is:starred",
    "is:starred OR is:read", "is:new OR is:read", "le* is:read", "is:unstarred network",
    '"neural network" is:read', "(deep OR graph) is:new -is:read", "is:starred is:new",
    "is:read title:learning", "net* OR is:starred", "-is:unread model",
]


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    from paperreader import paths
    from paperreader.store import listings
    from paperreader.workspace import Workspace

    directory = tmp_path_factory.mktemp("idset")
    ws = Workspace.open(paths.resolve(directory).ensure(), seed=False, backup=False)
    papers = [generate.to_paper(d) for d in generate.papers(PAPERS + LATER)]
    ws.library.upsert(papers[:PAPERS])
    with pytest.MonkeyPatch.context() as patch:  # a few segments
        patch.setattr(bulk, "batch_size", lambda n, procs: 500)
        ws.ensure_index()
    listings.mark_seen(ws.library)
    ws.library.upsert(papers[PAPERS:])
    ws.library.upsert([dataclasses.replace(p, abstract=f"Rewritten: {p.title}.") for p in papers[10:30]])
    CHANGED[:] = [p.id for p in papers[10:30]]
    ids = ws.library.list_ids()
    for pid in ids[::37]:
        ws.library.set_star(pid)
    for pid in ids[3::5]:
        ws.library.set_read(pid)
    with ws.index.lock:
        ws.index.catch_up()
        fs = ws.index.fast_search()
        assert len(fs.leaves) > 1 and fs._deleted  # several segments, deleted documents
    yield ws
    ws.close()


def _as_terms(node):
    """The query as it was built before: each set an OR of its id terms."""
    if id_node.is_id_set(node):
        return node.as_terms()
    return node


def test_a_set_is_one_node_whatever_its_size(library):
    stars = library.library.starred_ids()
    assert len(stars) > 40
    parsed = library.engine.parse("is:starred")
    assert len(list(parsed.whoosh.leaves())) == 1  # not one leaf a paper
    assert parsed.whoosh.ids == frozenset(stars)


@pytest.mark.parametrize("dense", [False, True])
def test_the_answers_are_the_or_of_id_terms_answers(library, dense):
    compared = 0
    with library.index.lock:
        fs = library.index.fast_search()
        for text in QUERIES:
            q = library.engine.parse(text).whoosh
            old = q.accept(_as_terms)
            assert not any(id_node.is_id_set(leaf) for leaf in old.leaves())
            got = fs.run(q, 20, dense=dense)
            want = FastSearch(fs.searcher).run(old, 20, dense=False)  # fresh: nothing kept from `got`
            assert (got.total, got.exact) == (want.total, want.exact), text
            assert got.top == want.top, text
            assert got.total > 0, text
            compared += 1
    assert compared == len(QUERIES)


def test_lookups_and_hashes_find_the_same_documents(library):
    ids = library.library.list_ids()
    with library.index.lock:
        fs = library.index.fast_search()
        changed = set(CHANGED)  # in two documents each (one deleted)
        for wanted in (frozenset(ids[::37]), frozenset(ids), frozenset(changed), frozenset(["arxiv:0000.00000", ids[0]])):
            looked = id_set._looked_up(fs, wanted)
            assert looked == id_set._hashed(fs, wanted)
            docs = set()
            for pid in wanted:
                docs.update(fs._docs(wq.Term("id", pid)))
            assert looked == sorted(docs)
        assert len(id_set._looked_up(fs, frozenset(changed))) == 2 * len(changed)


def test_a_star_is_seen_by_the_next_search(library):
    engine = library.engine
    before = engine.search("is:starred", limit=500)
    pid = next(p for p in library.library.list_ids() if p not in library.library.starred_ids())
    library.library.set_star(pid)
    try:
        after = engine.search("is:starred", limit=500)
        assert after.total == before.total + 1
        assert pid in {h.id for h in after.hits}
        assert pid not in {h.id for h in engine.search("is:unstarred", limit=2000).hits}
    finally:
        library.library.set_star(pid, False)
    assert engine.search("is:starred", limit=500).total == before.total


def test_a_record_read_in_place_says_what_its_decoding_says(library):
    from paperreader.search.codec import PRTermInfo
    from paperreader.search.whoosh.internals import terms_reader

    read = 0
    with library.index.lock:
        for sub, _offset in library.index.fast_search().leaves:
            buf = terms_reader(sub.reader()).entries_under("id", b"")
            at = 0
            while at < len(buf):
                keylen, reclen = id_set._ENTRY_LENGTHS.unpack_from(buf, at)
                rec = at + 8 + keylen
                info = PRTermInfo.from_bytes(buf[rec:rec + reclen])
                first = id_set._only_document(buf, rec)
                assert first is None or (info.doc_frequency() == 1 and first == info.min_id())
                read += first is not None
                at = rec + reclen
    assert read > PAPERS
