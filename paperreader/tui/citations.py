"""What `y` copies: the link, a Markdown link, a BibTeX entry, the title. Plain strings, no Textual.

BibTeX follows arXiv's own export (`@misc` with eprint/archivePrefix/primaryClass); a paper without
an arXiv id gets a `@misc` with its title and best link. Braces in values are escaped so an odd
title cannot break the entry.
"""

from __future__ import annotations

import re
import unicodedata

from paperreader.store import PaperRecord


def link_url(record: PaperRecord) -> str | None:
    link = record.link
    return link.url if link else None


def markdown_link(record: PaperRecord) -> str:
    """`[Title](url)`, with the characters Markdown would read as syntax escaped."""
    title = re.sub(r"([\\\[\]`*_<>])", r"\\\1", record.title)
    url = link_url(record)
    if not url:
        return title
    return f"[{title}]({url.replace('(', '%28').replace(')', '%29').replace(' ', '%20')})"


_BIB_SPECIAL = {"\\": "\\textbackslash{}", "{": "\\{", "}": "\\}", **{c: "\\" + c for c in "%&#$_"}}


def _bib_escape(text: str) -> str:
    return "".join(_BIB_SPECIAL.get(c, c) for c in text)


def _ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    return "".join(c for c in folded if c.isascii() and c.isalnum()).lower()


def citation_key(record: PaperRecord) -> str:
    """arXiv-style key: first author's surname, year, first real title word (`vaswani2017attention`)."""
    surname = _ascii_word(record.authors[0].split()[-1]) if record.authors and record.authors[0].split() else ""
    stop = {"a", "an", "the", "on", "of", "for", "in", "to", "and", "with", "is", "are"}
    words = [w for w in (_ascii_word(w) for w in record.title.split()) if w and w not in stop]
    key = f"{surname or 'anon'}{record.year or ''}{words[0] if words else ''}"
    return key or "paper"


def bibtex(record: PaperRecord) -> str:
    fields: list[tuple[str, str]] = [("title", record.title)]
    if record.authors:
        fields.append(("author", " and ".join(record.authors)))
    if record.year:
        fields.append(("year", str(record.year)))
    if record.arxiv_id:
        fields += [("eprint", record.arxiv_id), ("archivePrefix", "arXiv")]
        if record.categories:
            fields.append(("primaryClass", record.categories[0]))
        fields.append(("url", f"https://arxiv.org/abs/{record.arxiv_id}"))
    else:
        if record.doi:
            fields.append(("doi", record.doi))
        url = link_url(record)
        if url and (record.link.kind != "search"):
            fields.append(("url", url))
    if record.journal_ref:
        fields.append(("note", record.journal_ref))
    body = ",\n".join(
        f"      {name}={{{value if name in ('url', 'eprint', 'doi') else _bib_escape(value)}}}" for name, value in fields
    )
    return f"@misc{{{citation_key(record)},\n{body}\n}}"


COPY_KINDS: dict[str, str] = {
    "link": "link",
    "markdown": "Markdown link",
    "bibtex": "BibTeX",
    "title": "title",
}


def copy_text(record: PaperRecord, kind: str) -> str | None:
    """The text for one copy-menu entry, or None when the paper has nothing of that kind."""
    if kind == "link":
        return link_url(record)
    if kind == "markdown":
        return markdown_link(record)
    if kind == "bibtex":
        return bibtex(record)
    if kind == "title":
        return record.title
    raise ValueError(f"unknown copy kind {kind!r}")
