"""arXiv API (`/api/query`) Atom responses, in both layouts arXiv has served.

The 2016 layout declares the arxiv namespace on each element and hard-wraps titles and summaries;
the 2026 layout declares namespaces on the root and writes one-line text. Both parse the same way
because ElementTree resolves namespaces. XML goes through defusedxml with DTDs forbidden: arXiv
never sends one, and a DTD is how entity-expansion ("billion laughs") and external-entity attacks
arrive. arXiv answers a bad query with a feed holding one entry titled "Error": that is an error,
never a paper.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from paperreader.model import Paper, parse_arxiv_id
from paperreader.sources import SourceError, skip_or_raise
from paperreader.sources.arxiv_oai import comment_links
from paperreader.sources.latex import decode_accents

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
_ENTRY_TAG = re.compile(r"<(?:[\w.-]+:)?entry[\s>/]")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SNIFF = re.compile(r"<(?:[\w.-]+:)?feed[\s>]")


def looks_like(text: str) -> bool:
    """An Atom feed: a `<feed>` root near the top with the Atom namespace."""
    head = text.lstrip("\ufeff \t\r\n")[:4000]
    return head.startswith("<") and bool(_SNIFF.search(head)) and "http://www.w3.org/2005/Atom" in head


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, max(pos, 0)) + 1


def _text(elem: ET.Element | None) -> str:
    return (elem.text or "") if elem is not None else ""


def _what_xml_declares(exc: Exception) -> str:
    """What defusedxml refused, in words (never its exception's class name)."""
    name = type(exc).__name__
    if "Entities" in name:
        return "it declares entities"
    if "External" in name:
        return "it refers to an external file"
    return "it has a DTD"


def parse(text: str, file: str = "", errors: list[SourceError] | None = None) -> list[Paper]:
    """Every entry of the feed as a Paper; `[]` for an empty feed; SourceError for arXiv's error feed.

    With an `errors` list, a bad entry is noted there and skipped; the error feed and XML that is
    not well formed still stop the whole file.
    """
    text = text.lstrip("\ufeff")
    try:
        root = fromstring(text, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        found = re.search(r"<!(?:DOCTYPE|ENTITY)", text)
        line = _line_of(text, found.start()) if found else None
        raise SourceError(f"XML with a DTD or entity declarations is refused ({_what_xml_declares(exc)})", file, line) from None
    except ET.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        raise SourceError(f"not well-formed XML: {exc}", file, line) from None
    except (ValueError, UnicodeError, OverflowError) as exc:  # e.g. an encoding declaration the text cannot honour
        raise SourceError(f"cannot read the XML: {exc}", file, 1) from None
    if root.tag != f"{ATOM}feed":
        raise SourceError(f"not an Atom feed: the root element is <{root.tag}>", file, 1)

    entries = root.findall(f"{ATOM}entry")
    starts = [_line_of(text, m.start()) for m in _ENTRY_TAG.finditer(text)]
    lines: list[int | None] = starts if len(starts) == len(entries) else [None] * len(entries)
    for entry, line in zip(entries, lines):
        _refuse_error_entry(entry, line, file)
    papers = []
    for k, (entry, line) in enumerate(zip(entries, lines), 1):
        try:
            papers.append(_paper(entry, k, line, file))
        except SourceError as exc:
            skip_or_raise(errors, exc)
    return papers


def _refuse_error_entry(entry: ET.Element, line: int | None, file: str) -> None:
    """arXiv's error feed is one entry titled "Error" whose id is an /api/errors URL."""
    raw_id = _text(entry.find(f"{ATOM}id")).strip()
    title = _text(entry.find(f"{ATOM}title"))
    if "/api/errors" in raw_id or (title.strip() == "Error" and parse_arxiv_id(raw_id) is None):
        message = " ".join(_text(entry.find(f"{ATOM}summary")).split()) or raw_id or "no message"
        raise SourceError(f"arXiv answered with an error: {message}", file, line)


def _paper(entry: ET.Element, number: int, line: int | None, file: str) -> Paper:
    raw_id = _text(entry.find(f"{ATOM}id")).strip()
    title = _text(entry.find(f"{ATOM}title"))
    summary = _text(entry.find(f"{ATOM}summary"))
    arxiv_id = parse_arxiv_id(raw_id)
    if arxiv_id is None:
        raise SourceError(f"entry {number}: id {raw_id[:100]!r} is not an arXiv abstract URL", file, line)
    if not title.strip():
        raise SourceError(f"entry {number} ({arxiv_id}) has no title", file, line)

    published = _text(entry.find(f"{ATOM}published")).strip()
    categories: list[str] = []
    primary = entry.find(f"{ARXIV}primary_category")
    for elem in ([primary] if primary is not None else []) + entry.findall(f"{ATOM}category"):
        term = (elem.get("term") or "").strip()
        if term and term not in categories:
            categories.append(term)
    doi = _text(entry.find(f"{ARXIV}doi")).split()
    comment = _text(entry.find(f"{ARXIV}comment"))
    return Paper(
        title=decode_accents(title),
        abstract=decode_accents(summary),
        authors=tuple(decode_accents(_text(a.find(f"{ATOM}name"))) for a in entry.findall(f"{ATOM}author")),
        arxiv_id=arxiv_id,
        published=published[:10] if _DATE.match(published) else None,
        categories=tuple(categories),
        doi=doi[0] if doi else None,
        comment=comment or None,
        urls=comment_links(comment),
        journal_ref=_text(entry.find(f"{ARXIV}journal_ref")) or None,
        source="arxiv-atom",
        extra={"line": line} if line else {},
    ).cleaned()
