"""Importing files into the library: everything is read and checked before anything is written.

`plan` reads every file of one command (the format detected by content unless given), and
`apply` writes all their papers in a single transaction, so a command either imports all of its
files or none. A bad record stops the command with `FILE:LINE: reason`, unless `skip_bad` is set:
then the good records go in and the bad ones are listed. arXiv OAI snapshots are the exception in
size, not in rule: they are checked whole in a streaming first pass and written in batches (see
`paperreader.ingest.oai_stream`), because a 4 GB file cannot be held in one transaction or in memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from paperreader.model import Paper
from paperreader.sources import SourceError
from paperreader.store import Library, UpsertResult

STREAMED = "arxiv-oai"  # formats read line by line, in batches, resumable


class ImportFailed(Exception):
    """One or more files (or records) are bad; nothing was written. Holds every error found."""

    def __init__(self, errors: list[SourceError]) -> None:
        super().__init__(str(errors[0]) if errors else "import failed")
        self.errors = errors


@dataclass
class FileLoad:
    """One file read and checked: its papers, and the records left out (with skip_bad)."""

    path: Path
    format: str
    papers: list[Paper] = field(default_factory=list)
    saved_searches: list[tuple[str, str]] = field(default_factory=list)
    listing: object | None = None  # a ranked file: the store.listings.ListingSpec it records
    listings: list[dict] = field(default_factory=list)  # a backup's listings, to restore
    skipped: list[SourceError] = field(default_factory=list)
    failed: SourceError | None = None  # the whole file could not be read (skip_bad only)
    duplicates: list[dict] = field(default_factory=list)  # entries for one paper, merged: [{"id", "lines"}]
    dropped: list[str] = field(default_factory=list)  # values left out (not a date, not a web link): FILE:LINE: what

    @property
    def repeated(self) -> int:
        """Entries that repeat a paper already in the file (merged into it: not papers of their own)."""
        return sum(len(d["lines"]) - 1 for d in self.duplicates)

    def json(self) -> dict:
        return {
            "file": str(self.path),
            "format": self.format,
            "papers": len(self.papers) - self.repeated,
            "skipped": [str(e) for e in self.skipped] + ([str(self.failed)] if self.failed else []),
            **({"duplicates": self.duplicates} if self.duplicates else {}),
            **({"dropped": self.dropped} if self.dropped else {}),
        }


def paper_keys(papers: list[Paper]) -> list[str]:
    """Each entry's paper: the same key for entries the store merges into one (the same arXiv id,
    or title)."""
    by_title = {p.title_key: p.id for p in papers if p.arxiv_id}
    return [paper.id if paper.arxiv_id else by_title.get(paper.title_key, paper.title_id) for paper in papers]


def duplicates_in(papers: list[Paper]) -> list[dict]:
    """Entries of one file that are the same paper: the store merges them into one; this says
    which, with their lines, for the import's summary."""
    groups: dict[str, list[Paper]] = {}
    for key, paper in zip(paper_keys(papers), papers):
        groups.setdefault(key, []).append(paper)
    return [{"id": key, "lines": [p.extra.get("line") for p in group]} for key, group in groups.items() if len(group) > 1]


def per_paper(keys: list[str], outcomes: list[str]) -> UpsertResult:
    """The counts a user expects: one a paper, not one an entry. A paper given twice was added if
    any of its entries added it (the second entry merged into it is not 'unchanged'), else updated
    if any entry updated it."""
    seen: dict[str, set[str]] = {}
    for key, outcome in zip(keys, outcomes, strict=True):
        seen.setdefault(key, set()).add(outcome)
    result = UpsertResult()
    for outcomes_of_one in seen.values():
        outcome = next(o for o in ("added", "updated", "unchanged") if o in outcomes_of_one)
        setattr(result, outcome, getattr(result, outcome) + 1)
    return result


def detect_format(path: Path, fmt: str = "auto") -> str:
    from paperreader.sources.detect import FORMATS, check_not_empty, detect_file

    if fmt != "auto" and fmt not in FORMATS:
        raise SourceError(f"unknown format {fmt!r}; use auto or one of: {', '.join(FORMATS)}", str(path), None)
    if not path.exists():
        raise SourceError("no such file", str(path), None)
    if path.is_dir():
        raise SourceError("is a folder; name the files to import", str(path), None)
    check_not_empty(path)  # whatever the format: an empty file is an error, not "0 papers"
    return detect_file(path) if fmt == "auto" else fmt


def load_file(path: Path, fmt: str = "auto", skip_bad: bool = False) -> FileLoad:
    """Read and check one (non-streamed) file whole; SourceError unless skip_bad."""
    from paperreader.sources import backup
    from paperreader.sources.detect import FORMATS, check_sizes, read_text
    from paperreader.sources.listing import describe

    fmt = detect_format(path, fmt)
    errors: list[SourceError] | None = [] if skip_bad else None
    load = FileLoad(path, fmt)
    if fmt == "backup":  # papers and state, plus the saved searches
        parsed = backup.parse_backup(read_text(path), str(path), errors)
        load.papers = check_sizes(parsed.papers, str(path), errors=errors)
        load.saved_searches = parsed.saved_searches
        load.listings = parsed.listings
    else:
        text = read_text(path)
        load.papers = check_sizes(FORMATS[fmt].parse(text, str(path), errors), str(path), errors=errors)
        load.listing = describe(fmt, text, load.papers, str(path))
    load.duplicates = duplicates_in(load.papers)
    load.dropped = [f"{path}:{p.extra.get('line', '?')}: left out {what}" for p in load.papers for what in p.extra.get("dropped", ())]
    load.skipped = errors or []
    return load


def plan(paths: list[Path], fmt: str = "auto", skip_bad: bool = False) -> tuple[list[FileLoad], list[Path]]:
    """Read and check every non-streamed file; list the streamed ones (checked by `snapshot`).

    Without skip_bad, any bad file raises ImportFailed naming every bad file (nothing is written);
    with it, a file that cannot be read at all is kept as a FileLoad with `failed` set.
    """
    loads: list[FileLoad] = []
    streamed: list[Path] = []
    errors: list[SourceError] = []
    for path in paths:
        try:
            detected = detect_format(path, fmt)
            if detected == STREAMED:
                streamed.append(path)
                continue
            loads.append(load_file(path, detected, skip_bad))
        except SourceError as exc:
            if not skip_bad:
                errors.append(exc)
            else:
                loads.append(FileLoad(path, fmt, failed=exc))
    if errors:
        raise ImportFailed(errors)
    return loads, streamed


def apply(library: Library, loads: list[FileLoad]) -> UpsertResult:
    """Write the papers of every load in one transaction (state, saved searches and listings too:
    each ranked file records its listing, a backup restores its listings)."""
    from paperreader.store.listings import Recorder, upsert_listed

    papers = [p for load in loads for p in load.papers]
    searches = [s for load in loads for s in load.saved_searches]
    recorder = Recorder([(load.listing, load.papers) for load in loads if load.listing], [e for load in loads for e in load.listings])
    if not papers and not searches:
        return UpsertResult()
    outcomes: list[str] = []
    if searches or any(p.state is not None for p in papers):
        from paperreader.store.merge import upsert_with_state

        upsert_with_state(library, papers, searches, recorder, outcomes)
    else:
        upsert_listed(library, papers, recorder, outcomes)
    return per_paper(paper_keys(papers), outcomes)
