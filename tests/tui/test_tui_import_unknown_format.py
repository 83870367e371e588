"""A file whose format cannot be told, imported from the reader's dialog: the dialog has no
--format, so the message must say what the reader's user can do (name the file by its format's
extension), not only the command line's option."""

from __future__ import annotations

from paperreader.sources import SourceError
from paperreader.sources.detect import detect

from test_tui_import_file import import_path, open_dialog
from tui_helpers import WIDE, ready


async def test_unknown_format_in_the_dialog_says_what_to_do(make_app, library, tmp_path):
    odd = tmp_path / "reading list"
    odd.write_text("just some words I wrote down\nand another line\n", encoding="utf-8")
    before = library.count()
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        dialog = await open_dialog(app, pilot)
        said = await import_path(app, pilot, dialog, str(odd))
    assert said.startswith(f"{odd}: cannot tell the format of this file"), said
    assert "extension" in said and ".csv" in said and ".bib" in said, said  # what the reader's user can do
    assert "paperreader import --format" in said, said  # and the command line's way, named as a command
    assert library.count() == before


def test_the_same_words_on_the_command_line(cli, tmp_path):
    odd = tmp_path / "reading list"
    odd.write_text("just some words I wrote down\n", encoding="utf-8")
    out = cli("import", str(odd))
    assert out.code == 2 and len(out.err.strip().splitlines()) == 1, out.err
    assert "cannot tell the format" in out.err and "--format" in out.err and ".bib" in out.err, out.err
    try:
        detect("just some words\n", "notes")
    except SourceError as exc:
        assert exc.reason.startswith("cannot tell the format of this file")
