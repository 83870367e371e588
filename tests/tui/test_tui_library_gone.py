"""The whole data dir deleted (rm -rf) or the store file replaced under a running reader: the store
poll says so at once, in a notice that stays (before: nothing until the first write was refused), names
the newest backup when one is left, and the reader searches no more, so it does not recreate the data
dir and rebuild the index from the store it still has open (before: the next typed query did)."""

from __future__ import annotations

import os
import shutil
import sqlite3

from tui_helpers import WIDE, ready, screen_text, settle


async def _until_gone(app, pilot) -> None:
    """Until the notice is on screen: the store poll runs every 2 s; bounded (~20 s on a busy machine)."""
    for _ in range(200):
        if "was deleted or moved" in _flat(app):
            break
        await pilot.pause(0.1)
    await settle(app, pilot)
    assert "was deleted or moved: nothing more is saved" in _flat(app), "the reader never said the library was gone"


def _flat(app) -> str:
    return " ".join(screen_text(app).replace("▎", " ").replace("▊", " ").split())


async def test_rm_rf_of_the_data_dir_is_said_at_once_and_nothing_is_recreated(make_app, library_dir):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        title = screen.reader.row.record.title
        shutil.rmtree(library_dir)  # for real, as `rm -rf` from another terminal
        await _until_gone(app, pilot)
        said = f"The library at {library_dir / 'library.sqlite3'} was deleted or moved: nothing more is saved."
        assert screen.remark.error.startswith(said)
        assert screen.remark.error.endswith("Put it back and restart paperreader (no backup is left in the data dir: "
                                            "started without it, paperreader makes a new library).")  # fmt: skip

        await pilot.press("slash", *"kazakh")  # typed after: no search of the vanished index, no rebuild
        for _ in range(30):
            await pilot.pause(0.1)
        await settle(app, pilot)
        assert not library_dir.exists()  # the data dir was not made again
        assert screen.remark.error.startswith(said)  # the notice stays
        assert screen.reader.row.record.title == title  # what was shown stays readable
        await pilot.press("escape", "s")  # a write: refused, and nothing recreated
        await settle(app, pilot)
        assert not library_dir.exists()
        await pilot.press("right_square_bracket")  # a listing view (read from the store, not searched)
        await settle(app, pilot)
        assert screen.remark.error.startswith(said) and "was deleted or moved: nothing more is saved" in _flat(app)


async def test_a_replaced_store_file_is_said_with_the_newest_backup(make_app, library_dir):
    from paperreader.store import Library
    from paperreader.store.backup import backup

    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(app, pilot)
        library = Library(library_dir / "library.sqlite3")
        try:
            newest = backup(library, library_dir / "backups")
        finally:
            library.close()
        copy = library_dir / "elsewhere.sqlite3"
        with sqlite3.connect(library_dir / "library.sqlite3") as src, sqlite3.connect(copy) as dst:
            src.backup(dst)
        os.replace(copy, library_dir / "library.sqlite3")  # another file now at the store's path
        await _until_gone(app, pilot)
        assert screen.remark.error.endswith(f"Put it back and restart paperreader, or restore the newest backup: "
                                            f"`paperreader restore {newest}`.")  # fmt: skip
        assert screen.remark.error.startswith(f"The library at {library_dir / 'library.sqlite3'} was deleted or moved")
