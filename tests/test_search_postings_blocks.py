"""The blocked posting lists the index writes (search/postings.py: a long list as blocks of
BLOCK postings, each with its first and last document and the (tf, length byte) cells that bound
its scores) read back as written, with bounds that hold, and cost only their directory."""

from __future__ import annotations

import random

from paperreader.search.postings import BLOCK, BOUND_TF, Directory, decode, encode_chunk, position_key


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
