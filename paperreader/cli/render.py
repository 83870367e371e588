"""CLI output, and the one cleaner every byte a command prints goes through.

The store cleans text on the way in, but a command also prints queries, paths, arguments and
stores written before (or by other tools). So `clean_streams` puts `TerminalText` in front of stdout
and stderr for the whole command: escape sequences and control characters are removed from
whatever is written (newline and tab kept), and the only escapes that pass are our own highlight
(BOLD/RESET, drawn only when stdout is a terminal). JSON is cleaned value by value before encoding,
so it stays valid and its values hold what was shown.
"""

from __future__ import annotations

import json
import re
import sys
import textwrap
from contextlib import contextmanager

from paperreader.text import for_terminal

BOLD, RESET = "\x1b[1;33m", "\x1b[0m"
_OWN_STYLES = re.compile("(" + re.escape(BOLD) + "|" + re.escape(RESET) + ")")


class TerminalText:
    """A text stream that writes `for_terminal(text)` to the stream it wraps."""

    def __init__(self, stream, *, keep_cr: bool = False) -> None:
        self.stream = stream
        self._keep_cr = keep_cr
        try:
            self._styles = stream.isatty()
        except (AttributeError, ValueError):
            self._styles = False

    def write(self, text: str) -> int:
        if self._styles and "\x1b[" in text:
            parts = _OWN_STYLES.split(text)  # our highlights at odd positions, cleaned text between
            cleaned = "".join(p if i % 2 else for_terminal(p, self._keep_cr) for i, p in enumerate(parts))
        else:
            cleaned = for_terminal(text, self._keep_cr)
        self.stream.write(cleaned)
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name):  # flush, fileno, isatty, encoding, buffer...
        return getattr(self.stream, name)


@contextmanager
def clean_streams():
    """stdout and stderr cleaned for the duration of a command (not the TUI: it draws with Rich)."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = TerminalText(out), TerminalText(err, keep_cr=True)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err


def clean_json(obj):
    """`obj` with every string (keys too) cleaned for a terminal, newlines kept."""
    if isinstance(obj, str):
        return for_terminal(obj)
    if isinstance(obj, dict):
        return {clean_json(k): clean_json(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [clean_json(v) for v in obj]
    return obj


def emit_json(obj) -> None:
    sys.stdout.write(json.dumps(clean_json(obj), ensure_ascii=False) + "\n")


def marked(text: str, spans, tty: bool) -> str:
    """`text` with its matched spans emphasised (ANSI on a terminal, plain otherwise)."""
    if not tty or not spans:
        return text
    out, last = [], 0
    for start, end in spans:
        out += [text[last:start], BOLD, text[start:end], RESET]
        last = end
    out.append(text[last:])
    return "".join(out)


def print_row(rank: int | None, record, highlights=(), score: float | None = None) -> None:
    tty = sys.stdout.isatty()
    by_field = {h.field: h for h in highlights}
    title = by_field["title"] if "title" in by_field else None
    star = "*" if record.starred else " "
    note = " [note]" if record.has_note else ""
    tags = f" #{' #'.join(record.tags)}" if record.tags else ""
    prefix = f"{rank:>3}. " if rank is not None else ""
    head = marked(title.text, title.spans, tty) if title else record.title
    print(f"{prefix}{star} {head}{tags}{note}")
    print(f"       {record.id}" + (f"  score {score:.2f}" if score else ""))
    snippet = by_field.get("abstract")
    if snippet and snippet.spans:
        print("       " + marked(snippet.text, snippet.spans, tty))


def print_search(results) -> None:
    at_least = "" if getattr(results, "total_exact", True) else "about "  # an estimate: a pruned search or a capped prefix
    all_words = getattr(results, "all_words", None)
    if all_words is None:
        print(f"{at_least}{results.total:,} match{'es' if results.total != 1 else ''} for {results.query!r}")
    elif all_words == 0:
        print(f"no paper has all the words of {results.query!r}: closest matches ({results.total:,} have some)")
    else:
        print(f"{all_words:,} paper{'s have' if all_words != 1 else ' has'} all the words of {results.query!r}; "
              f"closest matches follow ({results.total:,} have some)")
    notice = getattr(results, "notice", None)
    if notice:
        print(notice)
    if results.suggestion:
        print(f"did you mean: {' '.join(results.suggestion.split())}")  # one line, whatever spaces the query had
    partial_shown = False
    for rank, hit in enumerate(results.hits, 1):
        if getattr(hit, "match", "all") == "partial" and not partial_shown and all_words:
            print("     -- closest matches (not every word) --")
            partial_shown = True
        print_row(rank, hit.record, hit.highlights, hit.score)


def print_paper(record) -> None:
    print(("* " if record.starred else "") + record.title)
    if record.authors:
        print(", ".join(record.authors))
    meta = [x for x in (record.published, " ".join(record.categories), record.id) if x]
    print(" · ".join(meta))
    print()
    print(textwrap.fill(record.abstract, width=100) if record.abstract else "(no abstract)")
    print()
    for link in record.links:
        print(f"  {link.kind:<8} {link.url}")
    if record.tags:
        print("\ntags: " + " ".join(record.tags))
    if record.has_note:
        print("\nnote:\n" + record.note)
