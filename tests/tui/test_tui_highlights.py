"""One highlight path: the CLI and the TUI mark the same words, from search/highlight.py's spans."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from rich.style import Style

from paperreader.tui import render

from tui_helpers import ready, search_for

# A stemmed word (models -> model), a phrase and a prefix, as one query.
QUERY = '"state space" models mamb*'


def _cli_hits(library_dir, capsys) -> dict:
    from paperreader.cli import main

    capsys.readouterr()
    assert main(["--data-dir", str(library_dir), "search", "--json", "--limit", "10", QUERY]) == 0
    out = json.loads(capsys.readouterr().out)
    return {hit["id"]: {h["field"]: h for h in hit["highlights"]} for hit in out["results"]}


def _words(text: str, spans) -> list[str]:
    return [text[s:e].lower() for s, e in spans]


async def test_cli_and_tui_mark_the_same_words(make_app, library_dir, capsys):
    cli = _cli_hits(library_dir, capsys)
    assert len(cli) >= 3
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await ready(app, pilot)
        screen = await search_for(app, pilot, QUERY)
        rows = [screen.results.row_at(i) for i in range(min(5, screen.results.total))]
        assert len(rows) >= 3 and all(row is not None for row in rows)
        match = Style(bold=True, color="red")
        for row in rows:
            shown = cli[row.id]  # the same papers, in the same order, as the CLI's first ones
            title = shown["title"]
            assert title["text"] == row.record.title
            assert list(row.title_spans) == [tuple(m) for m in title["matches"]]  # the very same spans
            marked = _words(row.record.title, row.title_spans)
            assert {"state", "space"} <= set(marked) and any(w.startswith("mamb") or w.startswith("model") for w in marked)
            # the reader draws those spans in the match style, nothing else
            drawn = render.reader_title(row, match)
            assert [drawn.plain[s.start:s.end].lower() for s in drawn.spans if s.style == match] == marked
            # the abstract: the CLI's window marks what the TUI marks in the same words
            abstract = shown["abstract"]
            tui_words = set(_words(row.record.abstract, row.abstract_spans))
            assert set(_words(abstract["text"], abstract["matches"])) <= tui_words
            assert set(_words(row.snippet, row.snippet_spans)) <= tui_words
        first = rows[0]
        assert any(w in ("models", "model") for w in _words(first.record.title, first.title_spans)
                   + _words(first.record.abstract, first.abstract_spans))  # the stem found its forms


def test_the_tui_never_touches_whoosh():
    """The TUI draws spans: it imports neither Whoosh nor the analyzers, nor reads a parsed query's
    Whoosh tree (`parsed.whoosh`); that stays in search/."""
    tui = Path(__file__).resolve().parents[2] / "paperreader" / "tui"
    offenders = []
    for path in tui.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Attribute) and node.attr == "whoosh":
                names = ["<x>.whoosh"]
            bad = [n for n in names if n.split(".")[0] == "whoosh" or n == "<x>.whoosh"
                   or n in ("paperreader.search.schema", "paperreader.search.analysis")]
            offenders += [f"{path.relative_to(tui)}:{node.lineno} {n}" for n in bad]
    assert offenders == []
