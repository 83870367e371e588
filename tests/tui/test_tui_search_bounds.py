"""Quitting never waits for a running search, a capped ~ is said on the status line, and a search
that finds the index damaged rebuilds it (the launch's progress bar) and runs again."""

from __future__ import annotations

import asyncio
import random
import threading
import time

from tui_helpers import WIDE, ready, search_for, settle, widget_text


def status(app) -> str:
    return widget_text(app.screen.query_one("#status-text"))


async def test_quitting_while_a_search_runs_does_not_wait_for_it(make_app, monkeypatch):
    """The evaluator made endless (it only checks its budget, as the real one does between
    pieces of work): q quits, and the search's thread ends with the app instead of running on
    (the app's exit joins worker threads: a search left running kept the process alive)."""
    from paperreader.search import budget
    from paperreader.search.fast import FastSearch

    started, ended = threading.Event(), threading.Event()

    def endless(self, node):
        started.set()
        give_up = time.monotonic() + 60  # so that a failing run ends, not hangs
        try:
            while time.monotonic() < give_up:
                budget.check()
                time.sleep(0.005)
        finally:
            ended.set()
        return {}

    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        monkeypatch.setattr(FastSearch, "_eval", endless)
        app.screen.search_box.value = "transformer"  # the search starts; nothing waits for it
        assert await asyncio.to_thread(started.wait, 30)
        await pilot.pause()
        assert not ended.is_set()
        await pilot.press("q")
    # the app has exited; the search thread was told to stop and did
    assert await asyncio.to_thread(ended.wait, 10)
    assert app.return_code in (0, None)


async def test_a_capped_slop_is_said_on_the_status_line(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await search_for(app, pilot, '"neural network"~1000')
        text = status(app)
        assert "match" in text and "~1000 on a phrase is more than the limit of 10" in text, text


async def test_a_search_that_finds_the_index_damaged_rebuilds_it(make_app, library_dir):
    """One posting list overwritten (in a part of the index an open does not read): the search
    that reads it says the index is damaged, the index is rebuilt (with its notice) and the
    search runs again."""
    from paperreader.paths import resolve
    from paperreader.search.index import _whoosh_index
    from paperreader.workspace import Workspace

    index_dir = library_dir / "index"
    other = Workspace.open(resolve(library_dir), seed=False, backup=False)  # as the CLI would
    try:
        expected = other.engine.search("title:transformer").total
    finally:
        other.close()
    assert expected > 0
    ix = _whoosh_index().open_dir(str(index_dir))
    with ix.reader() as reader:
        info = reader._terms.term_info("title", b"transform")
    ix.close()
    assert info._inlined is None  # a list in the postings file
    pst = next(index_dir.glob("*.pst"))
    with open(pst, "r+b") as fh:
        fh.seek(info._offset)
        fh.write(bytes(b ^ 0x5A for b in random.Random(3).randbytes(info._length)))
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await search_for(app, pilot, "title:transformers")
        for _ in range(100):
            await settle(app, pilot)
            if app.screen.index_ready and app.screen.results.total == expected:
                break
        assert app.screen.results.total == expected, status(app)
        said = [n.message for n in app._notifications]
        assert any(m.startswith("The search index is damaged (") and m.endswith("rebuilt it from the library.")
                   for m in said), said
        assert "damaged" not in status(app)
