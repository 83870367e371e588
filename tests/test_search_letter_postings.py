"""The letters' top terms' postings kept uncompressed beside each segment (search/letter_postings.py) give
exactly what the posting lists give: the same documents, the same float64 scores bit for bit, the same
pages and totals as the dict evaluator; a missing, stale, cut or disagreeing file is not used."""

from __future__ import annotations

import dataclasses
import os
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from paperreader.model import Paper
from paperreader.search import bulk, dense_terms, letter_backfill, letter_postings
from paperreader.search.fast import FastSearch
from paperreader.search.letter_postings import LetterPostings
from paperreader.search.query import QueryError
from paperreader.search.schema import DEFAULT_FIELDS, FIELD_BOOSTS

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
import queries  # noqa: E402

PAPERS = 1500
LATER = 300


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    """1,500 papers built in bulk (three batches), one with a word 100 times (beyond the score
    table: not kept in the file); then, through Whoosh's writer, 300 more and rewritten ones (a
    second segment, deleted documents), whose file only the backfill writes."""
    from paperreader import paths
    from paperreader.workspace import Workspace

    directory = tmp_path_factory.mktemp("letter_postings")
    ws = Workspace.open(paths.resolve(directory).ensure(), seed=False, backup=False)
    papers = [generate.to_paper(d) for d in generate.papers(PAPERS + LATER)]
    repeated = Paper(title="Attention, repeated", abstract=" ".join(["attention"] * 100),
                     authors=("Ada Lovelace",), arxiv_id="2401.99999", categories=("cs.LG",))
    ws.library.upsert(papers[:PAPERS] + [repeated])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bulk, "batch_size", lambda n, procs: 500)
        ws.ensure_index()
    with ws.index.lock:
        (bulk_leaf, _offset), = ws.index.fast_search().leaves
        ws.bulk_had_file = LetterPostings.open(bulk_leaf.reader()) is not None
    ws.library.upsert(papers[PAPERS:])
    ws.library.upsert([dataclasses.replace(p, abstract=f"Rewritten: {p.title}.") for p in papers[10:20]])
    ids = ws.library.list_ids()
    for pid in ids[5::53]:
        ws.library.add_tags(pid, ["reading-group"])
    with ws.index.lock:
        ws.index.catch_up()
        fs = ws.index.fast_search()
        assert len(fs.leaves) > 1 and fs._deleted
        ws.later_had_file = [LetterPostings.open(sub.reader()) is not None for sub, _o in fs.leaves[1:]]
    assert letter_backfill.fill(ws.index.dir) >= 1
    yield ws
    ws.close()


@pytest.fixture
def letters_used(monkeypatch):
    """How many terms were read from the letter files."""
    used = []
    real = dense_terms.TermArrays._read_letters

    def spy(self, *args):
        rest = real(self, *args)
        used.append(rest is not None)
        return rest

    monkeypatch.setattr(dense_terms.TermArrays, "_read_letters", spy)
    return used


def _prefix_terms(fs) -> list[tuple[str, str]]:
    """Every first letter's expansions in the typed fields, and the word beyond the score table."""
    from whoosh import query as wq

    out = []
    for field in DEFAULT_FIELDS:
        for letter in "abcdefghijklmnopqrstuvwxyz":
            out.extend((field, t) for t in fs._expand(wq.Prefix(field, letter)))
    return list(dict.fromkeys(out + [("abstract", "attent")]))


def _bits(a) -> list[int]:
    return np.asarray(a, np.float64).view(np.uint64).tolist()


def test_the_bulk_builder_writes_the_file_and_the_backfill_the_others(library):
    assert library.bulk_had_file
    assert library.later_had_file == [False]  # Whoosh's writer writes none
    with library.index.lock:
        fs = library.index.fast_search()
        assert all(LetterPostings.open(sub.reader()) is not None for sub, _o in fs.leaves)
        assert not letter_backfill.missing(fs.searcher.reader())


