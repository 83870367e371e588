"""Pilot tests of listings in the reader (issue 15): the digest panel at launch, the "new" marker
and the New filter, What changed (w) and stepping through listings ([ and ]), on the real store
and index, at 140x40 and 80x24."""

from __future__ import annotations

import json
import re

import pytest

from paperreader.tui.result_set import Filter
from paperreader.tui.screens.digest import DigestPanel
from paperreader.tui.screens.main import MainScreen
from paperreader.tui.screens.what_changed import WhatChanged

from tui_helpers import NARROW, WIDE, ready, screen_text, settle

SIZES = pytest.mark.parametrize("size", [WIDE, NARROW], ids=["140x40", "80x24"])
FIXTURES = __import__("pathlib").Path(__file__).resolve().parents[3] / "shared" / "fixtures"
HF_DAY = FIXTURES / "hf-daily" / "daily_papers_2025-07-22.json"


def _import(library_dir, *paths) -> None:
    """An import by another process would do the same: the CLI, in-process, on the data dir."""
    from paperreader.cli import main

    assert main(["--data-dir", str(library_dir), "import", *map(str, paths)]) == 0


def _hf_day(tmp_path, day: str, order: list[int]):
    if not HF_DAY.is_file():
        pytest.skip(f"fixture not found at {HF_DAY}")
    items = json.loads(HF_DAY.read_text(encoding="utf-8"))
    chosen = [dict(items[k], publishedAt=f"{day}T08:00:00.000Z") for k in order]
    path = tmp_path / f"daily_papers_{day}.json"
    path.write_text(json.dumps(chosen), encoding="utf-8")
    return path, [f"arxiv:{items[k]['paper']['id']}" for k in order], [" ".join(items[k]["paper"]["title"].split()) for k in order]


def _marked_new(line: str) -> bool:
    """The list's part of a screen line (left of the reader's border) ends with the "new" marker."""
    return bool(re.search(r"\bnew\s*$", line.split("▕")[0].rstrip(" ▁▂▃▄▅▆▇█")))


async def _wait_for(app, pilot, kind, rounds: int = 100):
    for _ in range(rounds):
        await settle(app, pilot, 1)
        if isinstance(app.screen, kind):
            return app.screen
    raise AssertionError(f"{kind.__name__} never showed; the screen is {type(app.screen).__name__}")


@SIZES
async def test_launch_opens_the_digest_when_a_saved_search_has_new_papers(make_app, library, library_dir, tmp_path, size):
    path, ids, titles = _hf_day(tmp_path, "2025-07-22", list(range(16)))
    library.save_search("rl", "reinforcement")
    _import(library_dir, path)
    app = make_app()
    async with app.run_test(size=size) as pilot:
        panel = await _wait_for(app, pilot, DigestPanel)
        text = screen_text(app)
        assert "New for your saved searches" in text and "rl" in text and "reinforcement" in text
        shown = [e for e in panel.digest["searches"] if e["name"] == "rl"][0]["papers"]
        assert shown and all(p["id"] in ids for p in shown)
        assert shown[0]["title"][:30] in text
        await pilot.press("enter")  # read the first paper of the digest
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert screen.reader.row is not None and screen.reader.row.id == shown[0]["id"]


