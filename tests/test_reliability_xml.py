"""XML entity expansion is refused: a billion-laughs or external-entity Atom feed given to
`paperreader import` stops with one line (exit 2), quickly and in bounded memory, importing nothing."""

from __future__ import annotations

import json
import resource
import subprocess
import sys

import pytest

LAUGHS = "\n".join(
    ['<?xml version="1.0"?>', "<!DOCTYPE feed [", '  <!ENTITY lol "lol">']
    + [f'  <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)]
    + ["]>"]
)
ENTRY = """<feed xmlns="http://www.w3.org/2005/Atom">
  <entry>
    <id>http://arxiv.org/abs/2401.00001v1</id>
    <title>{title}</title>
    <summary>{summary}</summary>
    <author><name>A. Author</name></author>
    <published>2024-01-01T00:00:00Z</published>
  </entry>
</feed>
"""

FEEDS = {
    "billion laughs": LAUGHS + ENTRY.format(title="Laughing &lol9;", summary="&lol9;"),
    "quadratic blowup": '<?xml version="1.0"?>\n<!DOCTYPE feed [<!ENTITY a "' + "A" * 50_000 + '">]>\n'
    + ENTRY.format(title="Blowup", summary="&a;" * 50_000),
    "external entity": '<?xml version="1.0"?>\n<!DOCTYPE feed [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    + ENTRY.format(title="Leak &xxe;", summary="&xxe;"),
    "external dtd": '<?xml version="1.0"?>\n<!DOCTYPE feed SYSTEM "http://127.0.0.1:9/evil.dtd">\n'
    + ENTRY.format(title="Remote", summary="dtd"),
    "parameter entity": '<?xml version="1.0"?>\n<!DOCTYPE feed [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>\n'
    + ENTRY.format(title="Param", summary="pe"),
}


def limited_memory() -> None:  # a regression must fail, not take the machine down
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def paperreader(data_dir, *args):
    return subprocess.run([sys.executable, "-m", "paperreader", "--data-dir", str(data_dir), *args],
                          capture_output=True, text=True, timeout=120, preexec_fn=limited_memory)


@pytest.mark.parametrize("name", list(FEEDS))
@pytest.mark.parametrize("fmt", ["auto", "arxiv-atom"])
def test_entity_tricks_are_refused_by_import(tmp_path, name, fmt):
    data_dir = tmp_path / "data"
    assert paperreader(data_dir, "stats").returncode == 0
    before = json.loads(paperreader(data_dir, "stats", "--json").stdout)
    feed = tmp_path / "feed.xml"
    feed.write_text(FEEDS[name], encoding="utf-8")

    run = paperreader(data_dir, "import", str(feed), "--format", fmt)
    assert run.returncode == 2, (run.stdout, run.stderr)
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "feed.xml" in lines[0] and "Traceback" not in run.stderr, run.stderr
    assert "Forbidden" not in run.stderr and "Error" not in run.stderr, run.stderr  # no Python exception names
    assert "root:" not in run.stdout + run.stderr  # nothing of /etc/passwd
    assert json.loads(paperreader(data_dir, "stats", "--json").stdout) == before  # nothing imported


def test_the_atom_parser_refuses_entities_directly():
    from paperreader.sources import SourceError
    from paperreader.sources.arxiv_atom import parse

    for name, text in FEEDS.items():
        with pytest.raises(SourceError):
            parse(text, file=f"{name}.xml")