def test_scores_from_the_files_are_the_lists_bit_for_bit(library, letters_used, monkeypatch):
    with library.index.lock:
        fs = library.index.fast_search()
        terms = _prefix_terms(fs)
        from_files = dense_terms.TermArrays(fs)
        got = {(f, t): from_files.scores(f, t, FIELD_BOOSTS[f]) for f, t in terms}
        used = sum(letters_used)
        with monkeypatch.context() as patch:
            patch.setattr(LetterPostings, "open", classmethod(lambda cls, reader: None))
            from_lists = dense_terms.TermArrays(fs)
            for f, t in terms:
                ids, scores = from_lists.scores(f, t, FIELD_BOOSTS[f])
                assert got[(f, t)][0].tolist() == ids.tolist(), (f, t)
                assert _bits(got[(f, t)][1]) == _bits(scores), (f, t)
                assert from_lists.docs(f, t).tolist() == ids.tolist()
    assert used > len(terms) // 2  # most of them from the files
    assert sum(letters_used) == used  # none with the files hidden


def test_segments_without_the_file_are_read_from_their_lists_beside_the_others(library, letters_used, monkeypatch):
    """One segment's file missing (a segment written since, not backfilled yet): that segment's
    lists are decoded into their places, the others' read from the files."""
    with library.index.lock:
        fs = library.index.fast_search()
        terms = _prefix_terms(fs)
        want = {}
        with monkeypatch.context() as patch:
            patch.setattr(LetterPostings, "open", classmethod(lambda cls, reader: None))
            lists = dense_terms.TermArrays(fs)
            for f, t in terms:
                want[(f, t)] = lists.scores(f, t, FIELD_BOOSTS[f])
        for hidden in range(len(fs.leaves)):
            real = LetterPostings.open.__func__
            hidden_reader = fs.leaves[hidden][0].reader()
            with monkeypatch.context() as patch:
                patch.setattr(LetterPostings, "open", classmethod(
                    lambda cls, reader, real=real, hidden_reader=hidden_reader:
                    None if reader is hidden_reader else real(cls, reader)))
                letters_used.clear()
                mixed = dense_terms.TermArrays(fs)
                for f, t in terms:
                    ids, scores = mixed.scores(f, t, FIELD_BOOSTS[f])
                    assert ids.tolist() == want[(f, t)][0].tolist(), (hidden, f, t)
                    assert _bits(scores) == _bits(want[(f, t)][1]), (hidden, f, t)
                assert sum(letters_used) > len(terms) // 2


def test_the_word_beyond_the_score_table_is_read_from_its_lists(library):
    with library.index.lock:
        fs = library.index.fast_search()
        kept = [LetterPostings.open(sub.reader()).lists(np, "abstract", b"attent") for sub, _o in fs.leaves]
        assert kept[0] is None  # the bulk segment: a tf of 100
        assert all(pair is not None for pair in kept[1:])  # the others' frequencies are in the table


def _same(fs, plain, whoosh_query, label):
    got = fs.run(whoosh_query, 20, dense=True)
    want = plain.run(whoosh_query, 20, dense=False)
    assert (got.total, got.exact) == (want.total, want.exact), label
    assert got.top == want.top, label


def test_keystrokes_and_the_mix_as_the_dict_evaluator(library, letters_used):
    """The bench's keystrokes in order and its query mix: the same pages and totals as the
    unpruned dict evaluator, the first letters read from the files."""
    with library.index.lock:
        fs = FastSearch(library.index.searcher())
        plain = FastSearch(fs.searcher)
        compared = 0
        for text in [q for _t, q in queries.keystrokes()] + [q for _k, q in queries.query_mix()]:
            try:
                parsed = library.engine.parse(text)
            except QueryError:
                continue
            _same(fs, plain, parsed.whoosh, text)
            compared += 1
    assert compared > 500
    assert sum(letters_used) > 100