@SIZES
async def test_new_papers_are_marked_and_the_new_filter_lists_them(make_app, library_dir, tmp_path, size):
    path, ids, titles = _hf_day(tmp_path, "2025-07-22", [0, 1, 2])
    _import(library_dir, path)
    app = make_app()
    async with app.run_test(size=size) as pilot:
        screen = await ready(app, pilot)
        await settle(app, pilot)
        assert screen.results.new_ids == frozenset(ids)  # no saved search: no digest, the list stays
        for _ in range(len(Filter)):
            if screen.filter is Filter.NEW:
                break
            await pilot.press("f")
            await settle(app, pilot)
        assert screen.filter is Filter.NEW
        assert [screen.result.rows[i].id for i in sorted(screen.result.rows)] == ids
        text = screen_text(app)
        assert "Filter: New" in text
        title_lines = [line for line in text.splitlines() if titles[1][:20] in line]
        assert title_lines and all(_marked_new(line) for line in title_lines)
        # an old paper has no marker: the built-in corpus is not new
        await pilot.press("f")
        await settle(app, pilot)
        assert "Hybrid lemmatization in HuSpaCy" in screen_text(app)
        first_line = next(line for line in screen_text(app).splitlines() if "Hybrid lemmatization in HuSpaCy" in line)
        assert not _marked_new(first_line)
    # the next session measures "new" from this one's start: these papers are not new any more,
    # and what another process imports meanwhile is
    later, later_ids, _ = _hf_day(tmp_path, "2025-07-23", [5, 6])
    app = make_app()
    async with app.run_test(size=size) as pilot:
        screen = await ready(app, pilot)
        await settle(app, pilot)
        assert screen.results.new_ids == frozenset()
        for _ in range(40):  # the screen has looked at the store once (it polls every 2 s)
            if screen._data_version is not None:
                break
            await pilot.pause(0.25)
        _import(library_dir, later)
        for _ in range(40):  # the screen polls the store every 2 s
            await pilot.pause(0.25)
            await settle(app, pilot, 1)
            if screen.results.new_ids:
                break
        assert screen.results.new_ids == frozenset(later_ids)


@SIZES
async def test_what_changed_and_stepping_through_listings(make_app, library_dir, tmp_path, size):
    day1, ids1, titles = _hf_day(tmp_path, "2025-07-21", [0, 1, 2, 3])
    day2, ids2, titles2 = _hf_day(tmp_path, "2025-07-22", [2, 0, 4, 1])
    _import(library_dir, day1)
    _import(library_dir, day2)
    app = make_app()
    async with app.run_test(size=size) as pilot:
        screen = await ready(app, pilot)
        await pilot.press("left_square_bracket")  # from the library (the built-in listing on top): the one before
        await settle(app, pilot)
        assert [screen.result.rows[i].id for i in sorted(screen.result.rows)] == ids2
        assert "Hugging Face daily papers · 2025-07-22" in screen_text(app)
        await pilot.press("w")
        changes = await _wait_for(app, pilot, WhatChanged)
        text = screen_text(app)
        assert "What changed: Hugging Face daily papers (2025-07-22)" in text
        assert "since Hugging Face daily papers (2025-07-21)" in text
        seen = text
        for _ in range(12):  # walk down the list (80x24 scrolls it), reading the screen on the way
            await pilot.press("down")
            await settle(app, pilot, 1)
            seen += screen_text(app)
        for line in ("Entered (1)", "+ new → 3", "Climbed (1)", "↑ 3 → 1", "Fell (2)", "↓ 1 → 2", "↓ 2 → 4",
                     "Dropped (1)", "× 4 → out"):  # fmt: skip
            assert line in seen, line
        assert "enter: read the paper" in screen_text(app)  # the hint stays in view
        await pilot.press("home")
        assert [pid for pid, _ in changes.change.added] == [ids2[2]]
        await pilot.press("enter")  # the first row: the paper that entered
        await settle(app, pilot)
        assert app.screen is screen and screen.reader.row.id == ids2[2]
        await pilot.press("escape")
        await settle(app, pilot)
        screen.results.focus()
        await pilot.press("left_square_bracket")  # the day before
        await settle(app, pilot)
        assert [screen.result.rows[i].id for i in sorted(screen.result.rows)] == ids1
        assert "2025-07-21" in screen_text(app) and "listing 1/3" in screen_text(app)
        await pilot.press("left_square_bracket")  # nothing older
        await settle(app, pilot)
        assert any("No older listing" in n.message for n in app._notifications)
        await pilot.press("right_square_bracket", "right_square_bracket")
        await settle(app, pilot)
        assert "Trending papers (built-in)" in screen_text(app) and "listing 3/3" in screen_text(app)
