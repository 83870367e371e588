"""BibTeX as arXiv, Google Scholar, Semantic Scholar and DBLP export it: a small real parser.

Handles what those exports and hand-kept .bib files use: `{}` and `()` entry delimiters, nested
braces, quoted values, `#` concatenation, @string macros (and the standard month macros), @comment
and @preamble skipped. Anything outside an entry is a comment, as in BibTeX. An entry that never
closes is refused with the line where it starts; a line that starts a new entry inside an open
value means a brace is missing, so the parser stops there rather than swallow the entries after it.
The arXiv id comes from whichever place the exporter put it: eprint, "arXiv preprint arXiv:X",
volume "abs/X" (Semantic Scholar, DBLP), the url, or arXiv's DOI 10.48550/arXiv.X.
"""

from __future__ import annotations

import bisect
import re

from paperreader.links import is_search_link, kind_of_url
from paperreader.model import Link, Paper, parse_arxiv_id
from paperreader.sources import SourceError, skip_or_raise
from paperreader.sources.latex import tex_to_text

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december"]  # fmt: skip
_ENTRY = re.compile(r"@[ \t]*([A-Za-z][\w-]*)\s*([{(])")
_LINE_ENTRY = re.compile(r"\n[ \t]*@[ \t]*[A-Za-z]+[ \t]*[{(]")
_NAME = re.compile(r"[A-Za-z_][\w.:+/-]*")
_ARXIV_IN_TEXT = re.compile(r"arxiv[:\s]\s*([\w./-]+)", re.IGNORECASE)
# an arXiv link inside a text field (howpublished={\url{https://arxiv.org/abs/X}}, a note)
_ARXIV_LINK_IN_TEXT = re.compile(r"(?<![\w./-])(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/([\w./-]+)", re.IGNORECASE)
_DOI_PREFIX = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)", re.IGNORECASE)
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.IGNORECASE)
_SNIFF = re.compile(r"(?m)^[ \t]*@[ \t]*[A-Za-z]+[ \t]*[{(]")


def looks_like(text: str) -> bool:
    """An `@type{` at the start of some line."""
    return bool(_SNIFF.search(text))


class _Syntax(Exception):
    """A problem inside one entry, at an offset; turned into a SourceError at the entry's line."""

    def __init__(self, problem: str, pos: int) -> None:
        super().__init__(problem)
        self.problem, self.pos = problem, pos


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.macros = {m[:3]: m.capitalize() for m in MONTHS}

    def line(self, pos: int) -> int:
        return bisect.bisect_right(self.starts, pos)

    def skip(self, i: int) -> int:
        text = self.text
        while i < len(text) and text[i].isspace():
            i += 1
        return i

    def balanced(self, i: int, opener: str = "{") -> int:
        """The offset just past the delimiter that closes the `{` or `(` at `i` (they nest)."""
        closer = "}" if opener == "{" else ")"
        depth = 0
        for m in re.compile(re.escape(opener) + "|" + re.escape(closer)).finditer(self.text, i):
            depth += 1 if m.group() == opener else -1
            if depth == 0:
                self._no_entry_inside(i, m.end())
                return m.end()
        raise _Syntax(f"'{opener}' is never closed", i)

    def _no_entry_inside(self, start: int, end: int) -> None:
        inner = _LINE_ENTRY.search(self.text, start, end)
        if inner:
            raise _Syntax("a new entry starts inside this one: a closing brace is missing", inner.start() + 1)

    def quoted(self, i: int) -> int:
        depth = 0
        for m in re.compile(r'[{}"]').finditer(self.text, i + 1):
            ch = m.group()
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            elif depth <= 0:
                self._no_entry_inside(i, m.end())
                return m.end()
        raise _Syntax('\'"\' is never closed', i)

    def value(self, i: int) -> tuple[str, int]:
        parts, text = [], self.text
        while True:
            if i >= len(text):
                raise _Syntax("the entry ends where a value should be", i)
            ch = text[i]
            if ch == "{":
                end = self.balanced(i)
                parts.append(text[i + 1 : end - 1])
            elif ch == '"':
                end = self.quoted(i)
                parts.append(text[i + 1 : end - 1])
            elif m := re.compile(r"\d+").match(text, i):
                end = m.end()
                parts.append(m.group())
            elif m := _NAME.match(text, i):
                end = m.end()
                parts.append(self.macros.get(m.group().lower(), m.group()))  # undefined: its name, as text
            else:
                raise _Syntax(f"expected a value, found {ch!r}", i)
            i = self.skip(end)
            if i < len(text) and text[i] == "#":
                i = self.skip(i + 1)
                continue
            return "".join(parts), i

    def fields(self, i: int, closer: str) -> tuple[dict[str, str], int]:
        fields: dict[str, str] = {}
        text = self.text
        while True:
            i = self.skip(i)
            if i >= len(text):
                raise _Syntax(f"the entry is never closed with '{closer}'", i)
            if text[i] == closer:
                return fields, i + 1
            if text[i] == ",":
                i += 1
                continue
            if _ENTRY.match(text, i):
                raise _Syntax("a new entry starts inside this one: a closing brace is missing", i)
            m = _NAME.match(text, i)
            if not m:
                raise _Syntax(f"expected a field name, found {text[i]!r}", i)
            i = self.skip(m.end())
            if i >= len(text) or text[i] != "=":
                raise _Syntax(f"expected '=' after field {m.group()!r}", i)
            value, i = self.value(self.skip(i + 1))
            fields.setdefault(m.group().lower(), value)
            if i < len(text) and _ENTRY.match(text, i):
                raise _Syntax("a new entry starts inside this one: a closing brace is missing", i)
            if i < len(text) and text[i] not in "," + closer:
                raise _Syntax(f"expected ',' or '{closer}' after field {m.group()!r}", i)


