"""A paper's BibTeX key: the one function the copy menu, `export --format bibtex` and the reader use.

The key is arXiv's shape: the first author's surname, the year, the first significant title word,
folded to ASCII and lower case (`gu2023mamba`; with no authors or year, just what is known). When
other papers in the *library* have the same key, every one of them gets a suffix derived from its
own id (`mamba-kqv`): the same paper has the same key in every export, whichever papers an export
holds and in whatever order, and a key never moves to another paper. (A base key has no `-`, so a
suffixed key never equals another paper's plain one.)

Who shares a key is looked up in a temporary table on the library's connection (the base key of
every paper, indexed), built on first use and caught up from the store's change log, like the
search index: a lookup after the first is one indexed query.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import unicodedata
import weakref
from collections.abc import Iterable

from paperreader.store.change_log import ChangeLogPruned

_STOPWORDS = frozenset(
    "a an the of on in for to and or with by from at as is are via towards toward into its it be we our "
    "do does can how what when why which not no all you your this that these those".split()
)
_WORD = re.compile(r"[^\s\-–—:/]+")  # title words: split at spaces, dashes, colons, slashes
SUFFIX_LETTERS = 3
_BIG = 500  # records: from here one query fetches every shared key instead of one query a key



_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def _ascii_word(text: str) -> str:
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NOT_ALNUM.sub("", text.lower())


def base_key(title: str, authors: Iterable[str], year: int | None) -> str:
    """The key before any suffix: surname + year + first significant title word, ASCII lower case."""
    first = next(iter(authors), "")
    parts = first.split()
    last = _ascii_word(parts[-1]) if parts else ""
    word = ""
    for match in _WORD.finditer(title):  # the first word that is not a stopword, else the first word
        folded = _ascii_word(match.group())
        if folded:
            if folded not in _STOPWORDS:
                word = folded
                break
            word = word or folded
    return (last + (str(year) if year else "") + word) or "paper"


def record_base_key(record) -> str:
    return base_key(record.title, record.authors, record.year)


def _hash(paper_id: str) -> int:
    return int.from_bytes(hashlib.sha1(paper_id.encode("utf-8")).digest(), "big")


def _letters(value: int, n: int) -> str:
    """n letters from a hash: its base-26 digits, lowest first (so n+1 letters start with the n)."""
    out = []
    for _ in range(n):
        value, r = divmod(value, 26)
        out.append(chr(97 + r))
    return "".join(out)


def suffixes(ids: Iterable[str]) -> dict[str, str]:
    """A suffix for each of papers sharing one base key: letters from a hash of the paper's id,
    three of them, more for the whole group only in the rare case two of them agree.
    Each id is hashed once, whatever the number of rounds."""
    hashes = {pid: _hash(pid) for pid in set(ids)}
    n = SUFFIX_LETTERS
    while True:
        out = {pid: _letters(value, n) for pid, value in hashes.items()}
        if len(set(out.values())) == len(out):
            return out
        n += 1


def key_in_group(pid: str, base: str, group: Iterable[str]) -> str:
    members = set(group) | {pid}
    return base if len(members) == 1 else f"{base}-{suffixes(members)[pid]}"


# -- who shares a key, in the library ---------------------------------------------------------------
_JSON = json.JSONDecoder()


def _row_base(title: str, authors_json: str, year) -> str:
    """The base key of a `papers` row; only the first author is decoded from the JSON list."""
    try:
        first = _JSON.raw_decode(authors_json, 1)[0] if authors_json.startswith('["') else ""
    except ValueError:
        first = ""
    return base_key(title, [first] if isinstance(first, str) else [], year)


class _KeyTable:
    """The state of one library's lookup table: the change it is caught up to, and a lock that
    lets one thread at a time build or catch it up (the library's own lock is held only briefly)."""

    def __init__(self) -> None:
        self.seq: int | None = None
        self.lock = threading.Lock()


_tables: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # Library -> _KeyTable
_tables_lock = threading.Lock()
_CHUNK = 2000


def _table_of(library) -> _KeyTable:
    with _tables_lock:
        table = _tables.get(library)
        if table is None:
            table = _tables[library] = _KeyTable()
        return table


def _in_transaction(library, statements) -> None:
    """Writes to the temporary table, in one transaction of the library's (shared) connection."""
    with library.db.scratch() as conn:
        for sql, params in statements:
            if isinstance(params, list):
                conn.executemany(sql, params)
            else:
                conn.execute(sql, params)


def _catch_up(library, table: _KeyTable) -> None:
    """Bring temp.citation_bases up to the store (call with `table.lock` held).

    The first build reads the papers a chunk at a time, taking the library's lock only to read or
    write a chunk (at 100k papers the build takes a second or two; searches and saves go on
    meanwhile). Changes committed during the build are in the change log after `top`, and caught
    up by the next lookup."""
    if table.seq is None:
        top = library.change_seq()
        _in_transaction(library, [
            ("DROP TABLE IF EXISTS temp.citation_bases", ()),
            ("CREATE TEMP TABLE citation_bases(id TEXT NOT NULL, base TEXT NOT NULL)", ()),
        ])  # fmt: skip
        last = 0
        while True:
            rows = library.db.read(
                "SELECT rowid, id, title, authors, year FROM papers WHERE rowid > ? ORDER BY rowid LIMIT ?", (last, _CHUNK)
            )
            if not rows:
                break
            values = [(r[1], _row_base(r[2], r[3], r[4])) for r in rows]
            _in_transaction(library, [("INSERT INTO temp.citation_bases(id, base) VALUES (?, ?)", values)])
            last = rows[-1][0]
        # indexed once filled: faster than keeping indexes up to date row by row
        _in_transaction(library, [
            ("CREATE INDEX temp.citation_bases_base ON citation_bases(base)", ()),
            ("CREATE INDEX temp.citation_bases_id ON citation_bases(id)", ()),
        ])  # fmt: skip
        table.seq = top
    if library.change_seq() <= table.seq:
        return
    try:
        top, ids = library.changes_since(table.seq)
    except ChangeLogPruned:  # the changes since this table was made were pruned: make it afresh
        table.seq = None
        _catch_up(library, table)
        return
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = library.db.read(f"SELECT id, title, authors, year FROM papers WHERE id IN ({marks})", chunk)
        _in_transaction(library, [
            (f"DELETE FROM temp.citation_bases WHERE id IN ({marks})", tuple(chunk)),
            ("INSERT INTO temp.citation_bases(id, base) VALUES (?, ?)", [(r[0], _row_base(r[1], r[2], r[3])) for r in rows]),
        ])  # fmt: skip
    table.seq = top


def citation_keys(library, records: Iterable) -> dict[str, str]:
    """{paper id: key} for the records, unique across the whole library. Blocking (a worker's job)."""
    bases = {r.id: record_base_key(r) for r in records}  # records may be a stream: read once
    groups: dict[str, set[str]] = {}
    table = _table_of(library)
    with table.lock:
        _catch_up(library, table)
    with library.db.reading() as conn:
        if len(bases) >= _BIG:
            shared = conn.execute(
                "SELECT base, id FROM temp.citation_bases WHERE base IN "
                "(SELECT base FROM temp.citation_bases GROUP BY base HAVING count(*) > 1)"
            ).fetchall()
            for base, pid in shared:
                groups.setdefault(base, set()).add(pid)
        else:
            for base in set(bases.values()):
                groups[base] = {r[0] for r in conn.execute("SELECT id FROM temp.citation_bases WHERE base = ?", (base,))}
    for pid, base in bases.items():  # papers of the export itself count too (e.g. not yet stored)
        groups.setdefault(base, set()).add(pid)
    # each group's suffixes once (a group of n papers: n hashes, not n x n as one call a paper was)
    by_base = {base: suffixes(groups[base]) for base in set(bases.values()) if len(groups[base]) > 1}
    return {pid: f"{base}-{by_base[base][pid]}" if base in by_base else base for pid, base in bases.items()}

def citation_key(library, record) -> str:
    """One paper's key (see `citation_keys`)."""
    return citation_keys(library, [record])[record.id]
