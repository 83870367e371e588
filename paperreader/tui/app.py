"""Placeholder app until the TUI lands: starts, says so, quits with q."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Static


class PaperReaderApp(App):
    BINDINGS = [Binding("q", "quit", "Quit", id="app.quit")]

    def __init__(self, data_dir: str | None = None) -> None:
        super().__init__()
        self.data_dir = data_dir

    def compose(self) -> ComposeResult:
        yield Static("paperreader: the reader is on its way. Meanwhile: paperreader search QUERY")
        yield Footer()
