"""The reader's import, in a process of its own: `python -m paperreader.ingest.import_child DATA_DIR FILE INDEX_FROM`.

In a thread of the reader, an import (JSON parsed, papers built, Whoosh indexing them) held the GIL
in turns with the UI thread, which got it back ~1 ms after each of the many times a key and a paint
let it go: with a 100,000-line snapshot going in, escape took ~0.2-0.6 s to show in tmux (a pilot's
pause and key, ~4 s). Here the reader's thread only reads this process's lines.

Out, one JSON object a line on stdout: {"progress": [stage, done, total, line]}, {"notice": text},
{"imported": text, "changed": n} before the index is brought up to date, {"indexing": [done, total]},
then {"done": text, "changed": n} or {"failed": text}. In, on stdin: a line "stop" (or stdin closed:
the reader is gone) stops a snapshot at its next batch (resumable); a plain file finishes first, as
it is written in one transaction. Once "imported" is said the papers are in, and the reader ends this
process to stop (the index is a cache: the reader catches it up, a build resumes from its last chunk).
"""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path


class _Stop(KeyboardInterrupt):
    """Raised inside a snapshot's progress callback when the reader asked to stop: the use case then
    ends with ImportStopped (resumable), as Ctrl-C does for the CLI."""


def summary(report) -> str:
    """One line: what the import did, as the CLI's last line says it, and what it left out."""
    from paperreader.ingest.import_files import papers_in

    files = "; ".join(f"{Path(f['file']).name}: {papers_in(f)}" for f in report.files)
    line = f"Imported ({files}): added {report.added}, updated {report.updated}, unchanged {report.unchanged}"
    dropped = sum(len(f.get("dropped", ())) for f in report.files)
    if report.skipped_count:
        line += f"; {report.skipped_count} bad record(s) skipped"
    if dropped:
        line += f"; {dropped} value(s) left out (`paperreader import` lists them)"
    return line + "."


def failure(exc: BaseException) -> str:
    """One line for a failed import, never an exception's class name; nothing was imported unless said."""
    from paperreader.ingest.import_files import ImportStopped, LiveStoreGiven
    from paperreader.ingest.oai_stream import SnapshotBusy
    from paperreader.ingest.plan import ImportFailed
    from paperreader.sources import SourceError

    if isinstance(exc, LiveStoreGiven):
        return f"{exc.given}: that is the library itself; nothing was imported"
    if isinstance(exc, ImportFailed):
        more = f" (and {len(exc.errors) - 1} more problems)" if len(exc.errors) > 1 else ""
        return f"{exc.errors[0]}{more}: nothing was imported"
    if isinstance(exc, ImportStopped):
        return f"Stopped after {exc.lines:,} lines of {exc.path}: import it again to resume"
    if isinstance(exc, KeyboardInterrupt):  # stopped while a snapshot was being checked
        return "Stopped before anything was written: nothing was imported"
    if isinstance(exc, (SourceError, SnapshotBusy)):
        return f"{exc}: nothing was imported"
    return f"The import failed: {exc}" if str(exc) else "The import failed"


class Child:
    """The import and its messages; `stop` is set by the stdin reader."""

    def __init__(self, out) -> None:
        self.out, self.stop = out, threading.Event()
        self._lock = threading.Lock()

    def say(self, **message) -> None:
        with self._lock:
            try:
                self.out.write(json.dumps(message) + "\n")
                self.out.flush()
            except (BrokenPipeError, OSError, ValueError):  # the reader is gone: stop at the next batch
                self.stop.set()

    def listen(self, stdin) -> None:
        for line in stdin:
            if line.strip() == "stop":
                break
        self.stop.set()  # "stop", or stdin closed

    def progress_of(self, path: Path):
        def progress(stage: str, done: int, total: int, line: int) -> None:
            if self.stop.is_set():
                raise _Stop()
            self.say(progress=[stage, done, total, line])

        return progress

    def run(self, data_dir: str, path: Path, index_from: int) -> None:
        from paperreader.ingest.import_files import import_files
        from paperreader.paths import resolve
        from paperreader.store import Library

        paths = resolve(data_dir)
        try:
            library = Library(paths.store)
            try:
                report = import_files(library, [path], paths, progress=self.progress_of,
                                      notice=lambda text: self.say(notice=text[:1].upper() + text[1:] + "."))  # fmt: skip
            finally:
                library.close()
        except BaseException as exc:  # every failure is one line on the screen (KeyboardInterrupt: ours)
            self.say(failed=failure(exc))
            return
        done = summary(report)
        if report.changed >= index_from and not self.stop.is_set():  # as the CLI does
            self.say(imported=done, changed=report.changed)  # the reader may end this process from here on
            self.say(notice=f"{done} Indexing {report.changed:,} new or changed papers…")
            self.say(indexing=[0, report.changed])  # the bar starts again (the build is silent for a while)
            done += self._index(paths, report.changed)
        self.say(done=done, changed=report.changed)

    def _index(self, paths, changed: int) -> str:
        """The index brought up to date here; anything but success leaves it to the next search."""
        from paperreader.workspace import Workspace

        try:
            workspace = Workspace(paths)  # no seeding, purge or backup: the reader did those
            try:
                workspace.index_changes(changed, lambda n, total: self.say(indexing=[n, total]))
            finally:
                workspace.close()
        except Exception as exc:  # the papers are in: the next search catches the index up
            return f" The index will catch up on the next search ({exc})."
        return ""


def main(argv: list[str]) -> int:
    import signal

    # The reader ends the indexing with SIGINT: a process started where SIGINT is ignored (nohup, a
    # background job without job control) hands that on to us, and the build would run to its end.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    data_dir, path, index_from = argv
    child = Child(sys.stdout)
    threading.Thread(target=child.listen, args=(sys.stdin,), daemon=True).start()
    child.run(data_dir, Path(path), int(index_from))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
