"""What the keys do to papers: star, read and tags on the papers a key acts on (the marked ones,
or the current one), copy, open and links, and `u`: undo the session's changes one by one.

A plain service the main screen builds once the library is open: `PaperActions(library, undo, ui)`.
Every store call runs in a worker that ends by posting PapersUpdated (or ActionFailed); the
screen redraws the rows and the reader from that. A change to several papers is one transaction
(`store.batch`), one notification and one undo step. Toggling several papers: if any of them is
off, all are turned on; else all off.
"""

from __future__ import annotations

import subprocess

from textual.binding import Binding

from paperreader.store import PaperRecord
from paperreader.tui.actions.port import UiPort
from paperreader.tui.marks import count_papers
from paperreader.tui.messages import ActionFailed, PapersUpdated, Undone
from paperreader.tui.undo import UndoStack

# The dialogs, the store's batch changes, the citation formats, the clipboard and the browser are
# imported when a key first needs them, not before the first screen is painted.

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
UNDO_BINDINGS = [Binding("u", "undo", "Undo", show=False, id="undo.last")]

COPY_SAYS_FROM = 500  # marked papers: a copy of this many is announced before it is ready

_WORDS = {("star", True): "starred", ("star", False): "unstarred", ("read", True): "marked read", ("read", False): "marked unread"}


def quoted(title: str, limit: int = 60) -> str:
    return f"“{title if len(title) <= limit else title[: limit - 1] + '…'}”"


def what_papers(records: list[PaperRecord]) -> str:
    """“Title” for one paper, "N papers" for several."""
    return quoted(records[0].title) if len(records) == 1 else count_papers(len(records))


def _gone(ids: list[str]) -> str:
    return "That paper is no longer in the library." if len(ids) == 1 else "Those papers are no longer in the library."


