"""The digest panel: at launch when a saved search has new papers (and on `W`), each saved search
with the papers that arrived since the last visit and match it. Enter reads one; escape closes."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option


class DigestPanel(ModalScreen[str | None]):
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

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        # a long list scrolls inside the dialog (the list takes the room left), the hint stays in view
        self.query_one(".listing-dialog").styles.height = "80%"
        options.styles.height, options.styles.max_height = "1fr", "100%"
        options.focus()
        first = next((i for i in range(options.option_count) if not options.get_option_at_index(i).disabled), None)
        if first is not None:
            options.highlighted = first

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.dismiss(event.option.id.split(":", 1)[1])

    def action_read(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            option = options.get_option_at_index(options.highlighted)
            if option.id:
                self.dismiss(option.id.split(":", 1)[1])

    def action_close(self) -> None:
        self.dismiss(None)
