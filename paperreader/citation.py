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
import unicodedata
import weakref
from collections.abc import Iterable

_STOPWORDS = frozenset(
    "a an the of on in for to and or with by from at as is are via towards toward into its it be we our "
    "do does can how what when why which not no all you your this that these those".split()
)
_SPLIT = re.compile(r"[\s\-–—:/]+")
SUFFIX_LETTERS = 3
_BIG = 500  # records: from here one query fetches every shared key instead of one query a key

_caught_up: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # Library -> change seq


def _ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^a-z0-9]", "", folded.encode("ascii", "ignore").decode().lower())


def base_key(title: str, authors: Iterable[str], year: int | None) -> str:
    """The key before any suffix: surname + year + first significant title word, ASCII lower case."""
    first = next(iter(authors), "")
    last = _ascii_word(first.split()[-1]) if first.split() else ""
    words = [w for w in (_ascii_word(x) for x in _SPLIT.split(title)) if w]
    word = next((w for w in words if w not in _STOPWORDS), words[0] if words else "")
    return (last + (str(year) if year else "") + word) or "paper"


def record_base_key(record) -> str:
    return base_key(record.title, record.authors, record.year)


def _letters(paper_id: str, n: int) -> str:
    value = int.from_bytes(hashlib.sha1(paper_id.encode("utf-8")).digest(), "big")
    out = []
    for _ in range(n):
        value, r = divmod(value, 26)
        out.append(chr(97 + r))
    return "".join(out)


def suffixes(ids: Iterable[str]) -> dict[str, str]:
    """A suffix for each of papers sharing one base key: letters from a hash of the paper's id,
    three of them, more for the whole group only in the rare case two of them agree."""
    ids = sorted(set(ids))
    n = SUFFIX_LETTERS
    while True:
        out = {pid: _letters(pid, n) for pid in ids}
        if len(set(out.values())) == len(out):
            return out
        n += 1


def key_in_group(pid: str, base: str, group: Iterable[str]) -> str:
    members = set(group) | {pid}
    return base if len(members) == 1 else f"{base}-{suffixes(members)[pid]}"


# -- who shares a key, in the library ---------------------------------------------------------------
def _row_base(title: str, authors_json: str, year) -> str:
    try:
        authors = json.loads(authors_json) if authors_json else []
    except ValueError:
        authors = []
    return base_key(title, authors if isinstance(authors, list) else [], year)


def _catch_up(library) -> None:
    """Bring temp.citation_bases up to the store (call with the library's lock held)."""
    conn = library._conn
    seq = _caught_up.get(library)
    if seq is None:
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS citation_bases(id TEXT PRIMARY KEY, base TEXT NOT NULL)")
        conn.execute("CREATE INDEX IF NOT EXISTS temp.citation_bases_base ON citation_bases(base)")
        top = library.change_seq()  # changes from here on are caught up next time (again, harmlessly)
        conn.execute("BEGIN")
        try:
            conn.execute("DELETE FROM temp.citation_bases")
            cursor = conn.execute("SELECT id, title, authors, year FROM papers")
            while rows := cursor.fetchmany(2000):
                conn.executemany(
                    "INSERT INTO temp.citation_bases(id, base) VALUES (?, ?)", [(r[0], _row_base(r[1], r[2], r[3])) for r in rows]
                )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        _caught_up[library] = top
        return
    if library.change_seq() <= seq:
        return
    top, ids = library.changes_since(seq)
    conn.execute("BEGIN")
    try:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            conn.execute(f"DELETE FROM temp.citation_bases WHERE id IN ({marks})", chunk)
            rows = conn.execute(f"SELECT id, title, authors, year FROM papers WHERE id IN ({marks})", chunk).fetchall()
            conn.executemany("INSERT INTO temp.citation_bases(id, base) VALUES (?, ?)", [(r[0], _row_base(r[1], r[2], r[3])) for r in rows])
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    _caught_up[library] = top


def citation_keys(library, records: Iterable) -> dict[str, str]:
    """{paper id: key} for the records, unique across the whole library. Blocking (a worker's job)."""
    bases = {r.id: record_base_key(r) for r in records}  # records may be a stream: read once
    groups: dict[str, list[str]] = {}
    with library._lock:
        _catch_up(library)
        conn = library._conn
        if len(bases) >= _BIG:
            shared = conn.execute(
                "SELECT base, id FROM temp.citation_bases WHERE base IN "
                "(SELECT base FROM temp.citation_bases GROUP BY base HAVING count(*) > 1)"
            ).fetchall()
            for base, pid in shared:
                groups.setdefault(base, []).append(pid)
        else:
            for base in set(bases.values()):
                groups[base] = [r[0] for r in conn.execute("SELECT id FROM temp.citation_bases WHERE base = ?", (base,))]
    for pid, base in bases.items():  # papers of the export itself count too (e.g. not yet stored)
        groups.setdefault(base, [])
        if pid not in groups[base]:
            groups[base].append(pid)
    return {pid: key_in_group(pid, base, groups[base]) for pid, base in bases.items()}


def citation_key(library, record) -> str:
    """One paper's key (see `citation_keys`)."""
    return citation_keys(library, [record])[record.id]
