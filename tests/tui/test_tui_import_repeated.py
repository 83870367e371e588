"""A file with the same paper twice, imported from the reader: counted as the CLI counts it, a paper
at a time ("2 papers (1 repeated in the file)", added 2), not an entry at a time (3 papers, added 2,
unchanged 1)."""

from __future__ import annotations

import json

from test_tui_import_file import import_path, open_dialog
from tui_helpers import WIDE, ready


async def test_a_paper_twice_in_the_file_is_one_paper(make_app, library, tmp_path):
    rows = [{"id": "2312.17653", "title": "Quokka composition of models"}, {"title": "Zanzibar only once"},
            {"id": "arXiv:2312.17653v2", "title": "Quokka composition of models", "authors": "Rachit Bansal"}]
    path = tmp_path / "twice.json"
    path.write_text("[\n" + ",\n".join(json.dumps(r) for r in rows) + "\n]")
    before = library.count()
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        dialog = await open_dialog(app, pilot)
        said = await import_path(app, pilot, dialog, str(path))
        assert said == "Imported (twice.json: 2 papers (1 repeated in the file)): added 2, updated 0, unchanged 0.", said
        assert library.count() == before + 2
