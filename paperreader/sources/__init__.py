"""Sources: one module a format, each turning bytes into Paper records or a SourceError saying where."""

from __future__ import annotations

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


def skip_or_raise(errors: list[SourceError] | None, exc: SourceError) -> None:
    """A bad record stops the file, unless the caller collects them (`import --skip-bad`)."""
    if errors is None:
        raise exc
    errors.append(exc)
