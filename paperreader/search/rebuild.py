"""Building an index from the store beside the live one, in committed chunks with checkpoints.

`SearchIndex.rebuild` (search/index.py) takes the data dir's rebuild lock, has the side directory
(`<index>.building`) filled here, then stamps it and swaps it in. Each chunk of papers is committed
as one segment with a checkpoint after it, so a build interrupted (Ctrl-C, a kill, a crash) resumes
at its last checkpoint next time instead of starting over: at a million papers that is a quarter
of an hour of work kept.
"""

from __future__ import annotations

import inspect
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from paperreader.search.schema import INDEX_SCHEMA_VERSION, document_for
from paperreader.search.suggest import VOCAB, Vocabulary
from paperreader.search.validate import IndexBusy
from paperreader.search.whoosh import whoosh_index as _whoosh_index

Progress = Callable[..., None]  # (done, total), or (done, total, stage) if it takes a third argument: `stages`
INDEXING = "indexing"  # papers read and handed to the analysers: (papers done, papers in all)
WRITING = "writing"  # all analysed: the segment written and committed (seconds; no count moves meanwhile)
STEPS = 100  # a build reports about this many times over its papers (every 1%), and at least every...
STEP_MIN = 500  # ...this many papers apart (a small build: not a call a paper)
RESUME = "paperreader-build.json"  # a build's checkpoint, in its side directory
REBUILD_CHUNK = 100_000  # papers per committed chunk of a rebuild: what an interrupted build keeps
BULK_PROCS_FROM = 5000  # papers; below this, starting worker processes costs more than it saves


def rebuild_lock(index_dir: Path, lock_timeout: float):
    """The data dir's rebuild lock (released by the OS if its holder dies); IndexBusy after a long wait."""
    import time

    from whoosh.util.filelock import FileLock

    lock = FileLock(str(index_dir.parent / f"{index_dir.name}.rebuild.lock"))
    deadline = time.monotonic() + max(lock_timeout, 600.0)
    while not lock.acquire(blocking=False):
        if time.monotonic() > deadline:
            raise IndexBusy(f"{index_dir}: another paperreader is rebuilding the search index; try again")
        time.sleep(0.1)
    return lock


def stages(progress: Progress | None) -> Callable[[int, int, str], None] | None:
    """`progress` as a (done, total, stage) reporter: a callback that takes a third argument is
    told the stage (the reader's bar says "Finishing the index…" rather than sit at 100%); a plain
    (done, total) one (the CLI's line, the import dialog) gets the counts as before."""
    if progress is None:
        return None
    try:
        inspect.signature(progress).bind(0, 0, INDEXING)
    except (TypeError, ValueError):  # (ValueError: no signature to read, a builtin) the counts only
        return lambda done, total, _stage: progress(done, total)
    return progress


