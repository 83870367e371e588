"""Delete (`D`, to the trash, undoable) and the tag browser (`#`: counts, show, rename/merge).

A plain service the main screen builds once the library is open: `LibraryActions(library, undo, ui)`.
Delete acts on the papers the screen names (the marked papers, else the one under the cursor) and
asks first when one of them has a note or tags. The papers go to the trash (`store.trash`) with
everything on them; `u` brings them back, as does `paperreader restore-paper ID` for 30 days.
What follows (the list, the reader, the marks) is the screen's: it is told by a message.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding

from paperreader.text import one_tag_problem
from paperreader.tui.actions.port import UiPort
from paperreader.tui.messages import ActionFailed, PapersDeleted, QueryWanted, TagRenamed
from paperreader.tui.undo import UndoStack

LIBRARY_BINDINGS = [
    Binding("D", "delete", "Delete (to the trash)", show=False, id="paper.delete"),
    Binding("number_sign", "tag_browser", "Tags (counts, rename)", show=False, id="tags.browse"),
]


def _papers(n: int) -> str:
    return "1 paper" if n == 1 else f"{n:,} papers"


def _what(records) -> str:
    if len(records) == 1:
        title = records[0].title
        return f"“{title if len(title) <= 60 else title[:59] + '…'}”"
    return _papers(len(records))


class LibraryActions:
    """Delete papers; browse, show, rename and merge tags."""

    def __init__(self, library, undo: UndoStack, ui: UiPort) -> None:
        self.library = library
        self.undo = undo
        self.ui = ui

    # -- delete ---------------------------------------------------------------------------------------
    def delete(self, ids: list[str]) -> None:
        self.ui.in_thread(self._load_for_delete, ids, group="write")

    def _load_for_delete(self, ids: list[str]) -> None:
        try:
            found = self.library.get_many(ids)
        except Exception as exc:
            self.ui.post(ActionFailed(str(exc)))
            return
        records = [found[pid] for pid in ids if pid in found]
        if not records:
            self.ui.post(ActionFailed("That paper is no longer in the library."))
            return
        self.ui.on_ui(self._confirm_delete, records)

    def _confirm_delete(self, records) -> None:
        """Ask first when a note or tags would go with the papers (they stay in the trash 30 days)."""
        kept = [r for r in records if r.has_note or r.tags]
        if not kept:
            self.ui.in_thread(self._delete, records, group="write")
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
        self.ui.ask(ConfirmScreen(question, yes="Delete", no="Keep"), lambda yes: yes and self.ui.in_thread(self._delete, records, group="write"))

    def _delete(self, records) -> None:
        from paperreader.store import trash

        ids = [r.id for r in records]
        try:
            entries = trash.delete_papers(self.library, ids)
        except Exception as exc:  # NotFound (deleted elsewhere meanwhile), StoreError
            self.ui.post(ActionFailed(f"Nothing was deleted: {exc}"))
            return
        what = f"deleted {_what(records)}"
        self.undo.push(what, lambda library: trash.restore_entries(library, entries))
        self.ui.post(PapersDeleted(ids, what))

    # -- the tag browser -------------------------------------------------------------------------------
    def browse_tags(self, highlight: str | None = None) -> None:
        self.ui.in_thread(self._load_tags, highlight, group="tags", exclusive=True)

    def _load_tags(self, highlight: str | None) -> None:
        try:
            counts = self.library.all_tags()
        except Exception as exc:
            self.ui.post(ActionFailed(str(exc)))
            return
        self.ui.on_ui(self._show_tag_browser, counts, highlight)

    def _show_tag_browser(self, counts: list[tuple[str, int]], highlight: str | None) -> None:
        from paperreader.tui.screens.tag_browser import TagBrowser

        self.ui.ask(TagBrowser(counts, highlight), lambda choice: self._tag_chosen(choice, dict(counts)))

    def _tag_chosen(self, choice, counts: dict[str, int]) -> None:
        if choice is None:
            return
        what, tag = choice
        if what == "show":
            from paperreader.tui.screens.tag_browser import tag_query

            self.ui.post(QueryWanted(tag_query(tag)))
            return
        from paperreader.tui.screens.pick import NamePrompt

        heading = Text.assemble(("Rename ", "bold"), (f"#{tag}", "bold italic"), (f" on {_papers(counts.get(tag, 0))} to", "bold"))
        self.ui.ask(NamePrompt(heading, tag, check=one_tag_problem), lambda new: new and self._confirm_rename(tag, new, counts))

    def _confirm_rename(self, old: str, new: str, counts: dict[str, int]) -> None:
        from paperreader.text import clean_tag

        target = clean_tag(new)
        if not target or target == old:
            self.ui.notify("The tag was left as it was.", timeout=2)
            return
        if target not in counts:
            self.ui.in_thread(self._rename_tag, old, target, group="write")
            return
        from paperreader.tui.screens.confirm import ConfirmScreen

        question = Text.assemble(
            "Merge ", (f"#{old}", "bold"), f" ({_papers(counts[old])}) into ", (f"#{target}", "bold"),
            f" ({_papers(counts[target])})? Every paper with #{old} gets #{target}.",
        )  # fmt: skip
        self.ui.ask(ConfirmScreen(question, yes="Merge", no="Cancel"), lambda yes: yes and self.ui.in_thread(self._rename_tag, old, target, group="write"))

    def _rename_tag(self, old: str, new: str) -> None:
        from paperreader.store.tag_rename import rename_tag

        try:
            done = rename_tag(self.library, old, new)
        except Exception as exc:  # TagNotFound (renamed elsewhere meanwhile), BadTag, StoreError
            self.ui.post(ActionFailed(f"The tag was not renamed: {exc}"))
            return
        self.ui.post(TagRenamed(done))
