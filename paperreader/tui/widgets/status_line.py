"""The line under the search box: how many papers match, the filter, "did you mean", errors,
and the index build's progress bar on a first run (mounted when a build first reports: most
launches never need it, and it is four widgets to mount and style before the first paint)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Label

from paperreader.tui.results import Filter, ResultSet


def question_summary(all_words: int, total: int) -> str:
    """The count of a question's answer: papers with every word, then the closest matches."""
    if not all_words:
        return f"no paper has all the words: closest matches ({total:,})"
    return f"{all_words:,} with all the words, then the closest matches ({total:,})"


class StatusLine(Horizontal):
    _shown: tuple = (None, Filter.ALL, None, None)  # show()'s last arguments, to redraw with new counts
    _marked = 0
    _unread: int | None = None

    @dataclass
    class SuggestionClicked(Message):
        pass

    def compose(self) -> ComposeResult:
        yield Label(id="status-text", markup=False)
        yield Label(id="status-index", markup=False)

    def on_mount(self) -> None:
        self._suggestion: str | None = None
        self._progress = None  # the ProgressBar, once an index build reported progress

    def set_marked(self, count: int) -> None:
        """How many papers are marked (space, *): shown while there are any."""
        if count != self._marked:
            self._marked = count
            self.show(*self._shown[:2], error=self._shown[2], notice=self._shown[3])

    def set_unread(self, count: int | None) -> None:
        """How many papers of the current view are unread (counted in a worker after each search)."""
        if count != self._unread:
            self._unread = count
            self.show(*self._shown[:2], error=self._shown[2], notice=self._shown[3])

    def show(self, result: ResultSet | None, filter: Filter, *, error: str | None = None, notice: str | None = None,
             hint: str | None = None) -> None:
        self._shown = (result, filter, error, notice)
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
            at_least = "" if result.total_exact else "at least "
            caption = getattr(result.listing, "caption", None)  # a listing stepped to with [ ] (tui/listing_views.py)
            all_words = getattr(result, "all_words", None)  # a question: closest matches after those with every word
            if result.mode == "search" and all_words is not None and not caption:
                text.append(question_summary(all_words, result.total), style="bold")
            else:
                text.append(f"{at_least}{result.total:,} {noun}{'' if caption else ' ' + what}", style="bold")
            if caption:
                text.append(f" · {caption}", style="italic")
            if result.mode == "search" and result.seconds:
                text.append(f" ({result.seconds * 1000:.0f} ms)", style="dim")
        if result is not None and self._unread is not None:
            text.append(f"  ·  {self._unread:,} unread", style="dim" if not self._unread else "")
        if self._marked:
            text.append("  ·  ")
            text.append(f"{self._marked:,} marked", style="bold reverse")
        if result is None or result.mode != "similar":
            text.append("  ·  ")
            text.append("Filter: ", style="dim")
            text.append(filter.label, style="bold reverse" if filter is not Filter.ALL else "bold")
        self._suggestion = result.suggestion if result is not None and not error else None
        if self._suggestion:
            text.append("  ·  Did you mean ", style="dim")
            text.append(self._suggestion, style="bold underline")
            text.append("? (ctrl+t or click)", style="dim")
        for line in (notice, getattr(result, "notice", None)):
            if line:
                text.append("  ·  ", style="dim")
                text.append(line, style="italic")
        if hint:  # a query still being typed: the last results stay
            text.append("  ·  ", style="dim")
            text.append(hint, style="italic yellow")
        if error:
            text.append("  ·  ", style="dim")
            text.append(error, style="bold red")
        self.query_one("#status-text", Label).update(text)
        self.set_class(bool(error), "-error")

    def busy(self, searching: bool) -> None:
        """Say that a search is running (shown only when it takes a noticeable time)."""
        if self._progress is None or not self._progress.display:
            self.query_one("#status-index", Label).update(Text("searching…", style="italic") if searching else Text(""))

    def indexing(self, done: int, total: int) -> None:
        bar = self._progress
        if bar is None:
            from textual.widgets import ProgressBar

            bar = self._progress = ProgressBar(id="status-progress", show_eta=False)
            self.mount(bar)
        bar.display = True
        bar.update(total=max(total, 1), progress=done)
        self.query_one("#status-index", Label).update(Text(f"Indexing {done:,} of {total:,} ", style="italic"))

    def indexed(self, notice: str | None = None) -> None:
        if self._progress is not None:
            self._progress.display = False
        self.query_one("#status-index", Label).update(Text(""))

    def on_click(self, event: events.Click) -> None:
        if self._suggestion:
            event.stop()
            self.post_message(self.SuggestionClicked())
