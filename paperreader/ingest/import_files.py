"""The import use case: files the user names, into the library, all or nothing (per snapshot batch).

What `paperreader import` does and the reader can do too: no printing here. Progress goes to a
callback per streamed file, messages (a resumed or restarted snapshot) to `notice`, and the outcome
comes back as an `ImportReport`; failures are exceptions the caller words: `LiveStoreGiven`,
`plan.ImportFailed` (every bad file, nothing written), `SnapshotBusy`, `SourceError` (a snapshot's
bad line, nothing written) and `ImportStopped` (an interrupted snapshot, resumable).

The order is the guarantee: every file is read and checked (plain files whole, snapshots in their
streaming check pass) before the first paper is written; then the plain files go in one
transaction, then each snapshot in its checkpointed batches.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from paperreader.ingest.oai_stream import BATCH, Progress, SnapshotImport
from paperreader.ingest.plan import apply, plan
from paperreader.paths import Paths
from paperreader.store import Library


class LiveStoreGiven(Exception):
    """A path named for import is the library's own store (or its -wal/-shm): never opened."""

    def __init__(self, given: str) -> None:
        super().__init__(given)
        self.given = given


class ImportStopped(Exception):
    """A snapshot import was interrupted (Ctrl-C) after `lines` lines of `path`; the same import resumes."""

    def __init__(self, path: Path, lines: int) -> None:
        super().__init__(f"{path}: stopped after {lines:,} lines")
        self.path, self.lines = path, lines


@dataclass
class ImportReport:
    """Counts over every file, and one entry a file: file, format, papers, skipped (the bad records'
    `FILE:LINE: reason`), and where they apply skipped_count, duplicates, resumed_from_line."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    files: list[dict] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return self.added + self.updated

    @property
    def skipped_lines(self) -> list[str]:
        return [s for f in self.files for s in f["skipped"]]

    @property
    def skipped_count(self) -> int:
        return sum(f.get("skipped_count", len(f["skipped"])) for f in self.files)


def papers_in(f: dict, which: bool = False) -> str:
    """"12 papers", "19 papers (1 repeated in the file)" (entries for a paper already in the file are
    merged into it, not counted), or "no papers in the file" for a valid file without any (`[]`, a CSV
    header, an empty feed: not an error, but said; an empty file is an error, see
    sources.detect.check_not_empty): one wording for an entry of `ImportReport.files`, in the CLI and
    in the reader. `which` names the repeated papers and their lines (the CLI's summary)."""
    n = f["papers"]
    if n == 0 and not f["skipped"]:
        return "no papers in the file"
    duplicates = f.get("duplicates") or []
    repeated = sum(len(d["lines"]) - 1 for d in duplicates)
    said = f"{n:,} paper{'s' if n != 1 else ''}"
    if not repeated:
        return said
    return f"{said} ({repeated:,} repeated in the file{': ' + _which(duplicates) if which else ''})"


def _which(duplicates: list[dict], shown: int = 5) -> str:
    """"arxiv:2312.17653 lines 3, 9; ..." (the first `shown`, then how many more)."""
    def one(d: dict) -> str:
        lines = [str(n) for n in d["lines"] if n]
        return f"{d['id']} lines {', '.join(lines)}" if lines else f"{d['id']} {len(d['lines'])} times"

    more = f"; and {len(duplicates) - shown} more" if len(duplicates) > shown else ""
    return "; ".join(one(d) for d in duplicates[:shown]) + more


def is_live_store(given: str | Path, paths: Paths) -> bool:
    """Whether `given` is the live store (or its -wal/-shm/-journal, through symlinks and hard
    links): an import must not open() it, which would drop the SQLite locks of this process."""
    names = {os.path.realpath(f) for f in paths.store_files}
    real = os.path.realpath(Path(given).expanduser())
    if real in names:
        return True
    try:
        st = os.stat(real)
    except OSError:
        return False
    for name in names:
        try:
            if os.path.samestat(st, os.stat(name)):
                return True
        except OSError:
            continue
    return False


def import_files(
    library: Library,
    files: list[str | Path],
    paths: Paths,
    *,
    fmt: str = "auto",
    skip_bad: bool = False,
    restart: bool = False,
    batch: int = BATCH,
    progress: Callable[[Path], Progress] | None = None,
    notice: Callable[[str], None] | None = None,
) -> ImportReport:
    """Check every file, then write them; `progress(path)` gives a snapshot's progress callback."""
    for given in files:  # before any file is read: the store's own files are never opened
        if is_live_store(given, paths):
            raise LiveStoreGiven(str(given))
    tell = notice or (lambda _text: None)
    loads, streamed = plan([Path(f) for f in files], fmt, skip_bad)
    with ExitStack() as stack:
        snapshots = []
        for path in streamed:  # check every snapshot before anything is written
            snap = stack.enter_context(SnapshotImport(
                library, path, paths.import_state_dir, skip_bad=skip_bad, restart=restart, batch=batch,
                progress=progress(path) if progress else None,
            ))  # fmt: skip
            snap.prepare()
            snapshots.append(snap)
        result = apply(library, loads)
        report = ImportReport(result.added, result.updated, result.unchanged, [load.json() for load in loads])
        for snap in snapshots:
            if snap.resumed:
                before = snap.earlier or {}
                tell(f"resuming {snap.path} after line {snap.resumed:,} (the interrupted import had added "
                     f"{before.get('added', 0):,}, updated {before.get('updated', 0):,}; the counts below are this run's)")
            try:
                done = snap.run()
            except KeyboardInterrupt:
                raise ImportStopped(snap.path, snap.cp.line) from None
            for text in snap.notices:
                tell(text)
            report.added += done.added
            report.updated += done.updated
            report.unchanged += done.unchanged
            report.files.append({"file": done.file, "format": "arxiv-oai", "papers": done.papers, "skipped": done.errors,
                                 "skipped_count": done.skipped, "resumed_from_line": done.resumed_from_line,
                                 **({"duplicates": done.repeats} if done.repeats else {}),
                                 **({"earlier": done.earlier} if done.earlier else {})})  # fmt: skip
    return report
