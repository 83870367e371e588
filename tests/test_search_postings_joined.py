"""A long list's batches joined in one chunk (search/postings_joined.py) read back as the chunks
it joined: the same documents, frequencies and positions through every reader (postings.decode,
postings_arrays.decode_arrays and decode_keys, Directory, _read_chunk_head); damaged bytes raise.
(Built libraries: tests/test_search_dense_terms.py and tests/test_search_dense.py build theirs in
several batches, so their long lists are joined.)"""

from __future__ import annotations

import random

import numpy as np
import pytest

from paperreader.search.postings import (_JOINED, Directory, _chunk_header, _read_chunk_head, decode, encode_chunk,
                                         position_key)
from paperreader.search.postings_arrays import decode_arrays, decode_keys
from paperreader.search.postings_joined import join_chunks


def _batches(rng: random.Random, positions: bool, tfs: str, gap: int, batches: int, lengths: bool = False):
    """Chunks of consecutive document ranges, as the bulk builder's batches write them."""
    chunks, doc = [], rng.randrange(0, 50)
    for _ in range(batches):
        ids, freqs, keys = [], [], []
        for _ in range(rng.randint(1, 300)):
            doc += rng.randint(1, gap)
            ids.append(doc)
            freqs.append(1 if tfs == "one" else rng.choice([1, 1, 1, 2, 3]) if tfs == "small" else rng.randint(1, 70))
        if positions:
            for d, tf in zip(ids, freqs):
                keys.extend(position_key(d, p) for p in sorted(rng.sample(range(2000), tf)))
        lens = bytes(rng.randrange(1, 256) for _ in ids) if lengths else None
        chunks.append(encode_chunk(ids, freqs, keys if positions else None, lens))
    return chunks


@pytest.mark.parametrize("seed", range(2))
def test_a_joined_chunk_reads_as_the_chunks_it_joins(seed):
    rng = random.Random(seed)
    for positions in (True, False):
        for tfs in ("one", "small", "big"):
            for gap in (1, 4, 40, 5000, 2**20):
                chunks = _batches(rng, positions, tfs, gap, rng.randint(1, 6), lengths=rng.random() < 0.5)
                joined, plain = join_chunks(chunks), b"".join(chunks)
                assert _chunk_header(joined, 0)[2] & _JOINED
                a, b = decode(joined), decode(plain)
                assert a.ids == b.ids
                assert (a.tfs is None) == (b.tfs is None) and (a.tfs is None or list(a.tfs) == list(b.tfs))
                assert a.keys == b.keys
                assert [a.positions(i) for i in range(0, len(a), 37)] == [b.positions(i) for i in range(0, len(b), 37)]
                for offset in (0, 1_000_000):
                    ids, freqs = decode_arrays(joined, None, offset)
                    ids2, freqs2 = decode_arrays(plain, None, offset)
                    assert ids.tolist() == ids2.tolist()
                    assert (freqs is None) == (freqs2 is None)
                    assert freqs is None or freqs.tolist() == freqs2.tolist()
                out = np.empty(len(a), np.int64)
                assert decode_arrays(joined, out)[0] is out and out.tolist() == a.ids
                if positions:
                    docs = np.array(sorted(rng.sample(a.ids, min(len(a), rng.randint(1, 50)))), np.int64)
                    assert decode_keys(joined, docs).tolist() == decode_keys(plain, docs).tolist()
                else:
                    assert decode_keys(joined, np.array([a.ids[0]])) is None
                assert _read_chunk_head(joined, 0)[-1] == len(joined)
                directory = Directory(joined)
                assert len(directory) == 1 and directory.block(0).ids == a.ids


def test_a_joined_chunk_beside_other_chunks_reads_whole():
    """Never written so (a list is joined whole), but read alike: chunk by chunk."""
    rng = random.Random(7)
    first = join_chunks(_batches(rng, True, "small", 3, 3))
    last = decode(first).ids[-1]
    after = encode_chunk([last + 2, last + 9], [1, 2], [position_key(last + 2, 4), position_key(last + 9, 1),
                                                        position_key(last + 9, 5)])
    both = first + after
    assert decode(both).ids == decode(first).ids + [last + 2, last + 9]
    ids, freqs = decode_arrays(both)
    assert ids.tolist() == decode(both).ids and freqs.tolist() == list(decode(both).tfs)


def test_a_joined_chunk_is_one_header_and_one_body_and_no_bigger():
    """What a reader pays once a list: one chunk; the batches' block directories are left out,
    the positions' bytes are the batches' own."""
    rng = random.Random(3)
    for gap in (1, 3, 40, 3000):
        chunks = _batches(rng, True, "small", gap, 5, lengths=True)
        joined = join_chunks(chunks)
        assert _read_chunk_head(joined, 0)[-1] == len(joined)
        assert _read_chunk_head(joined, 0)[5] is None  # no block directory
        assert len(joined) <= sum(map(len, chunks)) + 8


def test_damaged_joined_bytes_raise():
    """Bytes cut short raise (codec.checked_arrays turns that into IndexDamaged naming the file)."""
    rng = random.Random(11)
    joined = join_chunks(_batches(rng, True, "small", 3, 4))
    for bad in (joined[:-3], joined[: len(joined) // 2], joined[:9]):
        with pytest.raises((ValueError, IndexError)):
            decode_arrays(bad)


def _bulk_index(path, docs: list[dict], procs: int):
    from whoosh import index

    from paperreader.search.bulk import BulkBuild
    from paperreader.search.schema import build_schema

    path.mkdir()
    ix = index.create_in(str(path), build_schema())
    with BulkBuild(ix, procs) as build:
        for at in range(0, len(docs), 60):
            build.add(docs[at : at + 60])
        build.commit()
    return index.open_dir(str(path))


def _lists(ix) -> dict:
    from paperreader.search.whoosh import internals

    with ix.reader() as reader:
        terms = internals.terms_reader(reader)
        return {(f, t): bytes(terms.term_info(f, t).blob(terms.postings_file())) for f, t in reader.all_terms()}


def test_lists_joined_on_the_worker_processes_are_the_same_bytes(tmp_path, monkeypatch):
    """The builder joins long lists on its worker processes, in tasks (bulk_chunks.JOIN_TASK lists each),
    when it has them: the same bytes as joined in the building process, every list read back."""
    from paperreader.search import bulk_chunks

    rng = random.Random(5)
    words = [f"w{i}" for i in range(60)]
    docs = [{"id": f"x:{i}", "title": " ".join(rng.choices(words, k=6)),
             "abstract": " ".join(rng.choices(words, k=40))} for i in range(300)]
    monkeypatch.setattr(bulk_chunks, "JOIN_TASK", 3)
    one = _lists(_bulk_index(tmp_path / "one", docs, 1))
    two = _lists(_bulk_index(tmp_path / "two", docs, 2))
    assert one == two
    joined = [blob for blob in one.values() if _chunk_header(blob, 0)[2] & _JOINED]
    assert len(joined) > 3 * 3  # several tasks
    for blob in joined:
        assert _read_chunk_head(blob, 0)[-1] == len(blob)
