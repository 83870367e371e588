"""The results list: a line-API ScrollView that draws only the rows on screen.

A result set of 100k hits costs what the visible rows cost. Rows it does not have yet are drawn as
placeholders while it asks the screen (RowsWanted) for the page they are in.

What it shows is the screen's state, bound with `data_bind`: the result set (a new, immutable set
for each search, page or changed paper; the list never changes it), the marks and the new papers.
The cursor is the list's own.
"""

from __future__ import annotations

from collections.abc import Callable, Container
from typing import NamedTuple

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.reactive import Reactive, reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from paperreader.tui.messages import RowHighlighted, RowOpened, RowsWanted
from paperreader.tui.render import MARK, NOTE, STAR, cut_to_cells, foreground, highlighted
from paperreader.tui.result_set import Filter, ResultSet
from paperreader.tui.results import PAGE, Row
from paperreader.tui.widgets.keys_in_order import KeysInOrder

ROW_HEIGHT = 2


def empty_message(result: ResultSet | None) -> Text:
    """What the list says when a result set has no rows: an empty library, or nothing matched."""
    if result is None:
        return Text("")
    if result.mode == "browse" and result.filter is Filter.ALL:
        return Text("   The library is empty. Import papers with: paperreader import FILE", style="dim")
    text = Text("   No papers match", style="dim")
    if result.filter is not Filter.ALL:
        text.append(f" with the filter {result.filter.label} (f changes it)", style="dim")
    if result.suggestion:
        text.append(". Did you mean ", style="dim")
        text.append(result.suggestion.strip(), style="bold")  # (the query's trailing space kept for ctrl+t, not shown)
        text.append("? (ctrl+t)", style="dim")
    return text


class _Frame(NamedTuple):
    """What every line of one frame shares, read once a frame."""

    width: int
    scroll_y: int
    base: Style
    result: ResultSet | None
    cursor: int
    focused: bool


