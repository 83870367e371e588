"""The line under the search box: how many papers match, the filter, "did you mean", errors,
and the index build's progress bar on a first run (mounted when a build first reports: most
launches never need it, and it is four widgets to mount and style before the first paint).

It shows the main screen's state (the result set, the filter, the marks, the unread count, the
last search's remark, the index build), bound with `data_bind`: it redraws when any of them changes."""

from __future__ import annotations

from collections.abc import Sized
from typing import NamedTuple

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static

from paperreader.tui.result_set import Filter, ResultSet


def question_summary(all_words: int, total: int) -> str:
    """The count of a question's answer: papers with every word, then the closest matches."""
    if not all_words:
        return f"no paper has all the words: closest matches ({total:,})"
    return f"{all_words:,} with all the words, then the closest matches ({total:,})"


def index_label(done: int, total: int, stage: str = "indexing") -> str:
    """What the index build is doing, beside its bar: papers indexed (search/rebuild.py's count),
    then its "writing" stage: the write and the commit (at 40,000 papers ~3 s of ~11 in tmux, a
    catch-up's merge longer; no paper count moves meanwhile: the bar then sweeps)."""
    if stage != "writing":
        return f"Indexing {done:,} of {total:,} "
    if done < total:  # a chunk of a big build (search/rebuild.py: 100,000 papers a chunk)
        return f"Finishing the index ({done:,} of {total:,} papers)… "
    return "Finishing the index… "


class Remark(NamedTuple):  # not a dataclass: ~1 ms less CPU at launch (its code generation)
    """The status line's word on the last search: the engine's notice, a hint while a query is
    still being typed (the last results stay), or an error (shown in red)."""

    notice: str | None = None
    hint: str | None = None
    error: str | None = None


MAX_LINES = 4  # a longer text (dozens of ids pasted, most missing) is cut there and told in a toast


class StatusText(Static):
    """The status line's text: one line, or as many as a long notice needs (StatusLine._fit)."""

    def on_resize(self) -> None:
        if isinstance(self.parent, StatusLine):
            self.parent.refit()


