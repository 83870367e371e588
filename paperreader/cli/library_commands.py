"""Keeping the library tidy: delete, the trash, restore-paper, and the tags (counts, rename, merge)."""

from __future__ import annotations

from paperreader.cli import EXIT_BAD, EXIT_NOT_FOUND, CliError, one_tag
from paperreader.cli.commands import _canonical as canonical
from paperreader.cli.commands import _is_paper_id as is_paper_id
from paperreader.cli.commands import _record as paper_record
from paperreader.cli.context import workspace
from paperreader.cli.render import emit_json


def register(sub) -> None:
    p = sub.add_parser("delete", help="move papers to the trash (kept 30 days, with their notes and tags)")
    p.add_argument("ids", nargs="+", metavar="ID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_delete)

    p = sub.add_parser("trash", help="the papers deleted in the last 30 days")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_trash)

    p = sub.add_parser("restore-paper", help="bring a deleted paper back from the trash, with its notes and tags")
    p.add_argument("id", metavar="ID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_restore_paper)

    p = sub.add_parser("tags", help="every tag with its count; `tags rename OLD NEW` renames (or merges) one")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_tags)
    actions = p.add_subparsers(dest="tags_command", metavar="ACTION")
    r = actions.add_parser("rename", help="rename a tag on every paper (merging into NEW if it exists)")
    r.add_argument("old", metavar="OLD", type=one_tag, help="the tag to rename")
    r.add_argument("new", metavar="NEW", type=one_tag,
                   help="its new name, one tag (an existing tag: the two merge); a name with a comma is refused, "
                        "since commas separate tags ('ml,rl' is two in `tag`); spaces become - as in `tag`")
    r.add_argument("--json", action="store_true")
    r.set_defaults(handler=cmd_tags_rename)


def cmd_delete(args) -> int:
    from paperreader.store import trash

    with workspace(args) as ws:
        records = []
        from paperreader.cli.commands import pasted_ids

        for pid in pasted_ids(args.ids):  # all known, or nothing changes
            records.append(paper_record(ws, pid))  # exit 1 not found, 2 not an id (as show, star, note)
        records = list({r.id: r for r in records}.values())
        entries = trash.delete_papers(ws.library, [r.id for r in records])
        if args.json:
            emit_json({"deleted": [{"id": r.id, "title": r.title, "entry": e} for r, e in zip(records, entries)]})
        else:
            for record in records:
                print(f"deleted: {record.id}  {record.title}")
            print(f"in the trash for {trash.KEEP_DAYS} days: paperreader restore-paper ID brings one back")
    return 0


def cmd_trash(args) -> int:
    from paperreader.store import trash

    with workspace(args, backup=False) as ws:
        found = trash.entries(ws.library)
        if args.json:
            emit_json({"total": len(found), "results": [e.json() for e in found]})
            return 0
        print(f"{len(found):,} paper{'s' if len(found) != 1 else ''} in the trash")
        for e in found:
            marks = ("★" if e.starred else " ") + ("✎" if e.has_note else " ")
            tags = "  " + " ".join(f"#{t}" for t in e.tags) if e.tags else ""
            print(f"{e.deleted_at[:10]}  {marks} {e.paper_id}  {e.title}{tags}")
    return 0


def cmd_restore_paper(args) -> int:
    from paperreader.store import trash

    with workspace(args) as ws:
        try:
            pid = trash.restore(ws.library, canonical(ws, args.id))
        except trash.NotInTrash as exc:
            if not is_paper_id(args.id):
                paper_record(ws, args.id)  # the one line 'not a paper id', exit 2
            here = ws.library.resolve_id(canonical(ws, args.id))
            if here is not None:  # never deleted, or restored already
                raise CliError(f"paperreader: {args.id!r} is not in the trash: {here} is in the library", EXIT_NOT_FOUND) from None
            raise CliError(f"paperreader: {exc}", EXIT_NOT_FOUND) from None
        record = ws.library.get(pid)
        if args.json:
            emit_json({"id": pid, "title": record.title if record else ""})
        else:
            print(f"restored: {pid}  {record.title if record else ''}")
    return 0


def cmd_tags(args) -> int:
    with workspace(args, backup=False) as ws:
        counts = ws.library.all_tags()
        if args.json:
            emit_json({"tags": [{"tag": tag, "count": n} for tag, n in counts]})
        elif not counts:
            print("no tags yet: `paperreader tag ID TAG` adds one")
        else:
            for tag, n in counts:
                print(f"{n:>6,}  {tag}")
    return 0


def cmd_tags_rename(args) -> int:
    from paperreader.store.tag_rename import BadTag, TagNotFound, rename_tag

    with workspace(args) as ws:
        try:
            done = rename_tag(ws.library, args.old, args.new)
        except TagNotFound as exc:
            raise CliError(f"paperreader: {exc}", EXIT_NOT_FOUND) from None
        except BadTag as exc:
            raise CliError(f"paperreader: tags rename: {exc}", EXIT_BAD) from None
        if args.json:
            emit_json(done.json())
        else:
            how = "merged into" if done.merged else "renamed to"
            print(f"#{done.old} {how} #{done.new} on {done.papers:,} paper{'s' if done.papers != 1 else ''}")
    return 0
