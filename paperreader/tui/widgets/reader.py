"""The reader: one paper in full, the query's words highlighted, and the note as Markdown.

The Markdown widget is made when the first note is shown: most papers have none, and importing
and mounting it costs more than the rest of the first screen.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from paperreader.tui import render
from paperreader.tui.results import Row


class ReaderPane(VerticalScroll, can_focus=True):
    BINDINGS = [
        Binding("down,j", "scroll_down", "Scroll down", show=False, id="reader.down"),
        Binding("up,k", "scroll_up", "Scroll up", show=False, id="reader.up"),
        Binding("home,g", "scroll_home", "Top", show=False, id="reader.top"),
        Binding("end,G", "scroll_end", "Bottom", show=False, id="reader.bottom"),
        Binding("space,pagedown", "page_down", "Page down", show=False, id="reader.page_down"),
        Binding("pageup,b", "page_up", "Page up", show=False, id="reader.page_up"),
    ]

    COMPONENT_CLASSES = {"reader-pane--match", "reader-pane--star", "reader-pane--note", "reader-pane--tag"}

    @dataclass
    class LinkClicked(Message):
        """A link in the note was clicked; the screen decides how to open it."""

        url: str

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.row: Row | None = None
        self._note_shown = ""
        self._note = None  # the Markdown widget, once a note was shown

    def compose(self) -> ComposeResult:
        yield Static(id="reader-hint", markup=False)
        yield Static(id="reader-title", markup=False)
        yield Static(id="reader-authors", markup=False)
        yield Static(id="reader-meta", markup=False)
        yield Static(id="reader-marks", markup=False)
        yield Static(Text("Note", style="bold"), id="reader-note-heading", classes="heading")
        yield Static(Text("Abstract", style="bold"), id="reader-abstract-heading", classes="heading")
        yield Static(id="reader-abstract", markup=False)
        yield Static(Text("Links", style="bold"), id="reader-links-heading", classes="heading")
        yield Static(id="reader-links", markup=False)

    def _match_style(self) -> Style:
        return render.foreground(self.get_component_rich_style("reader-pane--match"))

    def show(self, row: Row | None, empty: str = "") -> None:
        """Show a paper (None: nothing selected); keeps the scroll position if it is the same paper."""
        if row is not None and row is self.row:
            return  # rows are immutable: the very same one is on screen already
        same = row is not None and self.row is not None and row.id == self.row.id
        self.row = row
        self.set_class(row is None, "-empty")
        match = self._match_style()
        if row is None:
            self.query_one("#reader-title", Static).update(Text(empty or "No paper selected.", style="dim italic"))
            for name in ("authors", "meta", "marks", "abstract", "links"):
                self.query_one(f"#reader-{name}", Static).update("")
            self._show_note("")
            return
        record = row.record
        self.query_one("#reader-hint", Static).update(
            Text("escape: back to the list   j/k: scroll   y: copy   o: open", style="dim")
        )
        self.query_one("#reader-title", Static).update(render.reader_title(row, match))
        authors = self.query_one("#reader-authors", Static)
        authors.update(render.reader_authors(row, match))
        authors.display = bool(record.authors)  # shown where known
        meta = self.query_one("#reader-meta", Static)
        meta.update(Text(render.dateline(record), style="dim"))
        meta.display = bool(render.dateline(record))
        styles = {name: render.foreground(self.get_component_rich_style(f"reader-pane--{name}")) for name in ("star", "note", "tag")}
        self.query_one("#reader-marks", Static).update(render.status_marks(record, styles))
        self.query_one("#reader-abstract", Static).update(render.reader_abstract(row, match))
        self.query_one("#reader-links", Static).update(render.links_text(record, "dim"))
        self._show_note(record.note)
        self.set_class(not record.has_note, "-no-note")
        if not same:
            self.scroll_home(animate=False)

    def _show_note(self, note: str) -> None:
        if note == self._note_shown:
            return
        self._note_shown = note
        if self._note is not None:
            self._note.update(note)
        else:
            from textual.widgets import Markdown

            self._note = Markdown(note, id="reader-note", open_links=False)
            self.mount(self._note, after="#reader-note-heading")

    def on_markdown_link_clicked(self, event) -> None:
        event.stop()
        self.post_message(self.LinkClicked(event.href))
