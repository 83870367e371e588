"""Importing a file from the reader (the command palette's "Import a file"): `paperreader import`'s
use case (ingest/import_files.py) run in a thread worker, with its progress and its outcome in one line.

The import writes through its own connection to the store, as the CLI would: the reader's searches
keep reading while a big file goes in, and the main screen searches again when it is done. A
snapshot import (the arXiv OAI file) can be stopped with escape and resumes when imported again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, ProgressBar, Static

from paperreader.tui.screens.dialog import Dialog

INDEX_NOW = 1000  # papers changed by one import above which the index is brought up to date in the dialog (cli.transfer.BIG)
IMPORT_HELP = "papers from a file: BibTeX, CSV, JSON, arXiv (Atom, OAI snapshot, listing e-mail), Hugging Face, a backup"


@dataclass
class ImportProgress(Message):
    """From the worker (posted, never waited for: the app may be quitting): the bar and the line."""

    text: str | None
    done: int | None = None
    total: int | None = None


@dataclass
class ImportFinished(Message):
    text: str
    error: bool
    changed: bool


class _Stop(KeyboardInterrupt):
    """Raised inside a snapshot's progress callback when the user asked to stop: the use case then
    ends with ImportStopped (resumable), as Ctrl-C does for the CLI."""


def open_import(screen) -> None:
    """The palette's command: ask for a file, import it, then have `screen` search again."""
    import paperreader.tui.messages as msg

    screen.app.push_screen(ImportFileScreen(on_done=lambda: screen.post_message(msg.LibraryChanged())))


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


class ImportFileScreen(Dialog[None]):
    """A path in, the import run in a worker; enter imports, escape stops a snapshot or closes."""

    BINDINGS = [
        Binding("escape", "close", "Close (stops a running snapshot import; it resumes)", id="import.close"),
        Binding("ctrl+q", "quit_app", "Quit (a running snapshot import stops first; it resumes)", id="import.quit"),
    ]
    DEFAULT_CSS = """
    ImportFileScreen #import-progress { margin-top: 1; }
    ImportFileScreen #import-status { margin-top: 1; height: auto; }
    ImportFileScreen #import-status.-error { color: $error; }
    """

    def __init__(self, on_done=None) -> None:
        super().__init__(classes="dialog-screen")
        self.on_done = on_done
        self.running = False
        self.stop_asked = False
        self.quit_when_done = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text("Import a file", style="bold"), classes="dialog-title")
            yield Input(placeholder="path of the file (~ works)", id="import-path")
            yield ProgressBar(total=None, show_eta=False, id="import-progress")
            yield Static(Text(IMPORT_HELP, style="dim"), id="import-status", markup=False)
            yield Static(Text("enter import  ·  escape close", style="dim"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#import-progress", ProgressBar).display = False
        self.query_one("#import-path", Input).focus()

    def say(self, text: str, error: bool = False) -> None:
        status = self.query_one("#import-status", Static)
        status.update(Text(text))
        status.set_class(error, "-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.running:
            return
        given = event.value.strip()
        if not given:
            self.say("Type the path of a file to import.", error=True)
            return
        path = Path(given).expanduser()
        self.running, self.stop_asked = True, False
        self.query_one("#import-path", Input).disabled = True
        bar = self.query_one("#import-progress", ProgressBar)
        bar.display = True
        bar.update(total=None, progress=0)
        self.say(f"Reading and checking {path}…")
        self._import(path)

    @work(thread=True, exit_on_error=False, group="import")
    def _import(self, path: Path) -> None:
        from paperreader.ingest.import_files import import_files
        from paperreader.store import Library

        paths = self.app.paths
        try:
            library = Library(paths.store)
            try:
                report = import_files(library, [path], paths, progress=self._progress_of, notice=self._notice)
            finally:
                library.close()
        except BaseException as exc:  # every failure is one line on the screen (KeyboardInterrupt: ours)
            self.post_message(ImportFinished(failure(exc), True, False))
            return
        done = summary(report)
        workspace = self.app.workspace
        if report.changed >= INDEX_NOW and workspace is not None and not self.stop_asked:  # as the CLI does
            self.post_message(ImportProgress(f"{done} Indexing {report.changed:,} new or changed papers…"))
            try:
                workspace.index_changes(report.changed, lambda n, total: self.post_message(ImportProgress(None, n, total)))
            except Exception as exc:  # the papers are in: the next search catches the index up
                done += f" The index will catch up on the next search ({exc})."
        self.post_message(ImportFinished(done, False, report.changed > 0))

    def _progress_of(self, path: Path):
        def progress(stage: str, done: int, total: int, line: int) -> None:
            if self.stop_asked:
                raise _Stop()
            said = None if self.stop_asked else f"{stage.capitalize()} {path.name}: line {line:,}"
            self.post_message(ImportProgress(said, done, total))

        return progress

    def _notice(self, text: str) -> None:
        self.post_message(ImportProgress(text[:1].upper() + text[1:] + "."))

    def on_import_progress(self, message: ImportProgress) -> None:
        if message.total is not None:
            self.query_one("#import-progress", ProgressBar).update(total=max(message.total, 1), progress=message.done)
        if message.text is not None and not self.stop_asked:
            self.say(message.text)

    def on_import_finished(self, message: ImportFinished) -> None:
        self._finished(message.text, message.error, message.changed)

    def _finished(self, text: str, error: bool, changed: bool) -> None:
        self.running = False
        self.query_one("#import-progress", ProgressBar).display = False
        path_input = self.query_one("#import-path", Input)
        path_input.disabled = False
        path_input.focus()
        self.say(text, error=error)
        if changed and self.on_done is not None:
            self.on_done()
        if self.quit_when_done:
            self.app.call_later(self.app.run_action, "quit")

    def on_unmount(self) -> None:
        self.stop_asked = True  # the app is quitting: a snapshot import stops at its next batch (it resumes)

    def dismiss(self, result=None):
        """Not while an import runs (escape, q or ctrl+q ask it to stop): the dialog says how it ended."""
        if self.running:
            self.stop_asked = True
            self.say("Stopping after the batch being written… (a file that is not a snapshot finishes first)")
            return None
        return super().dismiss(result)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_quit_app(self) -> None:
        """ctrl+q quits anywhere: once a running import has stopped (a snapshot at its next batch)."""
        if self.running:
            self.quit_when_done = True
            self.dismiss(None)  # asks the import to stop
            return
        self.app.call_later(self.app.run_action, "quit")
