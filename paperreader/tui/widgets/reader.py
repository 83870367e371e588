"""The reader: one paper in full, the query's words highlighted, and the note as Markdown.

Few widgets, since each costs launch time (mounting, styling, layout): the title block (title,
authors, dates), the marks line, the note (heading and Markdown) and the body (abstract and links,
with their headings), the blank lines between parts drawn as text. The Markdown widget is made
when the first note is shown: most papers have none, and importing and mounting it costs more
than the rest of the reader. The parts are mounted when the pane first shows something: launch
draws it empty (the first paper comes after the list's first frame).
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

import paperreader.tui.render as render
from paperreader.tui.results import Row
from paperreader.tui.widgets.keys_in_order import KeysInOrder


MARKDOWN_LIMIT = 8 * 1024  # characters: longer notes are shown as plain text
PLAIN_LIMIT = 16 * 1024  # characters of a long note shown in the reader (`n` edits all of it)


def note_display(note: str) -> tuple[str, str | Text]:
    """How the reader shows a note: ("markdown", text) or ("plain", Text), bounded in size."""
    if len(note) <= MARKDOWN_LIMIT:
        return "markdown", note
    shown = Text(note[:PLAIN_LIMIT])
    hint = f"Shown as plain text: the note is {len(note.encode('utf-8', 'replace')) // 1024:,} KB."
    if len(note) > PLAIN_LIMIT:
        hint += f" {len(note) - PLAIN_LIMIT:,} more characters: press n to see the whole note."
    shown.append("\n\n" + ("… " if len(note) > PLAIN_LIMIT else "") + hint, style="dim italic")
    return "plain", shown


class ReaderPane(KeysInOrder, VerticalScroll, can_focus=True):
    BINDINGS = [
        Binding("down,j", "scroll_down", "Scroll down", show=False, id="reader.down"),
        Binding("up,k", "scroll_up", "Scroll up", show=False, id="reader.up"),
        Binding("home,g", "scroll_home", "Top", show=False, id="reader.top"),
        Binding("end,G", "scroll_end", "Bottom", show=False, id="reader.bottom"),
        Binding("space,pagedown", "page_down", "Page down", show=False, id="reader.page_down"),
        Binding("pageup,b", "page_up", "Page up", show=False, id="reader.page_up"),
    ]

    COMPONENT_CLASSES = {
        "reader-pane--match",
        "reader-pane--star",
        "reader-pane--note",
        "reader-pane--tag",
        "reader-pane--title",
        "reader-pane--heading",
    }

    class LinkClicked(Message):
        """A link in the note was clicked; the screen decides how to open it."""

        def __init__(self, url: str) -> None:
            super().__init__()
            self.url = url

    class CitationKeyWanted(Message):
        """A paper is shown: its citation key (a library lookup) is wanted for the reader."""

        def __init__(self, record: object) -> None:
            super().__init__()
            self.record = record

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.row: Row | None = None
        self._note_shown = ""
        self._note = None  # the Markdown widget, once a note was shown
        self._plain_note: Static | None = None  # a long note, as plain text
        self._keys: dict[str, str] = {}  # citation keys looked up for papers shown
        self._mounted_parts = False

    def compose(self) -> ComposeResult:
        yield from ()  # the parts are mounted when the pane first shows something (`_parts`)

    def _parts(self) -> bool:
        """The title block, marks, note heading and body. Launch draws the pane empty (the first
        paper fills it after the list's first frame), so they are not mounted and styled before that
        frame. False when they cannot be: the app is quitting (Textual mounts nothing then), as
        when the user quits before the first paper was shown."""
        if self._mounted_parts:
            return True
        parts = [
            Static(id="reader-hint", markup=False),
            Static(id="reader-title", markup=False),
            Static(id="reader-marks", markup=False),
            Static(Text("Note", style="bold"), id="reader-note-heading", classes="heading"),
            Static(id="reader-body", markup=False),
        ]  # fmt: skip
        self.mount_all(parts)
        self._mounted_parts = parts[0].parent is self
        return self._mounted_parts

    def _style(self, name: str) -> Style:
        return render.foreground(self.get_component_rich_style(f"reader-pane--{name}"))

    def _heading(self, text: str) -> Text:
        return Text(text, style=self._style("heading") + Style(bold=True), end="")

    def show(self, row: Row | None, empty: str = "") -> None:
        """Show a paper (None: nothing selected); keeps the scroll position if it is the same paper."""
        if row is not None and row is self.row:
            return  # rows are immutable: the very same one is on screen already
        same = row is not None and self.row is not None and row.id == self.row.id
        if not self._parts():
            return
        self.row = row
        self.set_class(row is None, "-empty")
        if row is None:
            self.query_one("#reader-title", Static).update(Text(empty or "No paper selected.", style="dim italic"))
            for name in ("marks", "body"):
                self.query_one(f"#reader-{name}", Static).update("")
            self._show_note("")
            return
        record, match = row.record, self._style("match")
        self.query_one("#reader-hint", Static).update(
            Text("escape: back to the list   j/k: scroll   y: copy   o: open", style="dim")
        )
        head = render.reader_title(row, match)
        head.stylize_before(self._style("title"))
        if record.authors:  # shown where known
            head.append("\n\n").append_text(render.reader_authors(row, match))
        if dateline := render.dateline(record):
            head.append("\n\n").append(dateline, style="dim")
        self.query_one("#reader-title", Static).update(head)
        styles = {name: self._style(name) for name in ("star", "note", "tag")}
        self.query_one("#reader-marks", Static).update(render.status_marks(record, styles))
        self._show_body(row)
        if self._keys.get(row.id) is None or not same:
            self.post_message(self.CitationKeyWanted(record))
        self._show_note(record.note)
        self.set_class(not record.has_note, "-no-note")
        if not same:
            self.scroll_home(animate=False)

    def _show_body(self, row: Row) -> None:
        """The abstract, the links (OSC 8 hyperlinks: clickable in terminals that support them) and,
        once looked up, the paper's citation key."""
        record = row.record
        body = Text.assemble(self._heading("Abstract"), "\n", render.reader_abstract(row, self._style("match")), "\n\n", self._heading("Links"), end="")
        if record.links:
            body.append("\n").append_text(render.links_text(record, "dim", hyperlinks=True))
        if key := self._keys.get(row.id):
            body.append("\n\n").append_text(self._heading("BibTeX key")).append("  ").append(key)
        self.query_one("#reader-body", Static).update(body)

    def show_citation_key(self, paper_id: str, key: str) -> None:
        """The key `y b` copies and `export` writes for this paper (looked up by the screen in a worker)."""
        if len(self._keys) > 500:
            self._keys.clear()
        changed = self._keys.get(paper_id) != key
        self._keys[paper_id] = key
        if changed and self.row is not None and self.row.id == paper_id:
            self._show_body(self.row)

    def on_click(self, event) -> None:
        """A click on a link (the reader's links are hyperlinks) opens it through the app, which
        knows about SSH and $BROWSER, whether or not the terminal handles OSC 8 itself."""
        from paperreader.links import web_url

        url = getattr(event.style, "link", None)
        if url and web_url(url) == url:
            event.stop()
            self.post_message(self.LinkClicked(url))

    def _show_note(self, note: str) -> None:
        """Markdown for a note of up to MARKDOWN_LIMIT characters; a longer one (up to the store's
        256 KB) as plain text, its first PLAIN_LIMIT characters: Textual's Markdown takes seconds
        per 10 KB on the UI thread, so rendering cost is bounded whatever the note."""
        if note == self._note_shown:
            return
        self._note_shown = note
        kind, shown = note_display(note)
        if kind == "markdown":
            if self._note is not None:
                self._note.update(shown)
            else:
                from textual.widgets import Markdown

                self._note = Markdown(shown, id="reader-note", open_links=False)
                self.mount(self._note, after="#reader-note-heading")
            self._note.display = True
            if self._plain_note is not None:
                self._plain_note.display = False
                self._plain_note.update("")
        else:
            if self._plain_note is None:
                self._plain_note = Static(shown, id="reader-note-plain", markup=False)
                self.mount(self._plain_note, after="#reader-note-heading")
            else:
                self._plain_note.update(shown)
            self._plain_note.display = True
            if self._note is not None:
                self._note.display = False
                self._note.update("")

    def on_markdown_link_clicked(self, event) -> None:
        event.stop()
        self.post_message(self.LinkClicked(event.href))
