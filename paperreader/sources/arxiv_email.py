"""The arXiv daily listing e-mail, as plain text, one e-mail a file.

After the mail headers and arXiv's preamble, each entry opens with a `\\\\` line and `arXiv:ID`
(older mails: `Paper: ID`), an optional `(*cross-listing*)`, then `Date: ... (NNkb)` or, in the
replacements section, `replaced with revised version ...`; then `Title:`, `Authors:`,
`Categories:`, `Comments:`, `Journal-ref:`, `DOI:` and other fields that wrap with indented lines;
then `\\\\`, the wrapped abstract, and `\\\\ ( https://arxiv.org/abs/ID , NNkb)`. Replacements have
no abstract. Rule lines (`----`, `%-%-` crosses, `%%--%%` replacements, `%%%---` end) separate
entries. An e-mail cut off inside an entry is refused, not half-read.
"""

from __future__ import annotations

import re

from paperreader.model import Paper, parse_arxiv_id
from paperreader.sources import SourceError, skip_or_raise
from paperreader.sources.arxiv_oai import comment_links, rfc2822_date, split_arxiv_authors
from paperreader.sources.latex import decode_accents

_ID_LINE = re.compile(r"^(?:arXiv:\s*|Paper(?:\s*\(\*cross-listing\*\))?:\s*)(\S+)(.*)$")
_FIELD = re.compile(r"^([A-Za-z][A-Za-z-]*(?: \([^)]*\))?):\s?(.*)$")
_KNOWN = {"title", "authors", "author", "categories", "comments", "journal-ref", "doi", "report-no",
          "msc-class", "acm-class", "license", "date", "from", "proxy"}  # fmt: skip
_RULE = re.compile(r"^(?:-{10,}|(?:%-){6,}|(?:%%--){3,}|(?:%%%---){3,})")
_CLOSING = re.compile(r"^\\\\\s*\(\s*(\S+)\s*,\s*(\d+kb)?")
_NO_ID = re.compile(r"^(?:(?:arXiv|Paper):\s*$|(?:Date|Title|Authors?|Categories):)")
_SNIFF = re.compile(r"(?m)^\\\\[ \t]*\r?\n(?:arXiv:|Paper[ :(])")


_QUOTED_PRINTABLE = re.compile(r"(?im)^content-transfer-encoding:[ \t]*quoted-printable[ \t]*\r?$")
_CHARSET = re.compile(r"(?im)^content-type:.*?charset=\"?([\w.:-]+)")


def _body_decoded(text: str) -> str:
    """The mail with a quoted-printable body decoded (a mail client's saved .eml: long lines cut with
    '=', '=3D', UTF-8 as '=C3=A9'), as its headers say; any other mail as it is."""
    cut = re.search(r"\r?\n\r?\n", text)
    if cut is None or not _QUOTED_PRINTABLE.search(text, 0, cut.start()):
        return text
    import codecs
    import quopri

    charset = _CHARSET.search(text, 0, cut.start())
    try:
        codec = codecs.lookup(charset.group(1) if charset else "utf-8").name
    except LookupError:
        codec = "utf-8"
    body = quopri.decodestring(text[cut.end() :].encode("utf-8", "surrogateescape"))
    return text[: cut.end()] + body.decode(codec, errors="replace")


# a listing quoted in a reply or a forward: the `\\` line and the id line behind the same '> ' marks
_QUOTED_SNIFF = re.compile(r"(?m)^((?:>[ \t]?)+)\\\\[ \t]*\r?\n\1(?:arXiv:|Paper[ :(])")


def readable(text: str) -> str:
    """The mail as the parser reads it: a quoted-printable body decoded, and a listing quoted with '> '
    (a forward or a reply) without its marks, as deep as its first entry is quoted; same lines, same numbers."""
    text = _body_decoded(text.lstrip("\ufeff"))
    if _SNIFF.search(text):
        return text
    quoted = _QUOTED_SNIFF.search(text)
    if quoted is None:
        return text
    marks = re.compile(r"^(?:>[ \t]?){1,%d}" % quoted.group(1).count(">"))
    return "\n".join(marks.sub("", line, count=1) for line in text.split("\n"))


def looks_like(text: str) -> bool:
    """A `\\\\` line followed by an `arXiv:` (or `Paper:`) line, or both quoted ('> ')."""
    return bool(_SNIFF.search(text) or _QUOTED_SNIFF.search(text))


