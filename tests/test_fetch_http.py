"""fetch and resolve against a local server that answers with the recorded real responses in
../shared/fixtures: paging, the 3-second spacing, arXiv's error feed (HTTP 400), a 503 then 200,
a timeout, and offline (a closed port)."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import FIXTURES
from paperreader.ingest import fetch

ATOM = FIXTURES / "arxiv-atom"
HF = FIXTURES / "hf-daily"
HUSPACY_FEED = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom"
      xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">
  <opensearch:totalResults>2</opensearch:totalResults>
  <entry>
    <id>http://arxiv.org/abs/2304.99999v1</id>
    <published>2023-04-01T00:00:00Z</published>
    <title>Hybrid lemmatization for Hungarian: a different paper</title>
    <summary>Not this one.</summary>
    <author><name>Someone Else</name></author>
  </entry>
  <entry>
    <id>http://arxiv.org/abs/2304.02917v2</id>
    <published>2023-04-06T07:40:23Z</published>
    <title>Hybrid lemmatization in HuSpaCy</title>
    <summary>Lemmatization is still not a trivial task for morphologically rich languages.</summary>
    <author><name>Gy\u00f6rgy Orosz</name></author>
    <author><name>Gerg\u0151 Szab\u00f3</name></author>
    <arxiv:comment>Code: https://github.com/huspacy/huspacy</arxiv:comment>
    <arxiv:primary_category term="cs.CL"/>
  </entry>
</feed>
"""


def recorded(path: Path) -> bytes:
    if not path.is_file():
        pytest.skip(f"shared fixture not found at {path}")
    return path.read_bytes()


