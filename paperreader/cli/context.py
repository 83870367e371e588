"""Opening the data dir for a command, and turning core errors into one-line CLI errors."""

from __future__ import annotations

import sys
from contextlib import contextmanager

from paperreader.cli import EXIT_BAD, EXIT_NOT_FOUND, CliError


@contextmanager
def workspace(args, *, index: bool = False, seed: bool = True):
    """The workspace for `args.data_dir`; with index=True the index is ready (built if needed)."""
    from paperreader.paths import resolve
    from paperreader.search.index import IndexBusy
    from paperreader.search.query import QueryError
    from paperreader.sources import SourceError
    from paperreader.store import NotFound, StoreError
    from paperreader.workspace import Workspace

    try:
        ws = Workspace.open(resolve(args.data_dir), seed=seed)
    except StoreError as exc:
        raise CliError(f"paperreader: {exc}", EXIT_BAD) from None
    for notice in ws.notices:  # e.g. the daily backup could not be made
        print(f"paperreader: {notice}", file=sys.stderr)
    try:
        if index:
            notice = ws.ensure_index(progress_printer())
            if notice:
                print(f"paperreader: {notice}", file=sys.stderr)
        yield ws
    except NotFound as exc:
        raise CliError(f"paperreader: {exc}", EXIT_NOT_FOUND) from None
    except (QueryError, SourceError, StoreError, IndexBusy) as exc:
        raise CliError(f"paperreader: {exc}", EXIT_BAD) from None
    finally:
        ws.close()


def progress_printer():
    """A progress callback drawing a one-line bar on stderr, when stderr is a terminal."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        sys.stderr.write(f"\rindexing [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show
