"""The paper's note from the main screen: `n` (the note editor) and `e` ($EDITOR).

A plain service the main screen builds once the library is open: `NoteActions(library, undo, ui)`.
The rules for two editors at once live in the store (store/notes.py): the editor saves against
the version it loaded, a draft found on opening is restored, left or discarded only as the user
says, and text from $EDITOR stays in its file until the store has it. A note cleared here is one
undo step.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text

from paperreader.tui.actions.port import UiPort
from paperreader.tui.messages import ActionFailed, PaperUpdated
from paperreader.tui.undo import UndoStack

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
    """The note editor and $EDITOR on one paper."""

    def __init__(self, library, undo: UndoStack, ui: UiPort) -> None:
        self.library = library
        self.undo = undo
        self.ui = ui
        self._notes_before: dict[str, str] = {}  # the note as the editor opened it: a cleared note is undoable

    # -- n: the note editor ---------------------------------------------------------------------------
    def edit(self, record: PaperRecord) -> None:
        self.ui.hold_keys()  # typed before the editor is up, keys are the note's text
        self.ui.in_thread(self._load_for_note, record.id, group="write")

    def _load_for_note(self, paper_id: str) -> None:
        library = self.library
        try:
            record = fresh(library, paper_id)
            state = library.note(paper_id)
            drafts = [d for d in library.drafts(paper_id) if d.body != state.body]
        except Exception as exc:
            self.ui.release_keys()
            self.ui.post(ActionFailed(str(exc)))
            return
        self.ui.on_ui(self._open_note_editor, record, state, drafts)

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

        self.ui.ask(DraftFound(question, details), answered)

    def _edit_note(self, record: PaperRecord, state: NoteState, text: str, restored: Draft | None = None):
        from paperreader.store.notes import NoteState
        from paperreader.tui.screens.note_editor import NoteEditor

        self._notes_before[record.id] = state.body
        # a restored draft is edited against the version it was written on, so a save made since is a conflict
        base = NoteState(state.body, restored.base_version) if restored is not None else state
        editor = NoteEditor(record, text, library=self.library, base=base, recovered=[restored] if restored else [])
        self.ui.ask(editor, lambda done: done and self._note_saved(record.id, done))
        return editor

    def _note_saved(self, paper_id: str, what: str) -> None:
        before = self._notes_before.pop(paper_id, "")
        self._refresh_paper(paper_id, what)
        if before.strip():
            self.ui.in_thread(self._note_cleared, paper_id, before, group="write")

    def _note_cleared(self, paper_id: str, before: str) -> None:
        try:
            record = self.library.get(paper_id)
        except Exception:
            return
        if record is not None and not record.has_note:
            self.undo.push(f"cleared the note on {_quoted(record.title, 60)}", lambda lib: lib.set_note(paper_id, before))

    def _refresh_paper(self, paper_id: str, what: str) -> None:
        self.ui.in_thread(self._read_paper, paper_id, what, group="write")

    def _read_paper(self, paper_id: str, what: str) -> None:
        try:
            record = fresh(self.library, paper_id)
        except Exception as exc:
            self.ui.post(ActionFailed(str(exc)))
            return
        self.ui.post(PaperUpdated(record, what))

    def _drop_draft(self, draft: Draft) -> None:
        self.ui.in_thread(self._discard_draft, draft, group="write")

    def _discard_draft(self, draft: Draft) -> None:
        try:
            self.library.discard_draft(draft.paper_id, owner=draft.owner, body=draft.body)
        except Exception as exc:
            self.ui.post(ActionFailed(f"The draft was not discarded: {exc}"))

    # -- e: the note in $EDITOR ------------------------------------------------------------------------
    def edit_in_editor(self, record: PaperRecord) -> None:
        """The note in the user's own editor: the app suspends while it runs."""
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or next(
            (name for name in ("nano", "vim", "vi") if shutil.which(name)), None
        )
        if not editor:
            self.ui.notify("Set $EDITOR to edit notes in your editor (or press n).", severity="warning")
            return
        self.ui.in_thread(self._load_for_external, record.id, editor, group="write")

    def _load_for_external(self, paper_id: str, editor: str) -> None:
        try:
            record = fresh(self.library, paper_id)
            state = self.library.note(paper_id)
        except Exception as exc:
            self.ui.post(ActionFailed(str(exc)))
            return
        self.ui.on_ui(self._run_external, record, state, editor)

    def _run_external(self, record: PaperRecord, state: NoteState, editor: str) -> None:
        """Runs on the UI thread (the terminal is handed to the editor). The file is removed only
        once the store has its text, or when nothing was changed in it."""
        folder = Path(tempfile.mkdtemp(prefix="paperreader-note-"))
        path = folder / "note.md"
        path.write_text(state.body + "\n" if state.body else "", encoding="utf-8")
        import shlex  # here, not at the top: the launch never runs an editor (~0.4 ms CPU of imports)

        try:
            with self.ui.app.suspend():
                code = subprocess.call([*shlex.split(editor), str(path)])
        except Exception as exc:  # SuspendNotSupported, editor not found: nothing was typed
            shutil.rmtree(folder, ignore_errors=True)
            self.ui.notify(f"Cannot run the editor {editor!r}: {exc}", severity="error", markup=False)
            return
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            self.ui.notify(
                f"The note was not saved: {path} is not UTF-8 text (byte {exc.start + 1}); your text is kept in that file.",
                severity="error", markup=False, timeout=30,
            )
            return
        except OSError as exc:
            self.ui.notify(f"The note was not saved: cannot read {path} ({exc.strerror or exc}).", severity="error", markup=False)
            return
        changed = text.strip() != state.body.strip()
        if code != 0:
            if changed:
                self.ui.notify(
                    f"The editor exited with status {code}; the note was left as it was and your text is kept in {path}.",
                    severity="warning", markup=False, timeout=30,
                )
            else:
                shutil.rmtree(folder, ignore_errors=True)
                self.ui.notify(f"The editor exited with status {code}; the note was left as it was.", severity="warning")
        elif not changed:
            shutil.rmtree(folder, ignore_errors=True)
            self.ui.notify("The note is unchanged.")
        else:
            self.ui.in_thread(self._save_external, record, state, text, path, group="write")

    def _save_external(self, record: PaperRecord, state: NoteState, text: str, path: Path) -> None:
        from paperreader.store.notes import NoteConflict

        library = self.library
        try:
            saved = library.save_note(record.id, text, expected_version=state.version, owner=None)
        except NoteConflict:
            # someone saved meanwhile: the in-app editor asks mine / theirs / both (and keeps a draft)
            self.ui.on_ui(self._external_conflict, record, state, text, path)
            return
        except Exception as exc:
            self.ui.post(ActionFailed(f"The note was not saved: {exc}; your text is kept in {path}."))
            return
        shutil.rmtree(path.parent, ignore_errors=True)
        what = "Saved the note on" if saved.body.strip() else "Removed the note from"
        self._refresh_paper(record.id, f"{what} {_quoted(record.title)}")

    def _external_conflict(self, record: PaperRecord, state: NoteState, text: str, path: Path) -> None:
        editor = self._edit_note(record, state, text)
        self.ui.notify(f"The note was changed elsewhere while you edited it; your text is also kept in {path}.", markup=False)
        editor.call_after_refresh(editor.action_save)
