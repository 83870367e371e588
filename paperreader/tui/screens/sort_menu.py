"""The sort menu (`O`): the orders for what the list shows, the current one marked."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from paperreader.tui.result_set import SORTS
from paperreader.tui.screens.pick import Picker

HINTS = {
    "listing": "the rank in the latest listing it came from",
    "added": "newest in the library first",
    "published": "newest published first",
    "title": "A to Z",
    "starred": "newest star first, then the rest by title",
    "relevance": "best match first",
}


class SortMenu(Picker):
    """Dismisses with the order chosen (a key of SORTS), or None."""

    BINDINGS = [Binding("O", "cancel", "Close", id="sort.close")]

    def __init__(self, orders: tuple[str, ...], current: str, searching: bool) -> None:
        options = []
        for order in orders:
            line = Text.assemble(
                ("● " if order == current else "  ", "bold"),
                (f"{SORTS[order]:<16}", "bold"),
                (f" {HINTS[order]}", "dim"),
                end="",
            )
            options.append(Option(line, id=order))
        self.current = current
        title = "Sort the results by" if searching else "Sort the library by"
        super().__init__(Text(title, style="bold"), options, "enter choose  ·  escape close")

    def initial_index(self, options: OptionList) -> int:
        """The current order, so enter keeps it and the arrows move from it."""
        return next((i for i in range(options.option_count) if options.get_option_at_index(i).id == self.current), 0)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)
