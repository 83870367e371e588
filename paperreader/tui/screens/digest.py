"""The digest panel: at launch when a saved search has new papers (and on `W`), each saved search
with the papers that arrived since the last visit and match it. Enter reads one; escape closes."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from paperreader.tui.screens.paper_list_dialog import PaperListDialog


class DigestPanel(PaperListDialog):
    """Dismisses with the id of the paper to read, or None."""


    BINDINGS = [
        Binding("escape,W", "close", "Close", id="digest.close"),
        Binding("enter", "read", "Read the paper", show=False, id="digest.read"),
    ]

    def __init__(self, digest: dict) -> None:
        super().__init__(classes="dialog-screen")
        self.digest = digest

    def compose(self) -> ComposeResult:
        since = self.digest.get("since")
        heading = Text("New for your saved searches", style="bold")
        if since:
            heading.append(f" since {since[:16].replace('T', ' ')}", style="italic")
        options: list[Option] = []
        for entry in self.digest["searches"]:
            if not entry["papers"]:
                continue
            options.append(Option(Text.assemble((entry["name"], "bold underline"), (f"  {entry['query']}  ", "dim"),
                                                 (f"{entry['total']} new", "bold")), disabled=True))  # fmt: skip
            for paper in entry["papers"]:
                line = Text("  ● ", style="green")
                line.append(paper["title"])
                if paper.get("published"):
                    line.append(f"  {paper['published']}", style="dim")
                options.append(Option(line, id=f"{len(options)}:{paper['id']}"))
        with Vertical(classes="dialog listing-dialog"):
            yield Static(heading, classes="dialog-title", markup=False)
            yield OptionList(*options, id="digest")
            yield Static(Text("enter: read the paper  ·  escape: close  ·  W: this digest again", style="dim"),
                         classes="dialog-hint", markup=False)  # fmt: skip
