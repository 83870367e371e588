"""Papers in and out: import, export, fetch (arXiv, Hugging Face) and resolve."""

from __future__ import annotations

import argparse
import sys
import time

from paperreader.cli import EXIT_BAD, CliError, tag_filter
from paperreader.cli.context import workspace
from paperreader.cli.render import emit_json

FORMAT_CHOICES = ("auto", "backup", "pagedump", "arxiv-atom", "arxiv-oai", "hf", "bibtex", "arxiv-email", "csv", "json")
BIG = 1000  # papers changed by one command above which the index is brought up to date at once

IMPORT_HELP = """\
Import papers from files; the format is detected from the content.

Nothing half-imported: every file named is read and checked whole before anything is written, and
all of them are then written in ONE transaction, so the command imports all its files or none. A
bad record stops the command with FILE:LINE: reason (exit 2) and the library is left unchanged;
--skip-bad imports the good records instead and lists the bad ones.

arXiv OAI snapshots (arxiv-oai, one JSON object a line, up to 4 GB) are streamed: a first pass
checks every line (a bad line refuses the file before anything is written), a second pass writes
batches of --batch-size papers, one transaction each, saving a checkpoint after each batch. If the
import is stopped (Ctrl-C, a kill, a crash), run the same command again to resume after the last
written batch (--restart starts over). Either way no paper is duplicated.

A JSON backup made by `paperreader export --format json` is recognised and restores papers,
stars, read marks, notes, tags and saved searches, merging with what the library holds.
"""
EXPORT_HELP = """\
Export papers: all of them, or the starred ones, those with a tag, or those matching a query (the
filters combine). Markdown lists titles as links with authors, tags and notes; BibTeX is arXiv's
own @misc style (papers without an arXiv id get title, authors, year and url) and reads back with
`paperreader import`; CSV has id,title,authors,year,arxiv_id,doi,url,tags,starred,note,abstract; JSON is
the full backup (papers with stars, read marks, notes, tags and saved searches) that
`paperreader import` restores. With -o the file is written whole or not at all.
"""


def register(sub) -> None:
    p = sub.add_parser("import", help="import papers from files (arXiv, Hugging Face, BibTeX, e-mail, CSV/JSON, backups)",
                       description=IMPORT_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    p.add_argument("paths", nargs="+", metavar="PATH", help="the files to import")
    p.add_argument("--format", default="auto", choices=FORMAT_CHOICES, help="the files' format (auto: told by content)")
    p.add_argument("--skip-bad", action="store_true", help="import the good records, list the bad ones")
    p.add_argument("--restart", action="store_true", help="start an interrupted snapshot import over")
    p.add_argument("--batch-size", type=int, default=5000, metavar="N", help="papers a transaction for snapshots (5000)")
    p.add_argument("--no-index", action="store_true", help="leave the search index to catch up on the next search")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("export", help="export papers as Markdown, BibTeX, CSV or a JSON backup",
                       description=EXPORT_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    p.add_argument("--starred", action="store_true", help="starred papers only")
    p.add_argument("--tag", metavar="T", type=tag_filter, help="papers with tag T only")
    p.add_argument("--query", metavar="Q", help="papers matching a search (see the search language)")
    p.add_argument("--format", default="markdown", choices=("markdown", "bibtex", "json", "csv"), help="markdown (default), bibtex, csv or json (a full backup)")
    p.add_argument("-o", "--output", metavar="FILE", help="write FILE, a regular file, whole (atomically); '-': standard output")
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser("fetch", help="fetch papers from arXiv or Hugging Face (network) and import them")
    fetch = p.add_subparsers(dest="source", metavar="SOURCE", parser_class=type(p))
    fetch.required = True
    q = fetch.add_parser("arxiv", help="search the arXiv API; at most one request every 3 seconds")
    q.add_argument("query", nargs="+", help="words (all must appear) or arXiv syntax: ti:, au:, abs:, cat:, AND, OR")
    q.add_argument("--max", type=int, default=50, metavar="N", help="at most N papers (50)")
    q.add_argument("--sort", choices=("relevance", "submitted", "updated"), default="relevance", help="arXiv's order (relevance)")
    q.add_argument("--delay", type=float, default=3.0, metavar="S", help=argparse.SUPPRESS)
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_fetch)
    q = fetch.add_parser("hf", help="Hugging Face daily papers")
    q.add_argument("--date", metavar="YYYY-MM-DD", help="the day's list (today's by default)")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_fetch)

    p = sub.add_parser("resolve", help="find arXiv ids for papers that have none (by exact title; network)",
                       description="Ask arXiv for each paper without an id by its exact title; a match is "
                       "imported, so the paper gains its id, authors and links and keeps its stars, notes and "
                       "tags. Answers (misses too) are cached in the data dir, so no title is asked twice.")  # fmt: skip
    p.add_argument("--limit", type=int, default=0, metavar="N", help="at most N papers (0: all)")
    p.add_argument("--retry-misses", action="store_true", help="ask again about titles arXiv did not know")
    p.add_argument("--delay", type=float, default=3.0, metavar="S", help=argparse.SUPPRESS)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_resolve)


