"""How long a search may run, and how a running search is stopped.

The evaluator (`search/fast.py`, `search/phrase.py`) calls `Budget.check()` between terms,
segments and phrase steps: past the deadline it raises `SearchTimeout` (a `QueryError`, so every
caller already shows it as a one-line message), and once the engine is stopped (the reader is
quitting) it raises `SearchCancelled`, so no search outlives the app that started it.
"""

from __future__ import annotations

import functools
import threading
import time
from contextlib import contextmanager

from paperreader.search.query import QueryError

SEARCH_SECONDS = 10.0  # the time budget of one search (the TUI and the CLI alike)


class SearchTimeout(QueryError):
    """The search ran past its time budget."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"the search took too long (over {seconds:g} s): simplify the query "
                         "(fewer or more specific words, a smaller ~ on phrases)")


class SearchCancelled(Exception):
    """The search was stopped from outside (the app is quitting); nobody waits for its answer."""


class Budget:
    """A deadline and a stop flag, checked by the evaluator between pieces of work."""

    __slots__ = ("seconds", "deadline", "stop")

    def __init__(self, seconds: float | None = SEARCH_SECONDS, stop: threading.Event | None = None) -> None:
        self.seconds = seconds
        self.deadline = None if seconds is None else time.monotonic() + seconds
        self.stop = stop

    def check(self) -> None:
        if self.stop is not None and self.stop.is_set():
            raise SearchCancelled
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise SearchTimeout(self.seconds)


_current = threading.local()  # the budget of the search running in this thread


def check() -> None:
    """Raise if the search running in this thread is past its deadline or stopped (cheap: call
    it between pieces of work)."""
    budget = getattr(_current, "budget", None)
    if budget is not None:
        budget.check()


@contextmanager
def bounded(seconds: float | None, stop: threading.Event | None = None):
    """Run a search under a budget; a search inside another (a suggestion's) shares the outer one."""
    if getattr(_current, "budget", None) is not None:
        yield _current.budget
        return
    _current.budget = budget = Budget(seconds, stop)
    try:
        budget.check()  # stopped already: not even started
        yield budget
    finally:
        _current.budget = None


# Searches again after another process swapped a rebuilt index in under one (each time only when the
# index on disk is another build): two rebuilding back to back (the reader and a CLI both finding the
# index gone) could swap twice within one search, and the second was reported as damage
REPLACED_RETRIES = 4


def guarded(method):
    """A SearchEngine method run under the engine's time budget and stop flag; an index that
    fails to read while it runs is reported as damaged (`search/validate.py`), not a traceback."""

    @functools.wraps(method)
    def run(engine, *args, **kwargs):
        with bounded(engine.time_budget, engine.stopping):
            for attempt in range(1, REPLACED_RETRIES + 2):
                try:
                    return method(engine, *args, **kwargs)
                except (QueryError, SearchCancelled):
                    raise
                except Exception as exc:
                    if attempt <= REPLACED_RETRIES and engine.index.reopen_if_replaced():
                        continue  # another process swapped a rebuilt index in while we read: again
                    from paperreader.search.validate import damage_from

                    damaged = damage_from(engine.index, exc)
                    if damaged is None:
                        raise
                    raise damaged from exc

    return run
