"""Top-k pruning (search/topk.py) gives the top page the whole evaluation gives: the same papers,
the same scores, ties broken the same way, on the benchmark's queries over a generated corpus.
Also the blocked posting lists (search/postings.py) read back as written, with bounds that hold."""

from __future__ import annotations

import dataclasses
import random
import sys
from pathlib import Path

import pytest

from paperreader.search import fast, topk
from paperreader.search.postings import BLOCK, BOUND_TF, Directory, decode, encode_chunk, position_key
from paperreader.search.query import QueryError

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
import queries  # noqa: E402

PAPERS = 2000


@pytest.fixture(scope="module")
def corpus_workspace(tmp_path_factory):
    from paperreader import paths
    from paperreader.workspace import Workspace

    directory = tmp_path_factory.mktemp("topk")
    ws = Workspace.open(paths.resolve(directory).ensure(), seed=False, backup=False)
    ws.library.upsert([generate.to_paper(d) for d in generate.papers(PAPERS)])
    ws.ensure_index()
    yield ws
    ws.close()


def _bench_queries() -> list[str]:
    return [q for _kind, q in queries.query_mix()] + sorted({q for _text, q in queries.keystrokes()})


def _compare(ws, texts, monkeypatch) -> int:
    monkeypatch.setattr(fast, "PRUNE_FROM", 0)
    monkeypatch.setattr(fast, "PRUNE_SHAPES", "all")
    monkeypatch.setattr(topk, "window_size", lambda n: 64)  # many windows on a small corpus
    compared = 0
    for text in texts:
        try:
            parsed = ws.engine.parse(text)
        except QueryError:
            continue
        with ws.index.lock:
            whole = ws.index.fast_search().run(parsed.whoosh, 20, prune=False)
            pruned = ws.index.fast_search().run(parsed.whoosh, 20)
        assert pruned.top == whole.top, text
        if pruned.exact:
            assert pruned.total == whole.total, text
        compared += 1
    return compared


def test_pruned_top_page_is_the_whole_evaluations(corpus_workspace, monkeypatch):
    ws = corpus_workspace
    assert _compare(ws, _bench_queries(), monkeypatch) > 400


def test_long_lists_are_blocked_and_an_and_skips_them(corpus_workspace, monkeypatch):
    """The corpus's common words are written in blocks, and an AND with a rare term reads only
    the blocks of the common word's list near that term's papers."""
    from whoosh import query as wq

    ws = corpus_workspace
    monkeypatch.setattr(fast, "PRUNE_FROM", 0)
    monkeypatch.setattr(fast, "PRUNE_SHAPES", "all")
    monkeypatch.setattr(topk, "window_size", lambda n: 64)
    with ws.index.lock:
        fs = ws.index.fast_search()
        leaf = fs._leaf("abstract", "model", 1.0)
        assert len(leaf.firsts) > 4 and all(c <= BLOCK for c in leaf.counts)
        docnum = leaf.firsts[len(leaf.firsts) // 2]
        pid = ws.index.searcher().stored_fields(docnum)["id"]
        q = wq.And([wq.Term("abstract", "model"), wq.Term("id", pid)])
        whole = fs.run(q, 20, prune=False)
        leaf.decoded.clear()
        pruned = fs.run(q, 20)
        assert pruned.top == whole.top and [d for _s, d in pruned.top] == [docnum]
        assert 0 < len(leaf.decoded) <= 2  # of the many blocks, those around that paper


def test_deleted_papers_stay_out_of_the_pruned_page(corpus_workspace, monkeypatch):
    ws = corpus_workspace
    with ws.index.lock:
        parsed = ws.engine.parse("model")
        best = ws.index.fast_search().run(parsed.whoosh, 3, prune=False).top
        first = ws.index.searcher().stored_fields(best[0][1])["id"]
    arxiv_id = ws.library.get(first).arxiv_id
    paper = next(generate.to_paper(d) for d in generate.papers(PAPERS) if d["arxiv_id"] == arxiv_id)
    ws.library.upsert([dataclasses.replace(paper, abstract="Rewritten: nothing of what it said before.")])  # its old document is deleted from the index, a new one added
    with ws.index.lock:
        ws.index.catch_up()
        assert ws.index.fast_search()._deleted
    assert _compare(ws, ["model", "model learning", "learn*", "model NOT learning"], monkeypatch) == 4
    with ws.index.lock:
        top = ws.index.fast_search().run(parsed.whoosh, 20).top
        assert all(ws.index.searcher().stored_fields(d)["id"] != first for _s, d in top)


def test_blocked_lists_read_back_with_bounds_that_hold():
    rng = random.Random(7)
    for trial in range(12):
        n = rng.choice([1, 300, 511, 512, 1000, 2600])
        ids = sorted(rng.sample(range(50_000), n))
        tfs = [rng.choice([1, 1, 2, 3, 80]) for _ in ids] if trial % 3 else None
        keys = [position_key(d, p) for i, d in enumerate(ids)
                for p in sorted(rng.sample(range(400), tfs[i] if tfs else 1))]
        lengths = bytes(rng.randrange(1, 250) for _ in ids)
        blob = encode_chunk(ids, tfs, keys, lengths) + encode_chunk([50_000 + d for d in ids], tfs, None, lengths)
        whole = decode(blob)
        assert whole.ids == ids + [50_000 + d for d in ids]
        assert [whole.tf(i) for i in range(len(whole))] == (tfs or [1] * n) * 2
        assert whole.keys[: len(keys)] == keys
        directory = Directory(blob)
        length_of = dict(zip(ids, lengths))
        read = []
        for i in range(len(directory)):
            block = directory.block(i)
            read.extend(block.ids)
            assert block.ids[0] == directory.firsts[i]
            if directory.cells[i] is None:
                continue
            assert block.ids[-1] == directory.lasts[i]
            for j, d in enumerate(block.ids):
                tf = min(BOUND_TF, block.tf(j))
                length = length_of[d if d < 50_000 else d - 50_000]
                assert any(tf <= cell >> 8 and length >= cell & 255 for cell in directory.cells[i])
        assert read == whole.ids
        assert (n >= 512) == any(c is not None for c in directory.cells)


def test_a_blocked_list_is_its_plain_chunk_and_a_directory():
    """Blocks cost only their directory (first/last document and bound cells per block): the
    postings are the plain chunk's bytes, so a list read whole decodes as fast as unblocked."""
    rng = random.Random(11)
    ids = sorted(rng.sample(range(200_000), 3000))
    tfs = [rng.choice([1, 1, 1, 2, 5]) for _ in ids]
    keys = [position_key(d, p) for i, d in enumerate(ids) for p in sorted(rng.sample(range(300), tfs[i]))]
    lengths = bytes(rng.randrange(1, 250) for _ in ids)
    plain, blocked = encode_chunk(ids, tfs, keys), encode_chunk(ids, tfs, keys, lengths)
    blocks = -(-len(ids) // BLOCK)
    count_varint = 1 if blocks < 128 else 2
    assert len(blocked) == len(plain) + count_varint + blocks * (4 + 4 + 2 * 3)
    a, b = decode(plain), decode(blocked)
    assert a.ids == b.ids == ids and list(a.tfs) == list(b.tfs) == tfs and a.keys == b.keys == keys
    assert len(Directory(plain)) == 1 and len(Directory(blocked)) == blocks
