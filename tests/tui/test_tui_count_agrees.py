"""The reader's count for a word being typed (`g`, searched as `g*`) is the CLI's for `g*`: the same
number, "about" in both when the prefix stands for more index terms than are searched."""

from __future__ import annotations

import json

from tui_helpers import WIDE, ready, search_for, widget_text


async def test_the_reader_counts_g_as_the_cli_counts_g_star(make_app, library_dir, capsys):
    from paperreader.cli import main

    assert main(["--data-dir", str(library_dir), "search", "g*", "--json"]) in (0, None)
    cli_found = json.loads(capsys.readouterr().out)
    assert cli_found["total_exact"] is False
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        for typed in ("g", "g*"):
            await search_for(app, pilot, typed)
            status = widget_text(app.screen.query_one("#status-text"))
            assert status.startswith(f"about {cli_found['total']:,} papers match"), status
