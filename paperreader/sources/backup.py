"""paperreader's own JSON backup (`paperreader export --format json`): papers with the user's state.

Both directions live here, so the format is written down once: `write_backup` (export) and
`parse_backup` (import, and detection through `looks_like`).

Recognised by its `"format": "paperreader-backup"` key, written first so the sniff needs only the
head of the file. Each paper carries its metadata and what the user did to it (starred_at, read_at,
note, tags: a `model.UserState`, read by `state_of` and written by `state_fields`), so `paperreader import` can merge it into any library. The
papers are one a line, so an error names the line of the bad paper.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, TextIO

from paperreader.model import Link, Paper, UserState, parse_arxiv_id
from paperreader.sources import SourceError, json_limit, skip_or_raise
from paperreader.store.notes import NoteTooLarge
from paperreader.store.notes import check_size as check_note_size

FORMAT = "paperreader-backup"
VERSION = 1
_SNIFF = re.compile(r'"format"\s*:\s*"' + FORMAT + '"')
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}([T ][\d:.]+)?(Z|[+-]\d{2}:?\d{2})?$")


@dataclass
class Backup:
    papers: list[Paper] = field(default_factory=list)
    saved_searches: list[tuple[str, str]] = field(default_factory=list)
    listings: list[dict] = field(default_factory=list)  # ranked listings (store.listings.backup_rows)


def looks_like(text: str) -> bool:
    head = text.lstrip("\ufeff \t\r\n")
    return head[:1] == "{" and bool(_SNIFF.search(head[:2000]))


def _line_of(text: str, needle: str) -> int | None:
    pos = text.find(needle)
    return text.count("\n", 0, pos) + 1 if pos >= 0 else None


def _strings(value: Any, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise ValueError(f"{what} should be a list of strings")
    return tuple(value)


def _text(obj: dict, key: str) -> str | None:
    value = obj.get(key)
    if value is None or isinstance(value, str):
        return value
    raise ValueError(f"{key!r} should be a string, not {type(value).__name__}")


def _time(obj: dict, key: str) -> str | None:
    value = _text(obj, key)
    if value is not None and not _TIME.match(value.strip()):
        raise ValueError(f"{key!r} is not a date and time: {value[:40]!r}")
    return value


def _link(value: Any) -> Link:
    if isinstance(value, dict) and isinstance(value.get("kind"), str) and isinstance(value.get("url"), str):
        label = value.get("label")
        return Link(value["kind"], value["url"], label if isinstance(label, str) else "")
    raise ValueError("each of 'urls' should be an object with 'kind' and 'url'")


def state_of(item: dict) -> UserState:
    """The user's state on one backup paper (its starred_at, read_at, note and tags keys)."""
    state = UserState(
        starred_at=_time(item, "starred_at"),
        read_at=_time(item, "read_at"),
        note=_text(item, "note") or "",
        tags=_strings(item.get("tags"), "'tags'"),
    )
    try:  # checked here, so the error names the file and the paper (the store would only say 'the note')
        check_note_size(state.note)
    except NoteTooLarge as exc:
        raise ValueError(f"'note': {exc}") from None
    return state


def state_fields(state: UserState) -> dict:
    """The keys a backup paper holds its state in (what `state_of` reads back)."""
    return {"starred_at": state.starred_at, "read_at": state.read_at, "note": state.note, "tags": list(state.tags)}


def paper_of(item: Any) -> Paper:
    """One backup record as a Paper with its user state in `state`; ValueError if malformed."""
    if not isinstance(item, dict):
        raise ValueError(f"a paper should be an object, not {type(item).__name__}")
    title = _text(item, "title")
    if not title or not title.strip():
        raise ValueError("the paper has no title")
    raw_arxiv = _text(item, "arxiv_id")
    arxiv_id = parse_arxiv_id(raw_arxiv) if raw_arxiv else None
    if raw_arxiv and arxiv_id is None:
        raise ValueError(f"'arxiv_id' {raw_arxiv[:40]!r} is not an arXiv id")
    urls = item.get("urls") or []
    if not isinstance(urls, list):
        raise ValueError("'urls' should be a list")
    state = state_of(item)
    return Paper(
        title=title,
        abstract=_text(item, "abstract") or "",
        authors=_strings(item.get("authors"), "'authors'"),
        arxiv_id=arxiv_id,
        published=_text(item, "published"),
        categories=_strings(item.get("categories"), "'categories'"),
        doi=_text(item, "doi"),
        comment=_text(item, "comment"),
        journal_ref=_text(item, "journal_ref"),
        urls=tuple(_link(u) for u in urls),
        source=_text(item, "source") or "backup",
        state=state,
    ).cleaned()


