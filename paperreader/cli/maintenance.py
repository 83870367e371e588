"""Looking after the data: backup, restore, check."""

from __future__ import annotations

import sys
from pathlib import Path

from paperreader.cli import EXIT_BAD, CliError
from paperreader.cli.context import with_restore_hint, workspace
from paperreader.cli.render import emit_json


def register(sub) -> None:
    p = sub.add_parser("backup", help="copy the library into the backups folder (or list the backups)")
    p.add_argument("--list", action="store_true", help="list the backups, oldest first")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_backup)

    p = sub.add_parser("restore", help="replace the library with a backup (the current one is backed up first)")
    p.add_argument("file", metavar="FILE", help="a backup (see `paperreader backup --list`)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_restore)

    p = sub.add_parser("check", help="check the library (SQLite integrity check) and the search index")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_check)


def cmd_backup(args) -> int:
    from paperreader.paths import resolve
    from paperreader.store import backup

    if args.list:
        found = backup.list_backups(resolve(args.data_dir).backups_dir)
        if args.json:
            emit_json({"backups": [b.json() for b in found]})
        else:
            for b in found:
                print(f"{b.path}  {b.kind}  {b.size // 1024:,} KiB")
        return 0
    with workspace(args, seed=False) as ws:
        path = backup.backup(ws.library, ws.paths.backups_dir)
        if args.json:
            emit_json({"backup": str(path), "papers": ws.library.count()})
        else:
            print(f"backed up {ws.library.count():,} papers to {path}")
    return 0


def cmd_restore(args) -> int:
    from paperreader.paths import resolve
    from paperreader.store import StoreError, backup

    paths = resolve(args.data_dir)
    try:
        paths.ensure()
        done = backup.restore(paths.store, paths.backups_dir, Path(args.file).expanduser())
    except (StoreError, OSError) as exc:
        if _is_json_export(Path(args.file).expanduser()):
            raise CliError(f"paperreader: {args.file}: a JSON export, not a copy of the library (what `paperreader backup` "
                           f"makes): `paperreader import {args.file}` merges it into this library; nothing was changed", EXIT_BAD) from None  # fmt: skip
        raise CliError(f"paperreader: {exc}", EXIT_BAD) from None
    with workspace(args, seed=False) as ws:  # the change log started over: rebuild, do not catch up
        ws.index.rebuild()
    if args.json:
        emit_json({"restored": str(done.source), "papers": done.papers, "schema": done.version,
                   "previous": str(done.previous) if done.previous else None})
    else:
        print(f"restored {done.papers:,} papers from {done.source}")
        if done.previous:
            print(f"the library it replaced was saved to {done.previous}")
    return 0


def _is_json_export(path: Path) -> bool:
    """`export --format json` (README's "full backup") given to `restore`, which takes the library's own file."""
    from paperreader.sources import SourceError
    from paperreader.sources.detect import detect_file

    try:
        return path.is_file() and detect_file(path) == "backup"
    except (SourceError, OSError):
        return False


def cmd_check(args) -> int:
    from paperreader.paths import resolve
    from paperreader.store import StoreError
    from paperreader.store.validation import inspect_store

    paths = resolve(args.data_dir)
    report = {"store": str(paths.store), "store_ok": False, "store_problem": None, "index_problem": None}
    try:
        inspect_store(paths.store, thorough=True)
        report["store_ok"] = True
    except StoreError as exc:
        report["store_problem"] = with_restore_hint(exc, paths)
    if report["store_ok"]:
        from paperreader.search.validate import read_everything

        with workspace(args, seed=False) as ws:
            report["index_problem"] = ws.index.problem()
            # every posting list, stored document and length, each problem naming its file
            report["index_damage"] = read_everything(ws.index.dir) if ws.index.dir.is_dir() else []
        if report["index_damage"] and not report["index_problem"]:
            report["index_problem"] = "the search index is damaged"
    if args.json:
        emit_json(report)
    elif report["store_ok"]:
        print(f"library ok: {paths.store}")
        print(f"index: {report['index_problem'] or 'ok'}{' (it is rebuilt on the next search)' if report['index_problem'] else ''}")
        for damage in report["index_damage"]:
            print(f"  {damage}")
    if not report["store_ok"]:
        print(f"paperreader: {report['store_problem']}", file=sys.stderr)
        return EXIT_BAD
    return 0
