"""Importing a file from the reader (the command palette's "Import a file"): `paperreader import`'s
use case (ingest/import_files.py) run in a process of its own (ingest/import_child.py), whose lines a
thread worker turns into the progress bar and the outcome's one line.

In a process of its own, as the CLI's, the import does not take the UI thread's turns at the GIL:
keys and paints go on while a big file goes in (and is indexed), and the main screen searches again
when it is done. A snapshot import (the arXiv OAI file) can be stopped with escape (at its next
batch) and resumes when imported again.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, ProgressBar, Static

from paperreader.ingest.import_child import failure, summary  # noqa: F401 (the dialog's wording, kept with the import)
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


def open_import(screen) -> None:
    """The palette's command: ask for a file, import it, then have `screen` search again."""
    import paperreader.tui.messages as msg

    screen.app.push_screen(ImportFileScreen(on_done=lambda: screen.post_message(msg.LibraryChanged())))


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
        self._child: subprocess.Popen | None = None
        self._imported: ImportFinished | None = None  # the papers are in; the index is being brought up to date

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
        self.running, self.stop_asked, self._imported = True, False, None
        self.query_one("#import-path", Input).disabled = True
        bar = self.query_one("#import-progress", ProgressBar)
        bar.display = True
        bar.update(total=None, progress=0)
        self.say(f"Reading and checking {path}…")
        self._import(path)

    @work(thread=True, exit_on_error=False, group="import")
    def _import(self, path: Path) -> None:
        """Starts the import's process and reads its lines until it ends (blocking reads: no GIL held)."""
        index_from = INDEX_NOW if self.app.workspace is not None else sys.maxsize
        args = [sys.executable, "-m", "paperreader.ingest.import_child", str(self.app.paths.data_dir), str(path), str(index_from)]
        ended = None
        with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as errors:
            try:
                child = self._child = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors,
                                                       text=True, encoding="utf-8", start_new_session=True)  # fmt: skip
            except OSError as exc:
                self.post_message(ImportFinished(failure(exc), True, False))
                return
            if self.stop_asked:
                self._tell_stop()
            for line in child.stdout:
                try:
                    said = json.loads(line)
                except ValueError:
                    continue
                ended = self._relay(said, path) or ended
            code = child.wait()
            for pipe in (child.stdin, child.stdout):  # (a late escape's write finds it closed: ValueError, ignored)
                pipe.close()
            if ended is None and self._imported is not None:  # ended by escape while indexing: the papers are in
                ended = self._imported
            elif ended is None:  # the process died without a word (killed, or a crash)
                errors.seek(0)
                last = [ln for ln in errors.read().splitlines() if ln.strip()][-1:]
                text = f"The import stopped (exit {code}){': ' + last[0] if last else ''}; a snapshot resumes when imported again"
                ended = ImportFinished(text, True, True)
        self.post_message(ended)

    def _relay(self, said: dict, path: Path) -> ImportFinished | None:
        """One line of the child: a message for the screen now, or the ending (posted once it has exited)."""
        if "progress" in said:
            stage, done, total, line = said["progress"]
            self.post_message(ImportProgress(f"{stage.capitalize()} {path.name}: line {line:,}", done, total))
        elif "indexing" in said:
            self.post_message(ImportProgress(None, *said["indexing"]))
        elif "notice" in said:
            self.post_message(ImportProgress(said["notice"]))
        elif "imported" in said:
            self._imported = ImportFinished(f"{said['imported']} The index catches up in the reader.", False, said["changed"] > 0)
            if self.stop_asked:
                self._tell_stop()
        elif "done" in said:
            return ImportFinished(said["done"], False, said["changed"] > 0)
        elif "failed" in said:
            return ImportFinished(said["failed"], True, False)
        return None

    def _tell_stop(self) -> None:
        """Ask the import's process to stop at its next batch (a few bytes down a pipe); once its
        papers are in and it is indexing them, end it (the index is a cache; the reader catches up)."""
        child = self._child
        if child is None or child.stdin is None:
            return
        if self._imported is not None:
            try:
                child.send_signal(signal.SIGINT)  # Whoosh's writer cleans up after itself (KeyboardInterrupt)
            except OSError:
                pass
            return
        try:
            child.stdin.write("stop\n")
            child.stdin.flush()
        except (OSError, ValueError):  # it has ended
            pass

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
        self._tell_stop()

    def dismiss(self, result=None):
        """Not while an import runs (escape, q or ctrl+q ask it to stop): the dialog says how it ended."""
        if self.running:
            self.stop_asked = True
            self._tell_stop()
            if self._imported is not None:
                self.say("Stopping the indexing: the papers are in, and the reader indexes them…")
            else:
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
