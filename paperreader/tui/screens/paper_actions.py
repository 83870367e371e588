"""What the keys do to the paper in the reader: star, read, note, tags, copy, open, links, similar.

A mixin for the main screen. Every store call runs in a worker that ends by posting PaperUpdated
(or ActionFailed); the screen redraws the row and the reader from that.
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
from textual.binding import Binding

from paperreader.tui.messages import ActionFailed, PaperUpdated

if TYPE_CHECKING:
    from paperreader.store import PaperRecord

# The dialogs (the note editor's TextArea above all) and the citation formats are imported when a
# key first needs them, not before the first screen is painted.

PAPER_BINDINGS = [
    Binding("s", "star", "Star", id="paper.star"),
    Binding("n", "note", "Note", id="paper.note"),
    Binding("e", "edit_note", "Note in $EDITOR", show=False, id="paper.edit_note"),
    Binding("t", "tags", "Tags", show=False, id="paper.tags"),
    Binding("r", "toggle_read", "Read", show=False, id="paper.read"),
    Binding("y", "copy_menu", "Copy", id="paper.copy"),
    Binding("Y", "copy_link", "Copy link", show=False, id="paper.copy_link"),
    Binding("o", "open_link", "Open", show=False, id="paper.open"),
    Binding("l", "links", "Links", show=False, id="paper.links"),
    Binding("m", "similar", "More like this", show=False, id="paper.similar"),
]


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


class PaperActions:
    """Needs: `current_record()`, `fetcher`, `show_similar()`, and Screen's notify/app/post_message."""

    def _paper(self) -> PaperRecord | None:
        record = self.current_record()
        if record is None:
            self.notify("No paper selected.", severity="warning")
        return record

    # -- star, read -----------------------------------------------------------------------------
    def action_star(self) -> None:
        if record := self._paper():
            self._toggle(record.id, "star")

    def action_toggle_read(self) -> None:
        if record := self._paper():
            self._toggle(record.id, "read")

    @work(thread=True, exit_on_error=False, group="write")
    def _toggle(self, paper_id: str, what: str) -> None:
        library = self.fetcher.ws.library
        try:
            on = library.toggle_star(paper_id) if what == "star" else library.toggle_read(paper_id)
            record = fresh(library, paper_id)
        except Exception as exc:  # StoreError, NotFound: say it, keep going
            self.post_message(ActionFailed(str(exc)))
            return
        word = {("star", True): "Starred", ("star", False): "Unstarred", ("read", True): "Marked read", ("read", False): "Marked unread"}
        self.post_message(PaperUpdated(record, f"{word[(what, on)]} {_quoted(record.title)}"))

    # -- the note ---------------------------------------------------------------------------------
    def action_note(self) -> None:
        if record := self._paper():
            self._load_for_note(record.id)

    @work(thread=True, exit_on_error=False, group="write")
    def _load_for_note(self, paper_id: str) -> None:
        library = self.fetcher.ws.library
        try:
            record = fresh(library, paper_id)
            draft = library.get_draft(paper_id)
        except Exception as exc:
            self.post_message(ActionFailed(str(exc)))
            return
        self.app.call_from_thread(self._open_note_editor, record, draft)

    def _open_note_editor(self, record: PaperRecord, draft: str | None) -> None:
        library = self.fetcher.ws.library

        from paperreader.tui.screens.confirm import ConfirmScreen
        from paperreader.tui.screens.note_editor import NoteEditor

        def edit(text: str) -> None:
            self.app.push_screen(NoteEditor(record, text, lambda body: library.save_draft(record.id, body)), done)

        def done(text: str | None) -> None:
            if text is None:
                self._discard_draft(record.id)
            elif text != record.note:
                self._save_note(record.id, text)
            else:
                self._discard_draft(record.id)

        if draft is not None and draft != record.note:
            question = Text("This note has a draft that was never saved (the app may have closed while you typed). ")
            question.append("Restore the draft?", style="bold")
            self.app.push_screen(
                ConfirmScreen(question, yes="Restore", no="Start from the saved note"),
                lambda restore: edit(draft if restore else record.note),
            )
        else:
            edit(record.note)

    @work(thread=True, exit_on_error=False, group="write")
    def _save_note(self, paper_id: str, text: str) -> None:
        try:
            self.fetcher.ws.library.set_note(paper_id, text)
            record = fresh(self.fetcher.ws.library, paper_id)
        except Exception as exc:
            self.post_message(ActionFailed(f"The note was not saved: {exc}"))
            return
        what = "Saved the note on" if record.has_note else "Removed the note from"
        self.post_message(PaperUpdated(record, f"{what} {_quoted(record.title)}"))

    @work(thread=True, exit_on_error=False, group="write")
    def _discard_draft(self, paper_id: str) -> None:
        try:
            self.fetcher.ws.library.discard_draft(paper_id)
        except Exception:
            pass

    def action_edit_note(self) -> None:
        """The note in the user's own editor: the app suspends while it runs."""
        record = self._paper()
        if record is None:
            return
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or next(
            (name for name in ("nano", "vim", "vi") if shutil.which(name)), None
        )
        if not editor:
            self.notify("Set $EDITOR to edit notes in your editor (or press n).", severity="warning")
            return
        with tempfile.TemporaryDirectory(prefix="paperreader-note-") as tmp:
            path = Path(tmp) / "note.md"
            path.write_text(record.note + "\n" if record.note else "", encoding="utf-8")
            try:
                with self.app.suspend():
                    code = subprocess.call([*shlex.split(editor), str(path)])
            except Exception as exc:  # SuspendNotSupported, editor not found
                self.notify(f"Cannot run the editor {editor!r}: {exc}", severity="error", markup=False)
                return
            text = path.read_text(encoding="utf-8")
        if code != 0:
            self.notify(f"The editor exited with status {code}; the note was left as it was.", severity="warning")
        elif text.strip() != record.note.strip():
            self._save_note(record.id, text)
        else:
            self.notify("The note is unchanged.")

    # -- tags ---------------------------------------------------------------------------------------
    def action_tags(self) -> None:
        if record := self._paper():
            self._load_for_tags(record.id)

    @work(thread=True, exit_on_error=False, group="write")
    def _load_for_tags(self, paper_id: str) -> None:
        try:
            record = fresh(self.fetcher.ws.library, paper_id)
            known = self.fetcher.ws.library.all_tags()
        except Exception as exc:
            self.post_message(ActionFailed(str(exc)))
            return
        from paperreader.tui.screens.tags import TagEditor

        self.app.call_from_thread(
            self.app.push_screen, TagEditor(record, known), lambda tags: tags is not None and self._save_tags(record.id, tags)
        )

    @work(thread=True, exit_on_error=False, group="write")
    def _save_tags(self, paper_id: str, tags: list[str]) -> None:
        try:
            saved = self.fetcher.ws.library.set_tags(paper_id, tags)
            record = fresh(self.fetcher.ws.library, paper_id)
        except Exception as exc:
            self.post_message(ActionFailed(f"The tags were not saved: {exc}"))
            return
        shown = " ".join(f"#{t}" for t in saved) if saved else "no tags"
        self.post_message(PaperUpdated(record, f"{_quoted(record.title)} now has {shown}"))

    # -- copy, open, links -------------------------------------------------------------------------
    def action_copy_menu(self) -> None:
        if record := self._paper():
            from paperreader.tui.screens.pick import CopyMenu

            # the menu is there at once (keys typed after y reach it); the BibTeX key, a lookup
            # in the library, fills its preview from a worker
            menu = CopyMenu(record, key_for=self.citation_key_of)
            self.app.push_screen(menu, lambda kind: kind and self.copy(record, kind))

    def citation_key_of(self, record: PaperRecord) -> str:
        """The paper's key in the library, as `export --format bibtex` gives it. Blocking: workers only."""
        from paperreader.citation import citation_key

        return citation_key(self.fetcher.ws.library, record)

    def action_copy_link(self) -> None:
        if record := self._paper():
            self.copy(record, "link")

    def copy(self, record: PaperRecord, kind: str) -> None:
        from paperreader.tui.citations import COPY_KINDS, copy_text

        if kind == "bibtex":
            self._copy_bibtex(record)
            return
        text = copy_text(record, kind)
        if text is None:
            self.notify(f"This paper has no {COPY_KINDS[kind]}.", severity="warning")
            return
        self.copy_text(text, COPY_KINDS[kind])

    @work(thread=True, exit_on_error=False, group="copy")
    def _copy_bibtex(self, record: PaperRecord) -> None:
        from paperreader.tui.citations import copy_text

        try:
            text = copy_text(record, "bibtex", self.citation_key_of(record))
        except Exception as exc:  # StoreError
            self.post_message(ActionFailed(f"Could not make the BibTeX entry: {exc}"))
            return
        self.app.call_from_thread(self.copy_text, text, "BibTeX")

    def copy_text(self, text: str, what: str) -> None:
        self.app.copy_to_clipboard(text)  # OSC 52, and the app's own clipboard for pasting
        self._copy_system(text, what)

    @work(thread=True, exit_on_error=False, group="clipboard")
    def _copy_system(self, text: str, what: str) -> None:
        from paperreader.tui.clipboard import copy_with_system, describe

        system = copy_with_system(text, self.app.system_copy, self.app.environ)
        self.app.call_from_thread(self.notify, describe(what, text, system), markup=False)

    def action_open_link(self) -> None:
        if record := self._paper():
            if record.link is None:
                self.notify("This paper has no link.", severity="warning")
            else:
                self.open_url(record.link.url)

    def open_url(self, url: str) -> None:
        self._open_url(url)

    @work(thread=True, exit_on_error=False, group="browser")
    def _open_url(self, url: str) -> None:
        """`$BROWSER` when it is set (display or not, SSH or not), else a graphical browser if
        there is one here, else the link is copied; the status line says which."""
        from paperreader.tui.browser import browser_command, run_detached

        command = browser_command(url, self.app.environ)
        if command is not None and command.console:
            self.app.call_from_thread(self._run_console_browser, command, url)
            return
        if command is not None:
            problem = run_detached(command)
            if problem is None:
                self.app.call_from_thread(self.notify, f"Opened the link with $BROWSER: {command.shown}", markup=False)
            else:
                self.app.call_from_thread(self._cannot_open, url, f"$BROWSER ({command.shown}) failed: {problem}.")
            return
        if self.app.environ.get("BROWSER"):
            self.app.call_from_thread(self._cannot_open, url, f"$BROWSER ({self.app.environ['BROWSER']}) names nothing that runs here.")
            return
        try:
            opened = self.app.url_opener(url)
        except Exception:
            opened = False
        if opened:
            self.app.call_from_thread(self.notify, f"Opened {url}", markup=False)
        else:
            self.app.call_from_thread(self._cannot_open, url)

    def _cannot_open(self, url: str, why: str = "No browser to open here (SSH or no display; $BROWSER is not set).") -> None:
        self.app.copy_to_clipboard(url)
        self.notify(f"{why} The link was copied instead:\n{url}", severity="warning", markup=False)

    def _run_console_browser(self, command, url: str) -> None:
        """A text browser from `$BROWSER` takes the terminal while it runs (like `$EDITOR`)."""
        import subprocess

        try:
            with self.app.suspend():
                code = subprocess.call(command.argv)
        except Exception as exc:  # SuspendNotSupported, the command gone
            self._cannot_open(url, f"$BROWSER ({command.shown}) could not run: {exc}.")
            return
        if code == 0:
            self.notify(f"Opened the link with $BROWSER: {command.shown}", markup=False)
        else:
            self.notify(f"$BROWSER ({command.shown}) exited with status {code}.", severity="warning", markup=False)

    def action_links(self) -> None:
        if record := self._paper():
            from paperreader.tui.screens.pick import LinksMenu

            self.app.push_screen(LinksMenu(record), self._link_chosen)

    def _link_chosen(self, choice: tuple[str, str] | None) -> None:
        if choice is None:
            return
        what, url = choice
        if what == "open":
            self.open_url(url)
        else:
            self.copy_text(url, "link")

    # -- more like this ---------------------------------------------------------------------------------
    def action_similar(self) -> None:
        if record := self._paper():
            self.show_similar(record.id)

    def on_action_failed(self, message: ActionFailed) -> None:
        self.notify(message.error, severity="error", markup=False)