# --- progress ----------------------------------------------------------------------------------------


class Progress:
    """A bar on stderr when it is a terminal; otherwise a plain line every `every` seconds."""

    def __init__(self, every: float = 10.0) -> None:
        self.tty = sys.stderr.isatty()
        self.every, self.last, self.stage, self.shown = every, 0.0, "", False
        self.closed: set[str] = set()  # stages whose last line is out

    def __call__(self, stage: str, done: int, total: int, line: int) -> None:
        now = time.monotonic()
        finished = done >= total
        if stage in self.closed:
            return
        if stage != self.stage:  # a new stage: a bar at once; a plain line only once it takes a while
            self.stage, self.last, self.shown = stage, (0.0 if self.tty else now), False
        if finished:
            self.closed.add(stage)
            if not self.tty and not self.shown:
                return  # quick: no line needed
        elif now - self.last < (0.1 if self.tty else self.every):
            return
        self.last, self.shown = now, True
        pct = 100 * done / total if total else 100
        if self.tty:
            filled = int(30 * pct / 100)
            end = "\n" if finished else ""
            sys.stderr.write(f"\r{stage:<9} [{'#' * filled}{'.' * (30 - filled)}] {pct:5.1f}%  line {line:,}{end}")
        else:
            sys.stderr.write(f"paperreader: {stage} {pct:.1f}% (line {line:,})\n")
        sys.stderr.flush()


# --- import ------------------------------------------------------------------------------------------


def cmd_import(args) -> int:
    from paperreader.ingest.import_files import ImportStopped, LiveStoreGiven, import_files, papers_in
    from paperreader.ingest.oai_stream import SnapshotBusy
    from paperreader.ingest.plan import ImportFailed
    from paperreader.sources import SourceError

    if args.batch_size < 1:
        raise CliError(f"paperreader: --batch-size must be 1 or more, not {args.batch_size}", EXIT_BAD)
    with workspace(args) as ws:
        try:
            report = import_files(
                ws.library, args.paths, ws.paths, fmt=args.format, skip_bad=args.skip_bad, restart=args.restart,
                batch=args.batch_size, progress=lambda _path: Progress(),
                notice=lambda text: print(f"paperreader: {text}", file=sys.stderr),
            )  # fmt: skip
        except LiveStoreGiven as exc:
            raise CliError(f"{exc.given}: that is the library itself (`paperreader restore FILE` brings back a backup); "
                           "nothing was imported", EXIT_BAD) from None  # fmt: skip
        except ImportFailed as exc:
            for error in exc.errors[:-1]:
                print(str(error), file=sys.stderr)
            raise CliError(f"{exc.errors[-1]} (nothing was imported)", EXIT_BAD) from None
        except SnapshotBusy as exc:
            raise CliError(f"paperreader: {exc}", EXIT_BAD) from None
        except SourceError as exc:
            raise CliError(f"{exc} (nothing was imported)", EXIT_BAD) from None
        except ImportStopped as exc:
            print(f"\npaperreader: stopped; {exc.lines:,} lines of {exc.path} imported. "
                  "Run the same command again to resume.", file=sys.stderr)  # fmt: skip
            return 130
        _catch_up_index(ws, report.changed, args)
    for line in report.skipped_lines:
        print(f"skipped {line}", file=sys.stderr)
    _say_dropped([line for f in report.files for line in f.get("dropped", ())])
    counts = {"added": report.added, "updated": report.updated, "unchanged": report.unchanged}
    if args.json:
        emit_json({**counts, "skipped": report.skipped_count, "files": report.files})
    else:
        for f in report.files:
            print(f"{f['file']}: {f['format']}, {papers_in(f, which=True)}"
                  + (f", {f.get('skipped_count', len(f['skipped'])):,} bad record(s) skipped" if f["skipped"] else "")
                  + (f", {len(f['dropped']):,} value(s) left out" if f.get("dropped") else ""))  # fmt: skip
        print(f"added {report.added:,}, updated {report.updated:,}, unchanged {report.unchanged:,}")
    return 0


