"""Bulk index builds: a whole Whoosh segment from a batch of documents, on both cores.

Whoosh's writer sends every posting through a sorting pool, a Python call per posting at each
step, then the codec; at 100k papers that was 95% of an import. Here a batch of documents is
analysed in one pass per field (each distinct word analysed once), a text field's postings are
grouped by term with numpy (`bulk_text.py`), and each term's list is encoded as one chunk
(`bulk_chunks.py`: `search/postings.py`'s bytes, `search/codec.py`). Batches go to worker
processes; the parent joins their chunks term by term (chunks concatenate as they are, in
document order) and writes one segment through Whoosh's own segment writer (per-document
columns, TOC, locking, cleanup), so the result is an ordinary index of the `PRCodec` format.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time
import warnings
import heapq
from array import array
from collections import Counter
from itertools import accumulate, groupby, repeat
from operator import itemgetter
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

from paperreader.search import letter_postings
from paperreader.search.codec import PRCodec, record
from paperreader.search.bulk_chunks import batch_chunks, chunks_of, joinable_list, joined_lists, table_arrays
from paperreader.search.bulk_text import FieldWords, RawWords, group as group_postings, lowercase_tokens, tokenize, vocabulary_of
from paperreader.search.postings import BLOCKED_FROM, encode_chunk
from paperreader.search.fast_analysis import fast_analysis
from paperreader.search.schema import build_schema
from paperreader.search.whoosh.internals import commit_segment, whole_match_finder

BATCH_MAX = 25_000  # documents per worker task (a chunk per term per task: fewer is smaller)


def batch_size(n: int, procs: int) -> int:
    """Documents per task: a few tasks per process, so the last one to finish is not alone long."""
    if procs <= 1:
        return max(1, min(n, BATCH_MAX))
    return max(1000, min(BATCH_MAX, -(-n // (procs * 3))))


@contextmanager
def _real_stderr():
    """multiprocessing hands `sys.stderr`'s file descriptor to the processes it starts; under
    Textual, `sys.stderr` is a capture object whose fileno() is -1, and starting a worker failed
    with "bad value(s) in fds_to_keep" (a rebuild from the TUI). For that moment, the real one."""
    try:
        usable = sys.stderr is None or sys.stderr.fileno() >= 0
    except (OSError, ValueError, AttributeError):
        usable = True  # multiprocessing leaves out a stream without a file descriptor
    if usable:
        yield
        return
    saved = sys.stderr
    sys.stderr = sys.__stderr__
    try:
        yield
    finally:
        sys.stderr = saved


def _follow_parent(parent: int) -> None:
    """In a worker: exit when the process that started it is gone (killed mid-build, the
    worker would otherwise block for ever writing its answer to a pipe nobody reads)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="follow-parent").start()


class _Words(dict):
    """Raw word -> its index term ("" when dropped), analysed on first sight."""

    def __init__(self, fast) -> None:
        super().__init__()
        self.fast = fast

    def __missing__(self, raw: str) -> str:
        text = self.fast._word(raw)  # raises on a word the analyzer splits (not this schema)
        self[raw] = text
        return text


class _Analysis:
    """Per-process state: the schema, for each text field its tokenizer and word cache, and the
    words seen (numbered once for every field)."""

    def __init__(self) -> None:
        self.schema = build_schema()
        self.fast: dict = {}
        self.fields: dict[str, FieldWords] = {}
        self.raws = RawWords()
        for name in self.schema.names():
            field = self.schema[name]
            fast = fast_analysis(field.analyzer) if getattr(field, "analyzer", None) is not None else None
            if fast is not None and field.format.supports("positions"):
                findall, words, lowered = whole_match_finder(fast.pattern), _Words(fast), lowercase_tokens(fast)
                self.fast[name] = (findall, words, lowered)
                self.fields[name] = FieldWords(words.__getitem__, findall, lowered)


_STATE: _Analysis | None = None
_STATE_LOCK = threading.Lock()  # a build in this process (few papers) from two threads: one at a time


