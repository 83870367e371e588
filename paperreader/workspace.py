"""One data dir, opened: the library (truth), its search index (cache) and the search engine.

The first open of an empty library imports the built-in corpus, so paperreader is useful the
moment it is installed. Both the CLI and the TUI start here.
"""

from __future__ import annotations

from paperreader.paths import Paths, builtin_corpus
from paperreader.search.engine import SearchEngine
from paperreader.search.index import Progress, SearchIndex
from paperreader.store import Library, UpsertResult

SEEDED = "builtin_corpus_imported"
INDEXED = "index_built_once"


class Workspace:
    def __init__(self, paths: Paths) -> None:
        self.paths = paths
        self.library = Library(paths.store)
        self.index = SearchIndex(paths.index_dir, self.library)
        self.engine = SearchEngine(self.index)

    @classmethod
    def open(cls, paths: Paths, *, seed: bool = True) -> "Workspace":
        workspace = cls(paths)
        if seed:
            workspace.seed()
        return workspace

    def seed(self) -> UpsertResult | None:
        """Import the built-in corpus once, on the first run with an empty library."""
        if self.library.get_meta(SEEDED) or self.library.count():
            return None
        from paperreader.sources import pagedump

        papers = pagedump.parse(builtin_corpus().read_text(encoding="utf-8"), file=str(builtin_corpus()))
        result = self.library.upsert(papers)
        self.library.set_meta(SEEDED, "1")
        return result

    def ensure_index(self, progress: Progress | None = None) -> str | None:
        """Build or catch up the index; a notice when an index we had built had to be rebuilt."""
        notice = self.index.ensure(progress)
        if not self.library.get_meta(INDEXED):
            self.library.set_meta(INDEXED, "1")
            if notice and "missing" in notice:
                return None  # never built for this library: nothing to report
        return notice

    def close(self) -> None:
        self.index.close()
        self.library.close()
