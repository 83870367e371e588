"""A term's postings as numpy arrays (search/dense_terms.py, postings_arrays.decode_arrays) are exactly
what the dict path reads: the same documents, the same float64 scores bit for bit as
`FastSearch._read_term`, on a real library with a bulk-built segment, segments written by
Whoosh's writer afterwards and deleted papers."""

from __future__ import annotations

import dataclasses
import random
import sys
from pathlib import Path

import numpy as np
import pytest

from paperreader.model import Paper
from paperreader.search import bulk, dense_terms
from paperreader.search.codec import checked_arrays
from paperreader.search.dense_terms import TermArrays
from paperreader.search.validate import IndexDamaged
from paperreader.search.postings import _BLOCKED, _JOINED, _chunk_header, _read_chunk_head, decode
from paperreader.search.postings_arrays import decode_arrays
from paperreader.search.schema import FIELD_BOOSTS
from paperreader.search.whoosh import internals

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402

PAPERS = 1200
FIELDS = ("title", "abstract", "author", "note", "tag", "cat", "has", "id")


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    """1,200 generated papers built in bulk (in two batches: long lists joined), one with a word 100 times; then, through Whoosh's
    writer, new papers, rewritten ones (their old documents deleted), notes and tags: segments
    where the first segment's words are partly missing."""
    from paperreader import paths
    from paperreader.workspace import Workspace

    directory = tmp_path_factory.mktemp("dense_terms")
    ws = Workspace.open(paths.resolve(directory).ensure(), seed=False, backup=False)
    docs = list(generate.papers(PAPERS))
    repeated = Paper(title="Attention, repeated", abstract=" ".join(["attention"] * 100 + ["span"] * 70),
                     authors=("Ada Lovelace",), arxiv_id="2401.99999", categories=("cs.LG",))
    ws.library.upsert([generate.to_paper(d) for d in docs] + [repeated])
    with pytest.MonkeyPatch.context() as patch:  # two batches: common words' lists in two chunks
        patch.setattr(bulk, "batch_size", lambda n, procs: 700)
        ws.ensure_index()
    for start in (PAPERS, PAPERS + 25):  # two more segments
        more = [generate.to_paper(d) for d in generate.papers(start + 25, start=start)]
        more.append(Paper(title=f"Zyxwvut only here {start}", abstract="quokka " * 80, arxiv_id=f"2402.{start:05d}"))
        rewritten = [dataclasses.replace(generate.to_paper(d), abstract="Rewritten: nothing of what it said before.")
                     for d in docs[start % 97 : start % 97 + 5]]
        ws.library.upsert(more + rewritten)
        ids = [p.id for p in more[:6]]
        ws.library.set_note(ids[0], "quokka notes " * 70)
        ws.library.set_note(ids[1], "a short note on attention")
        ws.library.add_tags(ids[2], ["to-read", "later"])
        ws.library.add_tags(ids[3], ["to-read"])
        with ws.index.lock:
            ws.index.catch_up()
    yield ws
    ws.close()


def _terms(fs, field: str) -> list[str]:
    """The field's 25 most frequent terms, 40 others at random, and its terms with a tf over 63."""
    reader = fs.searcher.reader()
    terms = [(reader.doc_frequency(field, t), t.decode("utf-8")) for t in reader.lexicon(field)]
    terms.sort(reverse=True)
    rng = random.Random(field)
    picked = [t for _df, t in terms[:25]] + [t for _df, t in rng.sample(terms, min(40, len(terms)))]
    return list(dict.fromkeys(picked + ["attent", "span", "quokka", "zyxwvut", "absentword"]))


def _bits(a) -> list[int]:
    return np.asarray(a, np.float64).view(np.uint64).tolist()


@pytest.mark.parametrize("threads, scaled_from", [(1, 10**9), (2, 0)],
                         ids=["one thread, ratio times k1p", "segments on two threads, a scaled table"])
