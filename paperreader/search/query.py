"""The search language: what a user types, checked and turned into a Whoosh query.

Words are ANDed; "exact phrase", "near words"~5, AND OR NOT and parentheses, `-word`, fields
(title: abstract: author: note: tag: cat: year:), prefix `transf*`, fuzzy `transfomer~`, ranges
`year:2020..2024`, and filters `is:starred|unread|read|annotated|new`, `has:note|code|tags|arxiv`.
Whoosh's parser forgives everything silently; we check first, so a malformed query gets a one-line
explanation instead of surprising results.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from paperreader.search.limits import cap, fuzzy_plugin
from paperreader.search.schema import DEFAULT_FIELDS, FIELD_ALIASES, FIELD_BOOSTS, USER_FIELDS

IS_VALUES = ("starred", "unstarred", "unread", "read", "annotated", "new")
HAS_VALUES = ("note", "code", "tags", "arxiv")
OPERATORS = ("AND", "OR", "NOT", "ANDNOT", "ANDMAYBE")
_TOKEN = re.compile(r'"[^"]*"?(?:~\d*)?|\(|\)|[^\s()"]+(?:"[^"]*"?)?|\S')
_FIELD = re.compile(r"^([A-Za-z_]+):(.*)$", re.S)
_RANGE = re.compile(r"\byear:(\d{4})?\.\.(\d{4})?\b")
_MINUS = re.compile(r'(^|[\s(])-(?=[\w"(])')
MAX_QUERY = 1000


class QueryError(ValueError):
    """A query that cannot be run as typed; the message is one line for the user."""


class QueryIncomplete(QueryError):
    """A query still being typed (a quote or bracket open, an operator at the end): the search
    box keeps the last results and shows this as a hint; elsewhere it is a QueryError like any."""


@dataclass
class ParsedQuery:
    text: str
    whoosh: object  # whoosh.query.Query
    is_filters: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)  # plain words the user typed (for suggestions)
    prose: object | None = None  # a question or words (search/partial.py's ProsePlan), else None
    notices: list[str] = field(default_factory=list)  # what was changed to bound it (search/limits.py)
    named: list[str] | None = None  # ids or links pasted: the papers' ids in the order named (search/lookup.py)


def check(text: str) -> None:
    """Raise QueryError for a query that is malformed as typed."""
    if len(text) > MAX_QUERY:
        raise QueryError(f"the query is {len(text)} characters long; the limit is {MAX_QUERY}")
    if text.count('"') % 2:
        raise QueryError('a quote is not closed: add the closing "')
    depth = 0
    tokens = _TOKEN.findall(text)
    for i, tok in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if tok == "(":
            depth += 1
            if nxt == ")":
                raise QueryError("empty parentheses: put something between ( and )")
        elif tok == ")":
            depth -= 1
            if depth < 0:
                raise QueryError("a ) has no matching (")
        elif tok.upper() in OPERATORS and tok.isupper():
            if nxt is None or nxt == ")" or (nxt in OPERATORS and nxt != "NOT"):
                raise QueryError(f"{tok} needs something after it")
            if tok != "NOT" and (i == 0 or tokens[i - 1] == "("):
                raise QueryError(f"{tok} needs something before it")
        m = _FIELD.match(tok)
        if m and not tok.startswith('"'):
            name, rest = m.group(1).lower(), m.group(2)
            name = FIELD_ALIASES.get(name, name)
            if name not in USER_FIELDS:
                continue  # "foo:bar" is just text, like a URL would be
            if not rest and (nxt is None or nxt == ")" or nxt in OPERATORS):
                raise QueryError(f"{name}: needs a word, a \"phrase\" or (...) after it")
            if name == "is" and rest and rest.lower() not in IS_VALUES:
                raise QueryError(f"unknown filter is:{rest} (try {', '.join('is:' + v for v in IS_VALUES)})")
            if name == "has" and rest and rest.lower() not in HAS_VALUES:
                raise QueryError(f"unknown filter has:{rest} (try {', '.join('has:' + v for v in HAS_VALUES)})")
            if name == "year" and rest and not re.fullmatch(r"\d{4}|\d{4}?\.\.\d{4}?|\[.*", rest):
                raise QueryError(f"year:{rest} is not a year (try year:2024 or year:2020..2024)")
    if depth > 0:
        raise QueryError("a ( is not closed: add the closing )")


def rewrite(text: str) -> str:
    """Our conveniences in Whoosh's syntax: ranges, `-word`, field aliases, lowercase filters."""
    text = _RANGE.sub(lambda m: f"year:[{m.group(1) or ''} TO {m.group(2) or ''}]", text)
    text = _MINUS.sub(lambda m: f"{m.group(1)}NOT ", text)

    def fix_field(m: re.Match) -> str:
        name = m.group(1).lower()
        name = FIELD_ALIASES.get(name, name)
        value = m.group(2)
        if name in ("is", "has"):
            value = value.lower()
        return f"{name}:{value}" if name in USER_FIELDS else m.group(0)

    return re.sub(r"(?<![\w:])([A-Za-z_]+):(\S*)", fix_field, text)


