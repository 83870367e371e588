"""The reader's two remembered orders, browsing (no query) and searching, kept in the store's meta
table. No Textual here: the app's Opening thread reads them before the first page is read."""

from __future__ import annotations

BROWSE_KEY, SEARCH_KEY = "tui.sort.browse", "tui.sort.search"  # the store's meta keys
BROWSE_ORDERS = ("listing", "added", "published", "title", "starred")
SEARCH_ORDERS = ("relevance", *BROWSE_ORDERS)


def remembered(library) -> tuple[str, str]:
    """The browse and search orders saved in the store (the defaults if none, or unknown)."""
    browse = library.get_meta(BROWSE_KEY) or "listing"
    search = library.get_meta(SEARCH_KEY) or "relevance"
    return (browse if browse in BROWSE_ORDERS else "listing", search if search in SEARCH_ORDERS else "relevance")
