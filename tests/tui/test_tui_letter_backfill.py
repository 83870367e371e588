"""A library indexed before letter files existed (search/letter_terms.py; here: its files deleted)
gets them back once the reader has opened it (search/letter_backfill.py, a process of its own
started by the index worker after the first results), and the reader's counts stay the CLI's."""

from __future__ import annotations

import json
import os

from paperreader.search import letter_backfill, letter_terms, lexicon

from tui_helpers import WIDE, ready, search_for, widget_text


def _ltr(folder) -> dict:
    return {n: open(os.path.join(folder, n), "rb").read() for n in sorted(os.listdir(folder)) if n.endswith(letter_terms.EXT)}


def _count(app) -> str:
    """The status line's count, without the search's time."""
    return widget_text(app.screen.query_one("#status-text")).split(" (", 1)[0]


async def test_the_reader_writes_missing_letter_files_and_counts_as_the_cli(make_app, library_dir, capsys, monkeypatch):
    from paperreader.cli import main

    folder = str(library_dir / "index")
    written = _ltr(folder)
    assert written
    for name in written:
        os.unlink(os.path.join(folder, name))
    monkeypatch.setattr(letter_backfill, "last_started", None)
    monkeypatch.setattr(lexicon, "RECHECK_SECONDS", 0.0)  # (the searcher looks for new files at every search)
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await search_for(app, pilot, "g")
        before = _count(app)
        started = letter_backfill.last_started
        assert started is not None and started.wait(120) == 0
        assert _ltr(folder) == written
        await search_for(app, pilot, "gr")
        await search_for(app, pilot, "g")
        assert _count(app) == before
        index = app.workspace.index
        with index.lock:  # the open searcher took the new files in (no restart, no new generation)
            assert all(p is not None for p in index.fast_search()._lexicon._prepared)
    assert main(["--data-dir", str(library_dir), "search", "g*", "--json"]) in (0, None)
    cli_found = json.loads(capsys.readouterr().out)
    assert before == ("about " if not cli_found["total_exact"] else "") + f"{cli_found['total']:,} papers match"
