"""The note editor: Markdown in a TextArea, saved with ctrl+s; escape asks before throwing work away.

The editor keeps its text until the store has it. While the user types, a draft is written at
least once every DRAFT_INTERVAL seconds (a throttle: steady typing cannot postpone it), so a crash
loses under a second. A save is checked against the note's version the editor started from: if
someone saved the note meanwhile (another window, `paperreader note --set`), the user chooses
keep mine / keep theirs / keep both. A save that fails (the library busy, the disk full) leaves the
editor open with the text and its draft, and says why in one line.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Static, TextArea

from paperreader.store import PaperRecord
from paperreader.store.notes import BOTH_RULE, Draft, NoteConflict, NoteState, new_owner
from paperreader.tui.screens.confirm import ConfirmScreen
from paperreader.tui.screens.dialog import Dialog

DRAFT_INTERVAL = 0.5  # seconds: the longest a typed change waits before its draft is written


def on_app(group: str):
    """Like `@work(thread=True)`, but the worker is the app's, not this screen's: a write started as
    the editor closes (discard, keep theirs) still runs, and nothing waits on a worker whose screen
    is gone."""

    def decorate(method):
        @functools.wraps(method)
        def start(self, *args, **kwargs):
            return self.app.run_worker(
                functools.partial(method, self, *args, **kwargs), thread=True, exit_on_error=False, group=group
            )

        return start

    return decorate


def quoted(title: str, limit: int = 70) -> str:
    return f"“{title if len(title) <= limit else title[: limit - 1] + '…'}”"


class NoteEditor(Dialog[str | None]):
    """Dismisses with what was done (for the notification) once the store has it, or None when the
    user leaves without saving."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="note.save", priority=True),
        Binding("escape", "leave", "Close", id="note.close"),
    ]

    def __init__(
        self,
        record: PaperRecord,
        text: str,
        *,
        library,
        base: NoteState,
        recovered: Sequence[Draft] = (),
        owner: str | None = None,
    ) -> None:
        super().__init__(classes="dialog-screen")
        self.record = record
        self.initial = text
        self.library = library
        self.base = base  # the note as it was when this edit started (its version is checked on save)
        self.saved_text = base.body
        self.recovered = list(recovered)  # drafts of other sessions this edit took over
        self.owner = owner or new_owner()  # this session's drafts
        self.saving = False
        self._draft_timer: Timer | None = None
        self._draft_dirty = False
        self._draft_writing = False
        self._draft_lock = threading.Lock()
        self._finished = False  # saved or discarded: no more draft writes (unless forced)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog editor"):
            heading = Text.assemble(("Note on ", "bold"))
            heading.append(self.record.title, style="italic")
            yield Static(heading, classes="dialog-title", markup=False)
            area = TextArea(self.initial, id="note-text", soft_wrap=True, show_line_numbers=False)
            if "markdown" in area.available_languages and len(self.initial) < 64 * 1024:
                area.language = "markdown"  # highlighting a huge note on every key would lag
            yield area
            yield Static("", id="note-status", markup=False)
            yield Static(Text("Markdown.  ctrl+s save  ·  escape close", style="dim"), classes="dialog-hint")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)
        if self.initial != self.saved_text:  # restored or handed over: make it a draft of ours at once
            self._draft_dirty = True
            self._flush_draft()

    @property
    def text(self) -> str:
        return self.query_one(TextArea).text

    @property
    def unsaved(self) -> bool:
        """The editor holds text the store's note does not."""
        return self.text != self.saved_text

    def status(self, message: str, error: bool = False) -> None:
        line = self.query_one("#note-status", Static)
        line.update(Text(message, style="" if error else "dim"))
        line.set_class(error, "-error")

    @dataclass
    class Later(Message):
        """A screen worker's result, run by the editor's own message loop as a handler (so it may
        dismiss the editor; a worker never waits for it)."""

        callback: Callable
        args: tuple

    def _later(self, callback: Callable, *args) -> None:
        """From one of this screen's workers (`@work`): post the callback (thread-safe, returns at once)."""
        self.post_message(self.Later(callback, args))

    def on_note_editor_later(self, message: Later) -> None:
        message.callback(*message.args)

    def _on_ui(self, callback: Callable, *args) -> None:
        """From an app worker (`@on_app`, the editor may be gone): run a callback that does not
        dismiss anything on the UI thread."""
        try:
            self.app.call_from_thread(callback, *args)
        except RuntimeError:  # the app has gone
            pass

    # -- drafts: a throttle, not a debounce ----------------------------------------------------------
    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self._draft_dirty = True
        if self._draft_timer is None:  # a pending write is not pushed back by more typing
            self._draft_timer = self.set_timer(DRAFT_INTERVAL, self._flush_draft)

    def _flush_draft(self) -> None:
        self._draft_timer = None
        if not self._draft_dirty:
            return
        if self._draft_writing:  # one write at a time, in order: try again shortly
            self._draft_timer = self.set_timer(DRAFT_INTERVAL / 4, self._flush_draft)
            return
        self._draft_dirty = False
        self._draft_writing = True
        self._write_draft(self.text)

    @work(thread=True, exit_on_error=False, group="note-draft")
    def _write_draft(self, text: str) -> None:
        """The throttled draft, while the editor is open."""
        self._store_draft(text)

    @on_app("note-draft")
    def _write_last_draft(self, text: str, then_quit: bool = False) -> None:
        """A draft written as the editor closes (keep theirs) or the app quits (keep as draft)."""
        error = self._store_draft(text, force=True)
        if then_quit:
            if error is None:
                self._on_ui(self.app.exit)
            else:
                self._on_ui(self._failed, error, "kept as a draft")

    def _store_draft(self, text: str, force: bool = False) -> str | None:
        """Write (or, when the text is the saved note, drop) this session's draft; the reason it
        failed, or None. One at a time, under a lock, so a late write never lands after the edit
        was discarded or saved."""
        with self._draft_lock:
            try:
                if self._finished and not force:
                    return None
                if text == self.saved_text:
                    self.library.discard_draft(self.record.id, owner=self.owner)
                else:
                    self.library.save_draft(self.record.id, text, owner=self.owner, base_version=self.base.version)
            except Exception as exc:  # a draft is a safety net: failing to write one must not stop the typing
                self._draft_dirty = True
                return self._reason(exc)
            finally:
                self._draft_writing = False
        return None

    def _stop_drafts(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        self._draft_dirty = False

    def keep_draft_and_quit(self) -> None:
        """Keep the text as this session's draft, then quit (not if the draft could not be written)."""
        self._stop_drafts()
        self._write_last_draft(self.text, True)

    def discard_and_quit(self) -> None:
        self._stop_drafts()
        self._discard_own_draft(then_quit=True)

    # -- saving ----------------------------------------------------------------------------------------
    def action_save(self) -> None:
        if self.saving:
            return
        self.save(self.text, self.base.version)

    def save(self, text: str, expected_version: int, then_quit: bool = False) -> None:
        self.saving = True
        self.status("Saving…")
        self._save(text, expected_version, then_quit)

    @work(thread=True, exit_on_error=False, group="note-save")
    def _save(self, text: str, expected_version: int, then_quit: bool) -> None:
        try:
            with self._draft_lock:  # a draft write in flight lands before the save (which drops it), never after
                state = self.library.save_note(
                    self.record.id, text, expected_version=expected_version, owner=self.owner, recovered=self.recovered
                )
                self._finished = True
        except NoteConflict as conflict:
            self._later(self._conflict, text, conflict.current)
        except Exception as exc:  # StoreError (busy, disk full), NoteTooLarge, NotFound: say it, keep the text
            self._later(self._failed, self._reason(exc), "saved", self._in_trash(exc))
        else:
            self._later(self._saved, state, then_quit)

    def _in_trash(self, exc: Exception) -> str | None:
        """The paper was deleted while the note was edited (another reader, the CLI): how to bring
        it back, since ctrl+s cannot save it until then. None for any other failure. (In the worker.)"""
        from paperreader.store.library import NotFound

        if not isinstance(exc, NotFound):
            return None
        try:
            from paperreader.store.trash import trashed

            entry = trashed(self.library, self.record.id)
        except Exception:  # the store is busy: the plain reason is said
            return None
        if entry is None:
            return None
        return (
            "the paper was deleted meanwhile; it is in the trash: ctrl+p Restore from the trash "
            f"(or paperreader restore-paper {self.record.id}) brings it back, then ctrl+s saves your text."
        )

    def _saved(self, state: NoteState, then_quit: bool) -> None:
        self.saving = False
        self._stop_drafts()
        self._finished = True
        self.saved_text = state.body
        if then_quit:  # the store has it: nothing left to show
            self.app.exit()
            return
        what = "Saved the note on" if state.body.strip() else "Removed the note from"
        self.dismiss(f"{what} {quoted(self.record.title)}")

    def _reason(self, exc: Exception) -> str:
        """What went wrong, in words: the library's path (the same for every error here) left out."""
        text = str(exc)
        prefix = f"{getattr(self.library, 'path', '')}: "
        return text[len(prefix):] if prefix != ": " and text.startswith(prefix) else text

    def _failed(self, reason: str, what: str = "saved", deleted: str | None = None) -> None:
        self.saving = False
        self._draft_dirty = True  # the draft may be behind: write it when the store lets us
        if self._draft_timer is None:
            self._draft_timer = self.set_timer(DRAFT_INTERVAL, self._flush_draft)
        if deleted is not None:  # ctrl+s will not save it while the paper is in the trash: say what will
            line = " ".join(f"The note was not {what}: {deleted}".split())
        else:
            line = " ".join(f"The note was not {what}: {reason.rstrip('.')}. Your text is still here (ctrl+s saves it).".split())
        self.status(line, error=True)
        self.notify(line, severity="error", markup=False)

    def _conflict(self, mine: str, theirs: NoteState) -> None:
        from paperreader.tui.screens.note_dialogs import NoteConflictScreen, conflict_details

        self.saving = False
        self.status("")
        question = Text("This note was saved elsewhere while you edited it ", style="bold")
        question.append("(another window or a paperreader command). Which text should the note keep?")

        def answered(choice: str | None) -> None:
            if choice == "mine":
                self.save(mine, theirs.version)
            elif choice == "both":
                self.save(mine.rstrip("\n") + BOTH_RULE + theirs.body.lstrip("\n"), theirs.version)
            elif choice == "theirs":
                self._keep_theirs(mine, theirs)
            else:
                self.status("Not saved yet: the note was changed elsewhere; ctrl+s asks again.")

        self.app.push_screen(NoteConflictScreen(question, conflict_details(mine, theirs.body)), answered)

    def _keep_theirs(self, mine: str, theirs: NoteState) -> None:
        """Their note stays; this text is kept as a draft (offered back on `n`), never thrown away."""
        self._stop_drafts()
        self._finished = True
        title = quoted(self.record.title)
        if mine != theirs.body:
            self._write_last_draft(mine)
            self.dismiss(f"Kept the other note on {title}; your text is kept as a draft (press n to get it back)")
        else:
            self.dismiss(f"Kept the note on {title}")

    # -- leaving -----------------------------------------------------------------------------------------
    def action_leave(self) -> None:
        if self.text == self.initial and self.initial == self.saved_text:
            self._stop_drafts()
            self._discard_own_draft()
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.discard()
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen("Discard the changes to this note?", yes="Discard", no="Keep editing"), answered)

    def discard(self) -> None:
        """The user threw this edit away: its own draft goes; drafts it recovered stay."""
        self._stop_drafts()
        self._discard_own_draft()

    @on_app("note-draft")
    def _discard_own_draft(self, then_quit: bool = False) -> None:
        with self._draft_lock:
            self._finished = True
            try:
                self.library.discard_draft(self.record.id, owner=self.owner)
            except Exception:
                pass  # a leftover draft is offered back next time: nothing is lost
        if then_quit:
            self._on_ui(self.app.exit)
