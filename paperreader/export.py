"""Papers out of the library: BibTeX, Markdown and CSV (the JSON backup is `sources/backup.py`, both directions).

`bibtex_entry` and `markdown_link` are public because the TUI's copy menu uses them too. BibTeX
follows arXiv's own export (an `@misc` with eprint, archivePrefix, primaryClass and url) so it
pastes beside what arXiv gives; our importer reads it back to the same papers.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import TextIO

FORMATS = ("markdown", "bibtex", "json", "csv")
_BIB_SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&", "#": r"\#",
    "_": r"\_", "$": r"\$", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}  # fmt: skip
_BIB_RE = re.compile("|".join(re.escape(c) for c in _BIB_SPECIAL))
_MATH = re.compile(r"(?<!\\)\$[^$\n]+?(?<!\\)\$")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")
# A cell starting so is a formula to a spreadsheet ("-2+3" too): csv_cell puts an apostrophe before
# it, csv_unguarded (sources/tabular.py, on import) takes it off.
CSV_FORMULA = ("=", "+", "-", "@", "\t", "\r")
NO_PAPERS_BIBTEX = "@comment{paperreader export: no papers}\n"


# --- BibTeX ------------------------------------------------------------------------------------------


def bibtex_key(record) -> str:
    """The key of a paper on its own (no library to check for papers sharing it); within a library,
    `paperreader.citation.citation_keys` is the key, and what every command uses."""
    from paperreader.citation import record_base_key

    return record_base_key(record)


def bibtex_escape(text: str) -> str:
    """Plain text as a braced BibTeX value: specials escaped, `$math$` kept as TeX when balanced.

    BibTeX counts every brace, escaped or not, so `\\{` and `\\}` are used only where they pair up;
    a lone brace becomes `\\textbraceleft{}` or `\\textbraceright{}`.
    """
    out, pos = [], 0
    for m in _MATH.finditer(text):
        if _balanced(m.group(0)):
            out += [_escape_text(text[pos : m.start()]), m.group(0)]
            pos = m.end()
    out.append(_escape_text(text[pos:]))
    return "".join(out)


def _escape_text(chunk: str) -> str:
    escaped = _BIB_RE.sub(lambda c: _BIB_SPECIAL[c.group()], chunk)
    if not _balanced(chunk.replace("\\", "")):
        escaped = escaped.replace("\\{", "\\textbraceleft{}").replace("\\}", "\\textbraceright{}")
    return escaped


def _verbatim(text: str) -> str:
    """A url or doi as BibTeX tools read them (verbatim): only braces need care."""
    return text.replace("{", "%7B").replace("}", "%7D") if "://" in text else text.replace("{", "(").replace("}", ")")


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def _bib_name(name: str) -> str:
    """A display name; braced when it holds ' and ' or a comma, which BibTeX would split on."""
    escaped = bibtex_escape(name)
    return "{" + escaped + "}" if re.search(r"\sand\s|,", name, re.IGNORECASE) else escaped


def bibtex_entry(record, key: str | None = None) -> str:
    """One paper as an `@misc` in arXiv's style; without an arXiv id, title, authors, year, DOI and url."""
    fields = [("title", bibtex_escape(record.title))]
    if record.authors:
        fields.append(("author", " and ".join(_bib_name(a) for a in record.authors)))
    if record.year:
        fields.append(("year", str(record.year)))
    if record.arxiv_id:
        fields += [("eprint", record.arxiv_id), ("archivePrefix", "arXiv")]
        if record.categories:
            fields.append(("primaryClass", bibtex_escape(record.categories[0])))
    if record.doi:
        fields.append(("doi", _verbatim(record.doi)))
    link = record.link
    if link is not None and link.kind != "search":  # a search page is not the paper's address
        fields.append(("url", _verbatim(link.url)))
    body = "".join(f"      {name}={{{value}}},\n" for name, value in fields)
    return f"@misc{{{key or bibtex_key(record)},\n{body}}}\n"


# --- Markdown ----------------------------------------------------------------------------------------


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def markdown_url(url: str) -> str:
    """`url` fit for a Markdown link's (…): parentheses and spaces percent-encoded (DOIs hold '(')."""
    return url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")


def markdown_link(record) -> str:
    """`[Title](url)`: the paper's abstract page (or best known link); the plain title if none."""
    link = record.link
    if link is None:
        return _md(record.title)
    return f"[{_md(record.title)}]({markdown_url(link.url)})"


def markdown_item(record) -> str:
    """A list item: the linked title, then authors and year, tags, and the note indented under it."""
    lines = [f"- {markdown_link(record)}" + ("  ★" if record.starred else "")]
    meta = []
    if record.authors:
        shown = record.authors[:8]
        meta.append(_md(", ".join(shown) + (" et al." if len(record.authors) > len(shown) else "")))
    if record.year:
        meta.append(str(record.year))
    if record.arxiv_id:
        meta.append(f"arXiv:{record.arxiv_id}")
    if meta:
        lines.append("  " + " · ".join(meta))
    if record.tags:
        lines.append("  Tags: " + " ".join(f"`{t}`" for t in record.tags))
    if record.has_note:
        lines.append("")
        lines += [("  " + line).rstrip() for line in record.note.splitlines()]
    return "\n".join(lines) + "\n"


def write_markdown(records: Iterable, out: TextIO, title: str = "Papers") -> int:
    out.write(f"# {_md(title)}\n\n")
    count = 0
    for record in records:
        out.write(("\n" if count else "") + markdown_item(record))
        count += 1
    return count


def write_bibtex(records: Iterable, out: TextIO, keys: dict[str, str]) -> int:
    """Entries separated by blank lines; `keys` from `paperreader.citation.citation_keys`. No papers
    is an @comment saying so: a valid file that imports as "no papers" (an empty one is refused)."""
    count = 0
    for record in records:
        out.write(("\n" if count else "") + bibtex_entry(record, keys.get(record.id)))
        count += 1
    if not count:
        out.write(NO_PAPERS_BIBTEX)
    return count


# --- CSV ---------------------------------------------------------------------------------------------

CSV_COLUMNS = ("id", "title", "authors", "year", "arxiv_id", "doi", "url", "tags", "starred", "note", "abstract")  # abstract last: older columns keep their places


def _cell(value) -> str:
    """Text a spreadsheet will not run: a cell starting like a formula gets a leading apostrophe,
    and so does one already starting with apostrophes before it ("'=x" is written "''=x"), so that
    csv_unguarded gives every text back as it was."""
    text = "" if value is None else str(value)
    return "'" + text if text.lstrip("'").startswith(CSV_FORMULA) else text


def csv_unguarded(cell: str) -> str:
    """A cell of our CSV as it was before `_cell` guarded it (re-importing our own CSV gives the same
    text back)."""
    return cell[1:] if cell[:1] == "'" and cell.lstrip("'").startswith(CSV_FORMULA) else cell


def write_csv(records: Iterable, out: TextIO) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for r in records:
        link = r.link
        row = (r.id, r.title, "; ".join(r.authors), r.year, r.arxiv_id, r.doi, link.url if link else "",
               " ".join(r.tags), "true" if r.starred else "false", r.note, r.abstract)  # fmt: skip
        writer.writerow([_cell(v) for v in row])
        count += 1
    return count