def _state() -> _Analysis:
    global _STATE
    if _STATE is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntaxWarning)
            _STATE = _Analysis()
    return _STATE


class Table:
    """One field's terms from one batch, compact to send between processes: the terms sorted,
    their chunks end to end in one bytes object, and per-term figures in typed arrays."""

    __slots__ = ("terms", "blob", "ends", "df", "weight", "maxweight", "first", "last", "maxlength")

    def __getstate__(self):
        return tuple(getattr(self, k) for k in self.__slots__)

    def __setstate__(self, state) -> None:
        for k, v in zip(self.__slots__, state):
            setattr(self, k, v)


def _text_table(g, maxlength: int, lengths: bytes | None, base: int) -> Table:
    """A text field's Table from its grouped postings (`bulk_text.group`, `bulk_chunks`)."""
    t = Table()
    t.terms = [term.encode("utf-8") for term in g.terms]
    for key, value in table_arrays(*chunks_of(g, lengths, base)).items():
        setattr(t, key, value)
    t.maxlength = maxlength
    return t


def _table(post: dict, maxlength: int, lengths: bytes | None = None, base: int = 0) -> Table:
    """A field without positions (its keys bytes). `lengths`: each document's length byte (from
    `base`), for the score bounds of long lists' blocks."""
    t = Table()
    t.terms = keys = sorted(post)  # in byte order, as the term dictionary wants them
    chunks = []
    t.df, t.weight, t.maxweight = array("I"), array("Q"), array("I")
    t.first, t.last = array("I"), array("I")
    for k in keys:
        ids, tfs, pos = post[k]
        lens = None if lengths is None or len(ids) < BLOCKED_FROM else bytes(map(lengths.__getitem__, map((-base).__add__, ids)))
        chunks.append(encode_chunk(ids, tfs, None, lens))
        t.df.append(len(ids))
        t.weight.append(sum(tfs))
        t.maxweight.append(max(tfs))
        t.first.append(ids[0])
        t.last.append(ids[-1])
    t.ends = array("Q", accumulate(map(len, chunks)))
    t.blob = b"".join(chunks)
    t.maxlength = maxlength
    return t


def _whole_value(field) -> bool:
    """An ID field as this schema makes them: the whole value is its one term (Whoosh's
    IDTokenizer, Existence format), so no analyzer needs to run for it."""
    from whoosh import fields, formats
    from whoosh.analysis import IDTokenizer

    return (type(field) is fields.ID and type(field.analyzer) is IDTokenizer
            and type(field.format) is formats.Existence)


def analyse(docs: list[dict], base: int) -> dict:
    """Postings of `docs` (numbered from `base`), as {"lengths": {field: array}, "terms":
    {field: Table}, "vocabulary": Counter of the words of titles and abstracts (for "did you mean")}."""
    with _STATE_LOCK:  # the word numbers and their terms grow as words are met
        return _analyse(docs, base)


