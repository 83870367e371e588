"""The library listed in an order, a page at a time, for the TUI's browse list and `paperreader list`.

`ordered_ids(library, order, unread=..., limit=...)` is the one entry point: `order` is one of
ORDERS. "listing" (the default) is the latest ranked listing's papers by rank, then older listings'
papers (newest listing first, by rank), then the rest by title; "added" newest first, "published"
newest first (undated last), "title", "starred" (newest star first, then the rest by title).
ORDER_BY holds the SQL fragment of each non-listing order over `papers p LEFT JOIN stars s`. With
a limit, the first page is a LIMIT query (a millisecond at 100k papers, where every id takes
150-250 ms). `starred_ids`/`unstarred_ids` are the older starred-first order. Reads go through the
library's `db` (store.connection), so they take its lock and its errors are StoreErrors."""

from __future__ import annotations

_NOT_STARRED = "NOT EXISTS (SELECT 1 FROM stars s WHERE s.paper_id = p.id)"
_NOT_READ = "NOT EXISTS (SELECT 1 FROM reads r WHERE r.paper_id = p.id)"


def _column(library, sql: str, params: tuple = ()) -> list[str]:
    return [row[0] for row in library.db.read(sql, params)]


def starred_ids(library, unread: bool = False) -> list[str]:
    """The starred papers (unread ones only, if asked), newest star first."""
    sql = "SELECT p.id FROM stars s JOIN papers p ON p.id = s.paper_id"
    return _column(library, sql + (f" WHERE {_NOT_READ}" if unread else "") + " ORDER BY s.starred_at DESC, p.title_key")


def unstarred_ids(library, unread: bool = False, limit: int | None = None) -> list[str]:
    """The papers without a star, by title: an index scan, stopped at `limit` if given."""
    if limit == 0:
        return []
    where = _NOT_STARRED + (f" AND {_NOT_READ}" if unread else "")
    sql = f"SELECT p.id FROM papers p WHERE {where} ORDER BY p.title_key"
    return _column(library, sql + " LIMIT ?", (limit,)) if limit is not None else _column(library, sql)


def count(library, unread: bool = False) -> int:
    """How many papers (unread ones only, if asked)."""
    sql = "SELECT (SELECT count(*) FROM papers) - (SELECT count(*) FROM reads)" if unread else "SELECT count(*) FROM papers"
    return library.db.read(sql)[0][0]


# --- sort orders -------------------------------------------------------------------------------------
# The browse list's orders. "listing" is the default: the latest ranked listing's papers by rank, then
# older listings' papers (newest listing first, by rank), then the rest by title (store.listings).
# The others are one ORDER BY each over `papers p LEFT JOIN stars s` (ORDER_BY, for callers with SQL
# of their own). `ordered_ids(library, order, unread=..., limit=...)` answers them all.
ORDERS = ("listing", "added", "published", "title", "starred")
ORDER_BY = {
    "added": "p.added_at DESC, p.rowid DESC",
    "published": "p.published IS NULL, p.published DESC, p.title_key",
    "title": "p.title_key",
    "starred": "s.starred_at IS NULL, s.starred_at DESC, p.title_key",
}


def ordered_ids(library, order: str = "listing", *, unread: bool = False, limit: int | None = None) -> list[str]:
    """Paper ids (unread ones only, if asked) in `order` (one of ORDERS), the first `limit` if given."""
    if order not in ORDERS:
        raise ValueError(f"unknown order {order!r}; use one of: {', '.join(ORDERS)}")
    if limit == 0:
        return []
    if order == "listing":
        from paperreader.store.listings import listed_ids

        listed = listed_ids(library)
        if unread and listed:
            read = {r[0] for r in library.db.read("SELECT paper_id FROM reads")}
            listed = [pid for pid in listed if pid not in read]
        if limit is not None and len(listed) >= limit:
            return listed[:limit]
        taken = set(listed)
        where = f" WHERE {_NOT_READ}" if unread else ""
        sql = f"SELECT p.id FROM papers p{where} ORDER BY p.title_key"
        # the rest by title: read just enough past the listed papers (they are skipped here)
        rest = _column(library, sql + " LIMIT ?", (limit + len(taken),)) if limit is not None else _column(library, sql)
        out = listed + [pid for pid in rest if pid not in taken]
        return out[:limit] if limit is not None else out
    joins = " LEFT JOIN stars s ON s.paper_id = p.id" if order == "starred" else ""
    where = f" WHERE {_NOT_READ}" if unread else ""
    sql = f"SELECT p.id FROM papers p{joins}{where} ORDER BY {ORDER_BY[order]}"
    return _column(library, sql + " LIMIT ?", (limit,)) if limit is not None else _column(library, sql)


def arrange(library, ids, order: str = "listing") -> list[str]:
    """`ids` (any subset of the library, e.g. `Library.list_ids`' answer) put in `order`."""
    wanted = set(ids)
    if not wanted:
        return []
    return [pid for pid in ordered_ids(library, order) if pid in wanted]
