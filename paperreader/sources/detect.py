"""Which parser a file needs, and reading a file safely into papers.

Content decides (users rename files, and `.txt` or `.json` say little); the extension only breaks
ties and names a format when the content matches none, so that the parser can say what is wrong.
Reading is strict: UTF-8 (a BOM is fine, UTF-16 with a BOM too), an undecodable byte is reported
with its line, and a record larger than MAX_RECORD_CHARS is refused, because no abstract is 10 MB
and the store and index should not be asked to hold one.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from paperreader.model import Paper
from paperreader.sources import (
    SourceError,
    arxiv_atom,
    arxiv_email,
    arxiv_oai,
    backup,
    bibtex,
    hf,
    pagedump,
    skip_or_raise,
    tabular,
)
from paperreader.sources.arxiv_oai import MAX_RECORD_CHARS

FORMATS: dict[str, Any] = {
    "backup": backup,
    "pagedump": pagedump,
    "arxiv-atom": arxiv_atom,
    "arxiv-oai": arxiv_oai,
    "hf": hf,
    "bibtex": bibtex,
    "arxiv-email": arxiv_email,
    "csv": SimpleNamespace(looks_like=tabular.looks_like_csv, parse=tabular.parse_csv),
    "json": SimpleNamespace(looks_like=tabular.looks_like_json, parse=tabular.parse_json),
}
# most specific first: generic CSV/JSON only when nothing more particular matches
ORDER = ("backup", "arxiv-atom", "hf", "arxiv-oai", "arxiv-email", "bibtex", "pagedump", "csv", "json")
TIE_BREAK = {
    ".xml": ("arxiv-atom",), ".atom": ("arxiv-atom",),
    ".json": ("backup", "hf", "arxiv-oai", "json"), ".jsonl": ("arxiv-oai", "json"), ".ndjson": ("arxiv-oai", "json"),
    ".bib": ("bibtex",), ".bibtex": ("bibtex",),
    ".eml": ("arxiv-email",), ".txt": ("arxiv-email", "pagedump"),
    ".csv": ("csv",), ".tsv": ("csv",),
}  # fmt: skip
BY_EXTENSION = {
    ".xml": "arxiv-atom", ".atom": "arxiv-atom", ".json": "json", ".jsonl": "json", ".ndjson": "json",
    ".bib": "bibtex", ".bibtex": "bibtex", ".eml": "arxiv-email", ".csv": "csv", ".tsv": "csv",
}  # fmt: skip


def detect(text: str, filename: str = "") -> str:
    """The format name of `text`, by content first and the extension of `filename` as a tie-breaker."""
    ext = Path(filename).suffix.lower() if filename else ""
    matches = [name for name in ORDER if FORMATS[name].looks_like(text)]
    for name in TIE_BREAK.get(ext, ()):
        if name in matches:
            return name
    if matches:
        return matches[0]
    if ext in BY_EXTENSION:
        return BY_EXTENSION[ext]
    known = ", ".join(FORMATS)
    named = ", ".join(dict.fromkeys((".bib", ".csv", ".json", ".jsonl", ".xml", ".eml")))
    raise SourceError(  # the reader's import dialog shows this too, and it has no --format: the extension works in both
        f"cannot tell the format of this file; give it its format's extension ({named}) "
        f"or run `paperreader import --format FORMAT FILE`, FORMAT one of: {known}", filename, None,
    )  # fmt: skip


def decode(data: bytes, file: str = "") -> str:
    """UTF-8 text (BOM tolerated; UTF-16 when it has a BOM), or a SourceError at the bad byte's line."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise SourceError(f"not valid UTF-16 at byte {exc.start}", file, None) from None
    body = data[3:] if data.startswith(codecs.BOM_UTF8) else data
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start + (len(data) - len(body))
        line = data.count(b"\n", 0, offset) + 1
        raise SourceError(f"not UTF-8: byte 0x{data[offset]:02x} at offset {offset} cannot be decoded", file, line) from None


