"""The help screen (`?`): every binding, with the keys in use after the user's keymap, and its id."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from paperreader.tui.screens.dialog import Dialog

Section = tuple[str, list[Binding]]
DESCRIBED = 26  # a description's width when there is room: the ids line up in a column


def about() -> str:
    """The search language in one paragraph; its filters are the query language's own lists, so
    they cannot drift (is:new and has:arxiv were missing). Imported here, when help opens: a keymap
    makes the launch import every screen."""
    from paperreader.search.query import HAS_VALUES, IS_VALUES

    return (
        "Search as you type: words are ANDed; \"a phrase\", OR, NOT or -word, ( ), title: author: "
        "abstract: note: tag: cat: year:2020..2024, prefix transf*, fuzzy transfomer~, "
        f"is:{'|'.join(IS_VALUES)}, has:{'|'.join(HAS_VALUES)}."
    )


def key_names(app, binding: Binding, keymap: dict[str, str]) -> str:
    keys = keymap.get(binding.id or "", binding.key) if binding.id else binding.key
    shown = []
    for key in keys.split(","):
        key = key.strip()
        if key:
            shown.append(app.get_key_display(Binding(key, binding.action, key_display=None)))
    return " ".join(dict.fromkeys(shown))


class HelpScreen(Dialog[None]):
    BINDINGS = [
        Binding("escape,q,question_mark,f1", "close", "Close", id="help.close"),
        Binding("down,j", "scroll(1)", "Scroll down", show=False, id="help.down"),
        Binding("up,k", "scroll(-1)", "Scroll up", show=False, id="help.up"),
    ]

    def __init__(self, sections: list[Section], keymap: dict[str, str], config_file: str) -> None:
        super().__init__(classes="dialog-screen")
        self.sections, self.keymap, self.config_file = sections, keymap, config_file

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help", id="help-body"):
            yield Static(Text("paperreader — keys", style="bold"), classes="dialog-title")
            yield Static(Text(about(), style="dim"), markup=False)
            keys_width = self._keys_width()
            for title, bindings in self.sections:
                yield Static(self._table(title, bindings, keys_width), markup=False, classes="help-section")
            footer = Text.assemble(("Change any key in ", "dim"))
            footer.append(self.config_file, style="bold")
            footer.append(' under [keymap], e.g.  "paper.star" = "s,*"   (escape closes this)', style="dim")
            yield Static(footer, markup=False)

    def _keys_width(self) -> int:
        """The widest keys of all sections (12 at least), so the sections' columns line up."""
        rows = [binding for _title, bindings in self.sections for binding in bindings]
        return max([12] + [len(key_names(self.app, b, self.keymap)) for b in rows])

    def _table(self, title: str, bindings: list[Binding], keys_width: int) -> Table:
        """One section as a grid that fits the dialog's width: keys and ids are never cut (they
        are what a user types or puts in the keymap); at a narrow terminal the descriptions wrap.
        A description is padded to DESCRIBED as text, not as the column's minimum, which Rich
        would keep and cut the ids for: the padding goes when the line wraps."""
        table = Table.grid(padding=(0, 1))
        table.title, table.title_justify, table.title_style = title, "left", "bold underline"
        table.add_column(no_wrap=True, min_width=keys_width, style="bold")
        table.add_column(overflow="fold")
        table.add_column(no_wrap=True, style="dim")
        for binding in bindings:
            described = (binding.description or binding.action).ljust(DESCRIBED)
            table.add_row(Text(key_names(self.app, binding, self.keymap)), Text(described), Text(binding.id or ""))  # not markup
        return table

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll(self, lines: int) -> None:
        self.query_one("#help-body").scroll_relative(y=lines, animate=False)