class Recorded(BaseHTTPRequestHandler):
    """Serves the recorded responses; every request is logged on the server."""

    def log_message(self, *args) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        params = {k: v[0] for k, v in parse_qs(url.query).items()}
        self.server.requests.append((url.path, params))
        status, body, kind = self.answer(url.path, params)
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def answer(self, path: str, params: dict) -> tuple[int, bytes, str]:
        atom, js = "application/atom+xml", "application/json"
        if path == "/arxiv/query":
            query, start = params.get("search_query", ""), int(params.get("start", 0))
            if "abc" in query:
                return 400, recorded(ATOM / "arxivpy_2026_error_id_abc.xml"), atom
            if query == "all:flaky" and sum(1 for p, q in self.server.requests if q.get("search_query") == query) == 1:
                return 503, b"Service Unavailable", "text/plain"
            if query == "all:slow":
                import time

                time.sleep(1.0)
            if query.startswith("ti:"):
                found = query == 'ti:"hybrid lemmatization in huspacy"'
                return 200, HUSPACY_FEED.encode() if found else recorded(ATOM / "arxivpy_2026_id_0000.0000_empty.xml"), atom
            pages = ["arxivpy_2016_search_au_del_maestro.xml", "arxivpy_2026_search_all_testing_m10.xml"]
            name = pages[start // 10] if start // 10 < len(pages) else "arxivpy_2026_id_0000.0000_empty.xml"
            return 200, recorded(ATOM / name), atom
        if path == "/hf/daily_papers":
            if params.get("date") == "2025-07-22":
                return 200, recorded(HF / "daily_papers_2025-07-22.json"), js
            if params.get("date", "").startswith("1999"):
                return 400, b'{"error": "Invalid date"}', js
            return 200, b"[]", js
        return 404, b"not found", "text/plain"


class QuietServer(ThreadingHTTPServer):
    """A request whose client hung up (the timeout test's slow answer) is noted here, not printed:
    socketserver's default printed a traceback to sys.stderr from the request's thread a second
    later, into whichever test was running then (a flaky test_import_atomic). Threads are joined
    on close."""

    daemon_threads = False
    block_on_close = True

    def handle_error(self, request, client_address) -> None:
        import sys

        self.errors.append(sys.exc_info()[1])


@pytest.fixture
def server(monkeypatch):
    for needed in (ATOM / "arxivpy_2016_search_au_del_maestro.xml", HF / "daily_papers_2025-07-22.json"):
        if not needed.is_file():
            pytest.skip(f"shared fixture not found at {needed}")
    httpd = QuietServer(("127.0.0.1", 0), Recorded)
    httpd.requests, httpd.errors = [], []
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    monkeypatch.setenv(fetch.ARXIV_API_ENV, base + "/arxiv")
    monkeypatch.setenv(fetch.HF_API_ENV, base + "/hf")
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def closed_port(monkeypatch):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    monkeypatch.setenv(fetch.ARXIV_API_ENV, f"http://127.0.0.1:{port}/api")
    monkeypatch.setenv(fetch.HF_API_ENV, f"http://127.0.0.1:{port}/api")
    return port


def test_fetch_arxiv_pages_through_the_results_and_imports_them(cli, server):
    out = cli("fetch", "arxiv", "del", "maestro", "--max", "25", "--delay", "0", "--json")
    assert out.code == 0, out.err
    assert (out.json["fetched"], out.json["added"]) == (20, 20)
    asked = [(q["search_query"], q["start"], q["max_results"]) for _, q in server.requests]
    assert asked == [("all:del AND all:maestro", "0", "25"), ("all:del AND all:maestro", "10", "15"),
                     ("all:del AND all:maestro", "20", "5")]  # fmt: skip
    paper = cli("show", "arxiv:0807.2873", "--json").json
    assert paper["authors"] == ["Adrian Del Maestro", "Bernd Rosenow", "Subir Sachdev"]
    assert paper["published"] == "2008-07-17" and paper["doi"] == "10.1016/j.aop.2008.08.003"
    assert cli("show", "arxiv:2202.12139", "--json").json["categories"] == ["cs.SE", "cs.LG"]
    again = cli("fetch", "arxiv", "del maestro", "--max", "25", "--delay", "0", "--json").json
    assert (again["added"], again["unchanged"]) == (0, 20)


def test_arxiv_syntax_passes_through_and_requests_are_spaced(server):
    sleeps: list[float] = []
    client = fetch.Client(delay=fetch.ARXIV_DELAY, sleep=sleeps.append)
    papers = fetch.fetch_arxiv("au:del_maestro AND cat:cond-mat", limit=20, client=client, page=10)
    assert len(papers) == 20 and server.requests[0][1]["search_query"] == "au:del_maestro AND cat:cond-mat"
    assert len(sleeps) == 1 and 2.9 < sleeps[0] <= 3.0  # the second request waited for its turn


def test_arxiv_error_feed_is_a_one_line_error_and_is_not_retried(cli, server):
    out = cli("fetch", "arxiv", "id:abc", "--delay", "0")
    assert out.code == 2 and out.out == ""
    assert out.err.strip() == "paperreader: arXiv refused the query: incorrect id format for abc"
    assert len(server.requests) == 1


def test_503_then_200_is_retried_with_backoff(server):
    sleeps: list[float] = []
    logged: list[str] = []
    client = fetch.Client(backoff=1.5, sleep=sleeps.append, log=logged.append)
    papers = fetch.fetch_arxiv("flaky", limit=5, client=client)
    assert len(papers) == 5
    assert [q["search_query"] for _, q in server.requests] == ["all:flaky", "all:flaky"]
    assert sleeps == [1.5] and logged == [f"127.0.0.1:{server.server_address[1]}: HTTP 503; retrying in 1.5 s"]


def test_a_server_that_keeps_failing_gives_up_with_one_line(cli, server, monkeypatch):
    monkeypatch.setattr(fetch.Client, "__init__", _fast_client_init(fetch.Client.__init__))
    out = cli("fetch", "hf", "--date", "2000-01-01")
    assert out.code == 0  # an empty day is fine
    out = cli("fetch", "arxiv", "slow", "--delay", "0")
    assert out.code == 2 and "no answer within 0.2 s after 2 tries; try again later" in out.err
    assert len(out.err.strip().splitlines()) == 2  # the retry notice, then the error


def _fast_client_init(original):
    def init(self, **kwargs):
        original(self, **{**kwargs, "timeout": 0.2, "retries": 1, "backoff": 0.0})

    return init


def test_offline_is_one_line_and_quick(cli, closed_port):
    import time

    start = time.monotonic()
    out = cli("fetch", "arxiv", "anything", "--delay", "0")
    assert out.code == 2 and out.out == ""
    assert out.err.strip().startswith(f"paperreader: cannot reach 127.0.0.1:{closed_port} (")
    assert out.err.strip().endswith("are you offline?") and len(out.err.strip().splitlines()) == 1
    out = cli("fetch", "hf")
    assert out.code == 2 and "are you offline?" in out.err
    out = cli("resolve", "--limit", "2", "--delay", "0")
    assert out.code == 2 and "are you offline?" in out.err
    assert time.monotonic() - start < 5


def test_fetch_hf_daily_papers(cli, server):
    out = cli("fetch", "hf", "--date", "2025-07-22", "--json")
    assert out.code == 0 and (out.json["fetched"], out.json["added"]) == (16, 16)
    assert server.requests == [("/hf/daily_papers", {"date": "2025-07-22"})]
    links = cli("show", "arxiv:2507.11061", "--json").json["links"]
    assert {"kind": "code", "url": "https://github.com/janeyeon/romap-code"} in links
    assert {"kind": "project", "url": "https://janeyeon.github.io/romap"} in links
    assert cli("fetch", "hf", "--date", "22-07-2025").code == 2
    bad = cli("fetch", "hf", "--date", "1999-01-01")
    assert bad.code == 2 and bad.err.strip() == f"paperreader: 127.0.0.1:{server.server_address[1]} answered HTTP 400: {{\"error\": \"Invalid date\"}}"


def test_resolve_gives_builtin_papers_their_ids_and_caches_every_answer(cli, server, data_dir):
    old = cli("search", 'title:"Hybrid lemmatization in HuSpaCy"', "--json").json["results"][0]["id"]
    cli("star", old)
    cli("note", old, "--set", "keep me")
    out = cli("resolve", "--delay", "0", "--json")
    assert out.code == 0, out.err
    result = out.json
    assert result["resolved"] == [{"id": old, "now": "arxiv:2304.02917"}]
    assert (result["checked"], result["not_found"], result["asked_arxiv"], result["from_cache"]) == (201, 200, 201, 0)
    assert 'ti:"hybrid lemmatization in huspacy"' in [q["search_query"] for _, q in server.requests]
    paper = cli("show", old, "--json").json
    assert paper["id"] == "arxiv:2304.02917" and paper["starred"] and paper["note"] == "keep me"
    assert paper["authors"] == ["György Orosz", "Gergő Szabó"]
    assert {"kind": "code", "url": "https://github.com/huspacy/huspacy"} in paper["links"]
    cache = json.loads((data_dir / "resolve-cache.json").read_text(encoding="utf-8"))["titles"]
    assert len(cache) == 201 and cache["hybrid lemmatization in huspacy"]["paper"]["arxiv_id"] == "2304.02917"
    assert sum(1 for entry in cache.values() if entry["paper"] is None) == 200

    server.requests.clear()
    again = cli("resolve", "--delay", "0", "--json").json
    assert (again["checked"], again["asked_arxiv"], again["from_cache"], again["resolved"]) == (200, 0, 200, [])
    assert server.requests == []
    retry = cli("resolve", "--delay", "0", "--retry-misses", "--limit", "5", "--json").json
    assert (retry["asked_arxiv"], len(server.requests)) == (5, 5)


def test_resolve_answers_from_the_cache_without_the_network(cli, server, data_dir, tmp_path, monkeypatch):
    assert cli("resolve", "--delay", "0").code == 0
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    (fresh / "resolve-cache.json").write_bytes((data_dir / "resolve-cache.json").read_bytes())
    monkeypatch.setenv(fetch.ARXIV_API_ENV, "http://127.0.0.1:9/unreachable")
    out = cli("--data-dir", str(fresh), "resolve", "--json")
    assert out.code == 0, out.err
    assert (out.json["asked_arxiv"], out.json["from_cache"]) == (0, 201)
    assert [r["now"] for r in out.json["resolved"]] == ["arxiv:2304.02917"]
