"""The query node of `is:starred`, `is:new`, `is:read` (`is:unread`, `is:unstarred`): the papers
whose ids are in a set the store answers, one node (search/id_set.py evaluates it as a set).

Apart from the evaluation so that the query language (query.py) can make the node without
importing what evaluates it (id_set -> budget -> query would be a cycle)."""

from __future__ import annotations


def id_query(ids):
    """The query node for the papers with these ids (NullQuery for none)."""
    from whoosh import query as wq

    if not ids:
        return wq.NullQuery
    return _node_class()(frozenset(ids))


_CLASS = None


def _node_class():
    global _CLASS
    if _CLASS is None:
        _CLASS = _make_class()
    return _CLASS


def is_id_set(node) -> bool:
    """Whether `node` is an id set (a hook's test: no Whoosh import, no class made for it)."""
    return _CLASS is not None and type(node) is _CLASS


def _make_class():
    from whoosh import query as wq
    from whoosh.query import qcore

    class IdSet(qcore.Query):
        """The papers whose ids are in `ids` (a frozenset of str): a filter, every score 0.0."""

        fieldname = "id"

        def __init__(self, ids: frozenset, boost: float = 1.0) -> None:
            self.ids = ids
            self.boost = boost

        def __eq__(self, other) -> bool:
            return type(other) is type(self) and (other.ids is self.ids or other.ids == self.ids) and other.boost == self.boost

        def __hash__(self) -> int:
            return hash((type(self).__name__, self.ids, self.boost))  # a frozenset keeps its hash

        def __repr__(self) -> str:
            return f"IdSet({len(self.ids)} ids)"

        def __unicode__(self) -> str:
            return f"<{len(self.ids)} papers>"

        __str__ = __unicode__

        def copy(self):
            return type(self)(self.ids, self.boost)  # not a deep copy of the set (accept() copies leaves)

        def as_terms(self):
            """The same papers as Whoosh's own query (an OR of the id terms)."""
            return wq.Or([wq.Term("id", pid, boost=self.boost) for pid in sorted(self.ids)])

        def estimate_size(self, ixreader) -> int:
            return len(self.ids)

        def matcher(self, searcher, context=None):
            return self.as_terms().matcher(searcher, context)

    return IdSet
