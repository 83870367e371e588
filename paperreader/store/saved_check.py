"""What makes a saved search that comes from a backup damaged: a name or a query that is not text,
or is empty once cleaned (what `paperreader saved add` refuses too). A backup (the JSON export or
a copy of the library) holding one is refused whole, naming the entry: restored, a query stored as
a blob crashed `digest` and `export`. A query that no longer parses is not damage (an older
paperreader may have read it): the search says so when it runs, as for any query."""

from __future__ import annotations


def problem(name: object, query: object) -> str | None:
    """What is wrong with one saved search, in words for an error line; None if it is fine."""
    from paperreader.text import clean_line

    if name is None:
        return "it has no name"
    if not isinstance(name, str):
        return f"its name is {_kind(name)}, not text"
    if not clean_line(name):
        return "its name is empty"
    if query is None:
        return "it has no query"
    if not isinstance(query, str):
        return f"its query is {_kind(query)}, not text"
    if not clean_line(query):
        return "its query is empty"
    return None


def label(number: int, name: object) -> str:
    """`saved search 2 ('mamba')`: the entry's place and, when it has one, its name (cleaned)."""
    from paperreader.text import clean_line

    shown = clean_line(name)[:60] if isinstance(name, str) else ""
    return f"saved search {number}" + (f" ({shown!r})" if shown else "")


def _kind(value: object) -> str:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "binary data"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    return {"list": "a list", "dict": "an object"}.get(type(value).__name__, f"a {type(value).__name__}")


def first_problem(conn) -> str | None:
    """The first damaged saved search of a store (an open sqlite3 connection), as 'saved search N
    ('name'): why'; None if every one keeps the rule."""
    rows = conn.execute("SELECT name, query FROM saved_searches ORDER BY rowid").fetchall()
    for number, (name, query) in enumerate(rows, 1):
        why = problem(name, query)
        if why:
            return f"{label(number, name)}: {why}"
    return None
