"""Running a search for a command: a damaged index is rebuilt and the search run again, and
what the engine changed to bound the query (a capped ~) is said on stderr."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

from paperreader.cli import EXIT_BAD, CliError

T = TypeVar("T")


def repairing(ws, search: Callable[[], T]) -> T:
    """search(), once more after a rebuild if it found the index damaged (said in one line)."""
    from paperreader.cli.context import progress_printer
    from paperreader.search.validate import IndexDamaged

    try:
        return search()
    except IndexDamaged as exc:
        print(f"paperreader: {exc}", file=sys.stderr)
    ws.ensure_index(progress_printer())
    try:
        return search()
    except IndexDamaged as exc:
        raise CliError(f"paperreader: {exc}", EXIT_BAD) from None


def say_notices(results) -> None:
    """The query's bounds, on stderr (stdout stays the results, JSON or text)."""
    from paperreader.text import clean_line

    for notice in getattr(results.parsed, "notices", None) or ():
        print(f"paperreader: {clean_line(notice)}", file=sys.stderr)
