"""Generic CSV and JSON: whatever a spreadsheet, a script or another reader exported.

Columns are matched case-insensitively: a title is required; abstract or summary, authors (a list,
or "A, B and C", or "Last, First; Last, First"), an arXiv id found in id/arxiv_id/url, a year or
date, a DOI and categories are used when present; anything else (tags, notes) is ignored. JSON is a
list of objects, an object holding such a list under "papers"/"items"/"data"/"results"/"records", or
JSON lines. Records keep the line they start on, so an error says where to look.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from typing import Any

from paperreader.export import csv_unguarded
from paperreader.links import is_search_link, kind_of_url
from paperreader.model import Link, Paper, parse_arxiv_id
from paperreader.sources import SourceError, json_limit, skip_or_raise
from paperreader.sources.arxiv_oai import MAX_RECORD_CHARS, rfc2822_date, split_arxiv_authors

TITLE = ("title",)
ABSTRACT = ("abstract", "summary")
AUTHORS = ("authors", "author")
ID_FIELDS = ("arxiv_id", "arxiv", "eprint", "id", "url", "link", "abs_url", "pdf_url", "doi")
DATES = ("published", "date", "publication_date", "published_date", "year")
CATEGORIES = ("categories", "category", "primary_category")
COMMENT = ("comment", "comments")
JOURNAL = ("journal_ref", "journal-ref", "journal", "venue")
CODE = ("code", "code_url", "github", "githubrepo", "repository")
PROJECT = ("project", "project_page", "projectpage", "homepage")
LIST_KEYS = ("papers", "items", "data", "results", "records")
ARXIV_FIELDS = ("arxiv_id", "arxiv")  # fields that name nothing but an arXiv id: anything else there is an error
_DOI = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)", re.IGNORECASE)
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.IGNORECASE)
_WS = " \t\r\n"


def looks_like_json(text: str) -> bool:
    return text.lstrip("\ufeff" + _WS)[:1] in ("[", "{")


def looks_like_csv(text: str) -> bool:
    """A header line with a delimiter and a title column."""
    head = text.lstrip("\ufeff" + _WS).split("\n", 1)[0]
    if head[:1] in ("[", "{", "<", "@") or not any(d in head for d in ",\t;"):
        return False
    try:
        names = next(csv.reader([head], delimiter=_delimiter(head)))
    except csv.Error:
        return False
    return any(n.strip().lower() == "title" for n in names)


def looks_like(text: str) -> bool:
    return looks_like_json(text) or looks_like_csv(text)


def parse(text: str, file: str = "", errors: list[SourceError] | None = None) -> list[Paper]:
    """JSON when the text starts like JSON, CSV otherwise."""
    return parse_json(text, file, errors) if looks_like_json(text) else parse_csv(text, file, errors)


# --- CSV ---------------------------------------------------------------------------------------------


def _delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def parse_csv(text: str, file: str = "", errors: list[SourceError] | None = None) -> list[Paper]:
    """Every row of a CSV (or TSV) file with a title column (with an `errors` list, bad rows are
    noted there and skipped; CSV that cannot be split into rows still stops the file)."""
    text = text.lstrip("\ufeff")
    csv.field_size_limit(max(csv.field_size_limit(), MAX_RECORD_CHARS + 1))
    first = next((line for line in text.split("\n") if line.strip()), "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first), strict=True)
    header: list[str] | None = None
    papers: list[Paper] = []
    end = 0
    try:
        for row in reader:
            start, end = end + 1, reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if header is None:
                header = [h.strip().lower() for h in row]
                if "title" not in header:
                    found = ", ".join(h for h in header if h) or "none"
                    raise SourceError(f"no 'title' column; the columns are: {found}", file, start)
                _check_not_repeated(row, header, file, start)
                continue
            try:
                if len(row) > len(header):
                    raise SourceError(f"row has {len(row)} fields but the header has {len(header)}", file, start)
                record: dict[str, str] = {}
                for name, value in zip(header, row):
                    if name:
                        record.setdefault(name, csv_unguarded(value))  # our own export's guard off
                papers.append(_paper(record, file, start, "csv"))
            except SourceError as exc:
                skip_or_raise(errors, exc)
    except csv.Error as exc:
        raise SourceError(f"not valid CSV: {exc} (in the record starting here)", file, end + 1) from None
    if header is None:
        raise SourceError("empty CSV file: no header line with a 'title' column", file, 1)
    return papers


_READ = frozenset(TITLE + ABSTRACT + AUTHORS + ID_FIELDS + DATES + CATEGORIES + COMMENT + JOURNAL + CODE + PROJECT)


def _check_not_repeated(row: list[str], header: list[str], file: str, line: int | None, number: int | None = None) -> None:
    """Two columns (or a JSON record's fields) of one name that is read (two 'Title's): which one is
    meant cannot be told, and taking one silently may import the wrong text; refused, naming them."""
    for name in dict.fromkeys(header):
        where = [i for i, h in enumerate(header) if h == name]
        if name in _READ and len(where) > 1:
            if number is not None:
                fields = " and ".join(repr(row[i]) for i in where)
                raise SourceError(f"record {number} has {len(where)} fields named {name!r}: {fields}; keep one", file, line)
            columns = " and ".join(f"{i + 1} ({row[i].strip()!r})" for i in where)
            raise SourceError(f"the header has {len(where)} columns named {name!r}: columns {columns}; "
                              "rename or remove all but one", file, line)  # fmt: skip


# --- JSON --------------------------------------------------------------------------------------------


class _Lines:
    """Line numbers of increasing offsets without rescanning the text each time."""

    def __init__(self, text: str) -> None:
        self.text, self.pos, self.line = text, 0, 1

    def __call__(self, pos: int) -> int:
        if pos < self.pos:
            self.pos, self.line = 0, 1
        self.line += self.text.count("\n", self.pos, pos)
        self.pos = pos
        return self.line


def _skip(text: str, i: int) -> int:
    while i < len(text) and text[i] in _WS:
        i += 1
    return i


def _decode_at(decoder: json.JSONDecoder, text: str, i: int, line_of: _Lines, file: str) -> tuple[Any, int]:
    try:
        return decoder.raw_decode(text, i)
    except json.JSONDecodeError as exc:
        raise SourceError(f"not valid JSON: {exc.msg}", file, line_of(exc.pos)) from None
    except (ValueError, RecursionError) as exc:
        raise SourceError(f"not valid JSON: {json_limit(exc)}", file, line_of(i)) from None


def json_items(text: str, file: str = "") -> list[tuple[int | None, Any]]:
    """(line, value) for each item of a JSON list, of a wrapped list, or of JSON lines."""
    text = text.lstrip("\ufeff")
    decoder, line_of = json.JSONDecoder(), _Lines(text)
    i = _skip(text, 0)
    if i == len(text):
        return []
    if text[i] == "[":
        items: list[tuple[int | None, Any]] = []
        i = _skip(text, i + 1)
        while i < len(text) and text[i] != "]":
            start = i
            value, i = _decode_at(decoder, text, i, line_of, file)
            items.append((line_of(start), value))
            i = _skip(text, i)
            if i < len(text) and text[i] == ",":
                i = _skip(text, i + 1)
            elif i < len(text) and text[i] != "]":
                raise SourceError("expected ',' or ']' between list items", file, line_of(i))
        if i >= len(text):
            raise SourceError("the JSON list is not closed with ']'", file, line_of(len(text)))
        if _skip(text, i + 1) != len(text):
            raise SourceError("extra data after the JSON list", file, line_of(_skip(text, i + 1)))
        return items
    value, end = _decode_at(decoder, text, i, line_of, file)
    if _skip(text, end) == len(text):  # one JSON value
        if value == {}:  # an empty object holds no papers, as an empty list
            return []
        if isinstance(value, dict):
            for key in LIST_KEYS:
                if isinstance(value.get(key), list):
                    return [(None, item) for item in value[key]]
            if keyed_by_id(value):
                return keyed_items(text, value, line_of)
        return [(line_of(i), value)]
    items = []  # JSON lines
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            try:
                items.append((number, json.loads(line)))
            except json.JSONDecodeError as exc:
                raise SourceError(f"not valid JSON: {exc.msg} (column {exc.colno})", file, number) from None
            except (ValueError, RecursionError) as exc:
                raise SourceError(f"not valid JSON: {json_limit(exc)}", file, number) from None
    return items


def keyed_by_id(value: dict) -> bool:
    """An object of records keyed by arXiv id (`{"2312.17653": {"title": ...}, ...}`, the layout of
    real datasets): every value an object, and some key an arXiv id."""
    return bool(value) and all(isinstance(v, dict) for v in value.values()) and any(parse_arxiv_id(str(k)) for k in value)


def keyed_items(text: str, value: dict, line_of) -> list[tuple[int | None, Any]]:
    """Each record of a keyed object, with its key as its arXiv id unless it names one itself, and
    the line where its key stands."""
    items, pos = [], 0
    for key, record in value.items():
        found = text.find(json.dumps(key, ensure_ascii=False), pos)
        line = line_of(found) if found >= 0 else None
        pos = found + 1 if found >= 0 else pos
        names = {str(k).strip().lower() for k in record}
        items.append((line, record if names & set(ID_FIELDS) else {**record, "arxiv_id": key}))
    return items


def parse_json(text: str, file: str = "", errors: list[SourceError] | None = None) -> list[Paper]:
    """Every object of a JSON list, wrapped list or JSON-lines file that has a title (with an
    `errors` list, bad records are noted there and skipped; JSON that does not parse stops the file)."""
    papers = []
    for number, (line, item) in enumerate(json_items(text, file), 1):
        try:
            if not isinstance(item, dict):
                raise SourceError(f"record {number} is not an object (found {type(item).__name__})", file, line)
            record = {str(k).strip().lower(): v for k, v in item.items()}
            if len(record) < len(item):  # 'Title' and 'title': one would be dropped silently
                _check_not_repeated([str(k) for k in item], [str(k).strip().lower() for k in item], file, line, number)
            if "title" not in record:
                found = ", ".join(sorted(record)[:20]) or "none"
                raise SourceError(f"record {number} has no 'title' field; its fields are: {found}", file, line)
            papers.append(_paper(record, file, line, "json", number))
        except SourceError as exc:
            skip_or_raise(errors, exc)
    return papers


# --- one record --------------------------------------------------------------------------------------


def _text(record: dict, keys: tuple[str, ...], file: str, line: int | None, number: int | None) -> str:
    for key in keys:
        value = record.get(key)
        if value is None or value == "":
            continue
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            where = f"record {number}: " if number else ""
            raise SourceError(f"{where}field {key!r} should be text, not {type(value).__name__}", file, line)
        if isinstance(value, float) and not math.isfinite(value):  # JSON's NaN, Infinity, 1e999
            where = f"record {number}: " if number else ""
            raise SourceError(f"{where}field {key!r} should be text, not {value!r}", file, line)
        return str(value)
    return ""


def _bad(number: int | None, key: str, what: str, file: str, line: int | None, record: str = "record") -> SourceError:
    """A field's value that cannot be read: `record N: field 'KEY' WHAT` at the record's line."""
    where = f"{record} {number}: " if number else ""
    return SourceError(f"{where}field {key!r} {what}", file, line)


def author_names(value: Any, key: str = "authors", file: str = "", line: int | None = None, number: int | None = None,
                 record: str = "record") -> list[str]:
    """Names from a list (of names, or of objects with a "name", a "fullname" or Hugging Face's
    "user": {"fullname"}) or from text ("A, B and C"; "Last, First; Last, First"); any other value
    is a bad record (`RECORD N: field 'KEY' ...`), never an author list silently left empty."""
    if isinstance(value, list):
        names = []
        for position, item in enumerate(value, 1):
            if isinstance(item, dict):
                user = item.get("user") if isinstance(item.get("user"), dict) else {}
                texts = [v for v in (item.get("name"), item.get("fullname"), user.get("fullname")) if isinstance(v, str)]
                name = next((v for v in texts if v.strip()), texts[0] if texts else None)
                if name is None:
                    raise _bad(number, key, f"item {position} should be a name or an object with a \"name\"", file, line, record)
                item = name
            if not isinstance(item, str):
                raise _bad(number, key, f"item {position} should be a name, not {_kind(item)}", file, line, record)
            if item.strip():
                names.append(item)
        return names
    if not isinstance(value, str):
        raise _bad(number, key, f"should be a list of names or text, not {_kind(value)}", file, line, record)
    if ";" in value:  # "Last, First; Last, First"
        return [" ".join(reversed(n.split(",", 1))) if n.count(",") == 1 else n for n in value.split(";") if n.strip()]
    return split_arxiv_authors(value)


def _kind(value: Any) -> str:
    """What a JSON value is, in JSON's words (never a Python class name)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    names = {dict: "an object", list: "a list", str: "text", int: "a number", float: "a number"}
    return names.get(type(value), "a value of another kind")


def _categories(record: dict, file: str, line: int | None, number: int | None) -> list[str]:
    key = next((k for k in CATEGORIES if record.get(k)), "")
    cats = record.get(key, "") if key else ""
    if isinstance(cats, list):
        for position, item in enumerate(cats, 1):
            if not isinstance(item, str):
                raise _bad(number, key, f"item {position} should be a category name, not {_kind(item)}", file, line)
        return cats
    if not isinstance(cats, str):
        raise _bad(number, key, f"should be a list of category names or text, not {_kind(cats)}", file, line)
    return [c for c in re.split(r"[\s,;]+", cats) if c]


def _date(value: str) -> str | None:
    """An ISO day, a month, a year or an RFC 2822 date; None for anything else, a day no calendar
    has included ('2023-02-30', '2023/13')."""
    from datetime import date

    value = value.strip()
    if m := re.match(r"(\d{4})-(\d{2})-(\d{2})", value):
        try:
            date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
        return m.group(0)
    if m := re.fullmatch(r"(\d{4})[-/](\d{1,2})", value):
        return f"{m.group(1)}-{int(m.group(2)):02d}-01" if 1 <= int(m.group(2)) <= 12 else None
    if re.fullmatch(r"\d{4}(?:\.0)?", value):
        return value[:4]
    return rfc2822_date(value)


def _url(value: str) -> str | None:
    value = value.strip()
    return value if re.match(r"https?://\S+$", value, re.IGNORECASE) else None


def _paper(record: dict, file: str, line: int | None, source: str, number: int | None = None) -> Paper:
    """One record as a Paper. A value of the wrong kind is a bad record (SourceError naming the
    field); a date that is not one and a link that is not a web address are left out and listed in
    `extra["dropped"]` (links keep only http(s), by design), which the import's summary counts."""
    title = _text(record, TITLE, file, line, number)
    if not title.strip():
        raise SourceError(f"record {number} has an empty title" if number else "row has an empty title", file, line)
    dropped: list[str] = []
    arxiv_id = None
    for key in ID_FIELDS:
        raw = record.get(key)
        if key in ARXIV_FIELDS and raw not in (None, "") and not isinstance(raw, str):
            raise _bad(number, key, f"should be an arXiv id as text (\"2401.00001\"), not {_kind(raw)}", file, line)
        if isinstance(raw, str) and raw.strip():
            m = _ARXIV_DOI.match(_DOI.sub("", raw.strip()))
            arxiv_id = parse_arxiv_id(m.group(1) if m else raw)
            if arxiv_id:
                break
            if key in ARXIV_FIELDS:
                raise _bad(number, key, f"{raw.strip()[:40]!r} is not an arXiv id", file, line)
    doi = _DOI.sub("", _text(record, ("doi",), file, line, number)).strip() or None
    if doi and _ARXIV_DOI.match(doi):
        doi = None
    categories = _categories(record, file, line, number)
    urls: list[Link] = []
    for keys, kind in ((CODE, "code"), (PROJECT, "project"), (("url", "link"), None)):
        for key in keys:
            value = record.get(key)
            if value in (None, ""):
                continue
            if not isinstance(value, str):
                raise _bad(number, key, f"should be a web address as text, not {_kind(value)}", file, line)
            url = _url(value)
            if url and parse_arxiv_id(url) is None and "doi.org/" not in url and not is_search_link(url):
                urls.append(Link(kind or kind_of_url(url, "page"), url, key))
            elif url is None and parse_arxiv_id(value) is None:
                dropped.append(f"{key} (not a web address: {value.strip()[:40]!r})")
    date_key = next((k for k in DATES if record.get(k) not in (None, "")), None)
    raw_date = _text(record, DATES, file, line, number)
    published = _date(raw_date) if raw_date.strip() else None
    if raw_date.strip() and published is None:
        dropped.append(f"{date_key} (not a date: {raw_date.strip()[:40]!r})")
    extra: dict = {"line": line} if line else {}
    if dropped:
        extra["dropped"] = dropped
    return Paper(
        title=title,
        abstract=_text(record, ABSTRACT, file, line, number),
        authors=tuple(next((author_names(record[k], k, file, line, number) for k in AUTHORS if record.get(k) not in (None, "")), ())),
        arxiv_id=arxiv_id,
        published=published,
        categories=tuple(categories),
        doi=doi,
        comment=_text(record, COMMENT, file, line, number) or None,
        journal_ref=_text(record, JOURNAL, file, line, number) or None,
        urls=tuple(urls),
        source=source,
        extra=extra,
    ).cleaned()
