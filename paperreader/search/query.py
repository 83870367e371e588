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
_RANGE = re.compile(r"\byear:(\d{4})?\.\.(\d{4})?(?![\w.])")  # open at either end: year:2020.., year:..2020
_YEAR = re.compile(r"\d{4}|\d{4}\.\.(?:\d{4})?|\.\.\d{4}|\[.*")
_TAG_PHRASE = re.compile(r'(?<![\w:])(tags?):"([^"]*)"', re.IGNORECASE)
# `name:value` where a field could be meant: a name of two letters or more, a value that begins
# like a word, a "phrase", a (group) or a #tag (not `https://`, `std::`, `10:30`, `Mamba: ...`)
_FIELD_LIKE = re.compile(r'(?<![\w:/.@-])([A-Za-z_]{2,}):(?=[\w"(#])')
# colon words that name ids or links, not fields: read as today (search/lookup.py's, and others')
ID_SCHEMES = frozenset(("arxiv", "doi", "hdl", "isbn", "issn", "pmid", "pmcid", "orcid", "corpusid", "urn", "mailto",
                        "http", "https", "ftp", "file"))
_ARCHIVE = re.compile(r"[a-z]+(?:-[a-z]+)*")  # an arXiv archive: cs, math, hep-th, cond-mat
SHOWN_FIELDS = ("title", "abstract", "author", "note", "tag", "cat", "year", "is", "has")  # README's table
FIELD_CHECK_WORDS = 8  # a query this long may be a pasted text ("accuracy:95%"): its colons are text
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
            if name == "year" and rest and not _YEAR.fullmatch(rest):
                raise QueryError(f"year:{rest} is not a year (try year:2024, year:2020..2024, year:2020.. or year:..2020)")
    if depth > 0:
        raise QueryError("a ( is not closed: add the closing )")
    check_fields(text)


def check_fields(text: str) -> None:
    """Raise QueryError for `name:value` naming no field (`auther:gu`, `foo:bar`), which would
    otherwise be searched as words and find nothing, silently. Ids and links (`arxiv:`, `doi:`,
    `https://`), times (`10:30`) and a colon before a space stay text, and so does every colon of
    a query of FIELD_CHECK_WORDS words or more (a pasted paragraph)."""
    if ":" not in text or len(re.findall(r"\w+", text)) >= FIELD_CHECK_WORDS:
        return
    for m in _FIELD_LIKE.finditer(re.sub(r'"[^"]*"', " ", text)):  # a "phrase" is text
        name = m.group(1).lower()
        if name in ID_SCHEMES or FIELD_ALIASES.get(name, name) in USER_FIELDS:
            continue
        import difflib

        near = difflib.get_close_matches(name, SHOWN_FIELDS + tuple(FIELD_ALIASES), n=1, cutoff=0.6)
        hint = f"; did you mean {FIELD_ALIASES.get(near[0], near[0])}:?" if near else ""
        raise QueryError(f"unknown field '{m.group(1)}:' (fields: {', '.join(SHOWN_FIELDS)}{hint})")


def rewrite(text: str) -> str:
    """Our conveniences in Whoosh's syntax: ranges, `-word`, field aliases, lowercase filters, and
    tag names cleaned as the store cleans them (text.clean_tag: `tag:"deep learning"` is the tag
    `deep-learning`, `tag:#ml` the tag `ml`)."""
    from paperreader.text import clean_tag

    text = _RANGE.sub(_year_range, text)
    text = _TAG_PHRASE.sub(lambda m: f'{m.group(1)}:"{clean_tag(m.group(2)) or m.group(2)}"', text)
    text = _MINUS.sub(lambda m: f"{m.group(1)}NOT ", text)
    text = _clean_tag_groups(text)

    def fix_field(m: re.Match) -> str:
        name = m.group(1).lower()
        name = FIELD_ALIASES.get(name, name)
        value = m.group(2)
        if name in ("is", "has"):
            value = value.lower()
        elif name == "tag" and value[:1] not in ('"', "(", ""):
            value = clean_tag(value) or value
        return f"{name}:{value}" if name in USER_FIELDS else m.group(0)

    return re.sub(r"(?<![\w:])([A-Za-z_]+):(\S*)", fix_field, text)


_TAG_GROUP = re.compile(r"(?<![\w:])tags?:\(", re.IGNORECASE)
_GROUP_TOKEN = re.compile(r'"([^"]*)("?(?:~\d*)?)|[()]|[^\s()"]+')


