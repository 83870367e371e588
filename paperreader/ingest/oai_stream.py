"""Importing the arXiv OAI snapshot (4 GB, 2.9 million lines): streamed, batched, resumable.

"Checked whole before anything is written" holds here too, in two streaming passes: the first
reads every line and refuses the file at its first bad line (`FILE:LINE: reason`) before a single
paper is written; the second writes the papers in batches of `BATCH`, one transaction each.
Neither pass holds more than a batch in memory.

After each batch a checkpoint (the file's identity, the byte offset and line after the batch,
the counts so far) is saved atomically in `paths.import_state_dir`, so an import stopped by
Ctrl-C or a kill resumes after the last written batch when the same command is run again (the
check is not repeated for a file already checked). A batch written in the instant before its
checkpoint was saved is read again on resume: upsert makes that harmless (no duplicates), and it is
then counted as unchanged. The checkpoint is removed when the import completes.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from paperreader.ingest.oai_repeats import PaperCounts, RepeatFinder, paper_key
from paperreader.sources import SourceError, skip_or_raise
from paperreader.sources.arxiv_oai import MAX_RECORD_CHARS, paper_of_line
from paperreader.store import Library
from paperreader.store.bulk import upsert_many

BATCH = 5000
LINE_LIMIT = MAX_RECORD_CHARS * 4  # bytes: a UTF-8 character is at most 4
KEEP_ERRORS = 100  # bad lines listed (all are counted)
Progress = Callable[[str, int, int, int], None]  # (stage, bytes done, bytes total, line)


class SnapshotBusy(Exception):
    """Another paperreader is importing the same file into this data dir."""


def file_identity(path: Path) -> str:
    """Size plus hashes of the first MiB and last 64 KiB: cheap on 4 GB, and it changes when the file does."""
    size = path.stat().st_size
    digest = hashlib.sha256(str(size).encode())
    with path.open("rb") as fh:
        digest.update(fh.read(1 << 20))
        fh.seek(max(size - (1 << 16), 0))
        digest.update(fh.read())
    return digest.hexdigest()


@dataclass
class Checkpoint:
    identity: str
    file: str
    size: int
    checked: bool = False
    records: int = 0  # papers the check found
    bad: int = 0  # bad lines the check found (skip_bad)
    offset: int = 0  # bytes of the file already imported
    line: int = 0  # lines of the file already imported
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    repeats: list = field(default_factory=list)  # [{"id", "lines"}]: papers given more than once (oai_repeats)
    repeat_outcomes: dict = field(default_factory=dict)  # a repeated paper's best outcome so far
    started_at: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))

    @classmethod
    def load(cls, path: Path) -> "Checkpoint | None":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})
        except (OSError, ValueError, TypeError, KeyError):
            return None

    def save(self, path: Path) -> None:
        """Atomically: a crash leaves the previous checkpoint or this one, never half of one."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
        with tmp.open("w", encoding="utf-8") as fh:
            json.dump(asdict(self), fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)


@dataclass
class SnapshotResult:
    file: str
    records: int
    added: int
    updated: int
    unchanged: int
    skipped: int
    errors: list[str]
    resumed_from_line: int | None
    seconds: float
    # added/updated/unchanged count what this run wrote; a resumed import's interrupted runs wrote these
    earlier: dict | None = None
    repeats: list = field(default_factory=list)  # [{"id", "lines"}]; `records` counts entries

    @property
    def papers(self) -> int:
        return self.records - sum(len(r["lines"]) - 1 for r in self.repeats)

    def json(self) -> dict:
        return asdict(self)


class _Utf16Lines:
    """`readline` for a UTF-16 file: a line ends at the code unit U+000A, two bytes at an even offset,
    which a byte-wise readline cannot find (0x0A is also half of other characters). Reads a MiB at a time."""

    def __init__(self, fh, newline: bytes) -> None:
        self.fh, self.newline = fh, newline
        self.buf, self.pos = b"", 0

    def readline(self, limit: int) -> bytes:
        """The next line with its newline, or its first `limit` bytes (even) when it is longer; b"" at the end."""
        scan = self.pos
        while True:
            at = self.buf.find(self.newline, scan)
            while at != -1 and (at - self.pos) % 2:  # the two bytes straddle two characters
                at = self.buf.find(self.newline, at + 1)
            if at != -1:
                return self._take(min(at + 2, self.pos + limit))
            if len(self.buf) - self.pos >= limit:
                return self._take(self.pos + limit)
            chunk = self.fh.read(1 << 20)
            if not chunk:
                return self._take(len(self.buf))
            scan = max(len(self.buf) - 1 - self.pos, 0)
            self.buf, self.pos = self.buf[self.pos :] + chunk, 0

    def _take(self, end: int) -> bytes:
        out, self.pos = self.buf[self.pos : end], end
        return out


