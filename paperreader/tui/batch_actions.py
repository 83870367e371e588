"""Star, read and tags on the papers `targets()` names (the marked ones, or the current one), and
`u`: undo the session's changes one by one. A main-screen mixin, before PaperActions in the MRO.

A change to several papers is one transaction (`store.batch`), one notification and one undo
step. Toggling several papers: if any of them is off, all are turned on; else all off.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.binding import Binding
from textual.message import Message

from paperreader.store import PaperRecord
from paperreader.tui.marks import count_papers
from paperreader.tui.messages import ActionFailed

UNDO_BINDINGS = [Binding("u", "undo", "Undo", show=False, id="undo.last")]

_WORDS = {("star", True): "starred", ("star", False): "unstarred", ("read", True): "marked read", ("read", False): "marked unread"}


def quoted(title: str, limit: int = 60) -> str:
    return f"“{title if len(title) <= limit else title[: limit - 1] + '…'}”"


def what_papers(records: list[PaperRecord]) -> str:
    """“Title” for one paper, "N papers" for several."""
    return quoted(records[0].title) if len(records) == 1 else count_papers(len(records))


@dataclass
class PapersUpdated(Message):
    """Several papers changed in the store (by us); `what` says how, for the notification."""

    records: list[PaperRecord]
    what: str = ""


class BatchActions:
    """Needs: `targets()`, `fetcher`, `undo`, `results`, `reader`, `result`, `search()`,
    `refresh_unread()`, and Screen's notify/app/post_message."""

    # -- star, read -----------------------------------------------------------------------------
    def action_star(self) -> None:
        if ids := self.targets():
            self._set_flag(ids, "star")

    def action_toggle_read(self) -> None:
        if ids := self.targets():
            self._set_flag(ids, "read")

    @work(thread=True, exit_on_error=False, group="write")
    def _set_flag(self, ids: list[str], flag: str) -> None:
        from paperreader.store.batch import restore_flag, set_flag

        library = self.fetcher.ws.library
        try:
            records = library.get_many(ids)
            if not records:
                raise LookupError("That paper is no longer in the library." if len(ids) == 1 else "Those papers are no longer in the library.")
            state = (lambda r: r.starred) if flag == "star" else (lambda r: r.read)
            on = not all(state(r) for r in records.values())
            changed = set_flag(library, flag, list(records), on)
            records = library.get_many(list(records))
        except Exception as exc:  # StoreError, the papers gone: say it, keep going
            self.post_message(ActionFailed(str(exc)))
            return
        shown = [records[pid] for pid in ids if pid in records]
        what = f"{_WORDS[(flag, on)]} {what_papers(shown)}"
        if changed:
            self.undo.push(what, lambda lib: restore_flag(lib, flag, changed))
        self.post_message(PapersUpdated(shown, what[:1].upper() + what[1:]))

    # -- tags -------------------------------------------------------------------------------------
    def action_tags(self) -> None:
        if ids := self.targets():
            self._load_tags_of(ids)

    @work(thread=True, exit_on_error=False, group="write")
    def _load_tags_of(self, ids: list[str]) -> None:
        library = self.fetcher.ws.library
        try:
            found = library.get_many(ids)
            records = [found[pid] for pid in ids if pid in found]
            known = library.all_tags()
        except Exception as exc:
            self.post_message(ActionFailed(str(exc)))
            return
        if not records:
            self.post_message(ActionFailed("That paper is no longer in the library."))
            return
        self.app.call_from_thread(self._edit_tags, records, known)

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
            if change is None:
                return
            if hasattr(change, "added"):  # the editor's TagChange: what the user added and removed
                self._change_tags(ids, set(change.added), set(change.removed))
                return
            from paperreader.text import clean_tag  # a list: the tags wanted

            wanted = {t for t in (clean_tag(x) for x in change) if t}
            self._change_tags(ids, wanted - shared, shared - wanted)

        self.app.push_screen(TagEditor(shown, known), chosen)

    @work(thread=True, exit_on_error=False, group="write")
    def _change_tags(self, ids: list[str], add: set[str], remove: set[str]) -> None:
        from paperreader.store.batch import edit_tags, restore_tags

        library = self.fetcher.ws.library
        try:
            before = edit_tags(library, ids, add, remove)
            records = library.get_many(ids)
        except Exception as exc:
            self.post_message(ActionFailed(f"The tags were not saved: {exc}"))
            return
        shown = [records[pid] for pid in ids if pid in records]
        if not shown:
            self.post_message(ActionFailed("That paper is no longer in the library."))
            return
        parts = [" ".join(f"+#{t}" for t in sorted(add)), " ".join(f"-#{t}" for t in sorted(remove))]
        change = " ".join(p for p in parts if p) or "no change"
        if before:
            self.undo.push(f"tags {change} on {what_papers(shown)}", lambda lib: restore_tags(lib, before, add, remove))
        if len(shown) == 1:
            tags = " ".join(f"#{t}" for t in shown[0].tags) or "no tags"
            self.post_message(PapersUpdated(shown, f"{quoted(shown[0].title)} now has {tags}"))
        else:
            self.post_message(PapersUpdated(shown, f"Tags {change} on {what_papers(shown)}"))

    # -- a cleared note can be undone (the note editor is NoteActions'; this wraps its two ends) ---------------
    def _edit_note(self, record: PaperRecord, state, text: str, restored=None):
        self._notes_before = getattr(self, "_notes_before", {})
        self._notes_before[record.id] = state.body
        return super()._edit_note(record, state, text, restored)

    def _note_saved(self, paper_id: str, what: str) -> None:
        before = getattr(self, "_notes_before", {}).pop(paper_id, "")
        super()._note_saved(paper_id, what)
        if before.strip():
            self._note_cleared(paper_id, before)

    @work(thread=True, exit_on_error=False, group="write")
    def _note_cleared(self, paper_id: str, before: str) -> None:
        try:
            record = self.fetcher.ws.library.get(paper_id)
        except Exception:
            return
        if record is not None and not record.has_note:
            self.undo.push(f"cleared the note on {quoted(record.title)}", lambda lib: lib.set_note(paper_id, before))

    # -- copy (export) the marked papers -----------------------------------------------------------------
    def action_copy_menu(self) -> None:
        if not self.marks:
            super().action_copy_menu()
            return
        from paperreader.tui.screens.copy_marked import CopyMarkedMenu

        ids = self.marks.ids()
        self.app.push_screen(CopyMarkedMenu(len(ids)), lambda kind: kind and self._copy_marked(ids, kind))

    @work(thread=True, exit_on_error=False, group="write")
    def _copy_marked(self, ids: list[str], kind: str) -> None:
        from paperreader.tui.citations import COPY_KINDS, copy_text

        library = self.fetcher.ws.library
        try:
            found = library.get_many(ids)
            records = [found[pid] for pid in ids if pid in found]
            if kind == "bibtex":
                from paperreader.citation import citation_keys

                keys = citation_keys(library, records)
                texts = [copy_text(r, kind, keys[r.id]) for r in records]
            else:
                texts = [copy_text(r, kind) for r in records]
        except Exception as exc:
            self.post_message(ActionFailed(f"Nothing was copied: {exc}"))
            return
        texts = [t for t in texts if t]
        if not texts:
            self.post_message(ActionFailed(f"None of the marked papers has a {COPY_KINDS[kind]}."))
            return
        text = ("\n\n" if kind == "bibtex" else "\n").join(texts) + "\n"
        self.app.call_from_thread(self.copy_text, text, f"{COPY_KINDS[kind]}s of {count_papers(len(texts))}")

    # -- showing a change -----------------------------------------------------------------------------
    def on_papers_updated(self, message: PapersUpdated) -> None:
        self.results.update_records(message.records)
        by_id = {r.id: r for r in message.records}
        if self.reader.row is not None and self.reader.row.id in by_id:
            self.reader.show(self.reader.row.with_record(by_id[self.reader.row.id]))
        if message.what:
            self.notify(message.what, markup=False, timeout=3)
        self.refresh_unread()

    # -- undo ---------------------------------------------------------------------------------------
    def action_undo(self) -> None:
        entry = self.undo.pop()
        if entry is None:
            self.notify("Nothing to undo.", timeout=2)
            return
        if self.fetcher is not None:
            self._run_undo(entry)

    @work(thread=True, exit_on_error=False, group="write")
    def _run_undo(self, entry) -> None:
        try:
            entry.undo(self.fetcher.ws.library)
        except Exception as exc:
            self.post_message(ActionFailed(f"Could not undo ({entry.description}): {exc}"))
            return
        self.app.call_from_thread(self._undone, entry.description)

    def _undone(self, description: str) -> None:
        self.notify(f"Undid: {description}", markup=False, timeout=4)
        self.refresh_view()
        self._load_history()  # an undone saved-search deletion is in the palette again