def _say_dropped(lines: list[str], shown: int = 10) -> None:
    """Values an import left out (a date that is not one, a link that is not a web address): each on
    stderr as FILE:LINE: what, the first `shown`, then how many more."""
    for line in lines[:shown]:
        print(f"paperreader: {line}", file=sys.stderr)
    if len(lines) > shown:
        print(f"paperreader: and {len(lines) - shown:,} more value(s) left out", file=sys.stderr)


def _catch_up_index(ws, changed: int, args) -> None:
    """A big import is indexed now, with progress, rather than on the next search."""
    if changed < BIG or args.no_index:
        return
    from paperreader.cli.context import progress_printer

    from paperreader.search.validate import IndexBusy
    from paperreader.workspace import DataDirError

    print(f"paperreader: indexing {changed:,} new or changed papers", file=sys.stderr)
    try:
        notice = ws.index_changes(changed, progress_printer())  # (a rebuild has the progress bar catch_up lacks)
    except (IndexBusy, DataDirError, OSError) as exc:  # the import is done and committed: only this is left
        why = (exc.strerror or str(exc)) if isinstance(exc, OSError) else str(exc).removesuffix("; try again")
        print(f"paperreader: the papers are imported; the search index catches up on the next search ({why})", file=sys.stderr)
        return
    if notice:
        print(f"paperreader: {notice}", file=sys.stderr)


# --- export ------------------------------------------------------------------------------------------


def _selected_ids(ws, args) -> list[str]:
    ids = ws.library.list_ids(starred=args.starred, tag=args.tag)
    if args.query is None:
        return ids
    wanted = set(ids) if (args.starred or args.tag) else None
    from paperreader.cli.searching import say_notices
    from paperreader.text import clean_line

    found = ws.engine.search(args.query, limit=max(ws.library.count(), 1), highlight=False)
    say_notices(found)
    if found.notice:  # ids not in the library, a field no paper has: on stderr, the export stays on stdout
        print(f"paperreader: {clean_line(found.notice)}", file=sys.stderr)
    hits = found.hits
    # a question's closest matches (search/partial.py) are not matches to export: every word, as typed
    return [h.id for h in hits if (wanted is None or h.id in wanted) and h.match == "all"]


def _records(ws, ids: list[str], chunk: int = 1000):
    for start in range(0, len(ids), chunk):
        page = ids[start : start + chunk]
        records = ws.library.get_many(page)
        yield from (records[i] for i in page if i in records)


def cmd_export(args) -> int:
    from paperreader import export
    from paperreader.cli.output import check_target
    from paperreader.paths import resolve

    target = check_target(args.output, resolve(args.data_dir)) if args.output else None  # before anything opens
    with workspace(args, index=args.query is not None) as ws:
        ids = _selected_ids(ws, args)
        try:
            count = _write(export, args, ws, ids, target)
        except BrokenPipeError:
            raise
        except OSError as exc:
            where = args.output or "standard output"
            raise CliError(f"paperreader: cannot write {where}: {exc.strerror or exc}", EXIT_BAD) from None
    if target is not None:
        print(f"exported {count:,} paper{'s' if count != 1 else ''} to {args.output}", file=sys.stderr)
    return 0


def _write(export, args, ws, ids: list[str], target) -> int:
    from paperreader.cli.output import OutputFile

    with OutputFile(target, args.output) as out:
        if args.format == "markdown":
            return export.write_markdown(_records(ws, ids), out, title=_title(args))
        if args.format == "bibtex":
            from paperreader.citation import citation_keys

            keys = citation_keys(ws.library, _records(ws, ids))
            return export.write_bibtex(_records(ws, ids), out, keys)
        if args.format == "csv":
            return export.write_csv(_records(ws, ids), out)
        from paperreader.sources.backup import write_backup
        from paperreader.store.listings import backup_rows

        return write_backup(_records(ws, ids), out, ws.library.saved_searches(), backup_rows(ws.library))


def _title(args) -> str:
    parts = ["starred" if args.starred else "", f"tagged {args.tag}" if args.tag else "", f"matching {args.query}" if args.query else ""]
    chosen = ", ".join(p for p in parts if p)
    return f"Papers ({chosen})" if chosen else "Papers"


# --- fetch and resolve -------------------------------------------------------------------------------


def _client(delay: float = 0.0):
    from paperreader.ingest.fetch import Client

    return Client(delay=max(delay, 0.0), log=lambda line: print(f"paperreader: {line}", file=sys.stderr))


