"""The everyday commands: search, show, list, star, note, tag, read, similar, stats, index, paths."""

from __future__ import annotations

import sys

from paperreader.cli import EXIT_BAD, EXIT_NOT_FOUND, CliError, not_utf8, tag_filter, tag_words
from paperreader.cli.context import workspace
from paperreader.cli.render import emit_json, print_paper, print_row, print_search


def register(sub) -> None:
    p = sub.add_parser("search", help="search the library")
    p.add_argument("query", nargs="*", help="the query (see README: the search language)")
    p.add_argument("--limit", type=int, default=20, metavar="N", help="at most N results (20; 0: all, as for list)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--stdin", action="store_true", help="read one query a line; print one result a line")
    p.set_defaults(handler=cmd_search)

    p = sub.add_parser("show", help="show one paper")
    p.add_argument("id")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_show)

    p = sub.add_parser("list", help="list papers by state")
    p.add_argument("--starred", action="store_true", help="starred papers only")
    p.add_argument("--tag", type=tag_filter, help="papers with this tag only (one tag: a name with a comma is refused)")
    p.add_argument("--annotated", action="store_true", help="with a note or a tag")
    p.add_argument("--unread", action="store_true", help="papers not read yet only")
    p.add_argument("--new", action="store_true", help="arrived since the last visit (see `paperreader seen`)")
    p.add_argument("--sort", choices=("listing", "added", "published", "title", "starred"), default="listing",
                   help="listing rank (default), newest added, newest published, title, or newest star first")
    p.add_argument("--limit", type=int, default=0, help="at most N (0: all)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_list)

    for name, on, what in (("star", True, "star"), ("unstar", False, "unstar"), ("read", True, "mark read"), ("unread", False, "mark unread")):
        p = sub.add_parser(name, help=f"{what} papers")
        p.add_argument("ids", nargs="+", metavar="ID")
        p.add_argument("--json", action="store_true")
        p.set_defaults(handler=cmd_flag, flag="star" if "star" in name else "read", on=on)

    p = sub.add_parser("note", help="print, set or clear a paper's note (Markdown)")
    p.add_argument("id")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--set", metavar="TEXT", help="the new note ('-' reads standard input)")
    group.add_argument("--clear", action="store_true", help="remove the note")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_note)

    for name in ("tag", "untag"):
        p = sub.add_parser(name, help=f"{'add' if name == 'tag' else 'remove'} tags")
        p.add_argument("id")
        p.add_argument("tags", nargs="+", metavar="TAG", type=tag_words,
                       help="tag names; commas separate tags ('ml,rl' is two), as in the reader's tag dialog; spaces "
                            "inside one quoted name become - ('deep learning' is deep-learning); lower-cased, a leading # dropped")
        p.add_argument("--json", action="store_true")
        p.set_defaults(handler=cmd_tag, add=name == "tag")

    p = sub.add_parser("similar", help="papers like this one (offline)")
    p.add_argument("id")
    p.add_argument("--limit", type=int, default=10, metavar="N", help="at most N papers (10; 0: all)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_similar)

    p = sub.add_parser("stats", help="counts of papers, stars, notes, tags")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_stats)

    p = sub.add_parser("index", help="check, catch up or rebuild the search index")
    p.add_argument("--rebuild", action="store_true", help="build the index again from the library")
    p.set_defaults(handler=cmd_index)

    p = sub.add_parser("paths", help="where the library, index and config live")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_paths)


def _positive(value: int, name: str) -> int:
    if value < 0:
        raise CliError(f"paperreader: --{name} must be 0 or more, not {value}", EXIT_BAD)
    return value


def _or_all(ws, limit: int) -> int:
    """--limit 0 means all, in every command that takes it (list, search, similar): the library's size."""
    return limit or max(ws.library.count(), 1)


