"""Paper records and their ids: plain data shared by sources, the store, search and the UIs.

Ids: a paper with an arXiv id is `arxiv:<id without version>` (old-style ids keep their slash);
one without gets `t:<12 hex>` from its normalised title, the same on every machine and run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import NamedTuple
from urllib.parse import urlsplit

from paperreader.text import LazyPattern, clean_line, normalise_title

NEW_STYLE = LazyPattern(globals(), "NEW_STYLE", r"(?<![\w.])(\d{4}\.\d{4,5})(?:v\d+)?(?![\w.])")
OLD_STYLE = LazyPattern(globals(), "OLD_STYLE", r"(?<![\w.-])([a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?(?!\w)")
_YEAR = LazyPattern(globals(), "_YEAR", r"\d{4}")
_ARXIV_PREFIX = LazyPattern(globals(), "_ARXIV_PREFIX",
    r"^\s*(?:arxiv:|https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/)", re.IGNORECASE
)


def parse_arxiv_id(text: str | None) -> str | None:
    """The arXiv id (no version) in `text` — `arXiv:2401.1v2`, an abs/pdf URL or a bare id — or None."""
    if not text:
        return None
    text = _ARXIV_PREFIX.sub("", text.strip())
    text = re.sub(r"\.pdf$", "", text)
    match = NEW_STYLE.fullmatch(text) or OLD_STYLE.fullmatch(text)
    if match is None:
        stripped = re.sub(r"v\d+$", "", text)
        match = NEW_STYLE.fullmatch(stripped) or OLD_STYLE.fullmatch(stripped)
    return match.group(1) if match else None


def title_id(title: str) -> str:
    """The stable id of a paper known only by its title."""
    return id_from_title_key(normalise_title(title))


def id_from_title_key(key: str) -> str:
    from hashlib import sha256  # here, not at import: the TUI's first frame needs no ids made (~1 ms)

    digest = sha256(key.encode("utf-8")).hexdigest()
    return f"t:{digest[:12]}"


def arxiv_paper_id(arxiv_id: str) -> str:
    return f"arxiv:{arxiv_id}"


# Records on the reader's launch path are NamedTuples: a dataclass's generated methods cost ~0.6 ms CPU
# at import, a NamedTuple's ~0.2. (Paper stays a dataclass: dataclasses.replace is used on it.)
class Link(NamedTuple):
    """A URL with what it is: abs, pdf, hf, doi, page, code, project, search."""

    kind: str
    url: str
    label: str = ""


_DOI = LazyPattern(globals(), "_DOI", r"10\.\d{4,9}/\S+$")


def web_url(url: str | None) -> str | None:
    """`url` if it is an http(s) link with a host; a `doi:` or `arxiv:` id as its https page; else
    None. Links come from files anyone can write (a backup included): `file://`, `javascript:`,
    `data:` and the rest are never stored, shown as links or opened."""
    text = (url or "").strip()
    low = text.lower()
    if low.startswith("doi:") or _DOI.match(text):
        doi = text[4:].strip() if low.startswith("doi:") else text
        return f"https://doi.org/{doi}" if _DOI.match(doi) else None
    if low.startswith("arxiv:"):
        arxiv = parse_arxiv_id(text[6:].strip())
        return f"https://arxiv.org/abs/{arxiv}" if arxiv else None
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:
        return None
    return text if parts.scheme.lower() in ("http", "https") and host else None


def web_links(links) -> list[Link]:
    """The links that are http(s) (doi:/arxiv: ids made so); every other link is dropped."""
    out = []
    for link in links:
        url = web_url(link.url)
        if url is not None:
            out.append(link if url == link.url else Link(link.kind, url, link.label))
    return out


class UserState(NamedTuple):  # not a dataclass: as Link
    """What the user did to a paper: a star and a read mark (with their times), a note, tags.

    Every store record carries one (`PaperRecord.state`); a paper read from a backup carries the
    state it was saved with (`Paper.state`), merged into the library on import (store/merge.py)."""

    starred_at: str | None = None
    read_at: str | None = None
    note: str = ""
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Paper:
    """One paper as a source describes it; the store merges these into the library."""

    title: str
    abstract: str = ""
    authors: tuple[str, ...] = ()
    arxiv_id: str | None = None
    published: str | None = None  # ISO date, YYYY-MM-DD
    categories: tuple[str, ...] = ()
    doi: str | None = None
    comment: str | None = None
    journal_ref: str | None = None
    urls: tuple[Link, ...] = ()  # code / project pages the source names
    source: str = ""
    state: UserState | None = field(default=None, compare=False, hash=False)  # a backup's paper only
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def id(self) -> str:
        return arxiv_paper_id(self.arxiv_id) if self.arxiv_id else self.title_id

    @cached_property
    def title_key(self) -> str:
        """The normalised title (computed once: imports ask for it several times a paper)."""
        return normalise_title(self.title)

    @property
    def title_id(self) -> str:
        """The id this paper would have by its title alone (kept as an alias once it has an arXiv id)."""
        return id_from_title_key(self.title_key)

    @property
    def year(self) -> int | None:
        if self.published and _YEAR.match(self.published):
            return int(self.published[:4])
        return None

    def cleaned(self) -> "Paper":
        """The same paper with every text field made safe and single-line (itself if it already is:
        imports clean every paper, and most are clean; clean_line hands clean text back as it was).
        A paper this returned is marked when cleaning it again would change nothing (no '&' to decode
        again, no links to check again), so the store's own cleaning of a parsed paper costs nothing."""
        if self.__dict__.get("_fixed_point"):
            return self
        title, abstract = clean_line(self.title), clean_line(self.abstract)
        authors = tuple([a for a in map(clean_line, self.authors) if a])
        categories = tuple([c for c in map(clean_line, self.categories) if c])
        doi, comment = clean_line(self.doi) or None, clean_line(self.comment) or None
        journal_ref, published = clean_line(self.journal_ref) or None, clean_line(self.published) or None
        urls = self.urls
        if urls:  # only http(s) links are kept (doi:/arxiv: ids made so): links come from any file
            urls = tuple(web_links(Link(clean_line(u.kind), clean_line(u.url), clean_line(u.label)) for u in self.urls))
        if (
            title is self.title and abstract is self.abstract and doi is self.doi and comment is self.comment
            and journal_ref is self.journal_ref and published is self.published
            and type(self.authors) is tuple and authors == self.authors
            and type(self.categories) is tuple and categories == self.categories
            and type(self.urls) is tuple and urls == self.urls
        ):  # fmt: skip
            paper = self
        else:
            paper = replace(
                self, title=title, abstract=abstract, authors=authors, categories=categories, doi=doi, comment=comment,
                journal_ref=journal_ref, published=published, urls=urls,
            )  # fmt: skip
        # clean_line of its own output is that output unless an entity is left to decode (a field of
        # "&amp;lt;" gives "&lt;", then "<"); links are checked again each time
        if not urls and "&" not in "\n".join((title, abstract, doi or "", comment or "", journal_ref or "",
                                               published or "", *authors, *categories)):  # fmt: skip
            object.__setattr__(paper, "_fixed_point", True)  # frozen: fields never change after this
        return paper