def _analyse(docs: list[dict], base: int) -> dict:
    from paperreader.search.suggest import words_of
    from whoosh.util.numeric import length_to_byte

    state = _state()
    schema = state.schema
    lengths: dict = {}
    terms: dict = {}
    tokenized: dict = {}  # title's and abstract's words, for the vocabulary
    for name in schema.names():
        field = schema[name]
        if not field.indexed:
            continue
        values = [d.get(name) for d in docs]
        if not any(values):
            continue
        post: dict = {}
        lens = array("I", bytes(4 * len(docs)))
        if name in state.fields:
            words = tokenize(values, state.fields[name], state.raws)
            if name in ("title", "abstract"):
                tokenized[name] = words
            grouped = group_postings(*words, base, state.fields[name], state.raws)
            lens = grouped.lens
        else:  # ids, keywords, numbers: Whoosh's own field code (a few terms a document)
            scorable = field.scorable
            whole = _whole_value(field)  # an id: the value is the one term
            seen = {} if not whole and not field.unique else None  # categories and years repeat
            for i, value in enumerate(values):
                if value is None or value == "":
                    continue
                n = 0
                if whole:
                    items = ((value.encode("utf-8"), 1, 1.0, b""),)
                elif seen is not None:
                    items = seen.get(value)
                    if items is None:
                        items = tuple(field.index(value))
                        if len(seen) < 50_000:
                            seen[value] = items
                else:
                    items = field.index(value)
                for btext, freq, _weight, _v in items:
                    e = post.get(btext)
                    if e is None:
                        e = post[btext] = (array("I"), array("I"), None)
                    e[0].append(base + i)
                    e[1].append(freq)
                    n += freq
                if scorable:
                    lens[i] = n
        length_bytes = bytes(map(length_to_byte, lens)) if field.scorable else None
        maxlength = max(lens) if len(lens) else 0
        if name in state.fields:
            terms[name] = _text_table(grouped, maxlength, length_bytes, base)
        else:
            terms[name] = _table(post, maxlength, length_bytes, base)
        if field.scorable:
            lengths[name] = lens
    if "title" in state.fields and "abstract" in state.fields:  # the words "did you mean" knows, from the words above
        vocabulary = vocabulary_of(list(tokenized.values()), len(docs), state.raws)
    else:
        vocabulary = Counter()
        for d in docs:
            vocabulary.update(set(words_of(f"{d.get('title') or ''} {d.get('abstract') or ''}")))
    return {"lengths": lengths, "terms": terms, "vocabulary": vocabulary}


def _flush(fw, out: list, tables, btext: bytes, where: list, maxlength: int, joined: bytes | None = None) -> None:
    """One term's record (and its chunks joined, unless inline) from every batch that has it
    (`where`: (batch, index in its table)); `joined`: its chunks as one (`_joinable`)."""
    if len(where) == 1:
        k, i = where[0]
        t = tables[k]
        blob = t.blob[t.ends[i - 1] if i else 0 : t.ends[i]]
        df, weight, maxweight, first, last = t.df[i], t.weight[i], t.maxweight[i], t.first[i], t.last[i]
    else:
        df, weight, maxweight = 0, 0, 0
        for k, i in where:
            t = tables[k]
            df += t.df[i]
            weight += t.weight[i]
            maxweight = max(maxweight, t.maxweight[i])
        # a long list's batches in one chunk (`postings_joined`: one header and one inflate a list)
        blob = joined if joined is not None else b"".join(batch_chunks(tables, where))
        first = tables[where[0][0]].first[where[0][1]]
        last = tables[where[-1][0]].last[where[-1][1]]
    # 1 as the shortest length is a safe bound for Whoosh's block-quality skipping
    rec, inline = record(df, weight, maxweight, maxlength, first, last, blob, out[0])
    if not inline:
        out[1].append(blob)
        out[0] += len(blob)
    fw.add_record(btext, rec)


