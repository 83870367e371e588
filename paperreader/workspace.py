"""One data dir, opened: the library (truth), its search index (cache) and the search engine.

The first open of an empty library imports the built-in corpus, so paperreader is useful the
moment it is installed. Both the CLI and the TUI start here.

Opening also keeps the rolling daily backup (see `paperreader.store.backup`) and backs an older
store up before upgrading it. What went wrong on the way without stopping the open (a backup that
could not be written) is kept in `notices` for the UI to show.
"""

from __future__ import annotations

from paperreader.paths import Paths, builtin_corpus
from paperreader.search.engine import SearchEngine
from paperreader.search.index import Progress, SearchIndex
from paperreader.store import Library, StoreError, UpsertResult

SEEDED = "builtin_corpus_imported"
INDEXED = "index_built_once"


class DataDirError(StoreError):
    """The data dir cannot be written (read-only, disk full): one line naming the path."""


class Workspace:
    def __init__(self, paths: Paths) -> None:
        self.paths = paths
        self.notices: list[str] = []
        self.library = Library(paths.store, before_migrate=self._backup_before_upgrade)
        self.index = SearchIndex(paths.index_dir, self.library)
        self.engine = SearchEngine(self.index)

    @classmethod
    def open(cls, paths: Paths, *, seed: bool = True, backup: bool = True) -> "Workspace":
        workspace = cls(paths)
        seeded = workspace.seed() if seed else None
        if backup and seeded is None:
            workspace.auto_backup()
        return workspace

    def auto_backup(self) -> None:
        """Today's rolling backup, if not made yet; a failure is a notice, never a failed open."""
        from paperreader.store import backup

        try:
            if self.library.count():
                backup.auto_backup(self.library, self.paths.backups_dir)
        except StoreError as exc:
            self.notices.append(f"the daily backup was not made: {exc}")

    def _backup_before_upgrade(self, conn, version: int) -> None:
        from paperreader.store import backup

        backup.backup_connection(conn, self.paths.backups_dir, f"{backup.PREFIX}before-upgrade-v{version}-{backup.stamp()}")

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
        try:
            notice = self.index.ensure(progress)
        except OSError as exc:  # a read-only data dir, a full disk
            raise DataDirError(f"{self.paths.index_dir}: cannot write the search index: {exc.strerror or exc}") from None
        if not self.library.get_meta(INDEXED):
            self.library.set_meta(INDEXED, "1")
            if notice and "missing" in notice:
                return None  # never built for this library: nothing to report
        return notice

    def close(self) -> None:
        self.index.close()
        self.library.close()
