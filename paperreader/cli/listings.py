"""Listings and what is new: `listings`, `diff`, `seen`, `saved`, `digest`.

A listing is a ranked import recorded by the store (store.listings); `diff` compares two of them;
"new" means arrived since the previous visit (the reader moves the mark at each session start,
`seen` moves it for those who only use the command line); `digest` gathers, for each saved search,
the new papers that match it, as JSON or Markdown fit to mail.
"""

from __future__ import annotations

import re
import sys

from paperreader.cli import EXIT_BAD, EXIT_NOT_FOUND, CliError
from paperreader.cli.context import workspace
from paperreader.cli.render import emit_json

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?$")


def register(sub) -> None:
    p = sub.add_parser("listings", help="the ranked listings imported (trending pages, HF days, arXiv mails and searches)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_listings)

    p = sub.add_parser("diff", help="what changed between two listings (entered, moved, dropped)",
                       description="Compare two listings by id (see `paperreader listings`). With none, the latest "
                       "listing against the previous one from the same source; with one, that listing against its "
                       "previous one; with two, A against B.")  # fmt: skip
    p.add_argument("ids", nargs="*", metavar="ID", help="listing ids: [A [B]]")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_diff)

    p = sub.add_parser("seen", help="mark everything in the library as seen: nothing is new until more arrives")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_seen)

    p = sub.add_parser("saved", help="saved searches (the reader's too): add, list, rm")
    saved = p.add_subparsers(dest="action", metavar="ACTION", parser_class=type(p))
    saved.required = True
    q = saved.add_parser("add", help="save QUERY under NAME (replacing a search of that name)")
    q.add_argument("name", help="the saved search's name")
    q.add_argument("query", nargs="+", help="the query (see README: the search language)")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_saved)
    q = saved.add_parser("list", help="every saved search")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_saved)
    q = saved.add_parser("rm", help="forget a saved search")
    q.add_argument("name", help="the saved search's name")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_saved)

    p = sub.add_parser("digest", help="new papers matching each saved search, as Markdown (or --json)",
                       description="For each saved search, the papers that arrived since the last visit (or since "
                       "--since DATE) and match it. As text it is Markdown, fit to mail or paste.")  # fmt: skip
    p.add_argument("--since", metavar="DATE", help="papers added on or after DATE (YYYY-MM-DD or an ISO time)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_digest)


# --- listings and diff -------------------------------------------------------------------------------------


def cmd_listings(args) -> int:
    from paperreader.store import listings

    with workspace(args, backup=False) as ws:
        found = listings.all_listings(ws.library)
    if args.json:
        emit_json({"listings": [item.json() for item in found]})
        return 0
    if not found:
        print("no listings yet: import a page dump, a Hugging Face or arXiv file, or run `paperreader fetch`")
    for item in found:
        print(f"{item.id:>4}  {item.date[:16]:<16}  {item.source:<11}  {item.papers:>4,} {'papers' if item.papers != 1 else 'paper '} ({item.added:,} new)  {item.name}")
    return 0


def _listing_id(text: str) -> int:
    if not re.fullmatch(r"\d{1,18}", text.strip()):
        raise CliError(f"paperreader: {text!r} is not a listing id (a number; see `paperreader listings`)", EXIT_BAD)
    return int(text)


def pick_pair(library, ids: list[str]):
    """The (before, after) listings `diff` compares; CliError for bad or unknown ids."""
    from paperreader.store import listings

    if len(ids) > 2:
        raise CliError("paperreader: diff takes at most two listing ids", EXIT_BAD)
    numbers = [_listing_id(i) for i in ids]
    chosen = []
    for number in numbers:
        item = listings.get(library, number)
        if item is None:
            raise CliError(f"paperreader: no listing with id {number}", EXIT_NOT_FOUND)
        chosen.append(item)
    if len(chosen) == 2:
        return chosen[0], chosen[1]
    after = chosen[0] if chosen else listings.latest(library)
    if after is None:
        raise CliError("paperreader: no listings yet: import a ranked file or run `paperreader fetch`", EXIT_NOT_FOUND)
    return listings.previous_of(library, after), after


def cmd_diff(args) -> int:
    from paperreader.store import listings

    with workspace(args, backup=False) as ws:
        before, after = pick_pair(ws.library, args.ids)
        change = listings.diff(ws.library, before, after)
        out = change.json(ws.library)
    if args.json:
        emit_json(out)
        return 0
    name = lambda item: f"#{item['id']} {item['name']} ({item['date'][:16]})"  # noqa: E731
    print(f"{name(out['from']) if out['from'] else 'nothing before'} -> {name(out['to'])}")
    climbed = [m for m in out["moved"] if m["to"] < m["from"]]
    fell = [m for m in out["moved"] if m["to"] > m["from"]]
    sections = (
        ("entered", [f"  {a['rank']:>4}  {a['title']}" for a in out["added"]]),
        ("climbed", [f"  ↑ {m['from']} → {m['to']}  {m['title']}" for m in climbed]),
        ("fell", [f"  ↓ {m['from']} → {m['to']}  {m['title']}" for m in fell]),
        ("dropped", [f"  {d['rank']:>4}  {d['title']}" for d in out["dropped"]]),
    )
    for title, lines in sections:
        if lines:
            print(f"{title} ({len(lines):,}):")
            print("\n".join(lines))
    if not any(lines for _, lines in sections):
        print("no change")
    return 0


# --- seen -------------------------------------------------------------------------------------------------


def cmd_seen(args) -> int:
    from paperreader.store import listings

    with workspace(args) as ws:
        was_new = len(listings.new_ids(ws.library))
        stamp = listings.mark_seen(ws.library)
    if args.json:
        emit_json({"seen_at": stamp, "were_new": was_new})
    else:
        print(f"marked as seen at {stamp} ({was_new:,} {'papers were' if was_new != 1 else 'paper was'} new)")
    return 0


# --- saved searches -----------------------------------------------------------------------------------------


def cmd_saved(args) -> int:
    from paperreader.text import clean_line

    with workspace(args, backup=args.action != "list") as ws:
        if args.action == "list":
            searches = ws.library.saved_searches()
            if args.json:
                emit_json({"saved": [{"name": n, "query": q} for n, q in searches]})
            else:
                if not searches:
                    print("no saved searches: `paperreader saved add NAME QUERY` saves one")
                for name, query in searches:
                    print(f"{name}: {query}")
            return 0
        name = clean_line(args.name)
        if not name:
            raise CliError("paperreader: a saved search needs a name", EXIT_BAD)
        if args.action == "rm":
            if name not in dict(ws.library.saved_searches()):
                raise CliError(f"paperreader: no saved search named {name!r}", EXIT_NOT_FOUND)
            ws.library.delete_search(name)
            result = {"removed": name}
        else:
            from paperreader.search.query import check

            query = clean_line(" ".join(args.query))
            if not query:
                raise CliError("paperreader: a saved search needs a query", EXIT_BAD)
            check(query)  # a malformed query is refused now, not at every digest (QueryError: exit 2)
            replaced = name in dict(ws.library.saved_searches())
            ws.library.save_search(name, query)
            result = {"saved": name, "query": query, "replaced": replaced}
    if args.json:
        emit_json(result)
    elif "removed" in result:
        print(f"removed the saved search {name!r}")
    else:
        print(f"{'replaced' if result['replaced'] else 'saved'} {name!r}: {result['query']}")
    return 0


# --- digest ---------------------------------------------------------------------------------------------------


def _utc(text: str) -> str:
    """A time as the store writes them (UTC, to the second), so it compares with `added_at`; a date stays a date."""
    from paperreader.sources.listing import iso_utc

    return text if len(text) == 10 else (iso_utc(text.replace(" ", "T")) or text)


def _is_time(text: str) -> bool:
    """A real ISO date or time (2025-07-22, 2025-07-22T08:00, ...Z, ...+02:00)."""
    from datetime import datetime

    if not _DATE.match(text):
        return False
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def cmd_digest(args) -> int:
    from paperreader.digest import build, markdown

    if args.since is not None and not _is_time(args.since.strip()):
        raise CliError(f"paperreader: --since must be a date (YYYY-MM-DD) or an ISO time, not {args.since!r}", EXIT_BAD)
    with workspace(args, index=True, backup=False) as ws:
        digest = build(ws, _utc(args.since.strip()) if args.since else None)
    if args.json:
        emit_json(digest)
    else:
        sys.stdout.write(markdown(digest))
    return 0