def step(total: int) -> int:
    """Papers between two reports of a build of `total`."""
    return max(STEP_MIN, total // STEPS)


def side_dir(index_dir: Path) -> Path:
    """Where the index of `index_dir` is rebuilt before it is swapped in."""
    return index_dir.parent / f"{index_dir.name}.building"


def build_in_side(side: Path, library, schema, progress: Progress | None) -> tuple[int, int, int]:
    """Fill `side` with an index of every paper of `library` (resuming an interrupted build there
    when it can be caught up); returns (the store change number it is up to, papers done, papers
    in the store). Run under the rebuild lock: other side and old dirs are leftovers of killed rebuilds."""
    parent, name = side.parent, side.name[: -len(".building")]
    for stale in [*parent.glob(name + ".building-*"), *parent.glob(name + ".old-*")]:
        shutil.rmtree(stale, ignore_errors=True)
    report = stages(progress)
    total = library.count()
    ix, resume, vocabulary = _resume(side)
    if ix is not None and resume["seq"] < library.changes_pruned_to():
        ix.close()  # the changes since its checkpoint were pruned: it cannot be caught up
        ix = None
    if ix is None:
        shutil.rmtree(side, ignore_errors=True)
        side.mkdir()
        # changes after this are caught up next time (also those made between attempts)
        resume = {"schema": INDEX_SCHEMA_VERSION, "seq": library.change_seq(), "last_id": "", "done": 0}
        vocabulary = Vocabulary()
        ix = _whoosh_index().create_in(str(side), schema)
        checkpoint(side, resume)
    done, last_id = resume["done"], resume["last_id"]
    if report:
        report(done, total, INDEXING)  # the bar shows at once (listing a million ids takes a while)
    todo = sorted(pid for pid in library.list_ids() if pid > last_id)
    try:
        for start in range(0, len(todo), REBUILD_CHUNK):
            chunk_ids = todo[start : start + REBUILD_CHUNK]
            done = _build_chunk(ix, library, chunk_ids, vocabulary, done, total, report)
            last_id = chunk_ids[-1]  # papers added since, in this range, are in the change log
            vocabulary.save(side / VOCAB)
            checkpoint(side, {**resume, "last_id": last_id, "done": done})
    finally:
        ix.close()
    vocabulary.save(side / VOCAB)
    return resume["seq"], done, total


def finished(side: Path) -> None:
    """The side index is complete (and stamped): its checkpoint goes."""
    (side / RESUME).unlink(missing_ok=True)


def _build_chunk(ix, library, chunk_ids: list[str], vocabulary: Vocabulary, done: int, total: int,
                 report: Callable[[int, int, str], None] | None) -> int:
    """One committed segment of the given papers (`search/bulk.py`: both cores from 5,000
    papers on); returns the papers done so far.

    The count it reports is papers indexed, a paper counting half once read and handed to the
    analysers (every `step` of them) and whole once analysed (as each worker's batch is taken
    in): the workers lag the reading (at 60,000 papers, read in ~4 s, analysed by ~13 s), so a
    count of papers read alone raced to the end and left most of the time to the last stage.
    Then the WRITING stage: the postings written and committed."""
    from paperreader.search.bulk import BulkBuild, batch_size

    procs = min(2, os.cpu_count() or 1) if len(chunk_ids) >= BULK_PROCS_FROM else 1
    size = batch_size(len(chunk_ids), procs)
    every = step(total)
    read = 0
    with BulkBuild(ix, procs) as build:
        batch = []
        for record in library.iter_records(ids=chunk_ids):
            batch.append(document_for(record))
            read += 1
            if report and read % every == 0:
                report(done + read // 2, total, INDEXING)
            if len(batch) >= size:
                build.add(batch)
                batch = []
        build.add(batch)

        def analysed(n: int) -> None:
            if n < build.count:
                report(done + (read + n) // 2, total, INDEXING)
            else:
                report(done + n, total, WRITING)

        added = build.commit(analysed if report else None)
        vocabulary.counts.update(build.vocabulary)
    return done + added


def _resume(side: Path):
    """(index, checkpoint, vocabulary) of an interrupted build to continue, or Nones."""
    try:
        resume = json.loads((side / RESUME).read_text(encoding="utf-8"))
        if resume.get("schema") != INDEX_SCHEMA_VERSION or not isinstance(resume.get("done"), int):
            return None, None, None
        ix = _whoosh_index().open_dir(str(side))
        with ix.reader() as reader:
            count = reader.doc_count()
            if count != resume["done"]:
                # killed between a chunk's commit and its checkpoint: the chunk is in the
                # index, so resume after it (chunks are committed whole, in id order)
                if count < resume["done"]:
                    ix.close()
                    return None, None, None
                resume = {**resume, "done": count, "last_id": max(reader.field_terms("id"), default="")}
        return ix, resume, Vocabulary.load(side / VOCAB)
    except Exception:  # no checkpoint, or a damaged side index: start over
        return None, None, None


def checkpoint(side: Path, resume: dict) -> None:
    """Where an interrupted build resumes (written whole, then renamed)."""
    tmp = side / f"{RESUME}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(resume), encoding="utf-8")
    os.replace(tmp, side / RESUME)