class BulkBuild:
    """Adds documents to a Whoosh index as one new segment of the PRCodec format.

    Use: `with BulkBuild(ix, procs) as build: build.add(docs); build.commit()`. Until commit
    nothing is visible; cancel() (or an exception) leaves the index as it was."""

    def __init__(self, ix, procs: int = 1) -> None:
        self.writer = ix.writer(codec=PRCodec(), compound=False)
        self.schema = self.writer.schema
        self.procs = procs
        self.pool = None
        if procs > 1:
            with _real_stderr():  # (its queues start multiprocessing's resource tracker process)
                self.pool = ProcessPoolExecutor(procs, mp_context=multiprocessing.get_context("spawn"),
                                                initializer=_follow_parent, initargs=(os.getpid(),))
        self.parts: list = []  # futures or results, in document order
        self.stored: list = []  # each document's stored fields
        self.count = 0
        self.vocabulary: Counter = Counter()  # of the documents committed

    def __enter__(self) -> BulkBuild:
        return self

    def __exit__(self, kind, exc, tb) -> None:
        if kind is not None:
            self.cancel()
        self._shutdown()

    def add(self, docs: list[dict]) -> None:
        """Queue a batch of documents (dicts as `schema.document_for` makes)."""
        if not docs:
            return
        base = self.writer.docnum + self.count
        if self.pool is not None:
            with _real_stderr():  # the first submits start the worker processes
                self.parts.append(self.pool.submit(analyse, docs, base))
        else:
            self.parts.append(analyse(docs, base))
        stored_names = [n for n in self.schema.names() if self.schema[n].stored]
        self.stored.append([{n: d[n] for n in stored_names if d.get(n) is not None} for d in docs])
        self.count += len(docs)

    def commit(self, progress=None) -> int:
        """Write the segment and make it visible; returns the documents added. `progress(n)`
        hears how many documents are analysed as the workers finish."""
        writer = self.writer
        schema = self.schema
        pdw = writer.perdocwriter
        tables: dict = {}  # field -> [Table, ...] in document order
        docnum = writer.docnum
        for k, (part, stored) in enumerate(zip(self.parts, self.stored)):
            result = part.result() if hasattr(part, "result") else part
            self.parts[k] = None  # let each worker's answer go once read
            self.vocabulary.update(result["vocabulary"])
            lens = result["lengths"]
            names = [n for n in schema.names() if n in lens or schema[n].stored]
            columns = [(n, schema[n], lens.get(n)) for n in names]
            for i, fields in enumerate(stored):
                pdw.start_doc(docnum)
                for name, field, col in columns:
                    length = col[i] if col is not None else 0
                    value = fields.get(name)
                    if value is not None or length:
                        pdw.add_field(name, field, value, length)
                pdw.finish_doc()
                docnum += 1
            if progress:
                progress(docnum - writer.docnum)
            for name, table in result["terms"].items():
                tables.setdefault(name, []).append(table)
        writer.docnum = docnum
        pdw.close()
        fw = writer.fieldwriter
        for name in sorted(tables):
            fw.start_field(name, schema[name])
            self._write_field(fw, tables.pop(name), self.pool)
            fw.finish_field()
        fw.close()
        # the letters' top terms' postings, uncompressed, for the first keystroke on a letter (~1 s a
        # 100k-paper segment; a cache: not written means read from the postings)
        letter_postings.write_segment(writer.storage, schema, writer.get_segment())
        commit_segment(writer)
        added, self.parts, self.stored = self.count, [], []
        self._shutdown()
        return added

    @staticmethod
    def _write_field(fw, tables: list, pool=None) -> None:
        """Each term's chunks from every batch, in document order, as one posting list. Long
        lists' chunks are joined on the worker processes (`pool`), in order, while this process
        writes the records."""
        postfile = fw.postings_file()
        out = [postfile.tell(), []]  # where the next list goes; lists not yet written
        merged = heapq.merge(*[zip(t.terms, repeat(k), range(len(t.terms))) for k, t in enumerate(tables)])
        terms = [(btext, [(k, i) for _t, k, i in group]) for btext, group in groupby(merged, key=itemgetter(0))]
        joinable = [joinable_list(tables, where) for _b, where in terms]
        joined = joined_lists([batch_chunks(tables, where) for (_b, where), j in zip(terms, joinable) if j], pool)
        maxlength = max(t.maxlength for t in tables)
        for (btext, where), j in zip(terms, joinable):
            _flush(fw, out, tables, btext, where, maxlength, next(joined) if j else None)
            if len(out[1]) >= 1024:
                postfile.write(b"".join(out[1]))
                out[1].clear()
        postfile.write(b"".join(out[1]))

    def cancel(self) -> None:
        """Drop the segment being written (its files too: Whoosh would leave them to its next commit)."""
        writer = self.writer
        if not writer.is_closed:
            writer.cancel()
            prefix = f"{writer.indexname}_{writer.newsegment.segid}"
            for name in list(writer.storage.list()):
                if name.startswith(prefix):
                    writer.storage.delete_file(name)
        self._shutdown(stop=True)

    def _shutdown(self, stop: bool = False) -> None:
        """Let the workers go; `stop`: at once, mid-task (a cancelled build: quitting the TUI
        during a rebuild should not wait for a batch to finish)."""
        if self.pool is not None:
            if stop:
                for process in list(getattr(self.pool, "_processes", {}).values()):
                    process.terminate()
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
