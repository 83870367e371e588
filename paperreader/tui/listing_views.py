"""Listings in the reader, a main-screen mixin: what is new since the last visit, the digest at
launch, the What-changed view (`w`) and stepping through listings by date (`[` and `]`).

At launch, once the first results are painted, a worker moves the visit mark (store.listings:
the previous visit's mark is what "new" is measured against), hands the new ids to the results
list (their rows get a "new" marker) and, when a saved search has new matches, opens the digest
panel. Everything that reads the store runs in workers that post messages back.
"""

from __future__ import annotations

from textual import work
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input

import paperreader.tui.messages as msg
from paperreader.tui.result_set import ResultSet
from paperreader.tui.results import PAGE

LISTING_BINDINGS = [
    Binding("w", "what_changed", "What changed", show=False, id="listings.what_changed"),
    Binding("left_square_bracket", "step_listing(-1)", "Previous listing", show=False, id="listings.previous"),
    Binding("right_square_bracket", "step_listing(1)", "Next listing", show=False, id="listings.next"),
    Binding("W", "digest", "What's new (digest)", show=False, id="listings.digest"),
]


class ListingRows:
    """One listing's papers in rank order, paged like the browse list (Fetcher.page reads `ids`)."""

    def __init__(self, listing, ids: list[str], position: int, count: int) -> None:
        self.item, self._ids, self.total = listing, ids, len(ids)
        self.position, self.count = position, count  # where it is among the listings by date

    @property
    def caption(self) -> str:
        """The status line's words for it: name, date, where it is among the listings."""
        return f"{self.item.name} · {self.item.date[:16].replace('T', ' ')} · listing {self.position + 1}/{self.count}"

    def ids(self, offset: int, count: int) -> list[str]:
        return self._ids[offset : offset + count]


class NewPapersKnown(Message):
    """The visit mark moved: these papers arrived since the previous visit."""

    def __init__(self, ids: frozenset) -> None:
        super().__init__()
        self.ids = ids


class DigestReady(Message):
    def __init__(self, digest: dict, asked: bool = False) -> None:
        super().__init__()
        self.digest = digest
        self.asked = asked  # the user asked (W): say so when there is nothing


class ChangesReady(Message):
    def __init__(self, change: object, titles: dict) -> None:
        super().__init__()
        self.change = change  # store.listings.Diff
        self.titles = titles


