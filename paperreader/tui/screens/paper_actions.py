"""What the keys do to the paper in the reader: star, read, note, tags, copy, open, links, similar.

A mixin for the main screen. Every store call runs in a worker that ends by posting PaperUpdated
(or ActionFailed); the screen redraws the row and the reader from that.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.binding import Binding

from paperreader.tui.messages import ActionFailed, PaperUpdated
from paperreader.tui.screens.note_actions import Gone, NoteActions, fresh  # noqa: F401 (Gone, fresh: re-exported)

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


def _quoted(title: str, limit: int = 70) -> str:
    return f"“{title if len(title) <= limit else title[: limit - 1] + '…'}”"


class PaperActions(NoteActions):
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
