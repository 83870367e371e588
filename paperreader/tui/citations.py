"""What `y` copies: the link, a Markdown link, a BibTeX entry, the title. Plain strings, no Textual.

BibTeX and the Markdown link come from `paperreader.export` (arXiv's own `@misc` style, braces and
specials escaped), and the BibTeX key from `paperreader.citation` (the library's key for the paper,
looked up by the caller in a worker), so a paper copied here pastes exactly as an export of it would.
"""

from __future__ import annotations

from paperreader.export import bibtex_entry, markdown_link
from paperreader.store import PaperRecord

COPY_KINDS: dict[str, str] = {
    "link": "link",
    "markdown": "Markdown link",
    "bibtex": "BibTeX",
    "title": "title",
}


def link_url(record: PaperRecord) -> str | None:
    link = record.link
    return link.url if link else None


def copy_text(record: PaperRecord, kind: str, key: str | None = None) -> str | None:
    """The text for one copy-menu entry, or None when the paper has nothing of that kind. `key`:
    the paper's citation key (`paperreader.citation.citation_key`)."""
    if kind == "link":
        return link_url(record)
    if kind == "markdown":
        return markdown_link(record)
    if kind == "bibtex":
        return bibtex_entry(record, key).rstrip("\n")
    if kind == "title":
        return record.title
    raise ValueError(f"unknown copy kind {kind!r}")
