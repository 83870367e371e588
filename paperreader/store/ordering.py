"""A given set of paper ids put in one of the browse list's orders (the reader's `O` on a search
or a small filter): the same ORDER BY as `store.listing`, over the ids handed in as one JSON
array (one query, whatever their number). Reads go through the library's `db` (store.connection)."""

from __future__ import annotations

import json


def sort_ids(library, ids: list[str], order: str) -> list[str]:
    """`ids` in `order` (one of `store.listing.ORDERS`); ids no longer in the library are dropped."""
    from paperreader.store.listing import ORDER_BY, ORDERS

    if order not in ORDERS:
        raise ValueError(f"unknown order {order!r}; use one of: {', '.join(ORDERS)}")
    if not ids:
        return []
    if order == "listing":  # the listed papers by rank (newest listing first), then the rest by title
        from paperreader.store.listings import listed_ids

        rank = {pid: i for i, pid in enumerate(listed_ids(library))}
        return sorted(sort_ids(library, ids, "title"), key=lambda pid: rank.get(pid, len(rank)))
    sql = (
        "SELECT p.id FROM json_each(?) j JOIN papers p ON p.id = j.value"
        f" LEFT JOIN stars s ON s.paper_id = p.id ORDER BY {ORDER_BY[order]}"
    )
    return [row[0] for row in library.db.read(sql, (json.dumps(list(dict.fromkeys(ids))),))]