def _copy(library, tmp_path) -> Path:
    folder = tmp_path / "index"
    shutil.copytree(library.index.dir, folder, ignore=shutil.ignore_patterns("*LOCK*"))
    return folder


def _leaves(folder: Path):
    from paperreader.search.whoosh import whoosh_index

    searcher = whoosh_index().open_dir(str(folder)).searcher()
    return searcher, [sub.reader() for sub, _o in searcher.leaf_searchers()]


def test_a_cut_stale_or_garbage_file_is_not_used(library, tmp_path):
    folder = _copy(library, tmp_path)
    searcher, readers = _leaves(folder)
    try:
        files = sorted(folder.glob(f"*{letter_postings.EXT}"))
        assert len(files) == len(readers) and all(LetterPostings.open(r) is not None for r in readers)
        path = files[0]
        data = path.read_bytes()
        path.write_bytes(data[:-5])  # cut
        assert sum(LetterPostings.open(r) is None for r in readers) == 1
        path.write_bytes(b"garbage" * 10)
        assert sum(LetterPostings.open(r) is None for r in readers) == 1
        path.write_bytes(data.replace(b'"docs":', b'"docs":1', 1))  # another segment's count: stale
        assert sum(LetterPostings.open(r) is None for r in readers) == 1
        path.write_bytes(data)
        assert all(LetterPostings.open(r) is not None for r in readers)
    finally:
        searcher.close()


def test_a_list_that_disagrees_with_its_record_is_read_from_the_postings(library, tmp_path, letters_used, monkeypatch):
    """A file whose list for a term is not the record's (a length, a first or last document)
    is not trusted for that term: the scores are the postings'."""
    with library.index.lock:
        fs = library.index.fast_search()
        terms = _prefix_terms(fs)[:60]
        want = {(f, t): dense_terms.TermArrays(fs).scores(f, t, FIELD_BOOSTS[f]) for f, t in terms}
        real = LetterPostings.lists
        for cut in (lambda d, c: (d[1:], c[1:]), lambda d, c: (d[:-1], c[:-1]), lambda d, c: (d + 1, c)):
            monkeypatch.setattr(LetterPostings, "lists", lambda self, np_, f, t, cut=cut: (
                None if (pair := real(self, np_, f, t)) is None or len(pair[0]) < 2 else cut(*pair)))
            letters_used.clear()
            arrays = dense_terms.TermArrays(fs)
            for f, t in terms:
                ids, scores = arrays.scores(f, t, FIELD_BOOSTS[f])
                assert ids.tolist() == want[(f, t)][0].tolist() and _bits(scores) == _bits(want[(f, t)][1]), (f, t)
        assert os.path.isdir(library.index.dir)


def test_a_record_span_has_the_term_infos_figures(library):
    """codec.RecordSpan (what the dense evaluator reads records as) against Whoosh's TermInfo of
    the same records: inline lists and lists in the postings file."""
    from paperreader.search.codec import RecordSpan
    from paperreader.search.whoosh import internals

    with library.index.lock:
        fs = library.index.fast_search()
        compared = inline = 0
        for sub, _offset in fs.leaves:
            terms = internals.terms_reader(sub.reader())
            postfile = terms.postings_file()
            for field in ("title", "abstract", "author", "tag", "id"):
                for btext in list(sub.reader().lexicon(field))[:400]:
                    info = terms.term_info(field, btext)
                    span = terms.term_span(field, btext)
                    assert type(span) is RecordSpan
                    assert (span.doc_frequency(), span.min_id(), span.max_id()) == (
                        info.doc_frequency(), info.min_id(), info.max_id()), (field, btext)
                    assert bytes(span.blob(postfile)) == bytes(info.blob(postfile))
                    compared += 1
                    inline += info.is_inlined()
            assert terms.term_span("abstract", b"absentwordzz") is None
    assert compared > 2000 and 0 < inline < compared