class PaperActions:
    """Star, read, tags, copy, open, links and undo, on papers named by the screen."""

    def __init__(self, library, undo: UndoStack, ui: UiPort) -> None:
        self.library = library
        self.undo = undo
        self.ui = ui

    # -- star, read -----------------------------------------------------------------------------
    def toggle_flag(self, ids: list[str], flag: str) -> None:
        """Star or read: on for all of them if any is off, else off for all."""
        self.ui.in_thread(self._set_flag, ids, flag, group="write")

    def _set_flag(self, ids: list[str], flag: str) -> None:
        from paperreader.store.batch import restore_flag, set_flag

        library = self.library
        try:
            records = library.get_many(ids)
            if not records:
                raise LookupError(_gone(ids))
            state = (lambda r: r.starred) if flag == "star" else (lambda r: r.read)
            on = not all(state(r) for r in records.values())
            changed = set_flag(library, flag, list(records), on)
            records = library.get_many(list(records))
        except Exception as exc:  # StoreError, the papers gone: say it, keep going
            self.ui.post(ActionFailed(str(exc)))
            return
        shown = [records[pid] for pid in ids if pid in records]
        what = f"{_WORDS[(flag, on)]} {what_papers(shown)}"
        if changed:
            self.undo.push(what, lambda lib: restore_flag(lib, flag, changed))
        self.ui.post(PapersUpdated(shown, what[:1].upper() + what[1:]))

    def mark_read(self, paper_id: str) -> None:
        """Opening a paper marks it read (no notification, no undo step)."""
        self.ui.in_thread(self._mark_read, paper_id, group="write")

    def _mark_read(self, paper_id: str) -> None:
        from paperreader.store.batch import set_flag

        try:
            if set_flag(self.library, "read", [paper_id], True):
                self.ui.post(PapersUpdated(list(self.library.get_many([paper_id]).values())))
        except Exception:  # a paper gone meanwhile: nothing to mark
            return

    # -- tags -------------------------------------------------------------------------------------
    def edit_tags(self, ids: list[str]) -> None:
        self.ui.hold_keys()  # typed before the editor is up, keys are the tags
        self.ui.in_thread(self._load_tags_of, ids, group="write")

    def _load_tags_of(self, ids: list[str]) -> None:
        try:
            if len(ids) == 1:  # the editor shows the paper
                found = self.library.get_many(ids)
                records = [found[pid] for pid in ids if pid in found]
            else:  # only their tags: with thousands marked, whole records took seconds while keys waited
                tags = self.library.tags_of(ids)
                records = [PaperRecord(id=pid, title="", tags=tags[pid]) for pid in ids if pid in tags]
            known = self.library.all_tags()
        except Exception as exc:
            self.ui.release_keys()
            self.ui.post(ActionFailed(str(exc)))
            return
        if not records:
            self.ui.release_keys()
            self.ui.post(ActionFailed(_gone([""])))
            return
        self.ui.on_ui(self._edit_tags, records, known)

    def _edit_tags(self, records: list[PaperRecord], known) -> None:
        """One paper: its tags. Several: the tags all of them share; what is added or taken away
        there is added to or taken from each of them (their other tags stay)."""
        from paperreader.tui.screens.tags import TagEditor

        shared = set(records[0].tags).intersection(*(r.tags for r in records[1:]))
        if len(records) == 1:
            shown = records[0]
        else:
            shown = PaperRecord(id="", title=f"{count_papers(len(records))} (the tags all of them have)", tags=tuple(sorted(shared)))
        ids = [r.id for r in records]

        def chosen(change) -> None:
            from paperreader.text import clean_tag

            if change is None:
                return
            if hasattr(change, "added"):  # the editor's TagChange: what the user added and removed
                self.ui.in_thread(self._change_tags, ids, set(change.added), set(change.removed), group="write")
                return
            wanted = {t for t in (clean_tag(x) for x in change) if t}  # a list: the tags wanted
            self.ui.in_thread(self._change_tags, ids, wanted - shared, shared - wanted, group="write")

        self.ui.ask(TagEditor(shown, known), chosen)

    def _change_tags(self, ids: list[str], add: set[str], remove: set[str]) -> None:
        from paperreader.store.batch import edit_tags, restore_tags

        try:
            before = edit_tags(self.library, ids, add, remove)
            records = self.library.get_many(ids)
        except Exception as exc:
            self.ui.post(ActionFailed(f"The tags were not saved: {exc}"))
            return
        shown = [records[pid] for pid in ids if pid in records]
        if not shown:
            self.ui.post(ActionFailed(_gone([""])))
            return
        parts = [" ".join(f"+#{t}" for t in sorted(add)), " ".join(f"-#{t}" for t in sorted(remove))]
        change = " ".join(p for p in parts if p) or "no change"
        if before:
            self.undo.push(f"tags {change} on {what_papers(shown)}", lambda lib: restore_tags(lib, before, add, remove))
        if len(shown) == 1:
            tags = " ".join(f"#{t}" for t in shown[0].tags) or "no tags"
            self.ui.post(PapersUpdated(shown, f"{quoted(shown[0].title)} now has {tags}"))
        else:
            self.ui.post(PapersUpdated(shown, f"Tags {change} on {what_papers(shown)}"))

    # -- copy -------------------------------------------------------------------------------------------
    def copy_menu(self, record: PaperRecord) -> None:
        from paperreader.tui.screens.pick import CopyMenu

        # the menu is there at once (keys typed after y reach it); the BibTeX key, a lookup
        # in the library, fills its preview from a worker
        menu = CopyMenu(record, key_for=self.citation_key_of)
        self.ui.ask(menu, lambda kind: kind and self.copy(record, kind))

    def citation_key_of(self, record: PaperRecord) -> str:
        """The paper's key in the library, as `export --format bibtex` gives it. Blocking: workers only."""
        from paperreader.citation import citation_key

        return citation_key(self.library, record)

    def copy(self, record: PaperRecord, kind: str) -> None:
        from paperreader.tui.citations import COPY_KINDS, copy_text

        if kind == "bibtex":
            self.ui.in_thread(self._copy_bibtex, record, group="copy")
            return
        text = copy_text(record, kind)
        if text is None:
            self.ui.notify(f"This paper has no {COPY_KINDS[kind]}.", severity="warning")
            return
        self.copy_text(text, COPY_KINDS[kind])

    def _copy_bibtex(self, record: PaperRecord) -> None:
        from paperreader.tui.citations import copy_text

        try:
            text = copy_text(record, "bibtex", self.citation_key_of(record))
        except Exception as exc:  # StoreError
            self.ui.post(ActionFailed(f"Could not make the BibTeX entry: {exc}"))
            return
        self.ui.on_ui(self.copy_text, text, "BibTeX")

    def copy_marked_menu(self, ids: list[str]) -> None:
        """Copy (export) the marked papers: one text for all of them."""
        from paperreader.tui.screens.copy_marked import CopyMarkedMenu

        self.ui.ask(CopyMarkedMenu(len(ids)), lambda kind: kind and self._start_copy_marked(ids, kind))

    def _start_copy_marked(self, ids: list[str], kind: str) -> None:
        if len(ids) >= COPY_SAYS_FROM:  # thousands take seconds (BibTeX keys): say it has started
            self.ui.notify(f"Copying {count_papers(len(ids))}…", markup=False)
        self.ui.in_thread(self._copy_marked, ids, kind, group="write")

    def _copy_marked(self, ids: list[str], kind: str) -> None:
        from paperreader.citation import citation_keys
        from paperreader.tui.citations import COPY_KINDS, copy_text

        library = self.library
        try:
            found = library.get_many(ids)
            records = [found[pid] for pid in ids if pid in found]
            if kind == "bibtex":
                keys = citation_keys(library, records)
                texts = [copy_text(r, kind, keys[r.id]) for r in records]
            else:
                texts = [copy_text(r, kind) for r in records]
        except Exception as exc:
            self.ui.post(ActionFailed(f"Nothing was copied: {exc}"))
            return
        texts = [t for t in texts if t]
        if not texts:
            self.ui.post(ActionFailed(f"None of the marked papers has a {COPY_KINDS[kind]}."))
            return
        text = ("\n\n" if kind == "bibtex" else "\n").join(texts) + "\n"
        self.ui.on_ui(self.copy_text, text, f"{COPY_KINDS[kind]}s of {count_papers(len(texts))}")

    def copy_text(self, text: str, what: str) -> None:
        self.ui.app.copy_to_clipboard(text)  # OSC 52, and the app's own clipboard for pasting
        self.ui.in_thread(self._copy_system, text, what, group="clipboard")

    def _copy_system(self, text: str, what: str) -> None:
        from paperreader.tui.clipboard import copy_with_system, describe

        app = self.ui.app
        system = copy_with_system(text, app.system_copy, app.environ)
        self.ui.on_ui(self.ui.notify, describe(what, text, system), markup=False)

    # -- open, links ---------------------------------------------------------------------------------
    def open_link(self, record: PaperRecord) -> None:
        if record.link is None:
            self.ui.notify("This paper has no link.", severity="warning")
        else:
            self.open_url(record.link.url)

    def open_url(self, url: str) -> None:
        self.ui.in_thread(self._open_url, url, group="browser")

    def _open_url(self, url: str) -> None:
        """`$BROWSER` when it is set (display or not, SSH or not), else a graphical browser if
        there is one here, else the link is copied; the status line says which."""
        from paperreader.tui.web_browser import browser_command

        app = self.ui.app
        command = browser_command(url, app.environ)
        if command is not None and command.console:
            self.ui.on_ui(self._run_console_browser, command, url)
            return
        if command is not None:
            from paperreader.tui.web_browser import run_detached

            problem = run_detached(command)
            if problem is None:
                self.ui.on_ui(self.ui.notify, f"Opened the link with $BROWSER: {command.shown}", markup=False)
            else:
                self.ui.on_ui(self._cannot_open, url, f"$BROWSER ({command.shown}) failed: {problem}.")
            return
        if app.environ.get("BROWSER"):
            self.ui.on_ui(self._cannot_open, url, f"$BROWSER ({app.environ['BROWSER']}) names nothing that runs here.")
            return
        try:
            opened = app.url_opener(url)
        except Exception:
            opened = False
        if opened:
            self.ui.on_ui(self.ui.notify, f"Opened {url}", markup=False)
        else:
            self.ui.on_ui(self._cannot_open, url)

    def _cannot_open(self, url: str, why: str = "No browser to open here (SSH or no display; $BROWSER is not set).") -> None:
        self.ui.app.copy_to_clipboard(url)
        self.ui.notify(f"{why} The link was copied instead:\n{url}", severity="warning", markup=False)

    def _run_console_browser(self, command, url: str) -> None:
        """A text browser from `$BROWSER` takes the terminal while it runs (like `$EDITOR`)."""
        try:
            with self.ui.app.suspend():
                code = subprocess.call(command.argv)
        except Exception as exc:  # SuspendNotSupported, the command gone
            self._cannot_open(url, f"$BROWSER ({command.shown}) could not run: {exc}.")
            return
        if code == 0:
            self.ui.notify(f"Opened the link with $BROWSER: {command.shown}", markup=False)
        else:
            self.ui.notify(f"$BROWSER ({command.shown}) exited with status {code}.", severity="warning", markup=False)

    def links(self, record: PaperRecord) -> None:
        from paperreader.tui.screens.pick import LinksMenu

        self.ui.ask(LinksMenu(record), self._link_chosen)

    def _link_chosen(self, choice: tuple[str, str] | None) -> None:
        if choice is None:
            return
        what, url = choice
        if what == "open":
            self.open_url(url)
        else:
            self.copy_text(url, "link")

    # -- undo ---------------------------------------------------------------------------------------
    def undo_last(self) -> None:
        entry = self.undo.pop()
        if entry is None:
            self.ui.notify("Nothing to undo.", timeout=2)
            return
        self.ui.in_thread(self._run_undo, entry, group="write")

    def _run_undo(self, entry) -> None:
        try:
            entry.undo(self.library)
        except Exception as exc:
            self.ui.post(ActionFailed(f"Could not undo ({entry.description}): {exc}"))
            return
        self.ui.post(Undone(entry.description))
