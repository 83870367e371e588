"""Where a command writes a file it was given (`export -o PATH`): regular files only, whole or not.

The target is checked before anything opens: the library's own files (the store and its -wal/-shm,
the index, the backups, import checkpoints and the settings file: resolved through symlinks and hard links) are refused, since writing one
would destroy the library or, opened in a process holding a connection, drop its SQLite locks; so is
anything that is not a regular file (a folder, /dev/null, a FIFO, a socket, a symlink to one of
those). The text goes to a temporary file in the target's folder, is fsynced and renamed over the
target (a symlink to a regular file is written through and kept), with the mode the target had (or
the usual one for a new file). `-` is standard output.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from pathlib import Path

from paperreader.cli import EXIT_BAD, CliError
from paperreader.store.validation import _fsync_dir  # one rule for a durable rename


def _refuse(path: str, why: str) -> CliError:
    return CliError(f"paperreader: {path}: {why}; nothing was written", EXIT_BAD)


def _own_files(paths) -> tuple[set[str], set[tuple[int, int]], list[str]]:
    """The library's files as real paths, their (device, inode), and the folders that are its own."""
    names = {os.path.realpath(f) for f in paths.store_files}
    names.add(os.path.realpath(paths.config_file))  # the user's settings: an export over them loses them
    inodes = set()
    for name in names:
        try:
            st = os.stat(name)
        except OSError:
            continue
        inodes.add((st.st_dev, st.st_ino))
    folders = [os.path.realpath(p) for p in (paths.index_dir, paths.backups_dir, paths.import_state_dir)]
    return names, inodes, folders


def check_target(given: str, paths) -> Path | None:
    """The real path to write for `-o given` (None: standard output), or a one-line CliError."""
    if given == "-":
        return None
    path = Path(given).expanduser()
    real = os.path.realpath(path)  # through every symlink, to what a write would replace
    names, inodes, folders = _own_files(paths)
    if real in names or any(real == f or real.startswith(f + os.sep) for f in folders):
        raise _refuse(given, "that is one of the library's own files")
    try:
        st = os.stat(real)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise _refuse(given, f"cannot write there: {exc.strerror or exc}") from None
    if st is not None:
        if (st.st_dev, st.st_ino) in inodes:
            raise _refuse(given, "that is one of the library's own files (a hard link to it)")
        if not stat.S_ISREG(st.st_mode):
            raise _refuse(given, "not a regular file; export writes regular files only (use -o - for standard output)")
    parent = os.path.dirname(real)
    if not os.path.isdir(parent):
        raise _refuse(given, "cannot write there: no such folder")
    return Path(real)


class OutputFile:
    """Standard output, or the checked target written to a temporary file beside it and renamed
    into place (fsynced, the target's mode kept) only when the command finished without error."""

    def __init__(self, target: Path | None, shown: str | None = None) -> None:
        self.target = target
        self.shown = shown or str(target)
        self.tmp: str | None = None

    def _fail(self, exc: OSError) -> CliError:
        return CliError(f"paperreader: cannot write {self.shown}: {exc.strerror or exc}", EXIT_BAD)

    def __enter__(self):
        if self.target is None:
            return sys.stdout
        try:
            mode = stat.S_IMODE(os.stat(self.target).st_mode)
        except FileNotFoundError:
            mode = 0o666 & ~_umask()
        except OSError as exc:
            raise self._fail(exc) from None
        try:
            fd, self.tmp = tempfile.mkstemp(prefix=f".{self.target.name}.", suffix=".part", dir=self.target.parent)
        except OSError as exc:
            raise self._fail(exc) from None
        try:
            os.fchmod(fd, mode)
        except OSError:
            pass
        self.fh = os.fdopen(fd, "w", encoding="utf-8", newline="")
        return self.fh

    def __exit__(self, kind, exc, tb) -> None:
        if self.target is None:
            return
        try:
            if kind is None:
                self.fh.flush()
                os.fsync(self.fh.fileno())
            self.fh.close()
            if kind is None:
                os.replace(self.tmp, self.target)
                _fsync_dir(self.target.parent)
        except OSError as err:
            raise self._fail(err) from None
        finally:
            if self.tmp and os.path.exists(self.tmp):
                os.unlink(self.tmp)


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current
