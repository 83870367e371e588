"""What changed between a listing and the previous one from its source (`w`): the papers that
entered, climbed, fell (with arrows and old → new rank) and dropped. Enter reads a paper."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from paperreader.tui.screens.paper_list_dialog import PaperListDialog

UP, DOWN, ENTERED, DROPPED = "↑", "↓", "+", "×"


def change_lines(change, titles: dict[str, str]) -> list[tuple[str, list[tuple[str, Text]]]]:
    """The sections (entered, climbed, fell, dropped), each as (paper id, line) pairs."""
    climbed = [m for m in change.moved if m[2] < m[1]]
    fell = [m for m in change.moved if m[2] > m[1]]

    def line(mark: str, style: str, ranks: str, pid: str) -> tuple[str, Text]:
        text = Text.assemble((f"{mark} ", style), (f"{ranks:<11}", "bold"), titles.get(pid, pid))
        return pid, text

    return [
        ("Entered", [line(ENTERED, "green", f"new → {rank}", pid) for pid, rank in change.added]),
        ("Climbed", [line(UP, "green", f"{old} → {new}", pid) for pid, old, new in climbed]),
        ("Fell", [line(DOWN, "red", f"{old} → {new}", pid) for pid, old, new in fell]),
        ("Dropped", [line(DROPPED, "red", f"{rank} → out", pid) for pid, rank in change.dropped]),
    ]


def _when(item) -> str:
    return f"{item.name} ({item.date[:16].replace('T', ' ')})"


class WhatChanged(PaperListDialog):
    """Dismisses with the id of the paper to read, or None."""


    BINDINGS = [
        Binding("escape,w", "close", "Close", id="what_changed.close"),
        Binding("enter", "read", "Read the paper", show=False, id="what_changed.read"),
    ]

    def __init__(self, change, titles: dict[str, str]) -> None:
        super().__init__(classes="dialog-screen")
        self.change, self.titles = change, titles

    def compose(self) -> ComposeResult:
        change = self.change
        heading = Text.assemble(("What changed: ", "bold"), (_when(change.after), "italic"))
        heading.append("\nsince " + (_when(change.before) if change.before else "nothing before it (every paper entered)"), style="dim")
        options: list[Option] = []
        for title, lines in change_lines(change, self.titles):
            if not lines:
                continue
            options.append(Option(Text(f"{title} ({len(lines)})", style="bold underline"), disabled=True))
            options += [Option(text, id=f"{title}:{pid}") for pid, text in lines]
        if not options:
            options.append(Option(Text("No change: the same papers in the same order.", style="dim"), disabled=True))
        with Vertical(classes="dialog listing-dialog"):
            yield Static(heading, classes="dialog-title", markup=False)
            yield OptionList(*options, id="changes")
            yield Static(Text("enter: read the paper  ·  escape: close", style="dim"), classes="dialog-hint", markup=False)