def check_sizes(
    papers: list[Paper], file: str = "", limit: int | None = None, errors: list[SourceError] | None = None
) -> list[Paper]:
    """The papers, or a SourceError refusing the whole file when one record is larger than the
    limit (with an `errors` list, such records are noted there and left out)."""
    limit = MAX_RECORD_CHARS if limit is None else limit
    kept = []
    for number, paper in enumerate(papers, 1):
        size = len(paper.title) + len(paper.abstract) + sum(map(len, paper.authors))
        size += len(paper.comment or "") + len(paper.journal_ref or "")
        line = paper.extra.get("line")
        if size > limit:
            skip_or_raise(errors, SourceError(f"record {number} is {size:,} characters long; the limit is {limit:,}", file, line))
        elif not paper.title.strip():  # e.g. a title of control characters only, removed by cleaning
            skip_or_raise(errors, SourceError(f"record {number} has no title", file, line))
        else:
            kept.append(paper)
    return kept


def read_text(path: str | Path) -> str:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read the file: {exc.strerror or exc}", str(path), None) from None
    return decode(data, str(path))


# A compressed file's first bytes, and how to get at what it holds (Kaggle ships the arXiv snapshot zipped).
COMPRESSED = (
    (b"\x1f\x8b", "a gzip-compressed file", "gunzip -k"), (b"PK\x03\x04", "a zip archive", "unzip"),
    (b"BZh?1AY&SY", "a bzip2-compressed file", "bunzip2 -k"), (b"\xfd7zXZ\x00", "an xz-compressed file", "unxz -k"),
    (b"(\xb5/\xfd", "a zstd-compressed file", "unzstd"),
)  # fmt: skip


def check_not_empty(path: str | Path, head_bytes: int = 1 << 20) -> None:
    """A SourceError for a file with nothing in it (0 bytes, a BOM, or only white space), whatever
    its format: an empty download or a file truncated to nothing, never "0 papers imported"; and for
    a compressed file, which no format reads: it says how to decompress it, not "not UTF-8"."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(head_bytes + 1)
    except OSError as exc:
        raise SourceError(f"cannot read the file: {exc.strerror or exc}", str(path), None) from None
    for magic, kind, command in COMPRESSED:  # (bzip2's fourth byte, its block size, is any digit: '?')
        if len(head) >= len(magic) and all(m in (b, 63) for m, b in zip(magic, head)):
            raise SourceError(f"{kind}: decompress it first (`{command} {path.name}`) and import what it holds", str(path), None)
    if len(head) > head_bytes:
        return  # a megabyte of white space is not an empty file the user meant
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head.decode("utf-16", errors="replace")
    else:
        text = head.decode("utf-8-sig", errors="replace")
    if not text.strip():
        raise SourceError("the file holds only white space" if text else "the file is empty", str(path), None)


def detect_file(path: str | Path, head_bytes: int = 1 << 20) -> str:
    """The format of a file judged from its first megabyte: how to choose streaming for a 4 GB snapshot."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(head_bytes)
    except OSError as exc:
        raise SourceError(f"cannot read the file: {exc.strerror or exc}", str(path), None) from None
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head.decode("utf-16", errors="ignore")
    else:
        text = head.decode("utf-8-sig", errors="ignore")
    return detect(text, str(path))


def parse_file(path: str | Path, fmt: str = "auto", errors: list[SourceError] | None = None) -> list[Paper]:
    """All papers of one file, checked whole: a SourceError (FILE:LINE: reason) means none are taken.

    With an `errors` list, bad records are noted there and the good ones returned; a file that
    cannot be read at all (not UTF-8, not well-formed, no records) still raises.
    """
    name = str(path)
    if fmt != "auto" and fmt not in FORMATS:
        raise SourceError(f"unknown format {fmt!r}; use auto or one of: {', '.join(FORMATS)}", name, None)
    check_not_empty(path)
    text = read_text(path)
    if fmt == "auto":
        fmt = detect(text, name)
    papers = FORMATS[fmt].parse(text, name, errors)
    return check_sizes(papers, name, errors=errors)
