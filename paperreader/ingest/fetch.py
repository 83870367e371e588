"""The only network use, and only on request: the arXiv API and Hugging Face daily papers.

Plain urllib (no new dependency). Every request has a timeout; 5xx answers, 429 and timeouts are
retried with exponential backoff; arXiv is asked at most once every `delay` seconds (3 by its terms
of use; tests pass 0). A machine that cannot reach the host gets one line saying so. The API roots
come from PAPERREADER_ARXIV_API and PAPERREADER_HF_API, so tests point them at a local server.
"""

from __future__ import annotations

import os
import re
import socket
import time
from collections.abc import Callable
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode, urlsplit
from urllib.request import Request, urlopen

from paperreader import __version__
from paperreader.model import Paper
from paperreader.sources import SourceError, arxiv_atom, hf

ARXIV_API_ENV, HF_API_ENV = "PAPERREADER_ARXIV_API", "PAPERREADER_HF_API"
ARXIV_API, HF_API = "https://export.arxiv.org/api", "https://huggingface.co/api"
ARXIV_DELAY = 3.0  # seconds between arXiv requests, as its API terms ask
PAGE = 100  # papers per arXiv request
MAX_BYTES = 64 * 1024 * 1024  # no API answer we ask for is near this; a bigger one is refused
USER_AGENT = f"paperreader/{__version__} (a terminal reader for paper abstracts; Python urllib)"
_TOTAL = re.compile(r"<(?:\w+:)?totalResults[^>]*>\s*(\d+)\s*<")
_FIELD = re.compile(r"\b(?:ti|au|abs|co|jr|cat|rn|id|all):", re.IGNORECASE)


class FetchError(Exception):
    """The network or the service failed; the message is one line for the user."""


class HTTPStatus(FetchError):
    def __init__(self, code: int, body: bytes, url: str) -> None:
        super().__init__(f"{_host(url)} answered HTTP {code}")
        self.code, self.body = code, body


def _host(url: str) -> str:
    return urlsplit(url).netloc or url


def arxiv_api() -> str:
    return os.environ.get(ARXIV_API_ENV, ARXIV_API).rstrip("/")


def hf_api() -> str:
    return os.environ.get(HF_API_ENV, HF_API).rstrip("/")


