"""The postings codec and the bulk builder write what Whoosh's own writer would mean, exactly."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperreader.search.bulk import BulkBuild
from paperreader.search.codec import PRCodec, PRTermInfo
from paperreader.search.postings import decode, encode_chunk, position_key
from paperreader.search.schema import build_schema, document_for


def edge_documents() -> list[dict]:
    """Documents that push the encodings: stop words only, empty fields, a word more than 255
    times, positions past 65,535, accents, numbers, tags and notes."""
    return [
        {"id": "e:1", "title": "The of and", "abstract": "", "author": "", "cat": "cs.lg", "has": "", "year": 2024},
        {"id": "e:2", "title": "Repeated", "abstract": " ".join(["attention"] * 300 + ["is", "all"]), "author": "A B",
         "cat": "", "has": "note", "note": "my **own** note on attention", "tag": "to-read later"},
        {"id": "e:3", "title": "Long", "abstract": " ".join(f"w{i % 97} filler" for i in range(40_000)) + " needle",
         "author": "Zoë Ångström\nO'Neil", "cat": "math.oc cs.ds", "has": "arxiv code", "year": 1999},
        {"id": "e:4", "title": "Schrödinger naïve café über résumé", "abstract": "Café au lait; e.g. 3.14 and x2",
         "author": "Ñandú", "cat": "physics", "has": ""},
    ]


def corpus_documents(workspace) -> list[dict]:
    docs = [document_for(r) for r in workspace.library.iter_records()]
    return docs[:120] + edge_documents() + docs[120:]


def postings_of(reader) -> dict:
    """Every term's postings as (id, weight, positions or value) through Whoosh's matchers."""
    out = {}
    for field, btext in reader.all_terms():
        fmt = reader.schema[field].format
        m = reader.postings(field, btext)
        rows = []
        while m.is_active():
            value = m.value_as("positions") if fmt.supports("positions") else fmt.decode_frequency(m.value()) if m.value() else None
            rows.append((m.id(), m.weight(), value))
            m.next()
        out[(field, btext)] = (rows, reader.doc_frequency(field, btext), reader.frequency(field, btext))
    return out


def build(tmp_path, name: str, docs: list[dict], how: str, batches=(50, 7, 1000)) -> object:
    from whoosh import index

    path = tmp_path / name
    path.mkdir()
    ix = index.create_in(str(path), build_schema())
    if how == "bulk" or how == "bulk2":
        with BulkBuild(ix, 2 if how == "bulk2" else 1) as b:
            at, sizes = 0, list(batches)
            while at < len(docs):
                size = sizes.pop(0) if sizes else 1000
                b.add(docs[at : at + size])
                at += size
            b.commit()
    else:
        w = ix.writer(codec=PRCodec() if how == "whoosh+codec" else None)
        for d in docs:
            w.add_document(**d)
        w.commit()
    return index.open_dir(str(path))


@pytest.fixture
def three_indexes(workspace, tmp_path):
    docs = corpus_documents(workspace)
    return docs, {how: build(tmp_path, how.replace("+", "_"), docs, how) for how in ("bulk", "whoosh+codec", "whoosh")}


def test_bulk_build_equals_whoosh_writer_with_either_codec(three_indexes):
    docs, ixs = three_indexes
    readers = {how: ix.reader() for how, ix in ixs.items()}
    try:
        expected = postings_of(readers["whoosh"])  # Whoosh's own writer and codec
        assert len(expected) > 3000
        assert postings_of(readers["whoosh+codec"]) == expected
        assert postings_of(readers["bulk"]) == expected
        for how, r in readers.items():
            assert r.doc_count() == len(docs), how
            for field in ("title", "abstract", "author", "note", "tag"):
                assert r.field_length(field) == readers["whoosh"].field_length(field), (how, field)
                assert [r.doc_field_length(d, field) for d in range(len(docs))] == [
                    readers["whoosh"].doc_field_length(d, field) for d in range(len(docs))], (how, field)
            assert [r.stored_fields(d) for d in range(len(docs))] == [{"id": d["id"]} for d in docs]
    finally:
        for r in readers.values():
            r.close()


def test_the_edge_words_are_where_they_should_be(three_indexes):
    _docs, ixs = three_indexes
    with ixs["bulk"].reader() as r:
        attention = dict((d, (w, p)) for d, w, p in postings_of(r)[("abstract", b"attent")][0])
        assert attention[121] == (300.0, list(range(300)))  # tf above 255
        needle = postings_of(r)[("abstract", b"needl")][0]
        assert needle == [(122, 1.0, [80_000])]  # a position above 65,535
        assert ("title", "schrodinger".encode()) in r and ("author", "zoe".encode()) in r


def test_two_processes_build_the_same_index_as_one(workspace, tmp_path):
    docs = corpus_documents(workspace)
    one = build(tmp_path, "one", docs, "bulk", batches=(40, 40, 40, 40, 40, 40))
    two = build(tmp_path, "two", docs, "bulk2", batches=(40, 40, 40, 40, 40, 40))
    with one.reader() as a, two.reader() as b:
        assert postings_of(a) == postings_of(b)


def test_a_failed_bulk_build_leaves_the_index_as_it_was(workspace, tmp_path):
    from whoosh import index

    ix = build(tmp_path, "ix", corpus_documents(workspace)[:30], "bulk")
    before = sorted(p.name for p in (tmp_path / "ix").iterdir())
    with pytest.raises(KeyError):
        with BulkBuild(ix, 1) as b:
            b.add([{"id": "x:1", "title": "a new paper"}])
            raise KeyError("stop")
    assert sorted(p.name for p in (tmp_path / "ix").iterdir()) == before
    assert index.open_dir(str(tmp_path / "ix")).doc_count() == 30


def test_term_records_round_trip():
    for info in (
        PRTermInfo(3.0, 2, 1, 40, 2.0, 5, 9),
        PRTermInfo(2.5, 1, 3, 3, 2.5, 7, 7),  # a weight that is not whole
        PRTermInfo(1e6, 700_000, 1, 1000, 300.0, 0, 2**32 - 2),
    ):
        for blob in (encode_chunk([info._minid, info._maxid]), b"x" * 5000):
            info._inlined, info._offset, info._length = None, None, None
            if len(blob) < 30:
                info._inlined = blob
            else:
                info._offset, info._length = 123_456_789_012, len(blob)
            back = PRTermInfo.from_bytes(info.to_bytes())
            assert (back.weight(), back.doc_frequency(), back.max_weight(), back.min_id(), back.max_id()) == (
                info.weight(), info.doc_frequency(), info.max_weight(), info.min_id(), info.max_id())
            assert (back._inlined, back._offset, back._length) == (info._inlined, info._offset, info._length)
            assert PRTermInfo.read_doc_freq(_Bytes(info.to_bytes()), 0) == info.doc_frequency()


class _Bytes:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def get(self, at: int, n: int) -> bytes:
        return self.data[at : at + n]


posting = st.tuples(st.integers(1, 300), st.lists(st.integers(0, 70_000), min_size=1, max_size=4, unique=True))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.tuples(st.integers(1, 70_000), posting), min_size=1, max_size=40), min_size=1, max_size=4),
       st.booleans())
def test_chunks_decode_to_what_was_encoded(chunks, with_positions):
    blob, expect_ids, expect_tfs, expect_pos, last = b"", [], [], [], -1
    for chunk in chunks:
        ids, tfs, keys = [], [], []
        for gap, (_tf, pos) in chunk:
            last += gap
            pos = sorted(pos)
            ids.append(last)
            tfs.append(len(pos) if with_positions else _tf)
            keys.extend(position_key(last, p) for p in pos)
            expect_pos.append(pos)
        blob += encode_chunk(ids, tfs, keys if with_positions else None)
        expect_ids += ids
        expect_tfs += tfs
    p = decode(blob)
    assert p.ids == expect_ids
    assert [p.tf(i) for i in range(len(p))] == expect_tfs
    assert [p.positions(i) for i in range(len(p))] == (expect_pos if with_positions else [[]] * len(p))


@pytest.mark.parametrize("blob", [b"x" * 3, b"y" * 400])
@pytest.mark.parametrize("figures", [(1, 1, 1, 7, 0, 0), (300, 1000, 70, 3000, 5, 99_999), (2, 200, 199, 200, 130, 70_000)])
def test_the_bulk_term_record_is_the_term_info_record(blob, figures):
    from paperreader.search.codec import record

    df, weight, maxweight, maxlength, minid, maxid = figures
    info = PRTermInfo(float(weight), df, 1, maxlength, float(maxweight), minid, maxid)
    if len(blob) <= 24:
        info._inlined = blob
    else:
        info._offset, info._length = 123_456, len(blob)
    assert record(df, weight, maxweight, maxlength, minid, maxid, blob, 123_456) == (info.to_bytes(), len(blob) <= 24)


def test_workers_exit_when_the_build_process_is_killed(tmp_path):
    """A build killed mid-way (SIGKILL, power button) leaves no worker processes behind."""
    import subprocess
    import sys
    import time
    from pathlib import Path

    script = tmp_path / "build.py"
    script.write_text(
        "import os, sys, warnings\n"
        "warnings.simplefilter('ignore')\n"
        "from whoosh import index\n"
        "from paperreader.search.bulk import BulkBuild\n"
        "from paperreader.search.schema import build_schema\n"
        "if __name__ == '__main__':\n"
        "    os.mkdir(sys.argv[1])\n"
        "    ix = index.create_in(sys.argv[1], build_schema())\n"
        "    b = BulkBuild(ix, 2)\n"
        "    docs = [{'id': f'x:{i}', 'title': f'paper {i}', 'abstract': 'words ' * 5000} for i in range(300)]\n"
        "    b.add(docs); b.add(docs)\n"
        "    print(' '.join(str(p) for p in b.pool._processes), flush=True)\n"
        "    os._exit(0)\n"
    )
    out = subprocess.run([sys.executable, str(script), str(tmp_path / "ix")], capture_output=True, text=True, timeout=60)
    pids = [int(p) for p in out.stdout.split()]
    assert len(pids) == 2, out.stderr

    def alive(pid: int) -> bool:
        try:
            return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
        except OSError:
            return False

    deadline = time.monotonic() + 10
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(p) for p in pids)


def test_a_cancelled_build_stops_its_workers_at_once(tmp_path):
    import time

    from whoosh import index

    (tmp_path / "ix").mkdir()
    ix = index.create_in(str(tmp_path / "ix"), build_schema())
    docs = [{"id": f"x:{i}", "title": f"paper {i}", "abstract": "words and more words " * 2000} for i in range(600)]
    with pytest.raises(KeyboardInterrupt):
        with BulkBuild(ix, 2) as b:
            b.add(docs)
            b.add(docs)
            time.sleep(0.5)  # the workers are busy analysing
            started = time.monotonic()
            raise KeyboardInterrupt
    assert time.monotonic() - started < 2.0
    assert index.open_dir(str(tmp_path / "ix")).doc_count() == 0


def test_the_build_counts_the_vocabulary_as_words_of_title_and_abstract(workspace):
    from collections import Counter

    from paperreader.search.bulk import analyse
    from paperreader.search.suggest import words_of

    docs = corpus_documents(workspace)
    expected = Counter()
    for d in docs:
        expected.update(set(words_of(f"{d.get('title') or ''} {d.get('abstract') or ''}")))
    assert analyse(docs, 0)["vocabulary"] == expected


def test_a_build_on_two_cores_works_under_a_captured_stderr(workspace, tmp_path, monkeypatch):
    """Textual swaps sys.stderr for an object whose fileno() is -1; multiprocessing passed that to
    the worker it started ("bad value(s) in fds_to_keep"): a rebuild from the TUI failed."""
    import sys

    class Captured:
        def write(self, text):
            return len(text)

        def flush(self):
            pass

        def fileno(self):
            return -1

    monkeypatch.setattr(sys, "stderr", Captured())
    docs = corpus_documents(workspace)
    two = build(tmp_path, "two", docs, "bulk2", batches=(60, 60, 60, 60))
    assert sys.stderr.fileno() == -1  # put back
    with two.reader() as r:
        assert r.doc_count() == len(docs)


@pytest.mark.parametrize("keys", [None, [], [position_key(7, 3)], [position_key(70_000, 2**20 - 1)]])
@pytest.mark.parametrize("doc", [0, 7, 70_000, 2**32 - 1])
def test_a_single_posting_chunk_is_the_general_layout(doc, keys):
    """The short cut for one posting with one position writes what the general code writes."""
    from paperreader.search import postings

    keys = None if keys is None else [position_key(doc, k & 0xFFFFF) for k in keys]
    assert encode_chunk([doc], [1], keys) == postings._encode_chunk([doc], [1], keys)
    assert encode_chunk([doc], None, keys) == postings._encode_chunk([doc], None, keys)
    p = decode(encode_chunk([doc], [1], keys))
    assert p.ids == [doc] and p.positions(0) == ([k & 0xFFFFF for k in keys] if keys else [])


def test_a_remembered_term_record_answers_as_the_table_does(three_indexes, monkeypatch):
    """PRTermsReader looks a term's record up once and remembers it (missing terms too): every
    term's document frequency, weight, record and presence read through the memo equal Whoosh's
    table read afresh, asked twice, with the memo starting afresh every 7 records."""
    from whoosh.reading import TermNotFound

    from paperreader.search import codec
    from paperreader.search.whoosh import internals

    monkeypatch.setattr(codec, "RECORDS_KEPT", 7)
    _docs, indexes = three_indexes
    with indexes["bulk"].reader() as reader:
        terms = internals.terms_reader(reader)
        keys = list(reader.all_terms())
        keys += [(f, t + b"zq") for f, t in keys[::5]] + [("title", b"nosuchword"), ("nofield", b"x")]
        for _round in range(2):
            for field, btext in keys:
                try:
                    record = bytes(terms.record(field, btext))
                except KeyError:
                    record = None
                assert terms.record_or_none(field, btext) == record
                assert ((field, btext) in terms) == (record is not None)
                if record is None:
                    with pytest.raises(TermNotFound):
                        terms.term_info(field, btext)
                    with pytest.raises(KeyError):
                        terms.doc_frequency(field, btext)
                    with pytest.raises(KeyError):
                        terms.frequency(field, btext)
                    assert reader.doc_frequency(field, btext) == 0 if field in reader.schema else True
                    continue
                info = PRTermInfo.from_bytes(record)
                assert terms.term_info(field, btext).to_bytes() == info.to_bytes()
                assert terms.doc_frequency(field, btext) == info.doc_frequency() == reader.doc_frequency(field, btext)
                assert terms.frequency(field, btext) == info.weight() == reader.frequency(field, btext)
                assert len(terms._seen_records) <= 7
