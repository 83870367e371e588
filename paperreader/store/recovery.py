"""What to tell someone whose library cannot be read: the backup that would bring it back.

A damaged store (StoreDamaged) is left as it was, and only a backup brings it back; the data dir
usually holds one (the daily copy, `paperreader backup`'s). The error names the newest and the
command that restores it, so nobody has to find `backup --list` and `restore` alone.
"""

from __future__ import annotations

import shlex
from pathlib import Path


def newest_backup(backups_dir: Path) -> Path | None:
    """The newest backup that is a library: the copies `restore` keeps of a damaged store are not."""
    from paperreader.store.backup import list_backups

    usable = [b for b in list_backups(backups_dir) if b.kind != "damaged"]
    return usable[-1].path if usable else None


def restore_hint(backups_dir: Path) -> str:
    """'the newest backup is …: `paperreader restore …` puts it back …', or '' with no backup."""
    try:
        newest = newest_backup(backups_dir)
    except OSError:  # an unreadable backups folder: the error says what it said before
        return ""
    if newest is None:
        return ""
    return (f"the newest backup is {newest}: `paperreader restore {shlex.quote(str(newest))}` puts it back "
            "(the damaged file is kept in the backups; `paperreader backup --list` lists them all)")  # fmt: skip


def with_restore_hint(exc: Exception, backups_dir: Path) -> str:
    """A store error's one line; a damaged library's also names the backup that restores it, if any
    (the CLI's errors and the reader's opening say the same)."""
    from paperreader.store.validation import StoreDamaged

    hint = restore_hint(backups_dir) if isinstance(exc, StoreDamaged) else ""
    return f"{exc}; {hint}" if hint else str(exc)
