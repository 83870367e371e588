"""What the store hands out: a paper with the user's state on it. Plain data, no Textual."""

from __future__ import annotations

import json
from collections import OrderedDict
from datetime import datetime, timezone
from dataclasses import dataclass, field

from paperreader.links import links_for, primary_link
from paperreader.model import Link, UserState


def now() -> str:
    """The store's timestamps: UTC, ISO 8601, to the second."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class PaperRecord:
    id: str
    title: str
    abstract: str = ""
    authors: tuple[str, ...] = ()
    arxiv_id: str | None = None
    published: str | None = None
    year: int | None = None
    categories: tuple[str, ...] = ()
    doi: str | None = None
    comment: str | None = None
    journal_ref: str | None = None
    urls: tuple[Link, ...] = ()
    source: str = ""
    added_at: str = ""
    starred_at: str | None = None
    note: str = ""
    tags: tuple[str, ...] = ()
    read_at: str | None = None
    _links: list[Link] = field(default_factory=list, compare=False, repr=False)

    @property
    def state(self) -> UserState:
        """What the user did to this paper, as one record (what a backup saves)."""
        return UserState(starred_at=self.starred_at, read_at=self.read_at, note=self.note, tags=self.tags)

    @property
    def starred(self) -> bool:
        return self.starred_at is not None

    @property
    def read(self) -> bool:
        return self.read_at is not None

    @property
    def has_note(self) -> bool:
        return bool(self.note.strip())

    @property
    def links(self) -> list[Link]:
        if not self._links:
            self._links.extend(
                links_for(
                    title=self.title,
                    abstract=self.abstract,
                    arxiv_id=self.arxiv_id,
                    doi=self.doi,
                    urls=self.urls,
                )
            )
        return self._links

    @property
    def link(self) -> Link | None:
        return primary_link(self.links)

    @property
    def has_code(self) -> bool:
        return any(link.kind == "code" for link in self.links)

    def summary_json(self) -> dict:
        """The CLI's row shape (without highlights and score)."""
        return {
            "id": self.id,
            "title": self.title,
            "starred": self.starred,
            "tags": list(self.tags),
            "has_note": self.has_note,
        }

    def full_json(self) -> dict:
        """The CLI's `show --json` shape."""
        return {
            "id": self.id,
            "title": self.title,
            "abstract": self.abstract,
            "authors": list(self.authors),
            "arxiv_id": self.arxiv_id,
            "published": self.published,
            "year": self.year,
            "categories": list(self.categories),
            "doi": self.doi,
            "comment": self.comment,
            "journal_ref": self.journal_ref,
            "links": [{"kind": link.kind, "url": link.url} for link in self.links],
            "starred": self.starred,
            "tags": list(self.tags),
            "note": self.note,
            "read": self.read,
        }


# The columns record_from_row reads, in this order (Library's page statement selects them so).
RECORD_COLUMNS = ("id", "title", "abstract", "authors", "arxiv_id", "published", "year", "categories", "doi",
                  "comment", "journal_ref", "urls", "source", "added_at", "starred_at", "read_at")


def record_from_row(row: tuple, note: str = "", tags: tuple[str, ...] = ()) -> PaperRecord:
    """A PaperRecord from a plain row of RECORD_COLUMNS (`papers` joined with stars/reads).

    A search's page makes ~20 records: filled through the instance dict rather than the frozen
    dataclass's __init__ (one object.__setattr__ per field) and read by position rather than by
    sqlite3.Row names, a record costs ~9 us instead of ~20 (the same fields and values: tests
    compare it with PaperRecord(...))."""
    record = object.__new__(PaperRecord)
    urls = row[11]
    record.__dict__.update(
        id=row[0],
        title=row[1],
        abstract=row[2],
        authors=_tuple(row[3]),
        arxiv_id=row[4],
        published=row[5],
        year=row[6],
        categories=_tuple(row[7]),
        doi=row[8],
        comment=row[9],
        journal_ref=row[10],
        urls=() if urls == "[]" else tuple(Link(*u) for u in json.loads(urls)),
        source=row[12],
        added_at=row[13],
        starred_at=row[14],
        note=note,
        tags=tags,
        read_at=row[15],
        _links=[],
    )
    return record


_LISTS_SEEN: dict[str, tuple] = {}  # short list texts read before (categories repeat: `["cs.LG"]`)
LISTS_SEEN = 4096  # then afresh
SEEN_LENGTH = 64  # longer lists (authors) rarely repeat


def _tuple(text: str) -> tuple:
    """A JSON list column as a tuple (most lists of categories and links are empty: no parse).

    The store writes lists of strings as `["a", "b"]` (store/upsert.json_strings): with no
    backslash (so no escape) and nothing unprintable in the text, its quotes are exactly the
    strings' delimiters, and splitting at `", "` gives the strings (~0.5 us instead of json.loads'
    ~3): taken only when the quotes count two a string; anything else is parsed by json.loads.
    A short list of strings read before is remembered (a tuple of strings: shared safely)."""
    if text == "[]":
        return ()
    seen = _LISTS_SEEN.get(text)
    if seen is not None:
        return seen
    if text[:2] == '["' and text[-2:] == '"]' and "\\" not in text and text.isprintable():
        items = text[2:-2].split('", "')
        if text.count('"') == 2 * len(items):
            out = tuple(items)
            if len(text) <= SEEN_LENGTH:
                if len(_LISTS_SEEN) >= LISTS_SEEN:
                    _LISTS_SEEN.clear()
                _LISTS_SEEN[text] = out
            return out
    return tuple(json.loads(text))


class RecordCache:
    """The records of the last pages read, kept while the store has not changed: a search's page
    (and the TUI's next look at it) then costs no SQL and no row decoding. Valid only while
    `PRAGMA data_version` (other connections' and processes' commits) and the connection's own
    `total_changes` are as they were when the records were read; use under the connection's lock."""

    KEPT = 1000  # records (a few MB): pages of 20 the user comes back to
    PAGE = 100  # larger requests (exports, index builds) neither use nor fill it

    def __init__(self) -> None:
        self._records: OrderedDict[str, PaperRecord] = OrderedDict()
        self._moment: tuple | None = None

    def check(self, conn) -> None:
        """Forget everything if the store changed since the records were read."""
        moment = (conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes)
        if moment != self._moment:
            self._records.clear()
            self._moment = moment

    def get(self, pid: str) -> PaperRecord | None:
        record = self._records.get(pid)
        if record is not None:
            self._records.move_to_end(pid)
        return record

    def keep(self, record: PaperRecord) -> None:
        self._records[record.id] = record
        self._records.move_to_end(record.id)
        while len(self._records) > self.KEPT:
            self._records.popitem(last=False)