def _clean_tag_groups(text: str) -> str:
    """Each value inside `tag:(...)` cleaned as `tag:x` is (`tag:(#ml OR "deep learning")` is
    `tag:(ml OR "deep-learning")`), up to the group's closing parenthesis (or the end, while typed)."""
    from paperreader.text import clean_tag

    def one(m: re.Match) -> str:
        token = m.group(0)
        if m.group(1) is not None:  # a "phrase" (closed or not), perhaps with ~slop
            return f'"{clean_tag(m.group(1)) or m.group(1)}{m.group(2)}'
        if token in "()" or token in OPERATORS:
            return token
        if token[:2] == "-#":  # -#ml: NOT ml (`-word` is NOT already)
            return f"NOT {clean_tag(token[1:]) or token[1:]}"
        return clean_tag(token) or token

    out, pos = [], 0
    for start in _TAG_GROUP.finditer(text):
        if start.start() < pos:  # inside a group already cleaned
            continue
        depth, end = 1, start.end()
        for m in _GROUP_TOKEN.finditer(text, start.end()):
            end = m.end()
            depth += {"(": 1, ")": -1}.get(m.group(0), 0)
            if depth == 0:
                break
        out += [text[pos : start.end()], _GROUP_TOKEN.sub(one, text[start.end() : end])]
        pos = end
    return "".join(out) + text[pos:]


def _year_range(m: re.Match) -> str:
    """`year:2020..2024` -> `year:[2020 TO 2024]`; an open end is left out (`year:[2020 TO]`:
    Whoosh reads `[2020 TO ]` with the space as nothing)."""
    low, high = m.group(1), m.group(2)
    if low and high and int(low) > int(high):  # `year:2024..2020`: the range meant, not nothing
        low, high = high, low
    return f"year:[{low + ' ' if low else ''}TO{' ' + high if high else ''}]"


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


def _year_terms(node, schema):
    """A year range as a range of the years' own terms: Whoosh 2.7's NumericRange splits a wide
    range over its tiered terms wrongly (`year:[1000 TO 2020]`, and so `year:..2020`, found 2023)."""
    from whoosh import query

    if not (isinstance(node, query.NumericRange) and node.fieldname == "year"):
        return node
    year = schema["year"]
    low = year.to_bytes(node.start if node.start is not None else 0, 0)
    high = year.to_bytes(node.end if node.end is not None else 2**32 - 1, 0)
    return query.TermRange("year", low, high, node.startexcl, node.endexcl, boost=node.boost, constantscore=True)


def _archive(node):
    """`cat:cs` is the arXiv archive: its own category or any of its `cs.*` (as arXiv users mean it;
    categories are indexed whole, `cs.LG`). A category with a dot, a prefix or a wildcard is as typed."""
    from whoosh import query

    if type(node) is query.Term and node.fieldname == "cat" and _ARCHIVE.fullmatch(str(node.text)):
        return query.Or([node, query.Prefix("cat", f"{node.text}.", boost=node.boost)])
    return node


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
    from paperreader.search.id_node import id_query  # one node a set, evaluated as a set (not an OR of id terms)

    def answer_is(node):
        if isinstance(node, query.Term) and node.fieldname == "is":
            value = str(node.text).lower()
            used.append(value)
            if value == "starred":
                return id_query(state.starred_ids())
            if value == "new":  # arrived since the previous visit (store.listings)
                from paperreader.store.listings import new_ids

                return id_query(new_ids(state))
            if value == "unstarred":
                return query.And([query.Every(), query.Not(id_query(state.starred_ids()))])
            if value == "read":
                return id_query(state.read_ids())
            if value == "unread":
                return query.And([query.Every(), query.Not(id_query(state.read_ids()))])
            if value == "annotated":
                return query.Or([query.Term("has", "note"), query.Term("has", "tags")])
        return node

    q = q.accept(answer_is)
    if "year:" in rewritten:
        q = q.accept(lambda node: _year_terms(node, parser.schema))
    if "cat:" in rewritten:
        q = q.accept(_archive)
    if isinstance(q, query.Not):  # "NOT x" alone means everything but x
        q = query.And([query.Every(), q])
    q, notices = cap(q)  # phrase slops and fuzzy distances within bounds
    return ParsedQuery(text, q, used, plain_words(text), notices=notices)