def parse(text: str, file: str = "", errors: list[SourceError] | None = None) -> list[Paper]:
    """Every entry with a title, or a SourceError at the line where a bad entry starts.

    With an `errors` list, a bad entry is noted there and reading resumes at the next line that
    starts an entry.
    """
    text = text.lstrip("\ufeff")
    reader = _Reader(text)
    papers: list[Paper] = []
    seen_entry, pos = False, 0
    while m := _ENTRY.search(text, pos):
        line_start = text.rfind("\n", 0, m.start()) + 1
        if "%" in text[line_start : m.start()]:  # commented out ('%@misc{...'): biber and JabRef skip it too
            pos = m.end()
            continue
        kind, opener = m.group(1).lower(), m.group(2)
        closer = "}" if opener == "{" else ")"
        line = reader.line(m.start())
        seen_entry = True
        try:
            if kind in ("comment", "preamble"):
                pos = reader.balanced(m.end() - 1, opener)
                continue
            if kind == "string":
                fields, pos = reader.fields(m.end(), closer)
                for name, value in fields.items():
                    reader.macros[name] = value
                continue
            key_match = re.compile(r"[^,\s" + re.escape(closer) + r"]*").match(text, reader.skip(m.end()))
            after = reader.skip(key_match.end())
            if after < len(text) and text[after] == "=":  # no key: @misc{title = ...}
                key, start = "", m.end()
            else:
                key, start = key_match.group(), after
            fields, pos = reader.fields(start, closer)
        except _Syntax as err:
            where = f"entry '{key_of(text, m.end())}'" if kind not in ("comment", "preamble", "string") else f"@{kind}"
            problem = SourceError(f"{where} is not closed properly: {err.problem} (line {reader.line(err.pos)})", file, line)
            skip_or_raise(errors, problem)
            following = _LINE_ENTRY.search(text, m.end())
            pos = following.start() + 1 if following else len(text)
            continue
        try:
            papers.append(_paper(kind, key, fields, file, line))
        except SourceError as exc:
            skip_or_raise(errors, exc)
    if not papers and not seen_entry and text.strip():
        raise SourceError("no BibTeX entries found (expected lines like '@article{key,')", file, 1)
    return papers


def key_of(text: str, pos: int) -> str:
    return re.compile(r"\s*([^,\s{}()=]*)").match(text, pos).group(1)[:80]


# --- one entry to a Paper ----------------------------------------------------------------------------


def _split(value: str, pattern: str) -> list[str]:
    """Split at `pattern` outside braces."""
    parts, depth, last = [], 0, 0
    for m in re.finditer(r"[{}]|" + pattern, value, re.IGNORECASE):
        tok = m.group()
        if tok == "{":
            depth += 1
        elif tok == "}":
            depth = max(depth - 1, 0)
        elif depth == 0:
            parts.append(value[last : m.start()])
            last = m.end()
    parts.append(value[last:])
    return parts