def cmd_search(args) -> int:
    from paperreader.cli.searching import repairing, say_notices
    from paperreader.search.query import QueryError

    limit = _positive(args.limit, "limit")
    if args.stdin and args.query:  # the words would be silently ignored
        raise CliError("paperreader search: give a QUERY or --stdin, not both", EXIT_BAD)
    with workspace(args, index=True, backup=False, wait_for_writer=False) as ws:
        limit = _or_all(ws, limit)
        if args.stdin:
            failed = 0
            for line in sys.stdin:
                query = line.rstrip("\n")
                try:
                    if not_utf8(query):  # a line of other bytes: its error, as a bad query's
                        raise QueryError("the line is not UTF-8 text")
                    found = repairing(ws, lambda: ws.engine.search(query, limit=limit))
                    say_notices(found)
                    out = found.json()
                except QueryError as exc:
                    failed += 1
                    out = {"query": query, "error": str(exc), "total": 0, "suggestion": None, "results": []}
                if args.json:
                    emit_json(out)
                else:
                    query, error = query.replace("\t", " "), out.get("error", "").replace("\t", " ")
                    print(f"{query}\t{out['total']}\t{error}")  # three columns: a tab in the query is a space
                sys.stdout.flush()
            return EXIT_BAD if failed else 0
        query = " ".join(args.query)
        results = repairing(ws, lambda: ws.engine.search(query, limit=limit))
        say_notices(results)
        if args.json:
            emit_json(results.json())
        else:
            print_search(results)
    return 0


def _record(ws, pid: str):
    """The paper `pid` names; exit 1 if no paper has that id, 2 if it is not an id at all."""
    record = ws.library.get(_canonical(ws, pid))
    if record is None:
        if not _is_paper_id(pid):
            raise CliError(f"paperreader: {pid!r} is not a paper id (arxiv:2401.12345, an arXiv id or link, a "
                           "Hugging Face paper link, a DOI, or t: and 12 hex digits)", EXIT_BAD)  # fmt: skip
        from paperreader.store.trash import trashed

        entry = trashed(ws.library, text=_canonical(ws, pid))
        if entry is not None:
            raise CliError(f"paperreader: {pid!r} is in the trash (deleted {entry.deleted_at[:10]}): "
                           f"paperreader restore-paper {entry.paper_id} brings it back", EXIT_NOT_FOUND)  # fmt: skip
        raise CliError(f"paperreader: no paper with id {pid!r}", EXIT_NOT_FOUND)
    return record


def _is_paper_id(text: str) -> bool:
    import re

    from paperreader.model import parse_arxiv_id
    from paperreader.search.lookup import identify

    text = text.strip()
    return bool(re.fullmatch(r"t:[0-9a-f]{12}", text) or parse_arxiv_id(text.removeprefix("arxiv:")) or identify(text))


def _canonical(ws, text: str) -> str:
    """The paper id for a link or DOI the search box reads as one (search/lookup.py: Hugging Face
    and doi.org links, DOIs, arXiv's DOIs), so show, star, tag, note, delete and restore-paper take
    whatever search takes; anything else (an id in the library's spellings) as typed."""
    from paperreader.search.lookup import find, identify

    ident = identify(text)
    if ident is None:
        return text
    found = find(ws.library, ident)
    if found is not None:
        return found
    if ident.kind == "arxiv":
        return f"arxiv:{ident.value}"
    if ident.kind == "title":
        return ident.value
    from paperreader.store.trash import trashed

    entry = trashed(ws.library, doi=ident.value)  # a deleted paper known by its DOI: its id in the trash
    return entry.paper_id if entry is not None else text


def cmd_show(args) -> int:
    with workspace(args, backup=False) as ws:
        record = _record(ws, args.id)
        if not args.json:
            print_paper(record)
            return 0
        emit_json(record.full_json())
    return 0


def _rows_json(records) -> list[dict]:
    return [{**r.summary_json(), "score": None, "highlights": []} for r in records]