def _encoding(fh) -> str:
    bom = fh.read(2)
    return {codecs.BOM_UTF16_LE: "utf-16-le", codecs.BOM_UTF16_BE: "utf-16-be"}.get(bom, "utf-8")


def _lines(path: Path, offset: int, line: int) -> Iterator[tuple[int, str | SourceError, int]]:
    """(line number, text or the reason it cannot be read, byte offset after it) from `offset` on.

    UTF-8 (a BOM is fine: the parser drops it), or UTF-16 when the file starts with its BOM, as every other
    format is read (sources/detect.decode); offsets are the file's bytes either way, so a resume works."""
    name = str(path)
    with path.open("rb") as fh:
        encoding = _encoding(fh)
        if encoding != "utf-8":
            newline = "\n".encode(encoding)
            offset = max(offset, 2)
            fh.seek(offset)
            reader, limit = _Utf16Lines(fh, newline), LINE_LIMIT + 2
        else:
            encoding, newline = "utf-8", b"\n"
            fh.seek(offset)
            reader, limit = fh, LINE_LIMIT + 1
        while True:
            raw = reader.readline(limit)
            if not raw:
                return
            line += 1
            offset += len(raw)
            if len(raw) > LINE_LIMIT and not raw.endswith(newline):
                while raw and not raw.endswith(newline):  # skip the rest of the monster line
                    raw = reader.readline(1 << 20)
                    offset += len(raw)
                yield line, SourceError(f"record is longer than {LINE_LIMIT:,} bytes", name, line), offset
                continue
            try:
                yield line, raw.decode(encoding), offset
            except UnicodeDecodeError as exc:
                if encoding == "utf-8":
                    reason = f"not UTF-8: byte 0x{raw[exc.start]:02x} at column {exc.start + 1} cannot be decoded"
                else:
                    reason = f"not valid UTF-16 at column {exc.start // 2 + 1} (the file starts with a UTF-16 mark)"
                yield line, SourceError(reason, name, line), offset


