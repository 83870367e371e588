"""Opening the data dir for a command, and turning core errors into one-line CLI errors."""

from __future__ import annotations

import sys
from contextlib import contextmanager

from paperreader.cli import EXIT_BAD, EXIT_NOT_FOUND, CliError


@contextmanager
def workspace(args, *, index: bool = False, seed: bool = True, backup: bool = True, wait_for_writer: bool = True):
    """The workspace for `args.data_dir`; with index=True the index is ready (built if needed).

    wait_for_writer=False for commands that only search (search, similar): while another process
    writes the index (the reader catching up, an import indexing what it stored), they answer from
    the index as it is and say how many changes it has not taken in, instead of waiting 10 s on
    its lock and failing ("another paperreader is writing the search index").

    backup=False for commands that only read: the day's first rolling backup copies the whole
    store (gigabytes at a million papers), which belongs before a change, not in a script's search."""
    from paperreader.paths import resolve
    from paperreader.search.index import IndexBusy
    from paperreader.search.query import QueryError
    from paperreader.sources import SourceError
    from paperreader.store import NotFound, StoreError
    from paperreader.store.validation import StoreDamaged
    from paperreader.workspace import Workspace

    paths = resolve(args.data_dir)
    try:
        ws = Workspace.open(paths, seed=seed, backup=backup)
    except StoreError as exc:
        raise CliError(f"paperreader: {with_restore_hint(exc, paths)}", EXIT_BAD) from None
    for notice in ws.notices:  # e.g. the daily backup could not be made
        print(f"paperreader: {notice}", file=sys.stderr)
    try:
        if index:
            if not wait_for_writer:
                ws.engine.catch_up_below = sys.maxsize  # every search: caught up unless the writer is taken
            notice = ws.ensure_index(progress_printer(), wait_for_writer)
            if notice:
                print(f"paperreader: {notice}", file=sys.stderr)
        yield ws
    except NotFound as exc:
        raise CliError(f"paperreader: {exc}", EXIT_NOT_FOUND) from None
    except StoreDamaged as exc:  # damage that the cheap checks at open did not see
        raise CliError(f"paperreader: {with_restore_hint(exc, paths)}", EXIT_BAD) from None
    except (QueryError, SourceError, StoreError, IndexBusy) as exc:
        raise CliError(f"paperreader: {exc}", EXIT_BAD) from None
    finally:
        ws.close()


def with_restore_hint(exc, paths) -> str:
    """A store error's one line; a damaged library's also names the backup that restores it, if any."""
    from paperreader.store.recovery import with_restore_hint as explained

    return explained(exc, paths.backups_dir)


def progress_printer(every: float = 10.0):
    """A progress callback for index builds: a one-line bar on a terminal; otherwise (a log, a
    pipe) a plain line every `every` seconds once a build has run that long, and one at the end
    if any was printed (a quick build prints nothing, so errors stay one line)."""
    import time

    tty = sys.stderr.isatty()
    last = [time.monotonic()]
    printed = [False]

    def show(done: int, total: int) -> None:
        if tty:
            width = 30
            filled = int(width * done / total) if total else width
            sys.stderr.write(f"\rindexing [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}")
            if done >= total:
                sys.stderr.write("\n")
        else:
            now = time.monotonic()
            if (done < total and now - last[0] < every) or (done >= total and not printed[0]):
                return
            last[0], printed[0] = now, True
            sys.stderr.write(f"paperreader: indexing {done:,}/{total:,} ({100 * done / total if total else 100:.1f}%)\n")
        sys.stderr.flush()

    return show