def cmd_fetch(args) -> int:
    from paperreader.ingest import fetch

    try:
        if args.source == "arxiv":
            if args.max < 1:
                raise CliError(f"paperreader: --max must be 1 or more, not {args.max}", EXIT_BAD)
            info: dict = {}
            papers = fetch.fetch_arxiv(" ".join(args.query), limit=args.max, client=_client(args.delay), sort=args.sort, info=info)
            spec = _arxiv_listing(info.get("listing"), " ".join(args.query), args.sort)
        else:
            if args.date and not _is_date(args.date):
                raise CliError(f"paperreader: --date must be YYYY-MM-DD, not {args.date!r}", EXIT_BAD)
            papers = fetch.fetch_hf(args.date, client=_client())
            spec = _hf_listing(papers, args.date)
    except fetch.FetchError as exc:
        raise CliError(f"paperreader: {exc}", EXIT_BAD) from None
    with workspace(args) as ws:
        from paperreader.store.listings import Recorder, upsert_listed

        result = upsert_listed(ws.library, papers, Recorder([(spec, papers)] if spec else [])) if papers else None
        ids = [ws.library.resolve_id(p.id) or p.id for p in papers]
    counts = {"added": result.added if result else 0, "updated": result.updated if result else 0,
              "unchanged": result.unchanged if result else 0}  # fmt: skip
    if args.json:
        emit_json({**counts, "fetched": len(papers), "ids": ids})
    else:
        print(f"fetched {len(papers):,} paper{'s' if len(papers) != 1 else ''}: "
              f"added {counts['added']:,}, updated {counts['updated']:,}, unchanged {counts['unchanged']:,}")  # fmt: skip
    return 0


def _hf_listing(papers: list, day: str | None):
    """A day of Hugging Face papers: the day asked, else the latest day its items were listed, else today."""
    from datetime import date

    from paperreader.sources.listing import hf_listing

    if not papers:
        return None
    if day is None and not any(p.extra.get("listed") for p in papers):
        day = date.today().isoformat()
    return hf_listing(papers, "", day)


def _arxiv_listing(spec, words: str, sort: str):
    """The arXiv answer's listing: named by the query as typed (and the order, unless relevance),
    dated by the feed's <updated>."""
    from paperreader.store.listings import ListingSpec

    name = f"arXiv: {' '.join(words.split())}" + ("" if sort == "relevance" else f" (by {sort})")
    return ListingSpec("arxiv-atom", name, spec.date if spec else None, dated=False)


def _is_date(text: str) -> bool:
    from datetime import date

    try:
        date.fromisoformat(text)
        return len(text) == 10
    except ValueError:
        return False


def cmd_resolve(args) -> int:
    from paperreader.ingest import fetch

    if args.limit < 0:
        raise CliError(f"paperreader: --limit must be 0 or more, not {args.limit}", EXIT_BAD)
    with workspace(args) as ws:
        pending = [(r.id, r.title) for r in ws.library.iter_records() if r.arxiv_id is None]
        pending.sort(key=lambda item: item[1].casefold())
        if args.limit:
            pending = pending[: args.limit]
        cache = fetch.TitleCache(ws.paths.data_dir / "resolve-cache.json")
        resolver = fetch.Resolver(cache, _client(args.delay), retry_misses=args.retry_misses)
        progress = Progress(every=10.0)
        code = 0
        try:
            resolver.run([t for _, t in pending], lambda n, total, hits: progress("resolving", n, total, n))
        except fetch.FetchError as exc:
            if not resolver.found:
                raise CliError(f"paperreader: {exc}", EXIT_BAD) from None
            print(f"paperreader: {exc}; importing the {len(resolver.found):,} matches found so far", file=sys.stderr)
            code = EXIT_BAD
        except KeyboardInterrupt:
            print(f"\npaperreader: stopped; importing the {len(resolver.found):,} matches found so far", file=sys.stderr)
            code = 130
        result = ws.library.upsert(resolver.found) if resolver.found else None
        resolved = []
        for old, _ in pending:
            new = ws.library.resolve_id(old)
            if new and new != old:
                resolved.append({"id": old, "now": new})
        missing = len(pending) - len(resolved)
    out = {"checked": len(pending), "resolved": resolved, "not_found": missing, "asked_arxiv": resolver.asked,
           "from_cache": resolver.cached, "updated": result.updated if result else 0}  # fmt: skip
    if args.json:
        emit_json(out)
    else:
        for item in resolved:
            print(f"{item['id']} -> {item['now']}")
        print(f"resolved {len(resolved):,} of {len(pending):,} papers without an arXiv id "
              f"({resolver.asked:,} asked of arXiv, {resolver.cached:,} from the cache)")  # fmt: skip
    return code
