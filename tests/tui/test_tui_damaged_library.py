"""The reader on a library that cannot be read says what the CLI says: the one-line error and the
backup that brings it back, with the command (engineer T's find: the CLI named the backup, the
reader's exit message did not). A real store, backed up, then cut to a third on disk."""

from __future__ import annotations

import shlex
from pathlib import Path

from tui_helpers import WIDE


async def test_the_reader_names_the_backup_that_restores_a_damaged_library(make_app, library_dir, capsys):
    from paperreader.paths import resolve
    from paperreader.store import Library
    from paperreader.store.backup import backup as make_backup

    paths = resolve(str(library_dir))
    library = Library(paths.store)
    try:
        backup = Path(make_backup(library, paths.backups_dir))
    finally:
        library.close()
    store = library_dir / "library.sqlite3"
    data = store.read_bytes()
    for side in ("-wal", "-shm"):
        Path(f"{store}{side}").unlink(missing_ok=True)
    store.write_bytes(data[: len(data) // 3])

    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        for _ in range(100):
            await pilot.pause(0.05)
            if not app.is_running:
                break
    assert app.return_code == 2
    said = "".join(capsys.readouterr().err.splitlines())  # the exit message, wrapped at 80 columns
    assert str(store) in said and f"`paperreader restore {shlex.quote(str(backup))}`" in said, said