def test_scores_are_read_terms_bit_for_bit(library, threads, scaled_from, monkeypatch):
    monkeypatch.setattr(dense_terms, "THREADS", threads)
    monkeypatch.setattr(dense_terms, "PARALLEL_FROM", 0)  # every list of several segments
    monkeypatch.setattr(dense_terms, "SCALED_FROM", scaled_from)
    with library.index.lock:
        fs = library.index.fast_search()
        assert len(fs.leaves) >= 2 and fs._deleted
        arrays = TermArrays(fs)
        compared = 0
        for field in FIELDS:
            for text in _terms(fs, field):
                for boost in {1.0, FIELD_BOOSTS.get(field, 1.0)}:
                    expected = fs._read_term(field, text, boost)
                    ids, scores = arrays.scores(field, text, boost)
                    assert ids.dtype == np.int64 and scores.dtype == np.float64
                    assert ids.tolist() == list(expected), (field, text)
                    assert _bits(scores) == _bits(list(expected.values())), (field, text)
                    assert arrays.docs(field, text).tolist() == list(expected)
                    compared += 1
        assert compared > 400


@pytest.mark.parametrize("scaled_from", [10**9, 0], ids=["ratio times k1p", "a scaled table"])
def test_a_term_kept_packed_scores_the_same_bits_again(library, scaled_from, monkeypatch):
    """Long terms are kept as ids and table cells (`dense_terms._Packed`, 6 bytes a posting) and
    scored again on the next read: the same documents and floats as `_read_term`, read or kept;
    a term with a tf beyond the table (scored one by one) is kept whole."""
    monkeypatch.setattr(dense_terms, "PACK_FROM", 1)  # every scored term
    monkeypatch.setattr(dense_terms, "SCALED_FROM", scaled_from)
    with library.index.lock:
        fs = library.index.fast_search()
        arrays = TermArrays(fs)
        packed = compared = 0
        for field in FIELDS:
            for text in _terms(fs, field):
                boost = FIELD_BOOSTS.get(field, 1.0)
                expected = fs._read_term(field, text, boost)
                for _read_or_kept in range(2):
                    ids, scores = arrays.scores(field, text, boost)
                    assert ids.dtype == np.int64 and ids.tolist() == list(expected), (field, text)
                    assert _bits(scores) == _bits(list(expected.values())), (field, text)
                    assert arrays.docs(field, text).tolist() == list(expected)
                    with pytest.raises(ValueError):
                        scores[:1] = 1.0  # read-only, as a kept entry
                    compared += 1
                kept = arrays._cache.get((field, text, boost))
                packed += type(kept) is dense_terms._Packed
                if (field, text) == ("abstract", "attent"):
                    assert type(kept) is not dense_terms._Packed  # tf 100: beyond the table
        assert compared > 600 and packed > 100, (compared, packed)
        assert arrays.cached_bytes == sum(a.nbytes for value in arrays._cache.values() for a in value)


def _lists(fs):
    """(field, text, segment offset, bytes) of every posting list of every segment."""
    for sub, offset in fs.leaves:
        reader = sub.reader()
        terms = internals.terms_reader(reader)
        for field, btext in reader.all_terms():
            info = terms.term_info(field, btext)
            yield field, btext, offset, info.blob(terms.postings_file()), info.is_inlined()


def test_the_library_has_every_kind_of_list(library):
    """What the comparison above covers: blocked, plain and inline lists, tfs over 63, terms
    missing from a segment, keyword fields."""
    with library.index.lock:
        fs = library.index.fast_search()
        kinds = set()
        seen: dict = {}
        for field, btext, offset, blob, inline in _lists(fs):
            seen.setdefault((field, btext), set()).add(offset)
            kinds.add("inline" if inline else "in the postings file")
            n, _first, flags, _d, _at = _chunk_header(blob, 0)
            kinds.add("joined" if flags & _JOINED else "blocked" if flags & _BLOCKED else "one posting" if n == 1 else "plain")
            if _read_chunk_head(blob, 0)[-1] < len(blob):
                kinds.add("several chunks")
        # (a long list in both batches is joined; blocked chunks: tests/test_search_postings_joined.py)
        assert kinds == {"inline", "in the postings file", "joined", "one posting", "plain", "several chunks"}
        assert fs._read_term("abstract", "attent", 1.0)  # tf 100 in one paper
        assert max(decode_arrays(next(b for f, t, _o, b, _i in _lists(fs) if (f, t) == ("abstract", b"attent")))[1]) > 63
        assert any(len(offsets) < len(fs.leaves) for offsets in seen.values())
        assert not fs.searcher.schema["cat"].scorable


