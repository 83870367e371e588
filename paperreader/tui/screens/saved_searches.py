"""Search history (up/down in the box) and saved searches (S saves, b lists): a main-screen mixin.

Both live in the store; every read and write runs in a worker.
"""

from __future__ import annotations

from rich.text import Text
from textual import work

import paperreader.tui.messages as msg


class HistoryAndSavedSearches:
    """Needs: `fetcher`, `search_box`, `results`, `undo`, `remember_place()`, and Screen's notify/app/post_message."""

    saved_cache: tuple | list = ()  # (name, query) of the saved searches, for the command palette

    @work(thread=True, exit_on_error=False, exclusive=True, group="history")
    def _load_history(self, add: str | None = None) -> None:
        try:
            if add and add.strip():
                self.fetcher.ws.library.add_history(add)
            history = self.fetcher.ws.library.history()
            saved = self.fetcher.ws.library.saved_searches()
        except Exception:
            return
        self.post_message(msg.HistoryLoaded(history, saved))

    def on_history_loaded(self, message: msg.HistoryLoaded) -> None:
        self.search_box.set_history(message.history)
        self.saved_cache = message.saved

    def _remember_query(self, query: str) -> None:
        if query.strip() and self.fetcher is not None:
            self._load_history(query)

    def action_save_search(self) -> None:
        query = self.search_box.value.strip()
        if self.fetcher is None:
            return
        if not query:
            self.notify("Type a search first; then S saves it under a name.", severity="warning")
            return
        from paperreader.tui.screens.pick import NamePrompt

        heading = Text.assemble(("Save the search ", "bold"))
        heading.append(query, style="italic")
        self.app.push_screen(NamePrompt(heading, query[:40]), lambda name: name and self._saved_search_op("save", name, query))

    def action_saved_searches(self) -> None:
        if self.fetcher is not None:
            self._saved_search_op("list")

    @work(thread=True, exit_on_error=False, group="saved")
    def _saved_search_op(self, op: str, name: str = "", query: str = "") -> None:
        library = self.fetcher.ws.library
        try:
            if op == "save":
                library.save_search(name, query)
                self.app.call_from_thread(self.notify, f"Saved the search “{name}”. Press b to see saved searches.", markup=False)
                self.app.call_from_thread(self._load_history)
            elif op == "delete":
                query = dict(library.saved_searches()).get(name)
                library.delete_search(name)
                if query is not None:
                    self.undo.push(f"deleted the saved search “{name}”", lambda lib: lib.save_search(name, query))
                self.app.call_from_thread(self.notify, f"Deleted the saved search “{name}” (u undoes).", markup=False)
                self.app.call_from_thread(self._load_history)
            else:
                from paperreader.tui.screens.pick import SavedSearches

                saved = library.saved_searches()
                self.app.call_from_thread(self.app.push_screen, SavedSearches(saved), self._saved_chosen)
        except Exception as exc:
            self.post_message(msg.ActionFailed(str(exc)))

    def _saved_chosen(self, choice: tuple[str, str] | None) -> None:
        if choice is None:
            return
        what, value = choice
        if what == "run":
            self.remember_place()  # escape comes back here
            self.run_query(value)
        else:
            self._saved_search_op("delete", value)

    def run_query(self, query: str) -> None:
        """Put a query in the box (which searches) and show its results."""
        self.search_box.value = query
        self.search_box.cursor_position = len(query)
        self._remember_query(query)
        self.results.focus()
