"""`y` with papers marked: copy (export) all of them at once, as links, Markdown links, BibTeX
entries or titles, one a line (BibTeX: one entry a paragraph). The copy menu's keys (l m b t)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets.option_list import Option

from paperreader.tui.citations import COPY_KINDS
from paperreader.tui.screens.pick import CopyMenu, Picker


class CopyMarkedMenu(CopyMenu):
    """Dismisses with the kind to copy for every marked paper, or None."""

    def __init__(self, count: int) -> None:
        self.record, self.key_for = None, None  # CopyMenu's: no single paper, no key to look up
        options = [
            Option(
                Text.assemble((f" {kind[0]} ", "bold reverse"), (f" {label[0].upper()}{label[1:]:<14}", "bold"), (f" of each of the {count:,}", "dim"), end=""),
                id=kind,
            )
            for kind, label in COPY_KINDS.items()
        ]
        Picker.__init__(self, Text(f"Copy from {count:,} marked papers", style="bold"), options, "enter copy  ·  l m b t  ·  escape close")