def cmd_list(args) -> int:
    limit = _positive(args.limit, "limit")
    with workspace(args, backup=False) as ws:
        ids = ws.library.list_ids(starred=args.starred, tag=args.tag, annotated=args.annotated, unread=args.unread)
        ids = _in_order(ws.library, ids, new=args.new, order=args.sort)
        shown = ids[:limit] if limit else ids
        records = ws.library.get_many(shown)
        ordered = [records[i] for i in shown if i in records]
        if args.json:
            emit_json({"total": len(ids), "results": _rows_json(ordered)})
        else:
            print(f"{len(ids):,} paper{'s' if len(ids) != 1 else ''}")
            for rank, record in enumerate(ordered, 1):
                print_row(rank, record)
    return 0


def _in_order(library, ids: list[str], *, new: bool = False, order: str = "listing") -> list[str]:
    """`ids` in `order` (store.listing.ORDERS; "listing", the default: the latest listing's rank,
    older listings, the rest by title); new papers only if asked."""
    from paperreader.store import listing, listings

    if new:
        fresh = listings.new_ids(library)
        ids = [i for i in ids if i in fresh]
    return listing.arrange(library, ids, order)


def pasted_ids(values: list[str]) -> list[str]:
    """The ids of an `ID...` argument list as a user pastes them, as `search` reads them: one argument
    may hold several ("A, B", "A B" quoted, "A;B"), each given once, in order."""
    import re

    out: list[str] = []
    for value in values:
        parts = [p for p in re.split(r"[\s,;]+", value) if p]
        out += parts if len(parts) > 1 and all(_is_paper_id(p) for p in parts) else [value]
    return list(dict.fromkeys(out))


def cmd_flag(args) -> int:
    with workspace(args) as ws:
        records = [_record(ws, pid) for pid in pasted_ids(args.ids)]  # all known, or nothing changes
        records = list({r.id: r for r in records}.values())  # one paper named twice (an id and its link)
        for record in records:
            if args.flag == "star":
                ws.library.set_star(record.id, args.on)
            else:
                ws.library.set_read(record.id, args.on)
            if args.json:
                emit_json({"id": record.id, "title": record.title, "starred" if args.flag == "star" else "read": args.on})
            else:
                print(f"{args.command}: {record.id}  {record.title}")
    return 0


def _new_note(args) -> str | None:
    """The text `--set` gives (read before anything opens); None for --clear. Nothing left after
    cleaning (empty stdin: `cat missing.md | paperreader note ID --set -`) is refused, not a clear."""
    if args.set is None:
        return None
    from paperreader.text import clean_block

    text = _stdin_text() if args.set == "-" else args.set
    if not clean_block(text).strip():
        where = "standard input was empty" if args.set == "-" else "the text given was empty"
        raise CliError(f"paperreader: the new note is empty ({where}); the note was left as it was (use --clear to remove it)", EXIT_BAD)
    from paperreader.store.notes import NoteTooLarge, check_size

    try:
        check_size(clean_block(text))
    except NoteTooLarge as exc:
        raise CliError(f"paperreader: {exc}; the note was left as it was", EXIT_BAD) from None
    return text


def _stdin_text() -> str:
    raw = getattr(sys.stdin, "buffer", None)
    if raw is None:
        return sys.stdin.read()
    from paperreader.store.notes import NOTE_LIMIT

    data = raw.read(16 * NOTE_LIMIT + 1)  # far more than a note may hold, even before cleaning
    if len(data) > 16 * NOTE_LIMIT:
        raise CliError(f"paperreader: standard input is over {16 * NOTE_LIMIT // 1024 // 1024} MB; a note can be at most {NOTE_LIMIT // 1024} KB; the note was left as it was", EXIT_BAD)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CliError(f"paperreader: standard input is not UTF-8 text (byte {exc.start + 1}); the note was left as it was", EXIT_BAD) from None