class StatusLine(Horizontal):
    """Every part is the main screen's state, bound with `data_bind`; nothing is pushed in."""

    result: reactive[ResultSet | None] = reactive(None, init=False)
    filter: reactive[Filter] = reactive(Filter.ALL, init=False)
    remark: reactive[Remark] = reactive(Remark(), init=False)
    marks: reactive[Sized] = reactive((), init=False)
    unread: reactive[int | None] = reactive(None, init=False)
    searching: reactive[bool] = reactive(False, init=False)
    index_progress: reactive[tuple | None] = reactive(None, init=False)  # (done, total[, stage]): index_label

    class SuggestionClicked(Message):
        """The "did you mean" suggestion was clicked."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._suggestion: str | None = None
        self._progress = None  # the ProgressBar, once an index build reported progress
        self._text: Text | None = None
        self._lines = 1  # the height the text is given: more than one only for a long notice
        self._told: str | None = None  # a text too long even for MAX_LINES, told whole in a toast

    def compose(self) -> ComposeResult:
        yield StatusText(id="status-text", markup=False)
        yield Static(id="status-index", markup=False)

    def on_mount(self) -> None:
        self._redraw()

    def watch_result(self) -> None:
        self._redraw()

    def watch_filter(self) -> None:
        self._redraw()

    def watch_remark(self) -> None:
        self._redraw()

    def watch_marks(self) -> None:
        self._redraw()

    def watch_unread(self) -> None:
        self._redraw()

    def _redraw(self) -> None:
        if not self.is_mounted:
            return
        text = self.describe()
        if text != self._text:
            self._text = text
            label = self.query_one("#status-text", Static)
            if self._fit(text, label):  # as many lines as before: its box is fixed (app.tcss), a repaint
                label.update(text, layout=False)  # not a layout of the whole screen (~5 ms per answer)
            else:
                label.update(text)
            self.set_class(bool(self.remark.error), "-error")

    def _fit(self, text: Text, label: Static) -> bool:
        """Give the text the lines it needs to be read whole (a long notice wraps: pasted ids, some
        missing); True if that is the height it had. Up to MAX_LINES; a text longer still is also
        told whole in a notification."""
        width = label.size.width or max(self.size.width - 2, 1)
        lines = 1
        if text.cell_len > width:  # the usual line fits: no wrapping worked out
            lines = len(Content.from_rich_text(text).wrap(width)) if label.size.width else 1
            if lines > MAX_LINES and text.plain != self._told:
                self._told = text.plain
                self.notify(text.plain, timeout=15, markup=False)
        lines = max(1, min(lines, MAX_LINES))
        if lines == self._lines:
            return True
        self._lines = lines
        self.styles.height = label.styles.height = lines
        return False

    def refit(self) -> None:
        """The text's width changed (the terminal, the index's note beside it): wrap it again."""
        if self._text is not None and self.is_mounted:
            label = self.query_one("#status-text", Static)
            if not self._fit(self._text, label):
                label.refresh(layout=True)

    def describe(self) -> Text:
        """The line, from the state it is bound to."""
        result, filter, remark = self.result, self.filter, self.remark
        marked = len(self.marks)
        text = Text(end="")
        if result is None:
            text.append("Opening the library…", style="italic")
        elif result.mode == "similar":
            text.append(f"{result.total} papers like ", style="bold")
            text.append(result.similar_to.title if result.similar_to else "this one", style="italic")
            text.append("  ·  escape: back to the search", style="dim")
        else:
            noun = "paper" if result.total == 1 else "papers"
            what = "in the library" if result.mode == "browse" and filter is Filter.ALL else "match"
            at_least = "" if result.total_exact else "about "  # an estimate (pruned search, capped prefix)
            caption = getattr(result.listing, "caption", None)  # a listing stepped to with [ ] (tui/listing_views.py)
            if result.mode == "search" and result.all_words is not None and not caption:
                text.append(question_summary(result.all_words, result.total), style="bold")
            else:
                text.append(f"{at_least}{result.total:,} {noun}{'' if caption else ' ' + what}", style="bold")
            if caption:
                text.append(f" · {caption}", style="italic")
            if result.mode == "search" and result.seconds:
                text.append(f" ({result.seconds * 1000:.0f} ms)", style="dim")
        if result is not None and self.unread is not None:
            text.append(f"  ·  {self.unread:,} unread", style="dim" if not self.unread else "")
        if marked:
            text.append("  ·  ")
            text.append(f"{marked:,} marked", style="bold reverse")
        if result is None or result.mode != "similar":
            text.append("  ·  ")
            text.append("Filter: ", style="dim")
            text.append(filter.label, style="bold reverse" if filter is not Filter.ALL else "bold")
        self._suggestion = result.suggestion if result is not None and not remark.error else None
        if self._suggestion:
            text.append("  ·  Did you mean ", style="dim")
            text.append(self._suggestion.strip(), style="bold underline")  # (a trailing space is kept for ctrl+t only)
            text.append("? (ctrl+t or click)", style="dim")
        for line in (remark.notice, getattr(result, "notice", None)):
            if line:
                text.append("  ·  ", style="dim")
                text.append(line, style="italic")
        if remark.hint:  # a query still being typed: the last results stay
            text.append("  ·  ", style="dim")
            text.append(remark.hint, style="italic yellow")
        if remark.error:
            text.append("  ·  ", style="dim")
            text.append(remark.error, style="bold red")
        return text

    def watch_searching(self, searching: bool) -> None:
        """Say that a search is running (the screen sets it only when a search takes a noticeable time)."""
        if self.is_mounted and (self._progress is None or not self._progress.display):
            self.query_one("#status-index", Static).update(Text("searching…", style="italic") if searching else Text(""))

    def watch_index_progress(self, progress: tuple[int, int] | None) -> None:
        """An index build's progress bar, mounted the first time a build reports; None hides it."""
        if not self.is_mounted:
            return
        if progress is None:
            if self._progress is not None:
                self._progress.display = False
            self.query_one("#status-index", Static).update(Text(""))
            return
        done, total, *stage = progress
        writing = stage == ["writing"]
        bar = self._progress
        if bar is None:
            from textual.widgets import ProgressBar

            bar = self._progress = ProgressBar(id="status-progress", show_eta=False)
            self.mount(bar)
        bar.display = True
        bar.update(total=None if writing else max(total, 1), progress=done)  # None: a sweeping bar, not one stuck at 100%
        self.query_one("#status-index", Static).update(Text(index_label(done, total, *stage), style="italic"))

    def on_click(self, event: events.Click) -> None:
        if self._suggestion:
            event.stop()
            self.post_message(self.SuggestionClicked())