def parse_backup(text: str, file: str = "", errors: list[SourceError] | None = None) -> Backup:
    """The papers and saved searches of a backup, or a SourceError naming the bad paper's line."""
    try:
        data = json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        raise SourceError(f"not valid JSON: {exc.msg}", file, exc.lineno) from None
    except (ValueError, RecursionError) as exc:
        raise SourceError(f"not valid JSON: {json_limit(exc)}", file, None) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise SourceError(f"not a paperreader backup (no \"format\": \"{FORMAT}\")", file, 1)
    version = data.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise SourceError(f"backup version {version!r} is not one this paperreader reads (up to {VERSION})", file, 1)
    items = data.get("papers")
    if not isinstance(items, list):
        raise SourceError("the backup has no 'papers' list", file, 1)
    out = Backup()
    for number, item in enumerate(items, 1):
        try:
            paper = paper_of(item)
        except ValueError as exc:
            pid = item.get("id") if isinstance(item, dict) else None
            line = _line_of(text, json.dumps(pid, ensure_ascii=False)) if isinstance(pid, str) else None
            skip_or_raise(errors, SourceError(f"paper {number}: {exc}", file, line))
            continue
        out.papers.append(paper)
    out.saved_searches = _saved_searches(data.get("saved_searches"), text, file, errors)
    for number, entry in enumerate(data.get("listings") or [], 1):
        try:
            out.listings.append(listing_of(entry))
        except ValueError as exc:
            skip_or_raise(errors, SourceError(f"listing {number}: {exc}", file, None))
    return out


def _saved_searches(entries: Any, text: str, file: str, errors: list[SourceError] | None) -> list[tuple[str, str]]:
    """The backup's saved searches, each held to `paperreader saved add`'s rule (store/saved_check);
    a bad one is a SourceError naming its place, name and line (it said only 'a saved search
    should be an object with 'name' and 'query'', and let an empty name or a malformed query in)."""
    from paperreader.store import saved_check

    start = max(0, text.find('"saved_searches"'))
    if entries is None:
        return []
    if not isinstance(entries, list):
        skip_or_raise(errors, SourceError("'saved_searches' should be a list of objects with 'name' and 'query'", file,
                                          _line_of(text, '"saved_searches"')))  # fmt: skip
        return []
    found = []
    for number, entry in enumerate(entries, 1):
        name, query = (entry.get("name"), entry.get("query")) if isinstance(entry, dict) else (None, None)
        why = saved_check.problem(name, query) if isinstance(entry, dict) else "it should be an object with 'name' and 'query'"
        if why is None:
            found.append((name, query))
            continue
        pos = text.find(json.dumps(name, ensure_ascii=False), start) if isinstance(name, str) and name else -1
        line = text.count("\n", 0, pos) + 1 if pos >= 0 else _line_of(text, '"saved_searches"')
        skip_or_raise(errors, SourceError(f"{saved_check.label(number, name)}: {why}", file, line))
    return found


def listing_of(entry: Any) -> dict:
    """One backed-up listing, checked: source, name, date, ranked paper ids; ValueError if malformed."""
    if not isinstance(entry, dict):
        raise ValueError("a listing should be an object")
    for key in ("source", "name", "date"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise ValueError(f"{key!r} should be a non-empty string")
    _time(entry, "date")
    papers = _strings(entry.get("papers"), "'papers'")
    added = entry.get("added", 0)
    if not isinstance(added, int) or added < 0:
        raise ValueError("'added' should be a count")
    fp = entry.get("fingerprint")
    return {"source": entry["source"], "name": entry["name"], "date": entry["date"], "added": added,
            "recorded_at": _time(entry, "recorded_at"), "fingerprint": fp if isinstance(fp, str) and fp else None,
            "papers": list(papers)}  # fmt: skip


def parse(text: str, file: str = "", errors: list[SourceError] | None = None) -> list[Paper]:
    """The papers of a backup (with their `state`); saved searches: see parse_backup."""
    return parse_backup(text, file, errors).papers


# --- writing -----------------------------------------------------------------------------------------


def backup_record(record) -> dict:
    """One store record (a PaperRecord: metadata and the user's state) as a backup paper."""
    return {
        "id": record.id,
        "title": record.title,
        "abstract": record.abstract,
        "authors": list(record.authors),
        "arxiv_id": record.arxiv_id,
        "published": record.published,
        "categories": list(record.categories),
        "doi": record.doi,
        "comment": record.comment,
        "journal_ref": record.journal_ref,
        "urls": [{"kind": u.kind, "url": u.url, "label": u.label} for u in record.urls],
        "source": record.source,
        "added_at": record.added_at,
        **state_fields(record.state),
    }


def write_backup(records: Iterable, out: TextIO, saved_searches: Iterable[tuple[str, str]] = (), listings: Iterable[dict] = ()) -> int:
    """The backup, one paper a line (so an import error names a line), streamed: no size limit here.
    `listings` (store.listings.backup_rows) follow the papers, one a line."""
    head = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "saved_searches": [{"name": n, "query": q} for n, q in saved_searches],
    }
    out.write(json.dumps(head, ensure_ascii=False)[:-1] + ',\n"papers": [\n')
    count = 0
    for record in records:
        out.write((",\n" if count else "") + json.dumps(backup_record(record), ensure_ascii=False))
        count += 1
    out.write("\n],\n\"listings\": [")
    for k, listing in enumerate(listings):
        out.write(("," if k else "") + "\n" + json.dumps(listing, ensure_ascii=False))
    out.write("\n]}\n")
    return count
