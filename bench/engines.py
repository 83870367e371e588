"""The engine interface the benchmark drives, and the registry of engines by name.

An engine module is imported only inside its own worker process, so one engine's imports,
caches and memory never show in another's figures.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Callable, Iterable, Iterator

import common


class NotAvailable(RuntimeError):
    """The engine cannot run here (yet): the table skips it and says why."""


class Engine:
    """Build an index from a corpus, then answer queries (top N with highlights)."""

    name = "?"
    note = ""  # one line the table prints under the engine (semantics it differs in)

    def __init__(self, time_limit: float | None = None):
        self.time_limit = time_limit  # seconds per query, for engines that can stop early
        self.timeouts = 0

    @classmethod
    def check(cls) -> None:
        """Raise NotAvailable if the engine cannot run."""

    def build(self, corpus: Iterable[dict], workdir: Path, progress: Callable[[int], None] | None = None) -> dict:
        """Index every paper of corpus into workdir (empty); returns extra facts for the record."""
        raise NotImplementedError

    def open(self, workdir: Path) -> None:
        """Open an index built earlier, ready to search."""
        raise NotImplementedError

    def search(self, query: str, limit: int = 20, highlight: bool = True) -> list[dict]:
        """Best-first hits: {"id", "title", "score", "highlights"} where highlights is display text."""
        raise NotImplementedError

    def sizes(self, workdir: Path) -> dict:
        """{"index_mb": search structures, "total_mb": all the engine keeps to show results}."""
        size = common.dir_size_mb(workdir)
        return {"index_mb": size, "total_mb": size}

    def close(self) -> None:
        pass


ENGINES = {
    "fts5": ("fts5", "FTS5Engine"),
    "whoosh-plain": ("plain_whoosh", "PlainWhooshEngine"),
    "paperreader": ("paperreader_engine", "PaperreaderEngine"),
}


def load(name: str) -> type[Engine]:
    module, cls = ENGINES[name]
    return getattr(importlib.import_module(module), cls)


def availability(name: str) -> str | None:
    """None if the engine can run, else why not."""
    try:
        load(name).check()
    except NotAvailable as exc:
        return str(exc)
    except ImportError as exc:
        return f"import failed: {exc}"
    return None


def batched(it: Iterable, size: int) -> Iterator[list]:
    batch = []
    for x in it:
        batch.append(x)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
