"""Recently read (`R`, or the palette): the papers marked read lately, newest first; enter opens one."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from paperreader.store import PaperRecord
from paperreader.tui.screens.pick import Picker


def _when(read_at: str) -> str:
    """The store's ISO time, as "2026-12-06 16:40" (UTC)."""
    return read_at[:16].replace("T", " ")


class RecentlyRead(Picker):
    """Dismisses with the id of the paper to open, or None."""

    def __init__(self, entries: list[tuple[PaperRecord, str]]) -> None:
        options = []
        for record, read_at in entries:
            line = Text(no_wrap=True, overflow="ellipsis", end="")
            line.append(f"{_when(read_at)}  ", style="dim")
            line.append(record.title)  # a Text, never markup: paper text is untrusted
            options.append(Option(line, id=record.id))
        if not options:
            options.append(Option(Text("Nothing read yet: opening a paper (enter, N) marks it read.", style="dim"), disabled=True))
        super().__init__(Text("Recently read", style="bold"), options, "enter open  ·  escape close  (times in UTC)")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)
