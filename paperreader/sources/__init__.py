"""Sources: one module a format, each turning bytes into Paper records or a SourceError saying where."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass
class SourceError(Exception):
    """A record that cannot be read, with where it is: `FILE:LINE: reason`."""

    reason: str
    file: str = ""
    line: int | None = None

    def __str__(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.reason}"


def json_limit(exc: Exception) -> str:
    """Why Python's JSON decoder gave up on a file it calls valid JSON (a ValueError or RecursionError
    that is no JSONDecodeError), said of the file rather than in Python's words."""
    if isinstance(exc, RecursionError):
        return "values nested too deeply"
    digits = re.search(r"value has (\d+) digits", str(exc))
    if digits:
        return f"a number of {int(digits.group(1)):,} digits (at most 4,300)"
    return str(exc).split(";")[0]


def skip_or_raise(errors: list[SourceError] | None, exc: SourceError) -> None:
    """A bad record stops the file, unless the caller collects them (`import --skip-bad`)."""
    if errors is None:
        raise exc
    errors.append(exc)
