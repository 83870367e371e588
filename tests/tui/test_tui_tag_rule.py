"""The reader's tag dialog reads typed tags by the CLI's rule (text.tag_names): `a,b` is two tags, as
`paperreader tag ID a,b` now makes (tests/test_cli_tag_rule.py)."""

from __future__ import annotations

from paperreader.tui.screens.tags import TagEditor

from tui_helpers import WIDE, ready, screen_text, settle


async def test_the_tag_dialog_and_the_cli_make_the_same_tags(make_app, library, library_dir):
    from paperreader.cli import main

    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        pid = screen.results.current_row.id
        await pilot.press("t")
        await settle(app, pilot)
        assert isinstance(app.screen, TagEditor)
        await pilot.press(*"a,b")
        app.screen.query_one("#tags-input").insert_text_at_cursor(" #ML, Deep-Learning,,")
        await pilot.press("enter")
        await settle(app, pilot)
        assert library.get(pid).tags == ("a", "b", "deep-learning", "ml")
        assert "#a #b #deep-learning" in screen_text(app)  # the reader's tag line (#ml wraps to the next)

    other = library.list_ids()[1]
    assert main(["--data-dir", str(library_dir), "tag", other, "a,b", "#ML, Deep-Learning,,"]) == 0
    assert library.get(other).tags == library.get(pid).tags