class ListingViews:
    """Needs: `fetcher`, `results`, `new_ids`, `search_box`, `filter`, `result`, `_generation`,
    `open_paper()`, `launch`, and Screen's app/notify/post_message."""

    # -- the visit, at launch (the screen starts it after the first paint) ---------------------------------
    @work(thread=True, exit_on_error=False, exclusive=True, group="visit")
    def _start_visit(self, workspace) -> None:
        from paperreader.store import StoreError, listings

        try:
            listings.start_visit(workspace.library)
            new = frozenset(listings.new_ids(workspace.library))
        except StoreError as exc:  # a read-only store: nothing is marked new, the reader works on
            self.post_message(msg.ActionFailed(f"The visit could not be recorded: {exc}"))
            return
        self.post_message(NewPapersKnown(new))
        if new and workspace.library.saved_searches():
            self._build_digest(workspace, asked=False)

    def on_library_changed(self, message: msg.LibraryChanged) -> None:
        """Another process imported or fetched: its papers are new too (Textual also runs the
        ChangeWatcher's handler, which searches again)."""
        if self.app.workspace is not None and self.launch.background_started:
            self._refresh_new(self.app.workspace)

    @work(thread=True, exit_on_error=False, exclusive=True, group="new-ids")
    def _refresh_new(self, workspace) -> None:
        from paperreader.store import StoreError, listings

        try:
            self.post_message(NewPapersKnown(frozenset(listings.new_ids(workspace.library))))
        except StoreError:
            return

    def on_new_papers_known(self, message: NewPapersKnown) -> None:
        self.new_ids = message.ids  # the list is bound to it: new rows get their marker

    # -- the digest ---------------------------------------------------------------------------------------
    def action_digest(self) -> None:
        if self.app.workspace is not None:
            self._digest_worker(self.app.workspace)

    @work(thread=True, exit_on_error=False, exclusive=True, group="digest")
    def _digest_worker(self, workspace) -> None:
        self._build_digest(workspace, asked=True)

    def _build_digest(self, workspace, asked: bool) -> None:
        from paperreader.digest import build

        try:
            digest = build(workspace)
        except Exception as exc:  # the index unavailable, a store error: one line
            if asked:
                self.post_message(msg.ActionFailed(f"The digest could not be made: {exc}"))
            return
        if asked or any(entry["papers"] for entry in digest["searches"]):
            self.post_message(DigestReady(digest, asked))

    def on_digest_ready(self, message: DigestReady) -> None:
        from paperreader.tui.screens.digest import DigestPanel

        if not message.asked and self.app.screen is not self:
            return  # a dialog is open already: the digest stays one key (W) away
        if message.asked and not any(entry["papers"] for entry in message.digest["searches"]):
            searches = message.digest["searches"]
            self.notify("No saved searches yet (S saves one)." if not searches else "Nothing new for your saved searches.", timeout=4)
            return
        self.app.push_screen(DigestPanel(message.digest), self._chosen_paper)

    def _chosen_paper(self, paper_id: str | None) -> None:
        if paper_id:
            self.open_paper(paper_id)

    # -- what changed -----------------------------------------------------------------------------------------
    def action_what_changed(self) -> None:
        if self.app.workspace is None:
            return
        shown = self.result.listing if self.result is not None else None
        self._changes_worker(self.app.workspace, shown.item.id if isinstance(shown, ListingRows) else None)

    @work(thread=True, exit_on_error=False, exclusive=True, group="listings")
    def _changes_worker(self, workspace, listing_id: int | None) -> None:
        from paperreader.store import listings

        library = workspace.library
        after = listings.get(library, listing_id) if listing_id is not None else listings.latest(library)
        if after is None:
            self.post_message(msg.ActionFailed("No listings yet: import a ranked file or run paperreader fetch."))
            return
        change = listings.diff(library, listings.previous_of(library, after), after)
        self.post_message(ChangesReady(change, change.titles(library)))

    def on_changes_ready(self, message: ChangesReady) -> None:
        from paperreader.tui.screens.what_changed import WhatChanged

        self.app.push_screen(WhatChanged(message.change, message.titles), self._chosen_paper)

    # -- stepping through listings ------------------------------------------------------------------------------
    def action_step_listing(self, delta: int) -> None:
        if self.fetcher is None:
            return
        shown = self.result.listing if self.result is not None else None
        position = shown.position if isinstance(shown, ListingRows) else None
        if self.search_box.value:
            with self.search_box.prevent(Input.Changed):  # the listing replaces the search: no search runs
                self.search_box.value = ""
        self._generation += 1
        self._step_worker(self._generation, position, delta)

    @work(thread=True, exit_on_error=False, exclusive=True, group="search")
    def _step_worker(self, generation: int, position: int | None, delta: int) -> None:
        from paperreader.store import listings

        library = self.fetcher.ws.library
        by_date = listings.by_date(library)
        if not by_date:
            self.post_message(msg.ActionFailed("No listings yet: import a ranked file or run paperreader fetch."))
            return
        if position is None:  # from the library (the latest listing on top): ] is the latest, [ the one before
            target = len(by_date) - 1 if delta > 0 else len(by_date) - 2
        else:
            target = position + delta
        if not 0 <= target < len(by_date):
            self.app.call_from_thread(self.notify, "No newer listing." if delta > 0 else "No older listing.", timeout=2)
            return
        item = by_date[target]
        rows = ListingRows(item, listings.ranked(library, item.id), target, len(by_date))
        result = ResultSet("", self.filter, rows.total, mode="browse", listing=rows)
        self.post_message(msg.SearchFinished(generation, result.with_rows(self.fetcher.page(result, 0, PAGE))))
