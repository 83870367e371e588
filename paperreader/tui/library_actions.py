"""Delete (`D`, to the trash, undoable), the tag browser (`#`: counts, show, rename/merge) and the
reader's citation key. A main-screen mixin; every store call runs in a worker.

Delete acts on `targets()` (the marked papers, else the one under the cursor) and asks first when
one of them has a note or tags. The papers go to the trash (`store.trash`) with everything on
them; `u` brings them back, as does `paperreader restore-paper ID` for 30 days.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.binding import Binding

from paperreader.tui.messages import ActionFailed

LIBRARY_BINDINGS = [
    Binding("D", "delete", "Delete (to the trash)", show=False, id="paper.delete"),
    Binding("number_sign", "tag_browser", "Tags (counts, rename)", show=False, id="tags.browse"),
]


KEY_AFTER = 0.3  # seconds a paper is shown before the reader looks its citation key up


def _papers(n: int) -> str:
    return "1 paper" if n == 1 else f"{n:,} papers"


def _what(records) -> str:
    if len(records) == 1:
        title = records[0].title
        return f"“{title if len(title) <= 60 else title[:59] + '…'}”"
    return _papers(len(records))


class LibraryActions:
    """Needs: `targets()`, `marks`, `marks_changed()`, `undo`, `fetcher`, `results`, `reader`,
    `result`, `search()`, `run_query()`, and Screen's notify/app/post_message."""

    # -- delete ---------------------------------------------------------------------------------------
    def action_delete(self) -> None:
        if self.fetcher is not None and (ids := self.targets()):
            self._load_for_delete(ids)

    @work(thread=True, exit_on_error=False, group="write")
    def _load_for_delete(self, ids: list[str]) -> None:
        try:
            found = self.fetcher.ws.library.get_many(ids)
        except Exception as exc:
            self.post_message(ActionFailed(str(exc)))
            return
        records = [found[pid] for pid in ids if pid in found]
        if not records:
            self.post_message(ActionFailed("That paper is no longer in the library."))
            return
        self.app.call_from_thread(self._confirm_delete, records)

    def _confirm_delete(self, records) -> None:
        """Ask first when a note or tags would go with the papers (they stay in the trash 30 days)."""
        kept = [r for r in records if r.has_note or r.tags]
        if not kept:
            self._delete(records)
            return
        from paperreader.tui.screens.confirm import ConfirmScreen

        notes = sum(1 for r in kept if r.has_note)
        tagged = sum(1 for r in kept if r.tags)
        question = Text("Delete ")
        question.append(_what(records), style="bold")
        if len(records) == 1:
            has = " and ".join(p for p in ("a note" if notes else "", "tags" if tagged else "") if p)
            question.append(f"? It has {has}. It goes to the trash for 30 days (u undoes).")
        else:
            has = ", ".join(p for p in (f"{notes} with a note" if notes else "", f"{tagged} with tags" if tagged else "") if p)
            question.append(f"? ({has}.) They go to the trash for 30 days (u undoes).")
        self.app.push_screen(ConfirmScreen(question, yes="Delete", no="Keep"), lambda yes: yes and self._delete(records))

    @work(thread=True, exit_on_error=False, group="write")
    def _delete(self, records) -> None:
        from paperreader.store import trash

        ids = [r.id for r in records]
        try:
            entries = trash.delete_papers(self.fetcher.ws.library, ids)
        except Exception as exc:  # NotFound (deleted elsewhere meanwhile), StoreError
            self.post_message(ActionFailed(f"Nothing was deleted: {exc}"))
            return
        what = f"deleted {_what(records)}"
        self.undo.push(what, lambda library: trash.restore_entries(library, entries))
        self.app.call_from_thread(self._deleted, ids, what)

    def _deleted(self, ids: list[str], what: str) -> None:
        self.marks.remove(ids)
        self.marks_changed()
        self.notify(f"{what[:1].upper()}{what[1:]}: in the trash for 30 days (u undoes).", markup=False, timeout=4)
        if self.reader.row is not None and self.reader.row.id in ids:
            self.reader.show(None, "Deleted (u undoes).")
        if self.result is not None and self.result.mode == "similar":
            self.search()
        else:
            self.search(keep_index=self.results.cursor)  # the cursor stays where it was: the next paper

    # -- the tag browser -------------------------------------------------------------------------------
    def action_tag_browser(self, highlight: str | None = None) -> None:
        if self.fetcher is not None:
            self._load_tags(highlight)

    @work(thread=True, exit_on_error=False, exclusive=True, group="tags")
    def _load_tags(self, highlight: str | None) -> None:
        try:
            counts = self.fetcher.ws.library.all_tags()
        except Exception as exc:
            self.post_message(ActionFailed(str(exc)))
            return
        self.app.call_from_thread(self._show_tag_browser, counts, highlight)

    def _show_tag_browser(self, counts: list[tuple[str, int]], highlight: str | None) -> None:
        from paperreader.tui.screens.tag_browser import TagBrowser

        self.app.push_screen(TagBrowser(counts, highlight), lambda choice: self._tag_chosen(choice, dict(counts)))

    def _tag_chosen(self, choice, counts: dict[str, int]) -> None:
        if choice is None:
            return
        what, tag = choice
        if what == "show":
            from paperreader.tui.screens.tag_browser import tag_query

            self.reading = False
            self.run_query(tag_query(tag))
            return
        from paperreader.tui.screens.pick import NamePrompt

        heading = Text.assemble(("Rename ", "bold"), (f"#{tag}", "bold italic"), (f" on {_papers(counts.get(tag, 0))} to", "bold"))
        self.app.push_screen(NamePrompt(heading, tag), lambda new: new and self._confirm_rename(tag, new, counts))

    def _confirm_rename(self, old: str, new: str, counts: dict[str, int]) -> None:
        from paperreader.text import clean_tag

        target = clean_tag(new)
        if not target or target == old:
            self.notify("The tag was left as it was.", timeout=2)
            return
        if target not in counts:
            self._rename_tag(old, target)
            return
        from paperreader.tui.screens.confirm import ConfirmScreen

        question = Text.assemble(
            "Merge ", (f"#{old}", "bold"), f" ({_papers(counts[old])}) into ", (f"#{target}", "bold"),
            f" ({_papers(counts[target])})? Every paper with #{old} gets #{target}.",
        )  # fmt: skip
        self.app.push_screen(ConfirmScreen(question, yes="Merge", no="Cancel"), lambda yes: yes and self._rename_tag(old, target))

    @work(thread=True, exit_on_error=False, group="write")
    def _rename_tag(self, old: str, new: str) -> None:
        from paperreader.store.tag_rename import rename_tag

        try:
            done = rename_tag(self.fetcher.ws.library, old, new)
        except Exception as exc:  # TagNotFound (renamed elsewhere meanwhile), BadTag, StoreError
            self.post_message(ActionFailed(f"The tag was not renamed: {exc}"))
            return
        self.app.call_from_thread(self._tag_renamed, done)

    def _tag_renamed(self, done) -> None:
        how = "Merged" if done.merged else "Renamed"
        self.notify(f"{how} #{done.old} into #{done.new} on {_papers(done.papers)}.", markup=False, timeout=4)
        if f"tag:{done.old}" in self.search_box.value:
            self.search_box.value = self.search_box.value.replace(f"tag:{done.old}", f"tag:{done.new}")
        else:
            self.search(keep_index=self.results.cursor)
        if self.reader.row is not None:
            self._reload_reader(self.reader.row)
        self.action_tag_browser(done.new)  # back to the browser, on the tag as it is called now

    # -- the reader's citation key -------------------------------------------------------------------
    def on_reader_pane_citation_key_wanted(self, message) -> None:
        """Looked up once the reader has shown a paper for a moment (not for every row the cursor
        passes) and once the index is ready (the first lookup reads every paper's key: a second
        or two at 100k papers, in a worker, that should not compete with the launch)."""
        self._key_wanted = message.record
        if getattr(self, "_key_timer", None) is None:
            self._key_timer = self.set_timer(KEY_AFTER, self._want_key)

    def _want_key(self) -> None:
        self._key_timer = None
        record = getattr(self, "_key_wanted", None)
        if record is None or self.fetcher is None:
            return
        if not self.index_ready:
            self._key_timer = self.set_timer(KEY_AFTER, self._want_key)
            return
        self._key_wanted = None
        self._look_up_citation_key(record)

    @work(thread=True, exit_on_error=False, exclusive=True, group="citation-key")
    def _look_up_citation_key(self, record) -> None:
        from paperreader.citation import citation_key

        try:
            key = citation_key(self.fetcher.ws.library, record)
        except Exception:  # the reader shows no key; `y b` reports what went wrong
            return
        self.app.call_from_thread(self.reader.show_citation_key, record.id, key)
