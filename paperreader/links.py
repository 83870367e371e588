"""The links a paper has: what is known, honestly labelled, and search links where nothing is."""

from __future__ import annotations

import re
from urllib.parse import quote_plus

# web_url/web_links live in model.py (cleaning a paper needs them; model must not import this module);
# the TUI's pick, render and web_browser import web_url from here.
from paperreader.model import Link, web_links, web_url  # noqa: F401

_URL = re.compile(r"https?://[^\s<>\"'()\[\]{}]+(?:\([^\s()]*\)[^\s<>\"'()\[\]{}]*)*", re.IGNORECASE)
_TRAILING = ".,;:!?)]}>'\""
_CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "huggingface.co", "sr.ht")


def urls_in(text: str) -> list[str]:
    """URLs mentioned in free text, with sentence punctuation trimmed from their end."""
    found: list[str] = []
    if not text or "://" not in text:  # every URL the pattern finds has one: most abstracts have none
        return found
    for match in _URL.finditer(text):
        url = match.group(0)
        while url and url[-1] in _TRAILING:
            if url[-1] == ")" and url.count("(") >= url.count(")"):
                break
            url = url[:-1]
        url = url.rstrip("/") if url.endswith("//") else url
        if url and url not in found and "." in url.split("//", 1)[-1]:
            found.append(url)
    return found


_SEARCH_PAGES = ("arxiv.org/search", "scholar.google.com/scholar", "semanticscholar.org/search")


def is_search_link(url: str) -> bool:
    """A search page (as `links_for` builds for papers without an id), not a page of the paper."""
    rest = url.split("//", 1)[-1].lower()
    return any(rest.startswith(page) or rest.startswith("www." + page) for page in _SEARCH_PAGES)


def kind_of_url(url: str, default: str = "project") -> str:
    """"code" on a code host; otherwise `default`: "project" for a URL the authors wrote, "page"
    for the paper's own page that a bibliography names (Semantic Scholar, a publisher, DBLP)."""
    host = url.split("//", 1)[-1].split("/", 1)[0].lower()
    return "code" if any(host == h or host.endswith("." + h) for h in _CODE_HOSTS) else default


def links_for(
    *,
    title: str,
    abstract: str,
    arxiv_id: str | None,
    doi: str | None,
    urls: list[Link] | tuple[Link, ...] = (),
) -> list[Link]:
    """Every link of a paper, most useful first, without duplicates."""
    links: list[Link] = []
    if arxiv_id:
        links += [
            Link("abs", f"https://arxiv.org/abs/{arxiv_id}", "arXiv abstract"),
            Link("pdf", f"https://arxiv.org/pdf/{arxiv_id}", "PDF"),
            Link("hf", f"https://huggingface.co/papers/{arxiv_id}", "Hugging Face"),
        ]
    if doi:
        links.append(Link("doi", f"https://doi.org/{doi}", f"DOI {doi}"))
    links += web_links(urls)  # a store written before links were checked may hold others
    links += [Link(kind_of_url(u), u, u) for u in urls_in(abstract)]
    if not arxiv_id:
        q = quote_plus(title)
        links += [
            Link("search", f"https://arxiv.org/search/?query={q}&searchtype=title", "Search arXiv"),
            Link("search", f"https://scholar.google.com/scholar?q={q}", "Search Google Scholar"),
            Link("search", f"https://www.semanticscholar.org/search?q={q}", "Search Semantic Scholar"),
        ]
    seen: set[str] = set()
    unique = []
    for link in links:
        if link.url not in seen:
            seen.add(link.url)
            unique.append(link)
    return unique


def primary_link(links: list[Link]) -> Link | None:
    """The link `Y` copies and `o` opens: the abstract page, else the first known page."""
    for kind in ("abs", "doi", "page", "project", "code", "hf", "search"):
        for link in links:
            if link.kind == kind:
                return link
    return links[0] if links else None
