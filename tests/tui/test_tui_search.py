"""Searching as a user does: the box, the results, the status line, history, saved searches, filters."""

from __future__ import annotations

import time

from paperreader.tui.result_set import Filter
from paperreader.tui.results import PAGE
from paperreader.tui.widgets.results_list import ResultsList
from paperreader.tui.widgets.search_box import SearchBox

from tui_helpers import NARROW, WIDE, find_id, ready, screen_text, search_for, settle, widget_text


def status(app) -> str:
    return widget_text(app.screen.query_one("#status-text"))


async def test_opens_on_the_builtin_corpus_with_results_focused(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        assert "201 papers in the library" in status(app)
        assert isinstance(app.focused, ResultsList)
        assert screen.results.total == 201
        assert screen.reader.row is not None  # the first paper is in the reader
        assert screen.reader.row.record.title in screen_text(app)


async def test_slash_then_typing_searches_and_highlights(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await pilot.press("slash")
        assert isinstance(app.focused, SearchBox)
        await pilot.press(*"mamba")
        await settle(app, pilot)
        assert app.screen.search_box.value == "mamba"  # the / focused the box; it was not typed
        assert "21 papers match" in status(app)  # `mamba` being typed is a prefix: "Mamba2" too
        row = app.screen.results.current_row
        assert "mamba" in row.record.title.lower() or "mamba" in row.record.abstract.lower()
        # the matched words are highlighted: spans over "Mamba" in the title and the abstract
        assert row.abstract_spans and all(row.record.abstract[s:e].lower().startswith("mamba") for s, e in row.abstract_spans)
        text = screen_text(app)
        assert "Mamba" in text


async def test_every_keystroke_updates_results_without_waiting(make_app, monkeypatch):
    from paperreader.tui.results import Fetcher

    real_first = Fetcher.first
    asked: list[str] = []

    def slow_first(self, query, filter, count=PAGE, **kwargs):  # a search that takes a whole second
        asked.append(query)
        time.sleep(1.0)
        return real_first(self, query, filter, count, **kwargs)

    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        monkeypatch.setattr(Fetcher, "first", slow_first)
        await pilot.press("slash")
        started = time.perf_counter()
        await pilot.press(*"mamba")
        typing = time.perf_counter() - started
        assert app.screen.search_box.value == "mamba"
        assert typing < 4.0, f"typing 5 keys took {typing:.2f}s: keystrokes waited for 1-second searches"
        await settle(app, pilot)
        assert app.screen.result.query == "mamba"  # only the newest query's answer is shown
        assert "21 papers match" in status(app)  # (mamba*: "Mamba2" too)
        assert asked[-1] == "mamba" and len(asked) < 5  # queries overtaken while waiting never ran


async def test_enter_in_box_moves_to_results_first_selected_and_escape_leaves(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        await search_for(app, pilot, "attention")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.focused, ResultsList)
        assert screen.results.cursor == 0
        await pilot.press("slash")
        assert isinstance(app.focused, SearchBox)
        await pilot.press("escape")
        assert isinstance(app.focused, ResultsList)


async def test_bad_query_shows_a_message_and_keeps_the_results(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        await search_for(app, pilot, "mamba")
        before = screen.results.total
        await pilot.press(")")  # a ) with no ( is wrong, not unfinished (tests/tui/test_tui_questions.py)
        await settle(app, pilot)
        assert ") has no matching (" in status(app)
        assert screen.results.total == before  # the previous results stay
        assert "Traceback" not in screen_text(app)
        await pilot.press("backspace", *" is:nice")  # still malformed, still no crash
        await settle(app, pilot)
        assert "unknown filter is:nice" in status(app)
        box = screen.search_box
        box.value = "mamba AND"
        await settle(app, pilot)
        assert "finish the query after AND" in status(app)
        box.value = "mamba"
        await settle(app, pilot)
        assert "needs" not in status(app)


async def test_did_you_mean_is_shown_and_ctrl_t_uses_it(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        await search_for(app, pilot, "transfomer")
        assert "Did you mean" in status(app)
        suggestion = screen.result.suggestion
        assert suggestion and "transformer" in suggestion.lower()
        await pilot.press("ctrl+t")
        await settle(app, pilot)
        assert screen.search_box.value == suggestion
        assert screen.results.total > 3


async def test_did_you_mean_after_a_space_shows_the_word_without_it(make_app):
    """`transfomer ` (a space typed after it): the suggestion keeps the space for ctrl+t (the word
    stays whole) but is shown as the word alone, before the question mark."""
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        await search_for(app, pilot, "transfomer ")
        assert screen.result.suggestion.endswith(" ")
        assert "Did you mean transformer? (ctrl+t or click)" in status(app)
        assert "Did you mean transformer? (ctrl+t)" in " ".join(screen_text(app).split())


async def test_j_k_arrows_g_G_move_and_enter_opens(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        results = screen.results
        await pilot.press("j", "j", "down")
        assert results.cursor == 3
        await pilot.press("k", "up")
        assert results.cursor == 1
        assert screen.reader.row.id == results.current_row.id  # the reader follows the cursor
        await pilot.press("G")
        await settle(app, pilot)
        assert results.cursor == 200
        assert results.current_row is not None  # the last page was fetched on demand
        shown = range(results.cursor - results.scrollable_content_region.height // 2 + 1, results.cursor + 1)
        assert min(shown) < 200 and all(results.row_at(i) is not None for i in shown)  # both pages on screen
        assert "…" not in "".join(line.split("▕")[0][:5] for line in screen_text(app).splitlines())
        assert screen.reader.row.id == results.current_row.id
        await pilot.press("g")
        assert results.cursor == 0
        await pilot.press("end", "home")
        assert results.cursor == 0
        await pilot.press("enter")
        assert app.focused is screen.reader
        await pilot.press("escape")
        assert app.focused is results


async def test_rows_beyond_the_first_page_are_fetched_lazily(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        await search_for(app, pilot, "model")
        result = screen.result
        assert result.total > PAGE
        assert set(result.rows) == set(range(PAGE))  # only the first page was loaded
        await pilot.press("enter")
        await pilot.press("G")
        await settle(app, pilot)
        assert screen.results.current_row is not None
        assert screen.result.same_search(result) and result is not screen.result  # a page is a new set
        assert set(result.rows) == set(range(PAGE))  # the first answer is left as it was
        result = screen.result
        assert max(result.rows) == result.total - 1
        ids = [result.rows[i].id for i in sorted(result.rows)]
        assert len(ids) == len(set(ids))  # pages do not repeat papers


async def test_history_up_and_down_in_the_box(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        for query in ("mamba", "diffusion"):
            await search_for(app, pilot, query)
            await pilot.press("enter")
            await settle(app, pilot)
        await pilot.press("slash")
        box = screen.search_box
        box.value = ""
        await pilot.press("up")
        assert box.value == "diffusion"
        await pilot.press("up")
        assert box.value == "mamba"
        await pilot.press("down")
        assert box.value == "diffusion"
        await pilot.press("down")
        assert box.value == ""
    app = make_app()  # history is in the store: a new run remembers it
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        await pilot.press("slash", "up")
        assert screen.search_box.value == "diffusion"


async def test_saved_searches_save_run_and_delete(make_app, library):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        await search_for(app, pilot, "mamba")
        await pilot.press("escape", "S")
        await pilot.pause()
        prompt = app.screen.query_one("#prompt-input")
        prompt.value = "ssm papers"
        await pilot.press("enter")
        await settle(app, pilot)
        assert library.saved_searches() == [("ssm papers", "mamba")]
        screen.search_box.value = "diffusion"
        await settle(app, pilot)
        await pilot.press("escape", "b")
        await settle(app, pilot)
        assert "ssm papers" in screen_text(app)
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.search_box.value == "mamba"
        assert "21 papers match" in status(app)  # (mamba*: "Mamba2" too)
        await pilot.press("b")
        await settle(app, pilot)
        await pilot.press("d")
        await settle(app, pilot)
        assert library.saved_searches() == []


async def test_f_cycles_the_filter_all_starred_annotated_unread_new(make_app, library):
    starred = find_id(library, "Mamba State-Space Models Are Lyapunov")
    library.set_star(starred, True)
    library.set_tags(find_id(library, "Empirical Study of Mamba"), ["ssm"])
    library.set_read(starred, True)
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        seen = []
        for expected in (Filter.STARRED, Filter.ANNOTATED, Filter.UNREAD, Filter.NEW, Filter.ALL):
            await pilot.press("f")
            await settle(app, pilot)
            assert screen.filter is expected
            assert f"Filter: {expected.label}" in status(app)
            seen.append(screen.results.total)
        assert seen == [1, 1, 200, 0, 201]  # New: nothing arrived since the built-in corpus
        await search_for(app, pilot, "mamba")
        await pilot.press("escape", "f")
        await settle(app, pilot)
        assert screen.results.total == 1 and screen.results.current_row.id == starred


async def test_narrow_layout_reader_takes_the_screen_and_escape_returns(make_app):
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        screen = await ready(app, pilot)
        assert screen.has_class("-narrow")
        assert not screen.reader.display or not screen.reader.region.width
        title = screen.results.current_row.record.title
        await pilot.press("enter")
        await pilot.pause()
        assert screen.reading and app.focused is screen.reader
        assert screen.reader.region.width >= 78 and not screen.results.region.width
        text = screen_text(app)
        assert title[:40] in text.replace("\n", " ") or title.split()[0] in text
        assert "escape: back to the list" in text
        await pilot.press("j", "j", "j")
        assert screen.reader.scroll_y > 0  # j/k scroll the reader
        await pilot.press("k")
        await pilot.press("escape")
        await pilot.pause()
        assert not screen.reading and app.focused is screen.results
        assert screen.results.region.width >= 78


async def test_mouse_click_selects_double_click_opens_and_wheel_scrolls(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        results = screen.results
        await pilot.click(ResultsList, offset=(10, 4))  # rows are two lines: line 4 is the third row
        assert results.cursor == 2
        assert screen.reader.row.id == results.current_row.id
        await pilot.double_click(ResultsList, offset=(10, 6))
        assert results.cursor == 3
        assert app.focused is screen.reader
        from textual.events import MouseScrollDown

        for _ in range(3):  # what the wheel sends; Pilot has no wheel of its own
            await pilot._post_mouse_events([MouseScrollDown], ResultsList, offset=(10, 5))
        await pilot.pause()
        assert results.scroll_y > 0


async def test_a_capped_prefix_says_about(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await search_for(app, pilot, "s*")  # stands for more words than a prefix expands to
        assert "about" in status(app)
        await search_for(app, pilot, "mamba")
        assert "about" not in status(app) and "21 papers match" in status(app)  # (mamba*: "Mamba2" too)
