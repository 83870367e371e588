"""Is this index the library's, and can it be read? Checked on open, when a search fails, and
in full by `paperreader check`.

The index is a cache of one library: its stamp carries the library's identity (a random id kept
in the store's `meta` table, made on first use) and the change-log position it has caught up to.
An index from another library, one ahead of the library's change log (a restored or replaced
library), a stamp with wrong types, a document count that does not fit the library, or files that
cannot be read are all reasons to rebuild (`SearchIndex.problem`). Damage that only shows when a
posting list is read (a file overwritten with other bytes) raises `IndexDamaged` while searching:
the search reports it and the index is rebuilt, never a traceback.

What this needs of Whoosh's private state (a segment's term dictionary, its file names) comes
from `search/whoosh/internals.py`, the only module that touches it.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

LIBRARY_ID = "library_id"  # meta key: this library's identity, stamped into its index
STAMP_TYPES = {"schema": int, "seq": int, "docs": int, "build": str}
SAMPLED_TERMS = 8  # posting lists read, per field and segment, when an index is opened
SAMPLE_SCAN = 2000  # terms looked at, at most, to find them (small lists live in the term record)
MAX_REPORTED = 5  # damaged things named per file by `check`


class IndexBusy(Exception):
    """Another process holds the index's write lock for longer than we wait."""


class IndexDamaged(Exception):
    """The index could not be read while searching; it is marked for a rebuild."""

    def __init__(self, where: str = "") -> None:
        self.where = where
        super().__init__(f"the search index is damaged{f' ({where})' if where else ''}; rebuilding it from the library")


def library_id(library) -> str | None:
    """The library's identity, made on first use (INSERT OR IGNORE: two processes agree on one);
    None if the library cannot be written (then identities are not compared)."""
    value = library.get_meta(LIBRARY_ID)
    if value:
        return value
    from paperreader.store import StoreError

    try:
        with library.transaction() as conn:
            conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES (?, ?)", (LIBRARY_ID, uuid.uuid4().hex))
    except StoreError:
        return None
    return library.get_meta(LIBRARY_ID)


def stamp_problem(stamp: dict, library) -> str | None:
    """Why a stamp (schema already checked) does not describe an index of this library, or None."""
    for key, kind in STAMP_TYPES.items():
        value = stamp.get(key)
        if type(value) is not kind or (kind is int and value < 0):
            return f"the search index's stamp is damaged ({key}: {json.dumps(value)[:30]})"
    owner = stamp.get("library")
    if owner is not None and not isinstance(owner, str):
        return f"the search index's stamp is damaged (library: {json.dumps(owner)[:30]})"
    mine = library_id(library)
    if owner is not None and mine is not None and owner != mine:
        return "the search index belongs to another library"
    if stamp["seq"] > library.change_seq():
        return "the search index is ahead of the library's change log (a replaced or restored library)"
    return None


def open_problem(ix, stamp: dict, library) -> str | None:
    """Why an opened index cannot serve this library: unreadable files, a document count that
    does not fit the library, or sampled posting lists that do not decode. None if it can."""
    with ix.reader() as reader:
        count = reader.doc_count()
        for sub, _offset in reader.leaf_readers():
            if not sub.doc_count_all():  # no segment at all (every paper deleted): nothing to check
                continue
            problem = _segment_files_problem(sub) or _sample_problem(sub)
            if problem:
                return f"the search index is damaged ({problem})"
    if count == stamp["docs"] and stamp["seq"] == library.change_seq():
        return None  # as stamped, and no change since: counting the library (~65 ms CPU at 1M papers,
        # ~0.4 s with a cold cache: a scan of an index) would only repeat what the stamp says
    papers = library.count()
    if count != papers:
        from paperreader.store import ChangeLogPruned

        try:
            changed = len(library.changes_since(stamp["seq"])[1])
        except ChangeLogPruned:  # pruned past this stamp: the catch-up after opening decides (rebuilds if behind)
            return None
        if abs(count - papers) > changed:
            return f"the search index holds {count} papers but the library has {papers}"
    return None


def _files(sub) -> dict[str, str]:
    """What each of a segment's files is, by name."""
    from whoosh.codec.whoosh3 import W3Codec

    from paperreader.search.whoosh.internals import length_file, stored_file

    seg = sub.segment()
    files = {seg.make_filename(W3Codec.TERMS_EXT): "terms", seg.make_filename(W3Codec.POSTS_EXT): "postings",
             stored_file(seg): "stored fields"}
    for name, field in sub.schema.items():
        if field.scorable:
            files[length_file(seg, name)] = f"{name} lengths"
    return files


def _segment_files_problem(sub) -> str | None:
    storage = sub.storage()
    for name, what in _files(sub).items():
        if what.endswith(" lengths") and not storage.file_exists(name):
            if not sub.field_length(what[: -len(" lengths")]):
                continue  # a field no document of this segment has: no lengths column
            return f"{name} is missing"  # searching would have to score every document as empty
        try:
            with storage.open_file(name) as fh:
                fh.read(1)
        except Exception:
            return f"{name} cannot be read"
    return None


