"""One data dir, opened: the library (truth), its search index (cache) and the search engine.

The first open of an empty library imports the built-in corpus, so paperreader is useful the
moment it is installed. Both the CLI and the TUI start here.

Opening also keeps the rolling daily backup (see `paperreader.store.backup`) and backs an older
store up before upgrading it. What went wrong on the way without stopping the open (a backup that
could not be written) is kept in `notices` for the UI to show.

The index and the engine are made on first use: opening them imports Whoosh, and the TUI's first
screen (the library browsed by title) needs neither, so it shows before they are loaded.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from paperreader.paths import Paths, builtin_corpus
from paperreader.store import Library, StoreError, UpsertResult

if TYPE_CHECKING:
    from paperreader.search.engine import SearchEngine
    from paperreader.search.index import Progress, SearchIndex

SEEDED = "builtin_corpus_imported"
INDEXED = "index_built_once"
LISTINGS_READY = "listings_ready"


class DataDirError(StoreError):
    """The data dir cannot be written (read-only, disk full): one line naming the path."""


class Workspace:
    def __init__(self, paths: Paths) -> None:
        self.paths = paths
        self.notices: list[str] = []
        self.seeded: UpsertResult | None = None  # what the open imported into an empty library
        self.library = Library(paths.store, before_migrate=self._backup_before_upgrade)
        self._lazy = threading.Lock()
        self._index: SearchIndex | None = None
        self._engine: SearchEngine | None = None

    @classmethod
    def open(cls, paths: Paths, *, seed: bool = True, backup: bool = True, purge: bool = True) -> "Workspace":
        """backup=False and purge=False leave the daily backup and the trash's purge to the caller
        (the TUI does both after its first paint: `housekeeping`)."""
        workspace = cls(paths)
        workspace.seeded = workspace.seed() if seed else None
        if purge:
            workspace.purge_trash()
        if backup and workspace.seeded is None:
            workspace.auto_backup()
        return workspace

    @property
    def index(self) -> SearchIndex:
        with self._lazy:
            if self._index is None:
                from paperreader.search.index import SearchIndex

                self._index = SearchIndex(self.paths.index_dir, self.library)
            return self._index

    @property
    def engine(self) -> SearchEngine:
        index = self.index
        with self._lazy:
            if self._engine is None:
                from paperreader.search.engine import SearchEngine

                self._engine = SearchEngine(index)
            return self._engine

    def auto_backup(self) -> str | None:
        """Today's rolling backup, if not made yet; a failure is a notice (returned, and kept in
        `notices`), never a failed open. It copies through a read-only SQLite connection of its
        own, so the copy (seconds for a big store) never holds up the library's readers and writers;
        never through a second `Library` or any other opening of the store's files (see
        `store.validation.connect`: that would drop this process's locks)."""
        from paperreader.store import backup

        try:
            if not self.library.change_seq():  # never held a paper (an index probe; counting a 1M library
                return None  # scans an index: ~65 ms of CPU warm, ~0.4 s cold, on every open)
            backup.auto_backup(self.library, self.paths.backups_dir)
        except StoreError as exc:
            notice = f"the daily backup was not made: {exc}"
            self.notices.append(notice)
            return notice
        return None

    def housekeeping(self) -> str | None:
        """What `open(backup=False, purge=False)` left out: the trash's purge, then the daily backup unless the
        library was just made from the built-in corpus. Their notice, if any."""
        notices = len(self.notices)
        self.purge_trash()
        if self.seeded is None:
            self.auto_backup()
        return "; ".join(self.notices[notices:]) or None

    def purge_trash(self) -> int:
        """Forget papers deleted more than 30 days ago (a single indexed probe when there are none);
        a failure (a read-only store) is a notice, never a failed open."""
        from paperreader.store import trash

        try:
            return trash.purge_expired(self.library)
        except StoreError as exc:
            self.notices.append(f"the trash was not emptied of old papers: {exc}")
            return 0

    def _backup_before_upgrade(self, conn, version: int) -> None:
        from paperreader.store import backup

        backup.backup_connection(conn, self.paths.backups_dir, f"{backup.PREFIX}before-upgrade-v{version}-{backup.stamp()}")

    def seed(self) -> UpsertResult | None:
        """Import the built-in corpus once, on the first run with an empty library."""
        if self.library.get_meta(SEEDED) or not self.library.is_empty():
            self._listings_ready()
            return None
        from paperreader.sources import pagedump
        from paperreader.sources.listing import BUILTIN
        from paperreader.store import listings

        papers = pagedump.parse(builtin_corpus().read_text(encoding="utf-8"), file=str(builtin_corpus()))
        result = listings.upsert_listed(self.library, papers, listings.Recorder([(BUILTIN, papers)]))
        self.library.set_meta(SEEDED, "1")
        listings.mark_seen(self.library)  # the built-in corpus is not "new"
        self.library.set_meta(LISTINGS_READY, "1")
        return result

    def _listings_ready(self) -> None:
        """A library made before listings existed: the built-in corpus becomes its first listing and
        the visit mark starts at now (nothing is new). Once; a failure is a notice."""
        if self.library.get_meta(LISTINGS_READY):
            return
        from paperreader.store import listings

        try:
            if self.library.get_meta(SEEDED) and not listings.all_listings(self.library):
                from paperreader.sources import pagedump
                from paperreader.sources.listing import BUILTIN

                papers = pagedump.parse(builtin_corpus().read_text(encoding="utf-8"), file=str(builtin_corpus()))
                with self.library.transaction() as conn:
                    ids = [listings.resolve_in(conn, p) for p in papers]
                    listings.record(conn, BUILTIN, [i for i in ids if i], 0)
            listings.ensure_mark(self.library)
            self.library.set_meta(LISTINGS_READY, "1")
        except StoreError as exc:
            self.notices.append(f"the listings could not be set up: {exc}")

    def ensure_index(self, progress: Progress | None = None, wait_for_writer: bool = True) -> str | None:
        """Build or catch up the index; a notice when an index we had built had to be rebuilt.
        wait_for_writer=False: see SearchIndex.ensure (a search that answers while another process
        writes the index)."""
        try:
            notice = self.index.ensure(progress, wait_for_writer)
        except OSError as exc:  # a read-only data dir, a full disk
            raise DataDirError(f"{self.paths.index_dir}: cannot write the search index: {exc.strerror or exc}") from None
        if not self.library.get_meta(INDEXED):
            self.library.set_meta(INDEXED, "1")
            if notice and "missing" in notice:
                return None  # never built for this library: nothing to report
        return notice

    def index_changes(self, changed: int, progress: Progress | None = None) -> str | None:
        """The index brought up to date after `changed` papers changed at once (an import, from the
        CLI or the reader): rebuilt with progress when that is what catching up would do anyway
        (search.index.needs_rebuild), else caught up; a notice as `ensure_index` gives."""
        from paperreader.search.index import needs_rebuild

        stamp = self.index.read_stamp() or {}
        if stamp and needs_rebuild(changed, stamp.get("docs", 0)):
            self.index.rebuild(progress)
            return None
        return self.ensure_index(progress)

    def stop_searches(self) -> None:
        """End running searches now and refuse new ones (quitting: nobody waits for them)."""
        if self._engine is not None:
            self._engine.stop()

    def close(self) -> None:
        if self._index is not None:
            self._index.close()
        self.library.close()
