"""Human-readable CLI output. Text is already free of control characters (the store cleans it);
highlights are drawn in bold only when stdout is a terminal."""

from __future__ import annotations

import json
import sys
import textwrap

BOLD, RESET = "\x1b[1;33m", "\x1b[0m"


def emit_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


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
    at_least = "" if getattr(results, "total_exact", True) else "at least "  # a capped prefix/fuzzy expansion
    print(f"{at_least}{results.total} match{'es' if results.total != 1 else ''} for {results.query!r}")
    if results.suggestion:
        print(f"did you mean: {results.suggestion}")
    for rank, hit in enumerate(results.hits, 1):
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