class SnapshotImport:
    """One snapshot file into one library; `run()` checks (unless already checked), then imports."""

    def __init__(
        self,
        library: Library,
        path: Path,
        state_dir: Path,
        *,
        skip_bad: bool = False,
        restart: bool = False,
        batch: int = BATCH,
        progress: Progress | None = None,
    ) -> None:
        self.library, self.path, self.state_dir = library, Path(path), Path(state_dir)
        self.skip_bad, self.restart, self.batch = skip_bad, restart, max(1, batch)
        self.progress = progress or (lambda *_: None)
        self.errors: list[SourceError] = []
        self.notices: list[str] = []

    def checkpoint_path(self, identity: str) -> Path:
        return self.state_dir / f"oai-{identity[:24]}.json"

    def _previous(self, identity: str) -> Checkpoint | None:
        """This file's checkpoint; checkpoints of an earlier version of the same file are dropped."""
        mine = self.checkpoint_path(identity)
        for other in self.state_dir.glob("oai-*.json") if self.state_dir.is_dir() else ():
            cp = Checkpoint.load(other)
            if other != mine and cp is not None and cp.file == str(self.path.resolve()):
                other.unlink(missing_ok=True)
                self.notices.append(f"{self.path} changed since its import was interrupted; starting over")
        if self.restart:
            mine.unlink(missing_ok=True)
            return None
        return Checkpoint.load(mine)

    def check(self, cp: Checkpoint) -> None:
        """The first pass: every line read and turned into a paper, nothing written."""
        records = bad = number = start = 0
        size = cp.size or 1
        finder = RepeatFinder()
        for number, text, offset in _lines(self.path, 0, 0):
            try:
                if isinstance(text, SourceError):
                    raise text
                paper = paper_of_line(text, str(self.path), number, clean=False)
                if paper is not None:
                    records += 1
                    finder.add(paper_key(paper), number, start, offset)
            except SourceError as exc:
                skip_or_raise(self.errors if self.skip_bad else None, exc)
                bad += 1
                del self.errors[KEEP_ERRORS:]
            start = offset
            if number % 5000 == 0:
                self.progress("checking", offset, size, number)
        with self.path.open("rb") as fh:
            encoding = _encoding(fh)
        cp.repeats = finder.repeats(self.path, lambda raw, line: paper_of_line(raw.decode(encoding), str(self.path), line, clean=False))
        self.progress("checking", size, size, number)
        cp.checked, cp.records, cp.bad = True, records, bad

    def __enter__(self) -> "SnapshotImport":
        """Lock this file's import and load its checkpoint (unless restarting)."""
        self.identity = file_identity(self.path)
        self._lock = _Lock(self.checkpoint_path(self.identity).with_suffix(".lock"), self.path)
        self._lock.__enter__()
        self.cp = self._previous(self.identity)
        self.resumed = self.cp.line if self.cp is not None and self.cp.offset else None
        self.earlier = {k: getattr(self.cp, k) for k in ("added", "updated", "unchanged", "skipped")} if self.resumed else None
        if self.cp is None:
            self.cp = Checkpoint(self.identity, str(self.path.resolve()), self.path.stat().st_size)
        self._start = time.monotonic()
        return self

    def __exit__(self, *exc) -> None:
        self._lock.__exit__(*exc)

    def prepare(self) -> None:
        """The check pass, unless this file was checked before its import was interrupted."""
        if not self.cp.checked or (self.cp.bad and not self.skip_bad):
            self.check(self.cp)
            self.cp.save(self.checkpoint_path(self.identity))

    def run(self) -> SnapshotResult:
        """Check (if not yet) and import, from the checkpoint on; call inside `with`."""
        self.prepare()
        cp = self.cp
        self._import(cp, self.identity)
        self.checkpoint_path(self.identity).unlink(missing_ok=True)
        before = self.earlier or {}
        return SnapshotResult(
            str(self.path), cp.records, cp.added - before.get("added", 0), cp.updated - before.get("updated", 0),
            cp.unchanged - before.get("unchanged", 0), cp.skipped - before.get("skipped", 0),
            [str(e) for e in self.errors], self.resumed, round(time.monotonic() - self._start, 3), self.earlier,
            cp.repeats,
        )  # fmt: skip

    def _import(self, cp: Checkpoint, identity: str) -> None:
        self._counts = PaperCounts(cp, {r["id"] for r in cp.repeats})
        batch = []
        size = cp.size or 1
        number, offset = cp.line, cp.offset
        for number, text, offset in _lines(self.path, cp.offset, cp.line):
            try:
                if isinstance(text, SourceError):
                    raise text
                paper = paper_of_line(text, str(self.path), number, clean=False)
            except SourceError as exc:
                if not self.skip_bad:  # it passed the check: the file changed under us
                    raise SourceError(f"{exc.reason} (the file changed since it was checked)", exc.file, exc.line) from None
                cp.skipped += 1
                if len(self.errors) < KEEP_ERRORS and all(e.line != exc.line for e in self.errors):
                    self.errors.append(exc)
                paper = None
            if paper is not None:
                batch.append(paper)
            if len(batch) >= self.batch:
                self._write(cp, batch, offset, number, identity)
                batch = []
                self.progress("importing", offset, size, number)
        if batch or offset != cp.offset:
            self._write(cp, batch, offset, number, identity)
        self.progress("importing", size, size, number)

    def _write(self, cp: Checkpoint, batch: list, offset: int, line: int, identity: str) -> None:
        if not batch:
            cp.offset, cp.line = offset, line
            return
        outcomes: list[str] = []
        with self.library.db.write() as conn:  # Library.upsert, with each entry's outcome
            upsert_many(conn, batch, outcomes)
        self._counts.count([paper_key(p) for p in batch], outcomes)
        cp.offset, cp.line = offset, line
        cp.save(self.checkpoint_path(identity))


class _Lock:
    """An exclusive lock per file import (POSIX flock; a no-op where there is none)."""

    def __init__(self, path: Path, source: Path) -> None:
        self.path, self.source, self.fh = path, source, None

    def __enter__(self) -> "_Lock":
        try:
            import fcntl
        except ImportError:
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fh = self.path.open("a")
        try:
            fcntl.flock(self.fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self.fh.close()
            raise SnapshotBusy(f"{self.source}: another paperreader is importing this file; wait for it or stop it") from None
        return self

    def __exit__(self, *exc) -> None:
        if self.fh is not None:  # the file stays: unlinking it could let two imports lock two inodes
            self.fh.close()