class Client:
    """GET with a timeout, retries with backoff, and a minimum gap between requests."""

    def __init__(
        self,
        *,
        timeout: float = 30.0,
        retries: int = 3,
        backoff: float = 2.0,
        delay: float = 0.0,
        sleep: Callable[[float], None] = time.sleep,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.timeout, self.retries, self.backoff, self.delay = timeout, retries, backoff, delay
        self.sleep, self.log = sleep, log or (lambda _: None)
        self._last = 0.0
        self.requests = 0

    def _wait_turn(self) -> None:
        gap = self._last + self.delay - time.monotonic()
        if self._last and gap > 0:
            self.sleep(gap)
        self._last = time.monotonic()

    def get(self, url: str) -> bytes:
        """The body of a 2xx answer; HTTPStatus for 4xx (body kept); FetchError when it cannot be had."""
        for attempt in range(self.retries + 1):
            self._wait_turn()
            self.requests += 1
            wait = self.backoff * 2**attempt
            try:
                with urlopen(Request(url, headers={"User-Agent": USER_AGENT}), timeout=self.timeout) as response:
                    body = response.read(MAX_BYTES + 1)
                if len(body) > MAX_BYTES:
                    raise FetchError(f"{_host(url)} sent more than {MAX_BYTES // 2**20} MB; refused")
                return body
            except HTTPError as exc:
                body = exc.read(MAX_BYTES) if exc.fp else b""
                if exc.code < 500 and exc.code != 429:
                    raise HTTPStatus(exc.code, body, url) from None
                problem = f"HTTP {exc.code}"
                retry_after = exc.headers.get("Retry-After", "") if exc.headers else ""
                if retry_after.isdigit():
                    wait = max(wait, min(float(retry_after), 120.0))
            except (TimeoutError, socket.timeout):
                problem = f"no answer within {self.timeout:g} s"
            except URLError as exc:
                reason = exc.reason
                if isinstance(reason, (TimeoutError, socket.timeout)):
                    problem = f"no answer within {self.timeout:g} s"
                else:  # refused, no route, no DNS: offline, and retrying will not help
                    detail = getattr(reason, "strerror", None) or str(reason)
                    raise FetchError(f"cannot reach {_host(url)} ({detail}); are you offline?") from None
            except (ConnectionError, OSError) as exc:
                problem = f"connection failed ({exc.strerror or exc})"
            if attempt < self.retries:
                self.log(f"{_host(url)}: {problem}; retrying in {wait:g} s")
                self.sleep(wait)
        raise FetchError(f"{_host(url)}: {problem} after {self.retries + 1} tries; try again later")


# --- arXiv -------------------------------------------------------------------------------------------


def arxiv_query(text: str) -> str:
    """The user's words as an arXiv search_query: arXiv syntax (`ti:`, `au:`, AND...) passes as is,
    plain words must all appear (`all:w1 AND all:w2`)."""
    text = " ".join(text.split())
    if _FIELD.search(text):
        return text
    return " AND ".join(f"all:{w}" for w in re.findall(r"[^\s\"]+", text))


def _arxiv_page(
    client: Client, query: str, start: int, count: int, url_params: dict | None = None, info: dict | None = None
) -> tuple[list[Paper], int]:
    params = {"search_query": query, "start": start, "max_results": count, **(url_params or {})}
    url = f"{arxiv_api()}/query?{urlencode(params)}"
    try:
        body = client.get(url)
    except HTTPStatus as exc:  # arXiv explains a bad query in an Atom error feed (HTTP 400)
        try:
            arxiv_atom.parse(exc.body.decode("utf-8", "replace"), url)
        except SourceError as err:
            raise FetchError(f"arXiv refused the query: {err.reason.removeprefix('arXiv answered with an error: ')}") from None
        raise FetchError(str(exc)) from None
    text = body.decode("utf-8", "replace")
    try:
        papers = arxiv_atom.parse(text, "arXiv API")
    except SourceError as err:
        raise FetchError(err.reason if "arXiv answered" in err.reason else f"arXiv sent a feed paperreader cannot read: {err}") from None
    total = _TOTAL.search(text)
    if info is not None and "listing" not in info:  # the first page says which listing this is (its <updated>)
        from paperreader.sources.listing import atom_listing

        info["listing"] = atom_listing(text)
    return papers, int(total.group(1)) if total else start + len(papers)


def fetch_arxiv(
    query: str, *, limit: int = 50, client: Client | None = None, page: int = PAGE, sort: str = "relevance",
    progress: Callable[[int, int], None] | None = None, info: dict | None = None,
) -> list[Paper]:  # fmt: skip
    """Up to `limit` papers for an arXiv search, paging `page` at a time; `info["listing"]` gets the
    first page's ListingSpec (sources.listing) when `info` is given."""
    client = client or Client(delay=ARXIV_DELAY)
    order = {"relevance": {}, "submitted": {"sortBy": "submittedDate", "sortOrder": "descending"},
             "updated": {"sortBy": "lastUpdatedDate", "sortOrder": "descending"}}[sort]  # fmt: skip
    found: dict[str, Paper] = {}
    start, empty_pages, total = 0, 0, limit
    while start < min(limit, total):
        papers, total = _arxiv_page(client, arxiv_query(query), start, min(page, limit - start), order, info)
        if not papers:  # arXiv sometimes answers a page empty and has it on a second try
            empty_pages += 1
            if empty_pages > 2 or start >= total:
                break
            continue
        empty_pages = 0
        for paper in papers:
            found.setdefault(paper.id, paper)
        start += len(papers)
        if progress:
            progress(min(start, limit), min(limit, total))
    return list(found.values())[:limit]


def find_by_title(title: str, client: Client) -> Paper | None:
    """The arXiv paper whose normalised title equals `title`'s, or None."""
    from paperreader.text import normalise_title

    key = normalise_title(title)
    if not key:
        return None
    papers, _ = _arxiv_page(client, f'ti:"{key}"', 0, 5)
    return next((p for p in papers if p.title_key == key), None)


# --- Hugging Face ------------------------------------------------------------------------------------


def fetch_hf(date: str | None = None, *, client: Client | None = None) -> list[Paper]:
    """The papers Hugging Face listed on `date` (YYYY-MM-DD; today's when None)."""
    client = client or Client()
    url = f"{hf_api()}/daily_papers" + (f"?{urlencode({'date': date})}" if date else "")
    try:
        body = client.get(url)
    except HTTPStatus as exc:
        reason = " ".join(exc.body[:200].decode("utf-8", "replace").split())
        raise FetchError(f"{exc}: {reason or 'no reason given'}") from None
    try:
        return hf.parse(body.decode("utf-8", "replace"), "Hugging Face API")
    except SourceError as err:
        raise FetchError(f"Hugging Face sent a list paperreader cannot read: {err}") from None


# --- resolve: arXiv ids for papers known only by title ------------------------------------------------


class TitleCache:
    """What arXiv said about each normalised title, hits and misses, so no title is asked twice.

    A hit keeps the paper's metadata, so a match found before an interruption is imported later
    without asking again. Saved atomically beside the library.
    """

    def __init__(self, path) -> None:
        import json
        from pathlib import Path

        self.path = Path(path)
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            self.titles: dict = data["titles"] if isinstance(data.get("titles"), dict) else {}
        except (OSError, ValueError, AttributeError, KeyError):
            self.titles = {}

    def get(self, key: str) -> dict | None:
        entry = self.titles.get(key)
        return entry if isinstance(entry, dict) else None

    def put(self, key: str, paper: Paper | None) -> None:
        from datetime import datetime, timezone

        entry: dict = {"checked_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "paper": None}
        if paper is not None:  # the fields sources.backup.paper_of reads back
            entry["paper"] = {
                "title": paper.title, "abstract": paper.abstract, "authors": list(paper.authors),
                "arxiv_id": paper.arxiv_id, "published": paper.published, "categories": list(paper.categories),
                "doi": paper.doi, "comment": paper.comment, "journal_ref": paper.journal_ref, "source": paper.source,
                "urls": [{"kind": u.kind, "url": u.url, "label": u.label} for u in paper.urls],
            }  # fmt: skip
        self.titles[key] = entry

    def save(self) -> None:
        import json

        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + f".tmp-{os.getpid()}")
        tmp.write_text(json.dumps({"version": 1, "titles": self.titles}, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.path)


def cached_paper(entry: dict) -> Paper | None:
    from paperreader.sources.backup import paper_of

    try:
        return paper_of(entry["paper"]) if entry.get("paper") else None
    except (ValueError, TypeError):
        return None


class Resolver:
    """arXiv papers for titles (exact normalised title), from the cache or the API.

    `found`, `asked` and `cached` hold what is known so far, so an interrupted run can still import
    its matches; the cache is saved every ten questions and on the way out.
    """

    def __init__(self, cache: TitleCache, client: Client, *, retry_misses: bool = False) -> None:
        self.cache, self.client, self.retry_misses = cache, client, retry_misses
        self.found: list[Paper] = []
        self.asked = self.cached = 0

    def run(self, titles: list[str], progress: Callable[[int, int, int], None] | None = None) -> list[Paper]:
        from paperreader.text import normalise_title

        try:
            for n, title in enumerate(titles, 1):
                key = normalise_title(title)
                entry = self.cache.get(key)
                if entry is not None and (entry.get("paper") or not self.retry_misses):
                    self.cached += 1
                    paper = cached_paper(entry)
                else:
                    paper = find_by_title(title, self.client)
                    self.cache.put(key, paper)
                    self.asked += 1
                    if self.asked % 10 == 0:
                        self.cache.save()
                if paper is not None:
                    self.found.append(paper)
                if progress:
                    progress(n, len(titles), len(self.found))
        finally:
            self.cache.save()
        return self.found
