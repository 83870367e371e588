"""The keys that act on papers, wired to the services that do the work (`tui/actions/`).

Each `action_*` names the papers (`targets()`: the marked ones, else the current one) and calls
one service method; the services post messages back (PapersUpdated, PapersDeleted, ...), handled
here by changing the screen's state (a new result set, new marks) and the reader. The services
are built once the library is open (`library_opened`), with their dependencies spelled out.
"""

from __future__ import annotations

from textual import work

import paperreader.tui.messages as msg
from paperreader.store import PaperRecord
from paperreader.tui.actions.library import LibraryActions
from paperreader.tui.actions.notes import NoteActions
from paperreader.tui.actions.papers import PaperActions
from paperreader.tui.actions.port import UiPort
from paperreader.tui.marks import Marks, count_papers
from paperreader.tui.undo import UndoStack

KEY_AFTER = 0.3  # seconds a paper is shown before the reader looks its citation key up


class PaperKeys:
    """The main screen's keys on papers. Uses the screen's state (`result`, `marks`, `fetcher`,
    `index_ready`), its widgets (`results`, `reader`, `search_box`) and `search()`."""

    papers: PaperActions | None = None
    notes: NoteActions | None = None
    library_actions: LibraryActions | None = None
    undo: UndoStack | None = None
    _key_timer = None
    _key_wanted: PaperRecord | None = None

    def library_opened(self, fetcher) -> None:
        """The library is open: the searches' fetcher and the services on its store."""
        self.fetcher = fetcher
        library, ui = fetcher.ws.library, UiPort(self)
        self.undo = UndoStack()  # u: this session's changes, newest last
        self.papers = PaperActions(library, self.undo, ui)
        self.notes = NoteActions(library, self.undo, ui)
        self.library_actions = LibraryActions(library, self.undo, ui)

    # -- which papers ----------------------------------------------------------------------------------
    def targets(self) -> list[str]:
        """The ids a paper action acts on: the marked papers if any, else the current paper
        (under the list's cursor, or open in the reader). Empty (and a warning shown) if none."""
        if self.papers is None:
            return []
        if self.marks:
            return self.marks.ids()
        record = self._record()
        return [record.id] if record is not None else []

    def _record(self) -> PaperRecord | None:
        record = self.current_record() if self.papers is not None else None
        if record is None and self.papers is not None:
            self.notify("No paper selected.", severity="warning")
        return record

    # -- the keys ----------------------------------------------------------------------------------------
    def action_star(self) -> None:
        if ids := self.targets():
            self.papers.toggle_flag(ids, "star")

    def action_toggle_read(self) -> None:
        if ids := self.targets():
            self.papers.toggle_flag(ids, "read")

    def action_tags(self) -> None:
        if ids := self.targets():
            self.papers.edit_tags(ids)

    def action_note(self) -> None:
        if record := self._record():
            self.notes.edit(record)

    def action_edit_note(self) -> None:
        if record := self._record():
            self.notes.edit_in_editor(record)

    def action_copy_menu(self) -> None:
        if self.marks and self.papers is not None:
            self.papers.copy_marked_menu(self.marks.ids())
        elif record := self._record():
            self.papers.copy_menu(record)

    def action_copy_link(self) -> None:
        if record := self._record():
            self.papers.copy(record, "link")

    def action_open_link(self) -> None:
        if record := self._record():
            self.papers.open_link(record)

    def action_links(self) -> None:
        if record := self._record():
            self.papers.links(record)

    def action_similar(self) -> None:
        if record := self._record():
            self.show_similar(record.id)

    def action_undo(self) -> None:
        if self.papers is not None:
            self.papers.undo_last()

    def action_delete(self) -> None:
        if ids := self.targets():
            self.library_actions.delete(ids)

    def action_tag_browser(self, highlight: str | None = None) -> None:
        if self.library_actions is not None:
            self.library_actions.browse_tags(highlight)

    def on_reader_pane_link_clicked(self, message) -> None:
        if self.papers is not None:
            self.papers.open_url(message.url)

    # -- marks ----------------------------------------------------------------------------------------
    def action_toggle_mark(self) -> None:
        row = self.results.current_row
        if row is None:
            self.app.bell()
            return
        self.marks = self.marks.toggled(row.id)
        self.results.action_cursor_down()  # like mutt and newsboat: mark, next

    def action_mark_all(self) -> None:
        """Mark every paper in the view; if all of them are marked already, unmark them."""
        if self.result is None or self.fetcher is None or not self.result.total:
            self.app.bell()
            return
        self._view_ids_for_marking(self.result)

    @work(thread=True, exit_on_error=False, exclusive=True, group="marks")
    def _view_ids_for_marking(self, result) -> None:
        try:
            ids = self.fetcher.all_ids(result)
        except Exception as exc:  # StoreError, IndexBusy
            self.app.call_from_thread(self.notify, f"Could not mark the papers: {exc}", severity="error", markup=False)
            return
        self.app.call_from_thread(self._mark_view, result, ids)

    def _mark_view(self, result, ids: list[str]) -> None:
        if not result.same_search(self.result):
            return  # the view changed while the ids were read
        if ids and all(paper_id in self.marks for paper_id in ids):
            self.marks = self.marks.without(ids)
            self.notify(f"Unmarked {count_papers(len(ids))}.", timeout=2)
        else:
            self.marks = self.marks.with_ids(ids)
            self.notify(f"Marked {count_papers(len(ids))}: s r t y D act on them (u undoes).", timeout=3)

    def clear_marks(self) -> bool:
        """Escape in the list drops the marks first; True if there were some."""
        if not self.marks:
            return False
        n = len(self.marks)
        self.marks = Marks()
        self.notify(f"Unmarked {count_papers(n)}.", timeout=2)
        return True

    # -- what the services report ----------------------------------------------------------------------
    def _show_records(self, records, what: str) -> None:
        """Papers changed (by us): a new result set with their rows as they are now, and the reader."""
        if self.result is not None:
            self.result = self.result.with_records(records)
        by_id = {r.id: r for r in records}
        if self.reader.row is not None and self.reader.row.id in by_id:
            self.reader.show(self.reader.row.with_record(by_id[self.reader.row.id]))
        if what:
            self.notify(what, markup=False, timeout=3)

    def on_paper_updated(self, message: msg.PaperUpdated) -> None:
        self._show_records([message.record], message.what)

    def on_papers_updated(self, message: msg.PapersUpdated) -> None:
        self._show_records(message.records, message.what)
        self.refresh_unread()

    def on_papers_deleted(self, message: msg.PapersDeleted) -> None:
        self.marks = self.marks.without(message.ids)
        what = message.what
        self.notify(f"{what[:1].upper()}{what[1:]}: in the trash for 30 days (u undoes).", markup=False, timeout=4)
        if self.reader.row is not None and self.reader.row.id in message.ids:
            self.reader.show(None, "Deleted (u undoes).")
        if self.result is not None and self.result.mode == "similar":
            self.search()
        else:
            self.search(keep_index=self.results.cursor)  # the cursor stays where it was: the next paper

    def on_query_wanted(self, message: msg.QueryWanted) -> None:
        self.reading = False
        self.run_query(message.query)

    def on_tag_renamed(self, message: msg.TagRenamed) -> None:
        done = message.done
        how = "Merged" if done.merged else "Renamed"
        self.notify(f"{how} #{done.old} into #{done.new} on {count_papers(done.papers)}.", markup=False, timeout=4)
        if f"tag:{done.old}" in self.search_box.value:
            self.search_box.value = self.search_box.value.replace(f"tag:{done.old}", f"tag:{done.new}")
        else:
            self.search(keep_index=self.results.cursor)
        if self.reader.row is not None:
            self._reload_reader(self.reader.row)
        self.action_tag_browser(done.new)  # back to the browser, on the tag as it is called now

    def on_undone(self, message: msg.Undone) -> None:
        self.notify(f"Undid: {message.description}", markup=False, timeout=4)
        self.refresh_view()
        self._load_history()  # an undone saved-search deletion is in the palette again

    def on_action_failed(self, message: msg.ActionFailed) -> None:
        self.notify(message.error, severity="error", markup=False)

    # -- the reader's citation key ---------------------------------------------------------------------
    def on_reader_pane_citation_key_wanted(self, message) -> None:
        """Looked up once the reader has shown a paper for a moment (not for every row the cursor
        passes) and once the index is ready (the first lookup reads every paper's key: a second
        or two at 100k papers, in a worker, that should not compete with the launch)."""
        self._key_wanted = message.record
        if self._key_timer is None:
            self._key_timer = self.set_timer(KEY_AFTER, self._want_key)

    def _want_key(self) -> None:
        self._key_timer = None
        record = self._key_wanted
        if record is None or self.papers is None:
            return
        if not self.index_ready:
            self._key_timer = self.set_timer(KEY_AFTER, self._want_key)
            return
        self._key_wanted = None
        self._look_up_citation_key(record)

    @work(thread=True, exit_on_error=False, exclusive=True, group="citation-key")
    def _look_up_citation_key(self, record) -> None:
        try:
            key = self.papers.citation_key_of(record)
        except Exception:  # the reader shows no key; `y b` reports what went wrong
            return
        self.app.call_from_thread(self.reader.show_citation_key, record.id, key)
