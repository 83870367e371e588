"""The help's sections line up: every row's description starts in one column and every id in one
column, in every section, at 140x40, 80x24 and 60x20. Before, each section was a grid sized by its
own widest description and id: 'In the search box' ('Newer query, or to the results') and 'Dialogs'
(the import dialog's long descriptions) had their ids 4 and 15 columns right of the others at 80x24,
and at 60x20 the ids sat in eleven different columns."""

from __future__ import annotations

import re

import pytest

from paperreader.tui.screens.help import HelpScreen, key_names

from tui_helpers import NARROW, WIDE, help_screens, ready, settle


def _inside_box(line: str) -> str | None:
    """A line's part between the dialog's left and right border ('█'), in screen columns."""
    left, right = line.find("█"), line.rfind("█")
    return line[: right] if 0 <= left < right else None


@pytest.mark.parametrize("size", [WIDE, NARROW, (60, 20)], ids=["140x40", "80x24", "60x20"])
async def test_every_section_puts_descriptions_and_ids_in_the_same_columns(make_app, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await ready(app, pilot)
        await pilot.press("question_mark")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, HelpScreen)
        lines = [part for text in await help_screens(app, pilot) for line in text.splitlines() if (part := _inside_box(line))]
        where: dict[str, tuple[int, int]] = {}  # id -> (the description's column, the id's column)
        for title, bindings in screen.sections:
            for binding in bindings:
                keys = key_names(app, binding, screen.keymap)
                first_word = (binding.description or binding.action).split()[0]
                pattern = re.compile(rf"█ +({re.escape(keys)} +)({re.escape(first_word)}.*? ){re.escape(binding.id)}(?= |$)")
                found = next((m for line in lines if (m := pattern.search(line))), None)
                assert found, (title, binding.id)
                where[binding.id] = (found.start(2), found.end(2))
        descriptions = {column for column, _ in where.values()}
        ids = {column for _, column in where.values()}
        assert len(descriptions) == 1, {c: [i for i, w in where.items() if w[0] == c][:3] for c in descriptions}
        assert len(ids) == 1, {c: [i for i, w in where.items() if w[1] == c][:3] for c in ids}
