"""The arXiv OAI metadata snapshot (Kaggle's `arxiv-metadata-oai-snapshot.json`): one JSON object a line.

The real file is 4 GB and 2.9 million lines, so `iter_records` streams it a line at a time and says
which line each paper came from (what the importer needs to show progress and resume). Titles and
abstracts are hard-wrapped with LaTeX accents; `authors_parsed` has the names already split, so it
is preferred to the free-text `authors` with its "(1) Affiliation" notes.
"""

from __future__ import annotations

import json
import re
from email.utils import parsedate_to_datetime
from typing import Any, Iterable, Iterator

from paperreader.links import kind_of_url, urls_in
from paperreader.model import Link, Paper, parse_arxiv_id
from paperreader.sources import SourceError, json_limit, skip_or_raise
from paperreader.sources.latex import decode_accents
from paperreader.text import clean_line

MAX_RECORD_CHARS = 8 * 1024 * 1024  # one paper's record; a bigger one is an attack or a broken file
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_SUFFIX = re.compile(r"^(?:Jr|Sr|I{2,3}|IV)\.?$")
_ET_AL = re.compile(r"^et\.? al\.?$", re.IGNORECASE)
_SNIFF_KEYS = ('"versions"', '"authors_parsed"', '"update_date"')


def looks_like(text: str) -> bool:
    """The first line is a JSON object with the snapshot's own keys."""
    first = text.lstrip("\ufeff \t\r\n").split("\n", 1)[0].strip()
    return first.startswith("{") and '"abstract"' in first and any(k in first for k in _SNIFF_KEYS)


def rfc2822_date(value: str | None) -> str | None:
    """`Mon, 2 Apr 2007 19:18:42 GMT` as `2007-04-02`, or None when it is not such a date."""
    if not value:
        return None
    try:
        return parsedate_to_datetime(value.strip()).date().isoformat()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def comment_links(comment: str | None) -> tuple[Link, ...]:
    """Code and project pages that authors put in arXiv's comments field ("code at https://...")."""
    urls = [u for u in urls_in(comment or "") if "doi.org/" not in u and parse_arxiv_id(u) is None]
    return tuple(Link(kind_of_url(u), u, "from the arXiv comments") for u in urls)


def _without_parentheses(text: str) -> str:
    """Drop "(1 and 2)", "(Oxford)" and nested "((1) CREST, ...)" affiliation notes."""
    out, depth = [], 0
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
        elif not depth:
            out.append(ch)
    return "".join(out)


def split_arxiv_authors(text: str) -> list[str]:
    """arXiv's free-text author list ("A, B and C (Affil)") as names, accents decoded."""
    text = " ".join(_without_parentheses(decode_accents(text or "")).split())
    names: list[str] = []
    for part in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*;\s*", text):
        part = part.strip(" .,") if _ET_AL.match(part.strip()) else part.strip(" ,")
        if not part or _ET_AL.match(part):
            continue
        if _SUFFIX.match(part) and names:
            names[-1] = f"{names[-1]} {part}"
        else:
            names.append(part)
    return names


def _parsed_name(entry: Any) -> str | None:
    if not isinstance(entry, list) or not entry or not all(isinstance(x, str) for x in entry[:3]):
        return None
    last, first, suffix = (list(entry[:3]) + ["", ""])[:3]
    name = " ".join(x for x in (first, last, suffix) if x.strip())
    return re.sub(r"\. -(?=\w)", ".-", decode_accents(name))  # arXiv's parser writes "C.-P." as "C. -P."


def _string(record: dict, key: str, file: str, line: int) -> str | None:
    value = record.get(key)
    if value is None or isinstance(value, str):
        return value
    raise SourceError(f"field {key!r} should be a string, not {type(value).__name__}", file, line)


def record_to_paper(record: Any, file: str = "", line: int = 0, clean: bool = True) -> Paper:
    """One decoded snapshot object as a Paper, or a SourceError naming the line and field.

    `clean=False` leaves the text as decoded (the store cleans what it writes anyway): the
    snapshot importer saves a third of its time that way.
    """
    if not isinstance(record, dict):
        raise SourceError(f"expected a JSON object, found {type(record).__name__}", file, line)
    raw_id = record.get("id")
    if not isinstance(raw_id, str) or not raw_id.strip():
        raise SourceError("record has no 'id'", file, line)
    arxiv_id = parse_arxiv_id(raw_id)
    if arxiv_id is None:
        raise SourceError(f"'id' {raw_id[:60]!r} is not an arXiv id", file, line)
    title = _string(record, "title", file, line)
    if not title or not clean_line(title):
        raise SourceError(f"record {arxiv_id} has no title", file, line)

    authors: list[str] = []
    parsed = record.get("authors_parsed")
    if isinstance(parsed, list) and parsed:
        authors = [n for n in (_parsed_name(e) for e in parsed) if n]
    if not authors:
        authors = split_arxiv_authors(_string(record, "authors", file, line) or "")

    published = None
    versions = record.get("versions")
    if isinstance(versions, list) and versions and isinstance(versions[0], dict):
        created = versions[0].get("created")
        published = rfc2822_date(created) if isinstance(created, str) else None
    updated = _string(record, "update_date", file, line) or ""
    if published is None and _ISO.match(updated):
        published = updated[:10]

    doi = (_string(record, "doi", file, line) or "").split()
    comment = _string(record, "comments", file, line)
    paper = Paper(
        title=decode_accents(title),
        abstract=decode_accents(_string(record, "abstract", file, line) or ""),
        authors=tuple(authors),
        arxiv_id=arxiv_id,
        published=published,
        categories=tuple((_string(record, "categories", file, line) or "").split()),
        doi=doi[0] if doi else None,
        comment=comment,
        journal_ref=_string(record, "journal-ref", file, line),
        urls=comment_links(comment),
        source="arxiv-oai",
        extra={"line": line} if line else {},
    )
    return paper.cleaned() if clean else paper


def paper_of_line(line: str, file: str = "", number: int = 0, clean: bool = True) -> Paper | None:
    """One snapshot line as a Paper (None when blank), or a SourceError naming the line."""
    if len(line) > MAX_RECORD_CHARS:
        raise SourceError(f"record is {len(line):,} characters long; the limit is {MAX_RECORD_CHARS:,}", file, number)
    if number == 1:
        line = line.lstrip("\ufeff")
    if not line.strip():
        return None
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise SourceError(f"not valid JSON: {exc.msg} (column {exc.colno})", file, number) from None
    except (ValueError, RecursionError) as exc:
        raise SourceError(f"not valid JSON: {json_limit(exc)}", file, number) from None
    return record_to_paper(record, file, number, clean)


def iter_records(
    lines: Iterable[str], file: str = "", errors: list[SourceError] | None = None, first_line: int = 1
) -> Iterator[tuple[int, Paper]]:
    """(line number, paper) for each non-blank line, streaming; SourceError at the first bad line
    (with an `errors` list, bad lines are noted there and skipped)."""
    for number, line in enumerate(lines, first_line):
        try:
            paper = paper_of_line(line, file, number)
        except SourceError as exc:
            skip_or_raise(errors, exc)
            continue
        if paper is not None:
            yield number, paper


def parse(text: str, file: str = "", errors: list[SourceError] | None = None) -> list[Paper]:
    """Every record of a snapshot excerpt, or a SourceError naming the first bad line."""
    # split on \n only: JSON strings may hold U+2028 and friends, which str.splitlines would break on
    return [paper for _, paper in iter_records(text.split("\n"), file, errors)]