def parse(text: str, file: str = "", errors: list[SourceError] | None = None) -> list[Paper]:
    """Every entry of the listing (new, cross-listed, replaced), or a SourceError at the bad entry
    (with an `errors` list, bad entries are noted there and skipped)."""
    lines = [line.rstrip("\r") for line in readable(text).split("\n")]
    papers: list[Paper] = []
    section = "new"
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("%-%-%-"):
            section = "cross"
        elif line.startswith("%%--%%--"):
            section = "replaced"
        if line.strip() == "\\\\" and i + 1 < len(lines) and _ID_LINE.match(lines[i + 1]):
            try:
                paper, i = _entry(lines, i + 1, section, file)
            except SourceError as exc:
                skip_or_raise(errors, exc)
                i += 2
                continue
            papers.append(paper)
            continue
        if line.strip() == "\\\\" and i + 1 < len(lines) and _NO_ID.match(lines[i + 1]):
            # an entry whose id line is missing or empty: a bad record, never silently left out
            skip_or_raise(errors, SourceError("an entry without an arXiv id (expected 'arXiv:ID' after the '\\\\' line)", file, i + 2))
        i += 1
    if not papers and not errors:
        raise SourceError("no arXiv listing entries found (expected a '\\\\' line, then 'arXiv:ID')", file, 1)
    return papers


def _entry(lines: list[str], i: int, section: str, file: str) -> tuple[Paper, int]:
    """The entry whose id line is lines[i]; returns the paper and the index after the entry."""
    start = i + 1  # 1-based line of the id line
    id_match = _ID_LINE.match(lines[i])
    raw_id, rest = id_match.group(1), id_match.group(2)
    arxiv_id = parse_arxiv_id(raw_id)
    if arxiv_id is None:
        raise SourceError(f"{raw_id[:60]!r} is not an arXiv id", file, start)
    listing = "cross" if "cross-list" in rest or "cross-list" in lines[i] else section
    fields: dict[str, str] = {}
    last = ""
    i += 1
    # header: Date/replaced line and fields, up to the line that starts with \\
    while i < len(lines) and not lines[i].startswith("\\\\"):
        line = lines[i]
        if _RULE.match(line):
            raise SourceError(f"entry {arxiv_id} ends before its '\\\\' line", file, start)
        field = _FIELD.match(line)
        if field and field.group(1).split(" ")[0].lower() in _KNOWN and not line[:1].isspace():
            last = field.group(1).split(" ")[0].lower()
            fields.setdefault(last, field.group(2))
        elif line.lower().startswith("replaced with revised version"):
            listing, last = "replaced", ""
        elif line.strip() and last:
            fields[last] += " " + line.strip()
        i += 1
    if i >= len(lines):
        raise SourceError(f"entry {arxiv_id} is cut short: the e-mail ends inside it", file, start)
    abstract: list[str] = []
    if not _CLOSING.match(lines[i]):  # a bare \\: the abstract follows
        i += 1
        while i < len(lines) and not _CLOSING.match(lines[i]) and not _RULE.match(lines[i]):
            if lines[i].strip() == "\\\\" and i + 1 < len(lines) and _ID_LINE.match(lines[i + 1]):
                break
            abstract.append(lines[i])
            i += 1
        if i >= len(lines):
            raise SourceError(f"entry {arxiv_id} is cut short: the e-mail ends inside its abstract", file, start)
    if _CLOSING.match(lines[i]):
        i += 1
    title = fields.get("title", "")
    if not title.strip():
        raise SourceError(f"entry {arxiv_id} has no Title:", file, start)
    comment = fields.get("comments")
    doi = fields.get("doi", "").split()
    published = None if listing == "replaced" else rfc2822_date(re.sub(r"\(\d+kb.*$", "", fields.get("date", "")))
    paper = Paper(
        title=decode_accents(title),
        abstract=decode_accents("\n".join(abstract)),
        authors=tuple(split_arxiv_authors(fields.get("authors", fields.get("author", "")))),
        arxiv_id=arxiv_id,
        published=published,
        categories=tuple(fields.get("categories", "").split()),
        doi=doi[0] if doi else None,
        comment=comment,
        journal_ref=fields.get("journal-ref"),
        urls=comment_links(comment),
        source="arxiv-email",
        extra={"line": start, "listing": listing},
    ).cleaned()
    return paper, i