class ResultsList(KeysInOrder, ScrollView, can_focus=True):
    # A new result set's length is the list's virtual height; Textual's own asks for a layout of the
    # whole screen when it changes, i.e. at every search's answer (~5 ms in the frame that shows
    # it). The list's box does not depend on it (1fr): `_show_length` updates the scrollbar, and
    # only showing or hiding the scrollbar (show_vertical_scrollbar) still asks for a layout.
    virtual_size = Reactive(Size(0, 0), repaint=True)

    BINDINGS = [
        Binding("down,j", "cursor_down", "Next paper", show=False, id="results.down"),
        Binding("up,k", "cursor_up", "Previous paper", show=False, id="results.up"),
        Binding("home,g", "first", "First paper", show=False, id="results.first"),
        Binding("end,G", "last", "Last paper", show=False, id="results.last"),
        Binding("pagedown,ctrl+f", "page_down", "Page down", show=False, id="results.page_down"),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False, id="results.page_up"),
        Binding("enter", "open", "Open", show=False, id="results.open"),
    ]

    COMPONENT_CLASSES = {
        "results-list--cursor",
        "results-list--star",
        "results-list--title",
        "results-list--read",
        "results-list--match",
        "results-list--snippet",
        "results-list--tag",
        "results-list--note",
        "results-list--placeholder",
        "results-list--mark",
        "results-list--new",
    }

    cursor: reactive[int] = reactive(0, always_update=True, init=False)
    result: reactive[ResultSet | None] = reactive(None, init=False)
    marks: reactive[Container[str]] = reactive((), init=False)  # marked rows get MARK in their first column
    new_ids: reactive[Container[str]] = reactive(frozenset(), init=False)  # arrived since the previous visit: "new"

    def __init__(self, *, id: str | None = None) -> None:
        self._styles: dict[str, Style] = {}  # component styles, until the next style change
        super().__init__(id=id)
        self.empty_message = Text("")
        self._cache: LRUCache[tuple, Strip] = LRUCache(1024)
        self._asked: set[int] = set()
        self._on_cursor = False  # drawing the focused cursor's row: its text takes the cursor colour
        self._cursor_text = Style()
        self._frame: _Frame | None = None  # while render_lines draws a frame
        self._on_painted: Callable[[], None] | None = None  # see after_painted

    # -- data the screen hands down --------------------------------------------------------------
    @property
    def total(self) -> int:
        return self.result.total if self.result else 0

    def watch_result(self, old: ResultSet | None, new: ResultSet | None) -> None:
        """A new search's answer starts afresh (the screen then puts the cursor where it belongs);
        a page or a changed paper of the same search is drawn where the cursor is."""
        self._cache.clear()
        if new is not None and new.same_search(old):
            self.refresh()
            if self.cursor in new.rows and self.cursor not in old.rows:
                self.post_message(RowHighlighted(self.cursor, new.rows[self.cursor]))
            return
        self._asked = {0} if new else set()
        self.empty_message = empty_message(new)
        # Rows are cut to the width they are drawn at (never scrolled sideways), so the virtual
        # width is 0: a resize then changes nothing here and costs no second layout.
        self._show_length(Size(0, self.total * ROW_HEIGHT))
        self.set_reactive(ResultsList.cursor, 0)  # the screen moves it (once: one RowHighlighted)
        self.refresh()

    def _show_length(self, virtual_size: Size) -> None:
        """The new virtual size, and the scrollbar for it: what a layout would do for this widget
        (Widget._size_updated -> _scroll_update); before the first layout, that layout does it."""
        if virtual_size != self.virtual_size:
            self.virtual_size = virtual_size
            self._scroll_update(virtual_size)

    def watch_marks(self) -> None:
        self._cache.clear()
        self.refresh()

    def watch_new_ids(self) -> None:
        self._cache.clear()
        self.refresh()

    def after_painted(self, callback: Callable[[], None]) -> None:
        """Call this once the list's next frame is drawn (the reader fills in after it)."""
        self._on_painted = callback

    @property
    def current_row(self) -> Row | None:
        return self.row_at(self.cursor)

    def row_at(self, index: int) -> Row | None:
        if self.result is None or not 0 <= index < self.total:
            return None
        return self.result.rows.get(index)

    def _want(self, index: int) -> None:
        offset = index - index % PAGE
        if offset not in self._asked:
            self._asked.add(offset)
            self.post_message(RowsWanted(offset))

    def wants(self, offset: int) -> bool:
        """Is the page at `offset` still worth fetching (on screen, near it, or under the cursor)?

        Read from worker threads: plain attribute reads, and a wrong answer only costs a fetch.
        """
        top = int(self.scroll_y) // ROW_HEIGHT
        bottom = top + self._page_rows() + 1
        first, last = offset, offset + PAGE - 1
        return (first <= self.cursor <= last) or (first <= bottom + PAGE // 2 and last >= top - PAGE // 2)

    def forget_page(self, offset: int) -> None:
        """A page fetch failed or was dropped: ask again next time it is drawn."""
        self._asked.discard(offset)

    # -- the cursor ----------------------------------------------------------------------------------
    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, self.total - 1)) if self.total else 0

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh()  # drawn lines are cached per (row, is-cursor): only the two changed rows redraw
        if self.total:
            self._scroll_to_row(new)
            row = self.row_at(new)
            if row is None:
                self._want(new)
        self.post_message(RowHighlighted(new, self.row_at(new)))

    def _scroll_to_row(self, index: int) -> None:
        top = index * ROW_HEIGHT
        height = self.scrollable_content_region.height
        if not height:  # not laid out yet (results shown as the screen mounts): nothing to scroll
            return
        if top < self.scroll_y:
            self.scroll_to(y=top, animate=False, immediate=True)
        elif top + ROW_HEIGHT > self.scroll_y + height:
            self.scroll_to(y=top + ROW_HEIGHT - height, animate=False, immediate=True)

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = self.total - 1

    def _page_rows(self) -> int:
        return max(1, self.scrollable_content_region.height // ROW_HEIGHT)

    def action_page_down(self) -> None:
        self.cursor += self._page_rows()

    def action_page_up(self) -> None:
        self.cursor -= self._page_rows()

    def action_open(self) -> None:
        row = self.current_row
        if row is not None:
            self.post_message(RowOpened(self.cursor, row))

    def on_resize(self) -> None:
        self._cache.clear()

    def notify_style_update(self) -> None:
        """Focus, theme and CSS changes restyle the rows: drop the drawn lines."""
        super().notify_style_update()
        self._cache.clear()
        self._styles = {}

    # -- the mouse -------------------------------------------------------------------------------------
    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = (offset.y + round(self.scroll_y)) // ROW_HEIGHT
        if 0 <= index < self.total:
            event.stop()
            self.focus()
            self.cursor = index
            if event.chain >= 2:
                self.action_open()

    # -- drawing ---------------------------------------------------------------------------------------
    def render_lines(self, crop) -> list[Strip]:
        """A frame's lines: what every line needs (width, scroll, cursor, colours) is read once here,
        not once a line (each read walks reactives and styles: it was a third of drawing a page)."""
        self._frame = _Frame(
            self.scrollable_content_region.width, round(self.scroll_y), self._style("base:widget"),
            self.result, self.cursor, self.has_focus,
        )
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None
            if self._on_painted is not None:  # run once this frame is on screen
                callback, self._on_painted = self._on_painted, None
                self.call_after_refresh(callback)

    def render_line(self, y: int) -> Strip:
        frame = self._frame
        if frame is None:  # called on its own (not through render_lines)
            frame = _Frame(self.scrollable_content_region.width, round(self.scroll_y), self._style("base:widget"), self.result, self.cursor, self.has_focus)
        width, base, result = frame.width, frame.base, frame.result
        total = result.total if result else 0
        if not total:
            if y == 1:
                # Every segment styled (over the base), as a row's: NO_COLOR's filter reads each one's colour.
                segments = [Segment(s.text, base + s.style if s.style else base) for s in self.empty_message.render(self.app.console)]
                return Strip(segments).crop_extend(0, width, base)
            return Strip.blank(width, base)
        index, part = divmod(y + frame.scroll_y, ROW_HEIGHT)
        if index >= total:
            return Strip.blank(width, base)
        selected = index == frame.cursor
        key = (index, part, width, selected, frame.focused)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        row = result.rows.get(index)
        if row is None:
            self._want(index)
        strip = self._render_row_line(row, part, width, selected, base, frame.focused)
        self._cache[key] = strip
        return strip

    def _style(self, name: str) -> Style:
        """A component's colours, looked up once per style change (each lookup walks the styles:
        it was eight a drawn line, a tenth of drawing a page of results)."""
        style = self._styles.get(name)
        if style is None:
            if name == "base:widget":  # the widget's own colours (its rich_style walks every ancestor)
                style = self._styles[name] = self.rich_style
                return style
            raw = self.get_component_rich_style(f"results-list--{name.removesuffix(':raw')}")
            style = self._styles[name] = raw if name.endswith(":raw") else foreground(raw)
        return style

    def _render_row_line(self, row: Row | None, part: int, width: int, selected: bool, base: Style, focused: bool) -> Strip:
        self._on_cursor = selected and focused
        if selected:
            cursor = self._style("cursor:raw")
            base = base + Style(bgcolor=cursor.bgcolor)
            self._cursor_text = foreground(cursor)
        if row is None:
            text = Text("   …" if part == 0 else "", style=self._style("placeholder"), end="")
        elif part == 0:
            text = self._title_line(row, width)
        else:
            text = Text("   ", end="")
            snippet = " ".join(row.snippet.split())
            if row.snippet_field == "note":
                text.append(f"{NOTE} ", style=self._style("note"))
            snippet_style = self._cursor_text + Style(bold=False) if self._on_cursor else self._style("snippet")
            spans = row.snippet_spans
            fitted = cut_to_cells(snippet, spans, width - 3) if row.snippet_field != "note" else None
            if fitted is not None:  # cut from lengths: Text.truncate would walk every character
                snippet, spans = fitted
            text.append_text(highlighted(snippet, spans, self._style("match"), snippet_style))
            if fitted is None:
                text.truncate(width, overflow="ellipsis")
        segments = [Segment(s.text, base + s.style if s.style else base) for s in text.render(self.app.console)]
        return Strip(segments).crop_extend(0, width, base)

    def _title_line(self, row: Row, width: int) -> Text:
        record = row.record
        mark = Text(MARK, style=self._style("mark")) if record.id in self.marks else Text(" ")
        star = Text.assemble(mark, (f"{STAR} " if record.starred else "  ", self._style("star")), end="")
        title_style = self._style("read") if record.read else self._style("title")
        if self._on_cursor:
            title_style = self._cursor_text + Style(italic=record.read)
        title = highlighted(record.title, row.title_spans, self._style("match"), title_style)
        suffix = Text(end="")
        if record.id in self.new_ids:
            suffix.append("new ", style=self._cursor_text + Style(bold=True) if self._on_cursor else self._style("new"))
        if record.tags:
            tags = " ".join(f"#{t}" for t in record.tags)
            limit = max(8, width // 4)
            tag_style = self._cursor_text if self._on_cursor else self._style("tag")
            suffix.append(tags if len(tags) <= limit else tags[: limit - 1] + "…", style=tag_style)
        if record.has_note:
            suffix.append(f" {NOTE}", style=self._style("note"))
        room = width - star.cell_len - (suffix.cell_len + 1 if suffix else 0)
        if room < 10:
            suffix, room = Text(end=""), width - star.cell_len
        title.truncate(max(1, room), overflow="ellipsis")
        line = star + title
        if suffix:
            line.append(" " * max(1, width - line.cell_len - suffix.cell_len))
            line.append_text(suffix)
        return line
