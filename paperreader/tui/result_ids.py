"""The ids behind a result list, paged: the library browsed (the empty query), read a page at a
time so launch never reads 100k ids, and ids already known in order (`IdList`).

For All and Unread (the big lists) the order is `store.listing.ordered_ids`' (by default the
latest ranked listing's order, then older listings' papers, then the rest by title) and the first
page comes from a LIMIT query; the whole id list is read only once the user scrolls past that page. Starred and Annotated are small: read whole.
Blocking: call from worker threads.
"""

from __future__ import annotations

from paperreader.store import listing
from paperreader.store.listings import new_ids
from paperreader.tui.result_set import Filter


class BrowseList:
    """The ids of one browse listing: `total`, and `ids(offset, count)` reading more as needed."""

    def __init__(self, library, filter: Filter, first: int, order: str = "listing") -> None:
        self.library = library
        self.filter = filter
        self.order = order
        if filter in (Filter.ALL, Filter.UNREAD):
            self._unread = filter is Filter.UNREAD
            self.total = listing.count(library, self._unread)
            self._known = listing.ordered_ids(library, order, unread=self._unread, limit=first)
            self._complete = len(self._known) >= self.total
        elif filter is Filter.NEW:  # since the previous visit, in the order asked
            self._known = listing.arrange(library, new_ids(library), order)
            self.total = len(self._known)
            self._complete = True
        else:
            self._known = library.list_ids(**filter.list_flags())
            self.total = len(self._known)
            self._complete = True

    def ids(self, offset: int, count: int) -> list[str]:
        """Ids offset..offset+count; past the first page, reads the whole list once."""
        if offset + count > len(self._known) and not self._complete:
            self._known = listing.ordered_ids(self.library, self.order, unread=self._unread)
            self._complete = True
        return self._known[offset : offset + count]


class IdList:
    """Ids read whole and already in order (a sorted search, a small filter), paged like BrowseList."""

    def __init__(self, ids: list[str]) -> None:
        self._ids = ids
        self.total = len(ids)

    def ids(self, offset: int, count: int) -> list[str]:
        return self._ids[offset : offset + count]
