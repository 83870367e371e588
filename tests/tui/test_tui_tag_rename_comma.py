"""The tag browser's rename (`#`, `r`) takes one tag name, as `paperreader tags rename` does: a name
with a comma (which separates tags, as in the tags dialog `t`) is refused in the dialog in one line,
and nothing changes; so is a name that cleans to no tag at all. Before, 'a,b' quietly made the one
tag #a-b while the CLI refused it (2154fb1)."""

from __future__ import annotations

import pytest

from paperreader.tui.screens.pick import NamePrompt
from paperreader.tui.screens.tag_browser import TagBrowser

from tui_helpers import NARROW, WIDE, ready, screen_text, settle


async def _rename_prompt(app, pilot):
    await pilot.press("number_sign")
    await settle(app, pilot)
    assert isinstance(app.screen, TagBrowser)
    await pilot.press("r")  # the one tag, #ml
    await settle(app, pilot)
    assert isinstance(app.screen, NamePrompt)
    return app.screen


@pytest.mark.parametrize("size", [WIDE, NARROW], ids=["140x40", "80x24"])
@pytest.mark.parametrize(("typed", "said"), [
    ("a,b", "'a,b' holds a comma, which separates tags"),
    ("a,", "'a,' holds a comma, which separates tags"),
    ("ml, rl", "'ml, rl' holds a comma, which separates tags"),
    (", ,", "', ,' is not a tag name"),
    ("#", "'#' is not a tag name"),
])  # fmt: skip
async def test_a_name_with_a_comma_is_refused_in_the_dialog_and_nothing_changes(make_app, library, cli, size, typed, said):
    pid = library.list_ids()[0]
    library.add_tags(pid, ["ml"])
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await ready(app, pilot)
        prompt = await _rename_prompt(app, pilot)
        prompt.query_one("#prompt-input").value = typed
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is prompt  # still asking, with what was typed
        assert prompt.query_one("#prompt-input").value == typed
        problem = prompt.query_one("#prompt-problem")
        assert problem.display and str(problem.render()).startswith(said) and "\n" not in str(problem.render())
        assert said in " ".join(screen_text(app).split())  # on the screen, whole
        assert library.all_tags() == [("ml", 1)]
        await pilot.press("escape")
        await settle(app, pilot)
    assert [t["tag"] for t in cli("tags", "--json").json["tags"]] == ["ml"]
    assert cli("show", pid, "--json").json["tags"] == ["ml"]


async def test_the_name_fixed_in_the_same_dialog_renames(make_app, library):
    pid = library.list_ids()[0]
    library.add_tags(pid, ["ml"])
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await ready(app, pilot)
        prompt = await _rename_prompt(app, pilot)
        box = prompt.query_one("#prompt-input")
        box.value = "a,b"
        await pilot.press("enter")
        await settle(app, pilot)
        assert prompt.query_one("#prompt-problem").display
        box.value = "Deep Learning"  # spaces are fine: one tag, cleaned as the CLI cleans it
        await settle(app, pilot)
        assert not prompt.query_one("#prompt-problem").display  # the message goes once the name changes
        await pilot.press("enter")
        await settle(app, pilot)
        assert library.all_tags() == [("deep-learning", 1)]
        assert isinstance(app.screen, TagBrowser)
