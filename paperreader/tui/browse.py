"""The library browsed (the empty query), read a page at a time so launch never reads 100k ids.

The order is `Library.list_ids`'s: newest star first, then the rest by title. For All and Unread
(the big lists) the first page is a LIMIT query down the title index (a millisecond at 100k
papers, where reading every id takes 150-250 ms); the whole id list is read only once the user
scrolls past that page. Starred and Annotated are small: read whole, as before.

The SQL belongs in `Library` (a limit for `list_ids`); it lives here while store/ is being
reworked by others. It reads through `Library._query`, so it takes the library's lock and its
errors are the library's (StoreError). Blocking: call from worker threads.
"""

from __future__ import annotations

from paperreader.tui.results import Filter

_NOT_STARRED = "NOT EXISTS (SELECT 1 FROM stars s WHERE s.paper_id = p.id)"
_NOT_READ = "NOT EXISTS (SELECT 1 FROM reads r WHERE r.paper_id = p.id)"


class BrowseList:
    """The ids of one browse listing: `total`, and `ids(offset, count)` reading more as needed."""

    def __init__(self, library, filter: Filter, first: int) -> None:
        self.library = library
        self.filter = filter
        if filter in (Filter.ALL, Filter.UNREAD):
            unread = filter is Filter.UNREAD
            self._rest_where = _NOT_STARRED + (f" AND {_NOT_READ}" if unread else "")
            self._starred = self._column(
                "SELECT p.id FROM stars s JOIN papers p ON p.id = s.paper_id"
                + (f" WHERE {_NOT_READ}" if unread else "")
                + " ORDER BY s.starred_at DESC, p.title_key"
            )
            counted = "SELECT (SELECT count(*) FROM papers) - (SELECT count(*) FROM reads)" if unread else "SELECT count(*) FROM papers"
            self.total = self.library._query(counted)[0][0]
            self._known = self._starred + self._rest(max(0, first - len(self._starred)))
            self._complete = len(self._known) >= self.total
        else:
            self._known = library.list_ids(**filter.list_flags())
            self.total = len(self._known)
            self._complete = True

    def ids(self, offset: int, count: int) -> list[str]:
        """Ids offset..offset+count; past the first page, reads the whole list once."""
        if offset + count > len(self._known) and not self._complete:
            self._known = self._starred + self._rest(None)
            self._complete = True
        return self._known[offset : offset + count]

    def _rest(self, limit: int | None) -> list[str]:
        """The papers after the starred ones, by title: an index scan, stopped at `limit`."""
        if limit == 0:
            return []
        sql = f"SELECT p.id FROM papers p WHERE {self._rest_where} ORDER BY p.title_key"
        return self._column(sql + " LIMIT ?", (limit,)) if limit is not None else self._column(sql)

    def _column(self, sql: str, params: tuple = ()) -> list[str]:
        return [row[0] for row in self.library._query(sql, params)]
