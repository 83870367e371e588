"""Only http(s) links are kept and opened (issue 10, case 13).

A backup (or any import) may carry links of any scheme: `file:///etc/passwd`, `javascript:`,
`data:`. They are dropped at import; doi:/arxiv: ids become https links; and the browser opener
refuses anything but http(s) as a second guard."""

from __future__ import annotations

import json

import pytest

from paperreader.model import Link, Paper

HOSTILE = [
    ("code", "file:///etc/passwd"),
    ("project", "javascript:alert(1)"),
    ("page", "data:text/html,<script>alert(1)</script>"),
    ("page", "ftp://example.org/paper.pdf"),
    ("page", "https:///no-host"),
    ("page", "vbscript:msgbox"),
    ("page", " JaVaScRiPt:alert(1)"),
    ("doi", "doi:10.1000/abc"),
    ("page", "arxiv:2101.00001"),
    ("code", "https://github.com/a/b"),
    ("page", "HTTP://Example.org/Upper"),
]


def backup_with_links(path, links) -> None:
    paper = {"title": "A paper with strange links", "abstract": "nothing here", "urls": [{"kind": k, "url": u} for k, u in links]}
    path.write_text(json.dumps({"format": "paperreader-backup", "version": 1, "papers": [paper]}) + "\n", encoding="utf-8")


def test_a_backup_import_keeps_only_web_links(cli, tmp_path):
    path = tmp_path / "backup.json"
    backup_with_links(path, HOSTILE)
    done = cli("import", str(path))
    assert done.code == 0, done.err
    pid = cli("search", 'title:"strange links"', "--json").json["results"][0]["id"]
    urls = [link["url"] for link in cli("show", pid, "--json").json["links"]]
    assert not [u for u in urls if not u.lower().startswith(("http://", "https://"))], urls
    assert "https://doi.org/10.1000/abc" in urls
    assert "https://arxiv.org/abs/2101.00001" in urls
    assert "https://github.com/a/b" in urls
    assert "HTTP://Example.org/Upper" in urls
    assert not any("etc/passwd" in u or "alert" in u for u in urls)


def test_cleaned_papers_hold_only_web_links():
    paper = Paper(title="t", urls=tuple(Link(k, u) for k, u in HOSTILE)).cleaned()
    assert [u.url for u in paper.urls] == [
        "https://doi.org/10.1000/abc", "https://arxiv.org/abs/2101.00001", "https://github.com/a/b", "HTTP://Example.org/Upper",
    ]  # fmt: skip


@pytest.mark.parametrize("url", [u for _, u in HOSTILE[:8]])
def test_web_url_refuses_other_schemes_or_rewrites_ids(url):
    from paperreader.links import web_url

    out = web_url(url)
    assert out is None or out.startswith("https://doi.org/")


def test_the_opener_refuses_anything_but_http(monkeypatch):
    """The second guard: even a link that got into the store some other way is never handed on."""
    import webbrowser

    from paperreader.tui import web_browser as browser

    opened: list[str] = []

    class Recorder:
        name = "firefox"

        def open(self, url, new=0):
            opened.append(url)
            return True

    monkeypatch.setenv("DISPLAY", ":0")
    for var in ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(webbrowser, "get", lambda *a, **k: Recorder())
    for url in ("file:///etc/passwd", "javascript:alert(1)", "data:text/html,x", "ftp://example.org/x"):
        assert browser.open_in_browser(url) is False
    assert opened == []
    assert browser.open_in_browser("https://arxiv.org/abs/2101.00001") is True
    assert opened == ["https://arxiv.org/abs/2101.00001"]
