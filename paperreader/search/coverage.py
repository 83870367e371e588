"""What this library can answer: which fields any paper has, read from the index.

A query on a field no paper has (`author:gu` on papers without authors) finds nothing for a reason
the user cannot see; this names the reason and what would fill the field. The search box's
placeholder offers only what the library has. Blocking (reads the index): call from workers.
"""

from __future__ import annotations

import re

from paperreader.search.schema import FIELD_ALIASES

RESOLVE = "`paperreader resolve` finds them on arXiv by title, or import a file that has them"
# field (or has:value) -> (what no paper has, what would fill it)
EMPTY_REASONS = {
    "author": ("no paper in this library has authors", RESOLVE),
    "year": ("no paper in this library has a date", RESOLVE),
    "cat": ("no paper in this library has categories", RESOLVE),
    "id": ("no paper in this library has an arXiv id", RESOLVE),
    "has:arxiv": ("no paper in this library has an arXiv id", RESOLVE),
    "note": ("no paper has a note yet", "n writes one on the selected paper, `paperreader note ID --set TEXT` from the shell"),
    "has:note": ("no paper has a note yet", "n writes one on the selected paper, `paperreader note ID --set TEXT` from the shell"),
    "tag": ("no paper has tags yet", "t tags the selected paper, `paperreader tag ID TAG` from the shell"),
    "has:tags": ("no paper has tags yet", "t tags the selected paper, `paperreader tag ID TAG` from the shell"),
    "has:code": ("no paper in this library links to code", "import papers whose abstracts or records link to code"),
}
_USED = re.compile(r"(?<![\w:/.@-])([A-Za-z_]+):(\S*)")


class Coverage:
    """Which of the fields above have anything in the index (one reader, computed once)."""

    def __init__(self, searcher) -> None:
        reader = searcher.reader()
        self.present: set[str] = set()
        for name in ("author", "year", "cat", "note", "tag"):
            try:
                if next(iter(reader.lexicon(name)), None) is not None:
                    self.present.add(name)
            except Exception:  # a field the index does not know
                continue
        for value in ("arxiv", "note", "tags", "code"):
            if reader.doc_frequency("has", value):
                self.present.add(f"has:{value}")
        if "has:arxiv" in self.present:
            self.present.add("id")
        self.papers = searcher.doc_count()

    def missing_in(self, text: str) -> tuple[str, str] | None:
        """(why nothing is found, what would fill it) for the first field in `text` no paper has."""
        for m in _USED.finditer(text):
            name = m.group(1).lower()
            name = FIELD_ALIASES.get(name, name)
            key = f"has:{m.group(2).lower()}" if name == "has" else name
            if key in EMPTY_REASONS and key not in self.present:
                return EMPTY_REASONS[key]
        return None

    def placeholder(self) -> str:
        """The search box's hint: examples of what this library can answer."""
        parts = ["Search papers: words or a question", '"phrases"']
        if "author" in self.present:
            parts.append("author:")
        if "year" in self.present:
            parts.append("year:2020..2024")
        if "has:arxiv" in self.present:
            parts.append("an arXiv id or link")
        if "tag" in self.present:
            parts.append("tag:")
        parts.append("is:starred")
        return ", ".join(parts) + " …"
