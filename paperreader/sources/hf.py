"""Hugging Face papers API: `/api/daily_papers` and `/api/papers/search` JSON.

Both are a list of items, each with a `paper` object {id (the arXiv id), title, summary, authors
[{name} or {user: {fullname}}; names or "A, B" text are read too, any other value is a bad item],
publishedAt (the arXiv date), optional githubRepo and projectPage}. The item's own
`publishedAt` is the day it was listed, not the paper's date, so it is only a fallback. Optional
keys are absent in what HF sends, but null is tolerated too. A bare paper object (`/api/papers/ID`)
is accepted as a one-item list.
"""

from __future__ import annotations

import re
from typing import Any

from paperreader.model import Link, Paper, parse_arxiv_id
from paperreader.sources import SourceError, skip_or_raise
from paperreader.sources.tabular import author_names, json_items

_SNIFF = re.compile(r'"paper"\s*:\s*\{')
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_HTTP = re.compile(r"https?://\S+$", re.IGNORECASE)


def looks_like(text: str) -> bool:
    """A JSON list (or object) whose items carry a `"paper": {` object."""
    head = text.lstrip("\ufeff \t\r\n")
    return head[:1] in ("[", "{") and bool(_SNIFF.search(head[:20000]))


def _str(obj: dict, key: str) -> str:
    value = obj.get(key)
    return value if isinstance(value, str) else ""


def _paper_of(item: Any, number: int, line: int | None, file: str) -> Paper:
    if not isinstance(item, dict):
        raise SourceError(f"item {number} is not an object (found {type(item).__name__})", file, line)
    paper = item.get("paper", item)
    if not isinstance(paper, dict):
        raise SourceError(f"item {number}: 'paper' is not an object", file, line)
    title = _str(paper, "title") or _str(item, "title")
    if not title.strip():
        raise SourceError(f"item {number} has no paper title", file, line)
    raw_id = paper.get("id")
    arxiv_id = parse_arxiv_id(raw_id) if isinstance(raw_id, str) else None

    raw_authors = paper.get("authors")  # a list of {name} or {user: {fullname}}, names, or text; else a bad item
    authors = [] if raw_authors is None else author_names(raw_authors, "authors", file, line, number, record="item")

    published = _str(paper, "publishedAt") or _str(item, "publishedAt")
    dropped = []  # left out, and said (as every format does): the import lists and counts them
    if published.strip() and not _DATE.match(published):
        dropped.append(f"publishedAt (not a date: {published.strip()[:40]!r})")
    urls = []
    for key, kind, label in (("githubRepo", "code", "GitHub"), ("projectPage", "project", "Project page")):
        url = _str(paper, key).strip()
        if _HTTP.match(url):
            urls.append(Link(kind, url, label))
        elif paper.get(key) not in (None, ""):
            dropped.append(f"{key} (not a web address: {str(paper[key]).strip()[:40]!r})")
    extra: dict = {"line": line} if line else {}
    if dropped:
        extra["dropped"] = dropped
    if isinstance(paper.get("upvotes"), int):
        extra["upvotes"] = paper["upvotes"]
    listed = _str(item, "publishedAt") if paper is not item and "highlightedTitle" not in item else ""
    if _DATE.match(listed):  # the day Hugging Face listed it (a daily_papers item; search hits say where they matched)
        extra["listed"] = listed[:10]
    return Paper(
        title=title,
        abstract=_str(paper, "summary") or _str(item, "summary"),
        authors=tuple(authors),
        arxiv_id=arxiv_id,
        published=published[:10] if _DATE.match(published) else None,
        urls=tuple(urls),
        source="hf",
        extra=extra,
    ).cleaned()


def parse(text: str, file: str = "", errors: list[SourceError] | None = None) -> list[Paper]:
    """Every paper of a daily_papers or papers/search response, or a SourceError naming the item
    (with an `errors` list, bad items are noted there and skipped)."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped:
        return []
    if stripped[0] not in "[{":
        raise SourceError("not a Hugging Face papers response: expected a JSON list", file, 1)
    items = json_items(text, file)
    if stripped[0] == "{" and len(items) == 1:  # one bare object: a single item or paper
        return [_paper_of(items[0][1], 1, items[0][0], file)]
    papers = []
    for k, (line, item) in enumerate(items, 1):
        try:
            papers.append(_paper_of(item, k, line, file))
        except SourceError as exc:
            skip_or_raise(errors, exc)
    return papers