def cmd_note(args) -> int:
    text = _new_note(args)
    with workspace(args) as ws:
        record = _record(ws, args.id)
        if args.set is not None or args.clear:
            saved = ws.library.set_note(record.id, None if args.clear else text, owner=None)  # no one's draft is touched
            if not args.json:  # a clear of no note says so, exit 0 as `unstar` of an unstarred paper
                print(f"note saved: {record.id}" if saved else
                      f"note cleared: {record.id}" if record.note else f"no note to clear: {record.id} had none")  # fmt: skip
            note = saved
        else:
            note = record.note
            if not args.json:
                if note:
                    print(note)
                else:  # said on stderr: `note ID > file` still gives an empty file
                    print(f"no note on {record.id} (`note {record.id} --set TEXT` writes one)", file=sys.stderr)
                return 0
        if args.json:
            emit_json({"id": record.id, "note": note})
    return 0


def cmd_tag(args) -> int:
    args.tags = list(dict.fromkeys(tag for tags in args.tags for tag in tags))  # each argument may name several
    with workspace(args) as ws:
        record = _record(ws, args.id)
        tags = ws.library.add_tags(record.id, args.tags) if args.add else ws.library.remove_tags(record.id, args.tags)
        absent = [] if args.add else [t for t in dict.fromkeys(args.tags) if t not in record.tags]
        if absent:  # a typo ('untag X mll') would otherwise look done
            print(f"paperreader: {record.id} had no tag {', '.join(repr(t) for t in absent)}", file=sys.stderr)
        if args.json:
            emit_json({"id": record.id, "tags": list(tags)})
        else:
            print(f"{record.id}: {' '.join(tags) if tags else '(no tags)'}")
    return 0


def cmd_similar(args) -> int:
    from paperreader.cli.searching import repairing

    limit = _positive(args.limit, "limit")
    with workspace(args, index=True, backup=False, wait_for_writer=False) as ws:
        record = _record(ws, args.id)
        limit = _or_all(ws, limit)
        hits = repairing(ws, lambda: ws.engine.similar(record.id, limit=limit))
        if args.json:
            emit_json({"id": record.id, "total": len(hits), "results": [h.json() for h in hits]})
        else:
            print(f"papers like: {record.title}")
            if behind := ws.index.behind():  # another process writes the index (see workspace(wait_for_writer))
                print(f"paperreader: the index is catching up: {behind:,} new or changed papers were not compared", file=sys.stderr)
            if not hits:  # a header alone reads as a failure or a cut-off output
                print("nothing similar found: no other paper shares this one's distinctive words")
            for rank, hit in enumerate(hits, 1):
                print_row(rank, hit.record, score=hit.score)
    return 0


def cmd_stats(args) -> int:
    with workspace(args, backup=False) as ws:
        stats = ws.library.stats()
        if args.json:
            emit_json(stats)
        else:
            for key, value in stats.items():
                print(f"{key:<14} {value:,}" if type(value) is int else f"{key:<14} {value}")
    return 0


def cmd_index(args) -> int:
    from paperreader.cli.context import progress_printer

    with workspace(args) as ws:
        if args.rebuild:
            try:
                docs = ws.index.rebuild(progress_printer())
            except OSError as exc:  # a full disk: the side build is gone, the old index stays (search/write_failure.py)
                kept = "; the old index is kept" if ws.index.dir.exists() else ""
                raise CliError(f"paperreader: {ws.paths.index_dir}: cannot rebuild the search index: {exc.strerror or exc}{kept}") from None
            print(f"index rebuilt: {docs:,} papers")
        else:
            notice = ws.ensure_index(progress_printer())
            print(notice or f"index up to date: {ws.index.read_stamp().get('docs', 0):,} papers")
            from paperreader.search import letter_backfill  # segments indexed before their letter files (typing's terms)

            written = letter_backfill.fill(ws.index.dir)
            if written:
                print(f"letter files written for {written:,} index segment{'s' if written != 1 else ''}")
    return 0


def cmd_paths(args) -> int:
    from paperreader.paths import resolve

    paths = resolve(args.data_dir).as_dict()
    if args.json:
        emit_json(paths)
    else:
        for key, value in paths.items():
            print(f"{key:<10} {value}")
    return 0
