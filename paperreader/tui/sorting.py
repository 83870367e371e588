"""`O`: the order of the list, a main-screen mixin. Browsing (no query) and searching each keep
their own choice (listing rank and relevance by default), remembered in the store across restarts
(`sort_order`). The menu itself (`screens.sort_menu`) is imported when `O` is first pressed.
"""

from __future__ import annotations

from textual import work
from textual.binding import Binding

from paperreader.tui.result_set import SORTS
from paperreader.tui.sort_order import BROWSE_KEY, BROWSE_ORDERS, SEARCH_KEY, SEARCH_ORDERS

SORT_BINDINGS = [Binding("O", "sort_menu", "Sort", show=False, id="sort.menu")]


class Sorting:
    """Needs: `search_box`, `result`, `fetcher`, `search()`, `results`, and Screen's app/notify."""

    sort_browse = "listing"
    sort_search = "relevance"

    def current_sort(self, query: str | None = None) -> str:
        query = self.search_box.value if query is None else query
        return self.sort_search if query.strip() else self.sort_browse

    def action_sort_menu(self) -> None:
        if self.result is not None and self.result.mode == "similar":
            self.notify("More-like-this is in likeness order; escape goes back to the list.", timeout=3)
            return
        searching = bool(self.search_box.value.strip())
        orders = SEARCH_ORDERS if searching else BROWSE_ORDERS
        from paperreader.tui.screens.sort_menu import SortMenu

        self.app.push_screen(SortMenu(orders, self.current_sort(), searching), lambda order: order and self.set_sort(order))

    def set_sort(self, order: str) -> None:
        """Show the list in this order (for a query or for browsing, whichever is shown), keep the
        cursor on its paper, and remember the choice."""
        searching = bool(self.search_box.value.strip())
        if searching:
            self.sort_search = order
        else:
            self.sort_browse = order
        row = self.results.current_row
        self.search(keep_id=row.id if row else None, keep_index=self.results.cursor)
        self.notify(f"Sorted by {SORTS[order].lower()}", timeout=2)
        if self.fetcher is not None:
            self._remember_sort(SEARCH_KEY if searching else BROWSE_KEY, order)

    @work(thread=True, exit_on_error=False, group="settings")
    def _remember_sort(self, key: str, order: str) -> None:
        try:
            self.fetcher.ws.library.set_meta(key, order)
        except Exception as exc:  # StoreError: the order works for this session
            self.app.call_from_thread(self.notify, f"Could not remember the order: {exc}", severity="warning", markup=False)
