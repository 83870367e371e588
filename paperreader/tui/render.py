"""Paper text as `rich.text.Text`, never as markup: titles, abstracts and notes are untrusted.

Every function here builds Text objects from plain strings and styles spans by position, so a
title like `[bold]x[/]` or `[@click=app.quit]` is shown as the characters it is.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from paperreader.search.highlight import author_text
from paperreader.store import PaperRecord
from paperreader.tui.results import Row, Spans

STAR = "★"
MARK = "◆"  # a marked row (space, *)
NOTE = "✎"
CODE = "⌨"


def foreground(style: Style) -> Style:
    """A style without its background, so it can be laid over a row's or a cursor's background.

    Widgets' component styles are taken whole (partial ones lose the blending of translucent
    theme colours like $text-muted) and then stripped of the background here.
    """
    return Style(
        color=style.color,
        bold=style.bold,
        dim=style.dim,
        italic=style.italic,
        underline=style.underline,
        strike=style.strike,
        reverse=style.reverse,
    )


def highlighted(text: str, spans: Spans, style: Style | str, base: Style | str = "") -> Text:
    """`text` with each span styled; spans out of range are ignored."""
    out = Text(text, style=base, no_wrap=False, end="")
    for start, end in spans:
        if 0 <= start < end <= len(text):
            out.stylize(style, start, end)
    return out


def cut_to_cells(text: str, spans: Spans, width: int) -> tuple[str, Spans] | None:
    """`text` and its spans as `Text.truncate(width, overflow="ellipsis")` would leave them, worked
    out from lengths when every character is one cell (printable ASCII, and the "…" fragments
    begin with, which rich measures slowly, a character at a time); None when it cannot tell
    (other characters: the caller truncates the Text). A list line's snippet is cut this way."""
    plain = text.replace("…", "")
    if not (plain.isascii() and plain.isprintable()) or width < 1:
        return None
    if len(text) <= width:
        return text, spans
    cut = text[: width - 1] + "…"
    return cut, tuple((start, min(end, width)) for start, end in spans if start < width)


def tags_text(tags: tuple[str, ...], style: Style | str) -> Text:
    return Text(" ".join(f"#{tag}" for tag in tags), style=style, end="")


def dateline(record: PaperRecord) -> str:
    parts = []
    if record.published:
        parts.append(record.published)
    elif record.year:
        parts.append(str(record.year))
    if record.categories:
        parts.append(" ".join(record.categories))
    if record.arxiv_id:
        parts.append(f"arXiv:{record.arxiv_id}")
    elif record.doi:
        parts.append(f"doi:{record.doi}")
    return "  ·  ".join(parts)


def status_marks(record: PaperRecord, styles: dict[str, Style]) -> Text:
    """The reader's one-line state: starred, read, note, code, tags."""
    out = Text(end="")
    out.append(f"{STAR} starred" if record.starred else "☆ not starred", style=styles["star"] if record.starred else "dim")
    out.append("   ")
    out.append("✓ read" if record.read else "● unread", style="dim" if record.read else "bold")
    if record.has_note:
        out.append(f"   {NOTE} note", style=styles["note"])
    if record.has_code:
        out.append(f"   {CODE} code", style="dim")
    out.append("   ")
    if record.tags:
        out.append_text(tags_text(record.tags, styles["tag"]))
    else:
        out.append("no tags (t adds)", style="dim")
    return out


def reader_title(row: Row, match: Style) -> Text:
    return highlighted(row.record.title, row.title_spans, match, base="bold")


def reader_authors(row: Row, match: Style) -> Text:
    return highlighted(author_text(row.record), row.author_spans, match)


def reader_abstract(row: Row, match: Style) -> Text:
    if not row.record.abstract:
        return Text("No abstract.", style="dim italic")
    return highlighted(row.record.abstract, row.abstract_spans, match)


def links_text(record: PaperRecord, label_style: Style | str, hyperlinks: bool = False) -> Text:
    """One link a line; with `hyperlinks`, each URL is an OSC 8 hyperlink (http(s) only)."""
    from paperreader.links import web_url

    out = Text(end="")
    for i, link in enumerate(record.links):
        if i:
            out.append("\n")
        out.append(f"{link.kind:<8}", style=label_style)
        linkable = hyperlinks and web_url(link.url) == link.url
        out.append(link.url, style=Style(link=link.url, underline=True) if linkable else "")
    return out