def split_names(value: str) -> list[str]:
    """BibTeX's "Last, First and First Last and Last, Jr, First" as display names."""
    names = []
    for raw in _split(value, r"\s+and\s+"):
        parts = [p.strip() for p in _split(raw.strip(), ",")]
        if len(parts) == 2:
            parts = [parts[1], parts[0]]
        elif len(parts) >= 3:
            parts = [parts[2], parts[0], parts[1]] + parts[3:]
        name = " ".join(tex_to_text(" ".join(p for p in parts if p)).split())
        if name and name.lower() != "others":
            names.append(name)
    return names


def _month(value: str) -> int | None:
    value = tex_to_text(value).strip().lower()
    if value.isdigit() and 1 <= int(value) <= 12:
        return int(value)
    for number, name in enumerate(MONTHS, 1):
        if value[:3] == name[:3]:
            return number
    return None


def _published(fields: dict[str, str]) -> str | None:
    date = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", fields.get("date", "").strip())
    if date and date.group(3):
        return date.group(0)
    found = re.search(r"\d{4}", fields.get("year", ""))
    year = found.group(0) if found else (date.group(1) if date else None)
    if not year:
        return None
    month = _month(fields.get("month", "")) or (int(date.group(2)) if date and date.group(2) else None)
    return f"{year}-{month:02d}-01" if month and 1 <= month <= 12 else year


def _arxiv_id(fields: dict[str, str]) -> str | None:
    eprint = fields.get("eprint", "").strip()
    if eprint and (found := parse_arxiv_id(eprint)):
        return found
    journal = fields.get("journal", "").strip().lower()
    volume = fields.get("volume", "").strip()
    if journal in ("arxiv", "corr") and volume.lower().startswith("abs/"):
        if found := parse_arxiv_id(volume[4:]):
            return found
    for key in ("journal", "note", "howpublished", "booktitle", "volume", "number"):
        for m in _ARXIV_IN_TEXT.finditer(fields.get(key, "")):
            if found := parse_arxiv_id(m.group(1).rstrip(".,;")):
                return found
    for key in ("howpublished", "note"):
        for m in _ARXIV_LINK_IN_TEXT.finditer(fields.get(key, "")):
            if found := parse_arxiv_id(re.sub(r"\.pdf$", "", m.group(1).rstrip(".,;"), flags=re.IGNORECASE)):
                return found
    for key in ("url", "pdf", "link"):
        if found := parse_arxiv_id(fields.get(key, "").strip()):
            return found
    doi = _ARXIV_DOI.match(_DOI_PREFIX.sub("", fields.get("doi", "").strip()))
    return parse_arxiv_id(doi.group(1)) if doi else None


def _paper(kind: str, key: str, fields: dict[str, str], file: str, line: int) -> Paper:
    title = tex_to_text(fields.get("title", ""))
    if not title.strip():
        raise SourceError(f"entry '{key}' has no title", file, line)
    doi = _DOI_PREFIX.sub("", fields.get("doi", "").strip()) or None
    if doi and _ARXIV_DOI.match(doi):
        doi = None
    venue = tex_to_text(fields.get("journal", "") or fields.get("booktitle", ""))
    if re.fullmatch(r"\s*(arxiv|corr)\b.*", venue, re.IGNORECASE):
        venue = ""
    urls = []
    url = fields.get("url", "").strip()
    if re.match(r"https?://\S+$", url, re.IGNORECASE) and parse_arxiv_id(url) is None and "doi.org/" not in url and not is_search_link(url):
        label = "Semantic Scholar" if "semanticscholar.org" in url else "URL from BibTeX"
        urls.append(Link(kind_of_url(url, "page"), url, label))
    note = tex_to_text(fields.get("note", ""))
    return Paper(
        title=title,
        abstract=tex_to_text(fields.get("abstract", "")),
        authors=tuple(split_names(fields.get("author", ""))),
        arxiv_id=_arxiv_id(fields),
        published=_published(fields),
        categories=tuple(fields.get("primaryclass", "").split()),
        doi=doi,
        comment=None if _ARXIV_IN_TEXT.search(note) else note or None,
        journal_ref=venue or None,
        urls=tuple(urls),
        source="bibtex",
        extra={"line": line, "key": key, "type": kind},
    ).cleaned()
