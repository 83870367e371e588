"""Renaming a tag everywhere: on every paper, in saved searches (`tag:OLD`), and in the trash.

Renaming onto a tag that exists merges the two (a paper with both keeps one). One transaction, and
every paper whose tags changed is logged in `changes`, so every process's index follows.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from paperreader.store.change_log import record_changes
from paperreader.text import clean_tag


class TagNotFound(KeyError):
    def __str__(self) -> str:
        return f"no paper has the tag {self.args[0]!r}"


class BadTag(ValueError):
    """A tag name that cleans to nothing, or a rename onto itself."""


@dataclass(frozen=True)
class Renamed:
    old: str
    new: str
    papers: int  # papers that had the old tag
    merged: bool  # the new tag existed already

    def json(self) -> dict:
        return {"old": self.old, "new": self.new, "papers": self.papers, "merged": self.merged}


def _query_pattern(tag: str) -> re.Pattern:
    """`tag:OLD` / `tags:OLD` as a whole term of a query (not `tag:OLDER`, not `xtag:OLD`)."""
    return re.compile(r"(?<![\w.:-])(tags?):" + re.escape(tag) + r"(?![\w-])", re.IGNORECASE)


def rename_tag(library, old: str, new: str) -> Renamed:
    old_tag, new_tag = clean_tag(old), clean_tag(new)
    if not new_tag:
        raise BadTag(f"{new!r} is not a tag name")
    if not old_tag:
        raise BadTag(f"{old!r} is not a tag name")
    with library.db.write() as conn:
        ids = [r[0] for r in conn.execute("SELECT paper_id FROM tags WHERE tag = ?", (old_tag,))]
        if not ids:  # first: a rename of a tag that does not exist is that, whatever the new name
            raise TagNotFound(old_tag)
        if old_tag == new_tag:
            raise BadTag(f"the tag is already called {new_tag!r}")
        merged = conn.execute("SELECT 1 FROM tags WHERE tag = ? LIMIT 1", (new_tag,)).fetchone() is not None
        conn.execute(
            "INSERT OR IGNORE INTO tags(paper_id, tag, added_at) SELECT paper_id, ?, added_at FROM tags WHERE tag = ?",
            (new_tag, old_tag),
        )
        conn.execute("DELETE FROM tags WHERE tag = ?", (old_tag,))
        record_changes(conn, ids)
        pattern = _query_pattern(old_tag)
        for name, query in conn.execute("SELECT name, query FROM saved_searches").fetchall():
            changed = pattern.sub(lambda m: f"{m.group(1)}:{new_tag}", query)
            if changed != query:
                conn.execute("UPDATE saved_searches SET query = ? WHERE name = ?", (changed, name))
        _rename_in_trash(conn, old_tag, new_tag)
    return Renamed(old_tag, new_tag, len(ids), merged)


def _rename_in_trash(conn, old_tag: str, new_tag: str) -> None:
    """A paper restored later comes back with the tag's new name."""
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'trash'").fetchone():
        return
    needle = json.dumps(old_tag, ensure_ascii=False)
    for entry, text in conn.execute("SELECT entry, snapshot FROM trash WHERE instr(snapshot, ?)", (needle,)).fetchall():
        snapshot = json.loads(text)
        tags = snapshot.get("rows", {}).get("tags", [])
        if not any(t.get("tag") == old_tag for t in tags):
            continue
        kept, seen = [], set()
        for t in tags:
            name = new_tag if t.get("tag") == old_tag else t.get("tag")
            if name not in seen:
                seen.add(name)
                kept.append({**t, "tag": name})
        snapshot["rows"]["tags"] = kept
        conn.execute("UPDATE trash SET snapshot = ? WHERE entry = ?", (json.dumps(snapshot, ensure_ascii=False), entry))
