"""The paper's note from the main screen: `n` (the note editor) and `e` ($EDITOR).

A mixin of PaperActions. The rules for two editors at once live in the store (store/notes.py):
the editor saves against the version it loaded, a draft found on opening is restored, left or
discarded only as the user says, and text from $EDITOR stays in its file until the store has it.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work

from paperreader.tui.messages import ActionFailed, PaperUpdated

if TYPE_CHECKING:
    from paperreader.store import PaperRecord
    from paperreader.store.notes import Draft, NoteState


class Gone(Exception):
    """The paper was removed (by another process) between the key press and the worker."""

    def __str__(self) -> str:
        return "That paper is no longer in the library."


def fresh(library, paper_id: str) -> PaperRecord:
    record = library.get(paper_id)
    if record is None:
        raise Gone(paper_id)
    return record


def _quoted(title: str, limit: int = 70) -> str:
    return f"“{title if len(title) <= limit else title[: limit - 1] + '…'}”"


def _when(stamp: str) -> str:
    return stamp.replace("T", " ").split("+")[0][:16] + " UTC" if stamp else "some time ago"


class NoteActions:
    """Needs `_paper()`, `fetcher` and Screen's notify/app/post_message/run_worker."""

    # -- n: the note editor ---------------------------------------------------------------------------
    def action_note(self) -> None:
        if record := self._paper():
            self._load_for_note(record.id)

    @work(thread=True, exit_on_error=False, group="write")
    def _load_for_note(self, paper_id: str) -> None:
        library = self.fetcher.ws.library
        try:
            record = fresh(library, paper_id)
            state = library.note(paper_id)
            drafts = [d for d in library.drafts(paper_id) if d.body != state.body]
        except Exception as exc:
            self.post_message(ActionFailed(str(exc)))
            return
        self.app.call_from_thread(self._open_note_editor, record, state, drafts)

    def _open_note_editor(self, record: PaperRecord, state: NoteState, drafts: list[Draft]) -> None:
        if not drafts:
            self._edit_note(record, state, state.body)
            return
        from paperreader.tui.screens.note_dialogs import DraftFound, preview

        draft = drafts[0]  # the newest; any others are offered the next time
        question = Text("This note has a draft that was never saved", style="bold")
        question.append(f" (written {_when(draft.updated_at)}; ")
        if draft.pid_alive:
            question.append("another paperreader on this machine is editing it right now; ")
        else:
            question.append("the app may have closed while it was typed; ")
        if draft.base_version != state.version:
            question.append("the note was saved since, so saving it will ask which text to keep; ")
        question.append(f"{len(drafts)} draft{'s' if len(drafts) > 1 else ''} in all). Restore it?")
        details = Text("The draft:\n", style="bold").append(preview(draft.body), style="not bold")

        def answered(choice: str | None) -> None:
            if choice == "restore":
                self._edit_note(record, state, draft.body, draft)
            elif choice == "saved":
                self._edit_note(record, state, state.body)  # the draft stays for later
            elif choice == "discard":
                self._drop_draft(draft)
                self._edit_note(record, state, state.body)

        self.app.push_screen(DraftFound(question, details), answered)

    def _edit_note(self, record: PaperRecord, state: NoteState, text: str, restored: Draft | None = None) -> None:
        from paperreader.store.notes import NoteState as State
        from paperreader.tui.screens.note_editor import NoteEditor

        # a restored draft is edited against the version it was written on, so a save made since is a conflict
        base = State(state.body, restored.base_version) if restored is not None else state
        editor = NoteEditor(record, text, library=self.fetcher.ws.library, base=base, recovered=[restored] if restored else [])
        self.app.push_screen(editor, lambda done: done and self._note_saved(record.id, done))
        return editor

    def _note_saved(self, paper_id: str, what: str) -> None:
        self._refresh_paper(paper_id, what)

    @work(thread=True, exit_on_error=False, group="write")
    def _refresh_paper(self, paper_id: str, what: str) -> None:
        try:
            record = fresh(self.fetcher.ws.library, paper_id)
        except Exception as exc:
            self.post_message(ActionFailed(str(exc)))
            return
        self.post_message(PaperUpdated(record, what))

    @work(thread=True, exit_on_error=False, group="write")
    def _drop_draft(self, draft: Draft) -> None:
        try:
            self.fetcher.ws.library.discard_draft(draft.paper_id, owner=draft.owner, body=draft.body)
        except Exception as exc:
            self.post_message(ActionFailed(f"The draft was not discarded: {exc}"))

    # -- e: the note in $EDITOR ------------------------------------------------------------------------
    def action_edit_note(self) -> None:
        """The note in the user's own editor: the app suspends while it runs."""
        if record := self._paper():
            editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or next(
                (name for name in ("nano", "vim", "vi") if shutil.which(name)), None
            )
            if not editor:
                self.notify("Set $EDITOR to edit notes in your editor (or press n).", severity="warning")
                return
            self._load_for_external(record.id, editor)

    @work(thread=True, exit_on_error=False, group="write")
    def _load_for_external(self, paper_id: str, editor: str) -> None:
        try:
            record = fresh(self.fetcher.ws.library, paper_id)
            state = self.fetcher.ws.library.note(paper_id)
        except Exception as exc:
            self.post_message(ActionFailed(str(exc)))
            return
        self.app.call_from_thread(self._run_external, record, state, editor)

    def _run_external(self, record: PaperRecord, state: NoteState, editor: str) -> None:
        """Runs on the UI thread (the terminal is handed to the editor). The file is removed only
        once the store has its text, or when nothing was changed in it."""
        folder = Path(tempfile.mkdtemp(prefix="paperreader-note-"))
        path = folder / "note.md"
        path.write_text(state.body + "\n" if state.body else "", encoding="utf-8")
        try:
            with self.app.suspend():
                code = subprocess.call([*shlex.split(editor), str(path)])
        except Exception as exc:  # SuspendNotSupported, editor not found: nothing was typed
            shutil.rmtree(folder, ignore_errors=True)
            self.notify(f"Cannot run the editor {editor!r}: {exc}", severity="error", markup=False)
            return
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            self.notify(
                f"The note was not saved: {path} is not UTF-8 text (byte {exc.start + 1}); your text is kept in that file.",
                severity="error", markup=False, timeout=30,
            )
            return
        except OSError as exc:
            self.notify(f"The note was not saved: cannot read {path} ({exc.strerror or exc}).", severity="error", markup=False)
            return
        changed = text.strip() != state.body.strip()
        if code != 0:
            if changed:
                self.notify(
                    f"The editor exited with status {code}; the note was left as it was and your text is kept in {path}.",
                    severity="warning", markup=False, timeout=30,
                )
            else:
                shutil.rmtree(folder, ignore_errors=True)
                self.notify(f"The editor exited with status {code}; the note was left as it was.", severity="warning")
        elif not changed:
            shutil.rmtree(folder, ignore_errors=True)
            self.notify("The note is unchanged.")
        else:
            self._save_external(record, state, text, path)

    @work(thread=True, exit_on_error=False, group="write")
    def _save_external(self, record: PaperRecord, state: NoteState, text: str, path: Path) -> None:
        from paperreader.store.notes import NoteConflict

        library = self.fetcher.ws.library
        try:
            saved = library.save_note(record.id, text, expected_version=state.version, owner=None)
        except NoteConflict:
            # someone saved meanwhile: the in-app editor asks mine / theirs / both (and keeps a draft)
            self.app.call_from_thread(self._external_conflict, record, state, text, path)
            return
        except Exception as exc:
            self.post_message(ActionFailed(f"The note was not saved: {exc}; your text is kept in {path}."))
            return
        shutil.rmtree(path.parent, ignore_errors=True)
        what = "Saved the note on" if saved.body.strip() else "Removed the note from"
        self._refresh_paper(record.id, f"{what} {_quoted(record.title)}")

    def _external_conflict(self, record: PaperRecord, state: NoteState, text: str, path: Path) -> None:
        editor = self._edit_note(record, state, text)
        self.notify(f"The note was changed elsewhere while you edited it; your text is also kept in {path}.", markup=False)
        editor.call_after_refresh(editor.action_save)