def test_decode_arrays_is_decode_on_every_list(library):
    with library.index.lock:
        fs = library.index.fast_search()
        count = 0
        for field, btext, _offset, blob, _inline in _lists(fs):
            postings = decode(blob)
            ids, tfs = decode_arrays(blob)
            assert ids.dtype == np.int64 and ids.tolist() == postings.ids, (field, btext)
            if postings.tfs is None:
                assert tfs is None
            else:
                assert tfs.tolist() == list(postings.tfs), (field, btext)
            count += 1
        assert count > 3000


def test_the_cache_stays_under_its_bytes(library):
    with library.index.lock:
        fs = library.index.fast_search()
        bound = 64 * 1024
        arrays = TermArrays(fs, cache_bytes=bound)
        for text in _terms(fs, "abstract"):
            first = arrays.scores("abstract", text, 1.0)
            assert arrays.scores("abstract", text, 1.0) is first or first[0].nbytes * 2 > bound // 2
            held = sum(a.nbytes for value in arrays._cache.values() for a in value)
            assert arrays.cached_bytes == held <= bound
        assert len(arrays._cache) > 3
        ids, scores = arrays.scores("abstract", "model", 1.0)
        with pytest.raises(ValueError):
            scores[0] = 1.0  # shared: read-only


def test_a_terms_lists_decoded_at_once_are_each_lists(library, monkeypatch):
    """`postings_arrays.decode_many` (a term's lists of every segment decoded as one) gives each
    list's `decode_arrays`, concatenated; a damaged list among them is still IndexDamaged."""
    from paperreader.search import codec
    from paperreader.search.postings_arrays import decode_many

    with library.index.lock:
        fs = library.index.fast_search()
        arrays = TermArrays(fs)
        several = 0
        for field in ("title", "abstract", "author", "tag"):
            for text in _terms(fs, field):
                found = arrays._records(field, text)
                if len(found) < 2:
                    continue
                blobs = [info.blob(terms.postings_file()) for _i, _s, _o, terms, info in found]
                offsets = [offset for _i, _s, offset, _t, _info in found]
                parts = [decode_arrays(b, None, o) for b, o in zip(blobs, offsets)]
                out = np.empty(sum(len(p[0]) for p in parts), np.int64)
                ids, tfs, sizes = decode_many(blobs, offsets, out)
                assert ids is out and ids.tolist() == np.concatenate([p[0] for p in parts]).tolist()
                assert sizes == [len(p[0]) for p in parts]
                if all(p[1] is None for p in parts):
                    assert tfs is None
                else:
                    assert tfs.tolist() == np.concatenate([np.ones(len(p[0]), int) if p[1] is None else p[1] for p in parts]).tolist()
                with pytest.raises(ValueError):
                    decode_many(blobs, offsets, out[:-1])
                several += 1
        assert several > 50
        from paperreader.search.letter_postings import LetterPostings

        monkeypatch.setattr(LetterPostings, "open", classmethod(lambda cls, reader: None))  # the postings read
        for record_class in (codec.PRTermInfo, codec.RecordSpan):
            monkeypatch.setattr(record_class, "blob", lambda self, postfile, read=record_class.blob:
                                bytes(read(self, postfile))[:-2])
        with pytest.raises(IndexDamaged):
            TermArrays(fs).scores("abstract", "model", 1.0)


def test_a_list_that_does_not_match_its_record_is_damage(library):
    """As `codec.checked_decode`: bytes cut short or another list's bytes raise IndexDamaged."""
    with library.index.lock:
        fs = library.index.fast_search()
        terms = internals.terms_reader(fs.leaves[0][0].reader())
        info = terms.term_info("abstract", b"model")
        blob = bytes(info.blob(terms.postings_file()))
        assert checked_arrays(info, blob, "x")[0].tolist() == decode(blob).ids
        other = terms.term_info("abstract", b"learn")
        for bad in (blob[:-3], blob[: len(blob) // 2], bytes(other.blob(terms.postings_file()))):
            with pytest.raises(IndexDamaged):
                checked_arrays(info, bad, "x")
