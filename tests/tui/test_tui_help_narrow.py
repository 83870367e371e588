"""The help screen at 60x20: every binding's keys, description and id readable on the screen
(at 60 columns the ids were cut with an ellipsis by the fixed-width rows)."""

from __future__ import annotations

import re

from paperreader.tui.screens.help import HelpScreen, key_names

from tui_helpers import help_screens, ready, settle

SMALL = (60, 20)


async def test_help_at_60_columns_shows_every_key_and_id_whole(make_app):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await ready(app, pilot)
        await pilot.press("question_mark")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, HelpScreen)
        text = "\n".join(await help_screens(app, pilot))
        assert "…" not in text
        words = set(re.findall(r"[\w.+\-]+", text))
        for _title, bindings in screen.sections:
            for binding in bindings:
                if binding.id:
                    assert binding.id in words, binding.id
                for key in key_names(app, binding, screen.keymap).split():
                    assert key in text, (binding.id, key)
        assert screen.config_file.rsplit("/", 1)[-1] in text.replace("\n", "")