def _verify(info, postings, doccount: int) -> str | None:
    """A decoded posting list against its term record: count, first and last document."""
    ids = postings.ids
    if (len(ids) != info.doc_frequency() or not ids or ids[0] != info.min_id() or ids[-1] != info.max_id()
            or ids[-1] >= doccount):
        return "a posting list does not match its term record"
    if postings.tfs is not None and len(postings.tfs) != len(ids):
        return "a posting list's frequencies do not match it"
    keys = postings.keys
    if keys is not None and len(keys) != (len(ids) if postings.tfs is None else sum(postings.tfs)):
        return "a posting list's positions do not match it"
    return None


def _sample_problem(sub) -> str | None:
    """The first few stored posting lists of each text field decode and match their records."""
    from paperreader.search.whoosh.internals import terms_reader

    terms = terms_reader(sub)
    doccount = sub.doc_count_all()
    names = _files(sub)
    pst = next(n for n, what in names.items() if what == "postings")
    for field in ("abstract", "title"):
        if field not in sub.schema:
            continue
        read = 0
        try:
            for k, (_key, info) in enumerate(terms.items_from(field, b"")):
                if k >= SAMPLE_SCAN or read >= SAMPLED_TERMS:
                    break
                if info.is_inlined():
                    continue
                read += 1
                problem = _decode_problem(terms, info, doccount)
                if problem:
                    return f"{pst}: {problem}"
        except Exception:
            return f"{next(n for n, what in names.items() if what == 'terms')} cannot be read"
    return None


def _decode_problem(terms, info, doccount: int) -> str | None:
    from paperreader.search.postings import decode

    try:
        return _verify(info, decode(info.blob(terms.postings_file())), doccount)
    except Exception:
        return "a posting list does not decode"


def damage_from(index, exc: Exception) -> Exception | None:
    """The IndexDamaged to raise for an exception a search hit, with the index marked for a
    rebuild; None if `exc` is not about the index's files (or this index was rebuilt for damage
    already: then it is a fault of ours, not of the files, and rebuilding again would not help)."""
    from paperreader.store import StoreError

    if isinstance(exc, (IndexBusy, StoreError, MemoryError, RecursionError)):
        return None
    damaged = exc if isinstance(exc, IndexDamaged) else IndexDamaged()
    return damaged if index.mark_damaged(str(damaged)) else None


# -- `paperreader check`: every file, every posting list --------------------------------------------
def read_everything(index_dir: Path) -> list[str]:
    """Read every posting list of every term of every segment, every stored document and every
    length; the problems found, each naming its file (empty: all of it reads)."""
    from paperreader.search.suggest import VOCAB
    from paperreader.search.whoosh import whoosh_index

    problems: list[str] = []
    try:
        ix = whoosh_index().open_dir(str(index_dir))
    except Exception:
        return [f"{index_dir}: the table of contents cannot be read"]
    try:
        with ix.reader() as reader:
            for sub, _offset in reader.leaf_readers():
                if sub.doc_count_all():  # an index of no paper has no segment
                    problems += _read_segment(sub)
    except Exception:
        problems.append(f"{index_dir}: a segment cannot be opened")
    finally:
        ix.close()
    try:
        counts = json.loads((Path(index_dir) / VOCAB).read_text(encoding="utf-8"))
        if not isinstance(counts, dict) or not all(isinstance(v, int) for v in counts.values()):
            problems.append(f"{VOCAB}: not a word count")
    except FileNotFoundError:
        pass
    except (OSError, ValueError):
        problems.append(f"{VOCAB}: cannot be read")
    return problems


def _read_segment(sub) -> list[str]:
    from paperreader.search.whoosh.internals import terms_reader

    names = _files(sub)
    by_what = {what: name for name, what in names.items()}
    problem = _segment_files_problem(sub)
    if problem:
        return [problem]
    found: dict[str, list[str]] = {}

    def note(name: str, what: str) -> None:
        found.setdefault(name, []).append(what)

    terms = terms_reader(sub)
    doccount = sub.doc_count_all()
    try:
        for key, info in terms.items():
            where = by_what["terms"] if info.is_inlined() else by_what["postings"]
            why = _decode_problem(terms, info, doccount)
            if why:
                note(where, f"{why} ({_term_name(key)})")
                if len(found[where]) >= MAX_REPORTED:
                    break
    except Exception:
        note(by_what["terms"], "the term index cannot be read to the end")
    for docnum in range(doccount):
        if sub.is_deleted(docnum):  # a paper changed since this segment was written
            continue
        try:
            fields = sub.stored_fields(docnum)
            ok = isinstance(fields, dict) and isinstance(fields.get("id"), str)
        except Exception:
            ok = False
        if not ok:
            note(by_what["stored fields"], f"document {docnum} cannot be read")
            if len(found[by_what["stored fields"]]) >= MAX_REPORTED:
                break
    for name, what in names.items():
        if not what.endswith(" lengths") or not sub.storage().file_exists(name):
            continue
        field = what[: -len(" lengths")]
        try:
            for docnum in range(doccount):
                sub.doc_field_length(docnum, field)
        except Exception:
            note(name, "the lengths cannot be read")
    return [f"{name}: {'; '.join(whats)}" for name, whats in found.items()]


def _term_name(key) -> str:
    try:
        field, text = key
        text = text.decode("utf-8") if isinstance(text, bytes) else str(text)
        return f"{field}:{text[:40]}"
    except Exception:
        return "a term"
