"""The frames after a key are held while a quick search is on its way (tui/paint_hold.py): the
hold always ends, with the answer or on its own, and what it held is drawn."""

from __future__ import annotations

from paperreader.tui.paint_hold import AT_MOST

from tui_helpers import WIDE, ready, screen_text, settle


async def test_typed_bursts_end_every_hold_and_show_their_answers(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot, in_list=False)
        for query in ("mamba", "diffusion", "speech"):
            await pilot.press("ctrl+u", *query)
            await settle(app, pilot)
            assert not screen.paint_hold.held and app._batch_count == 0
            assert screen.result.query == query and screen.result.total > 0
            shown = screen_text(app)
            assert query in shown and screen.results.current_row.record.title[:40] in shown


async def test_a_hold_without_an_answer_ends_by_itself(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot, in_list=False)
        hold = screen.paint_hold
        hold.last_answer = 0.0
        hold.started()  # as a search would, but no answer comes
        assert hold.held and app._batch_count == 1
        await pilot.pause(AT_MOST * 3)
        assert not hold.held and app._batch_count == 0
        hold.answered()  # late: nothing held, nothing to end
        assert app._batch_count == 0


async def test_a_resize_during_a_hold_is_drawn_when_it_ends(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot, in_list=False)
        hold = screen.paint_hold
        hold.last_answer = 0.0
        hold.started()
        await pilot.resize_terminal(90, 30)
        hold.answered()
        await settle(app, pilot)
        assert app._batch_count == 0 and screen.has_class("-narrow")
        assert len(screen_text(app).splitlines()[0]) == 90
