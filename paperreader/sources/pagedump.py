"""The page-dump format: a "trending papers" web listing saved as text.

Page chrome first (a few lines that are not papers), then each paper as two lines: the title, then
the whole abstract on one line. The first title may have the page's button text glued to its front
("SubscribeHybrid lemmatization ..."). No ids, dates or authors.
"""

from __future__ import annotations

import re

from paperreader.model import Paper
from paperreader.sources import SourceError

CHROME = re.compile(
    r"^(get trending papers in your email inbox.*|subscribe|trending papers|sign in|log in)$",
    re.IGNORECASE,
)
BUTTON_PREFIX = re.compile(r"^Subscribe(?=[A-Z0-9\"'(\[])")
MAX_TITLE = 1000  # a longer "title" means the two-line pairing is off


def looks_like(text: str) -> bool:
    """A cheap content sniff for format detection."""
    head = text.lstrip("\ufeff")[:300].splitlines()
    return bool(head) and any(CHROME.match(line.strip()) for line in head[:3])


def parse(text: str, file: str = "", errors: list | None = None) -> list[Paper]:
    """All papers of a dump, or a SourceError naming the line that breaks the pattern.

    `errors` is accepted for a uniform interface, but a dump has no record boundaries to resume
    at (a missing line shifts every pair after it), so a bad dump always stops the whole file.
    """
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    numbered = [(i + 1, line.strip()) for i, line in enumerate(lines) if line.strip()]
    start = 0
    while start < len(numbered) and CHROME.match(numbered[start][1]):
        start += 1
    body = numbered[start:]
    if not body:
        raise SourceError("no papers found after the page header", file, 1)
    if len(body) % 2:
        lineno, _ = body[-1]
        raise SourceError("a title without an abstract (papers are two lines: title, abstract)", file, lineno)
    papers: list[Paper] = []
    for k in range(0, len(body), 2):
        (tline, title), (_, abstract) = body[k], body[k + 1]
        if k == 0:
            title = BUTTON_PREFIX.sub("", title)
        if len(title) > MAX_TITLE:
            raise SourceError(f"title is {len(title)} characters long: is a line missing above?", file, tline)
        paper = Paper(title=title, abstract=abstract, source="pagedump").cleaned()
        if not paper.title:
            raise SourceError("the title is empty once control characters are removed", file, tline)
        papers.append(paper)
    return papers
