"""A catch-up's papers written into the index's writer, its total growing with papers that arrive meanwhile.

`SearchIndex._catch_up` (search/index.py) reads the store's changes since the index's stamp once,
and has them written here. An import running in another process at the same time (the CLI's,
5,000 papers a batch) adds more while this runs: they are taken in too, so the reader's bar says
"Indexing 12,000 of 15,000" instead of "10,000 of 10,000" while the papers after them wait for
another catch-up. Papers are taken in while the whole stays a catch-up (`room`: the rebuild rule)
and none of them was already written by this writer (its old copy could not be deleted: it is
not in the searcher the deletes use), so nothing is indexed twice; the rest waits for the next.
"""

from __future__ import annotations

from collections.abc import Callable

from paperreader.search.rebuild import INDEXING, WRITING, Progress, stages
from paperreader.search.schema import document_for
from paperreader.store.change_log import ChangeLogPruned

EVERY = 500  # papers between two reports (and two looks at the store for papers added meanwhile)


def take_in(writer, library, seq: int, ids: list[str], vocabulary, room: Callable[[int], bool],
            progress: Progress | None = None) -> tuple[int, int]:
    """Write the papers `ids` (changed up to change `seq`), and those changed since while there is
    `room`; returns (the change number now taken in, papers written). The caller commits."""
    report = stages(progress)
    ids = list(ids)
    listed = set(ids)
    written: set[str] = set()
    records = {r.id: r for r in library.iter_records(ids=ids)}
    # One searcher for every paper's old document, not one each as update_document opens
    # (a reader over every segment: ~5 ms CPU each at 1M, a 60-paper CLI import's next search)
    with writer.searcher() as old:
        done = 0
        while done < len(ids):
            if done % EVERY == 0:
                if done:
                    seq = _more(library, seq, ids, listed, written, records, room)
                if report:
                    report(done, len(ids), INDEXING)
            pid = ids[done]
            writer.delete_by_term("id", pid, searcher=old)
            record = records.get(pid)
            if record is not None:
                writer.add_document(**document_for(record))
                vocabulary.add_text(record.title + " " + record.abstract)
            written.add(pid)
            done += 1
    if report:
        report(len(ids), len(ids), WRITING)  # what is left is the commit (a merge: seconds)
    return seq, len(ids)


def _more(library, seq: int, ids: list[str], listed: set, written: set, records: dict, room) -> int:
    """Papers changed since `seq` appended to `ids` (their records to `records`) if they may be
    taken in; the change number now covered (`seq` unchanged if not)."""
    if library.change_seq() <= seq:
        return seq
    try:
        newest, changed = library.changes_since(seq)
    except ChangeLogPruned:  # another process took them in and pruned: the next catch-up sees
        return seq
    fresh = [pid for pid in changed if pid not in listed]
    if not changed or written.intersection(changed) or not room(len(ids) + len(fresh)):
        return seq
    found = {r.id: r for r in library.iter_records(ids=changed)}
    for pid in changed:
        if pid in found:
            records[pid] = found[pid]
        else:  # deleted meanwhile
            records.pop(pid, None)
    ids.extend(fresh)
    listed.update(fresh)
    return newest