def plain_words(text: str) -> list[str]:
    """Words typed outside fields that are not text (for "did you mean")."""
    words = []
    for tok in _TOKEN.findall(text):
        if tok in OPERATORS or tok in "()" or tok.endswith(("*", "~")) or re.search(r"~\d*$", tok):
            continue
        m = _FIELD.match(tok)
        if m and FIELD_ALIASES.get(m.group(1).lower(), m.group(1).lower()) not in ("title", "abstract", "author", "note"):
            continue
        value = m.group(2) if m else tok
        words += re.findall(r"[^\W\d_][\w'-]*", value.strip('"'))
    return words


def make_parser(schema):
    from whoosh import qparser

    parser = qparser.MultifieldParser(list(DEFAULT_FIELDS), schema, fieldboosts=FIELD_BOOSTS, group=qparser.AndGroup)
    parser.add_plugin(fuzzy_plugin())  # Whoosh's, fixed for words the analyzer drops (`a~2`)
    parser.remove_plugin_class(qparser.BoostPlugin)  # `word^2` is rarely meant; ^ stays text
    from paperreader.search.simple_query import SimpleReader

    parser.simple_reader = SimpleReader.of(schema, DEFAULT_FIELDS, FIELD_BOOSTS)  # the common shapes, faster
    return parser


def ids_query(ids: set[str]):
    """A query that matches exactly these papers (an id set from the store)."""
    from whoosh import query

    if not ids:
        return query.NullQuery
    return query.Or([query.Term("id", pid) for pid in sorted(ids)])


def parse(text: str, parser, state) -> ParsedQuery:
    """Check, rewrite and parse `text`; `state` answers is: filters (starred_ids(), read_ids())."""
    from whoosh import query

    text = text.strip()
    if not text:
        return ParsedQuery(text, query.Every())
    check(text)
    rewritten = rewrite(text)
    simple = getattr(parser, "simple_reader", None)
    q = simple.read(rewritten) if simple is not None else None
    if q is not None:  # words, prefixes, phrases, text fields, NOT: no is: filter, no slop or fuzzy to cap
        if isinstance(q, query.Not):
            q = query.And([query.Every(), q])
        return ParsedQuery(text, q, [], plain_words(text))
    q = parser.parse(rewritten)
    used: list[str] = []

    def answer_is(node):
        if isinstance(node, query.Term) and node.fieldname == "is":
            value = str(node.text).lower()
            used.append(value)
            if value == "starred":
                return ids_query(state.starred_ids())
            if value == "new":  # arrived since the previous visit (store.listings)
                from paperreader.store.listings import new_ids

                return ids_query(new_ids(state))
            if value == "unstarred":
                return query.And([query.Every(), query.Not(ids_query(state.starred_ids()))])
            if value == "read":
                return ids_query(state.read_ids())
            if value == "unread":
                return query.And([query.Every(), query.Not(ids_query(state.read_ids()))])
            if value == "annotated":
                return query.Or([query.Term("has", "note"), query.Term("has", "tags")])
        return node

    q = q.accept(answer_is)
    if isinstance(q, query.Not):  # "NOT x" alone means everything but x
        q = query.And([query.Every(), q])
    q, notices = cap(q)  # phrase slops and fuzzy distances within bounds
    return ParsedQuery(text, q, used, plain_words(text), notices=notices)
