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
DESCRIBED = 32  # the descriptions' column at most, when there is room: a longer one wraps in it


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
            widths = self._column_widths()
            for title, bindings in self.sections:
                yield Static(self._table(title, bindings, *widths), markup=False, classes="help-section")
            footer = Text.assemble(("Change any key in ", "dim"))
            footer.append(self.config_file, style="bold")
            footer.append(' under [keymap], e.g.  "paper.star" = "s,*"   (escape closes this)', style="dim")
            yield Static(footer, markup=False)

    def _column_widths(self) -> tuple[int, int, int]:
        """The keys', descriptions' and ids' widths, each the widest of all sections (descriptions
        at most DESCRIBED), so every section's columns line up; sized per section, a section with
        a longer description or id ('In the search box', 'Dialogs') had its columns further right."""
        rows = [binding for _title, bindings in self.sections for binding in bindings]
        keys = max([1] + [len(key_names(self.app, b, self.keymap)) for b in rows])
        described = min(DESCRIBED, max([1] + [len(b.description or b.action) for b in rows]))
        ids = max([1] + [len(b.id or "") for b in rows])
        return keys, described, ids

    def _table(self, title: str, bindings: list[Binding], keys_width: int, described: int, ids_width: int) -> Table:
        """One section as a grid that fits the dialog's width: keys and ids are never cut (they
        are what a user types or puts in the keymap), and their columns are as wide in every
        section. A description is padded to `described` as text and its column is at most that
        wide, so where there is room every section's ids start in one column; where there is not
        (a narrow terminal), Rich narrows that column alone, by as much in every section (the same
        keys and ids widths), and the descriptions wrap. The padding is text, not the column's
        minimum, which Rich would keep and cut the ids for: it goes when the line wraps."""
        table = Table.grid(padding=(0, 2))
        table.title, table.title_justify, table.title_style = title, "left", "bold underline"
        table.add_column(no_wrap=True, min_width=keys_width, style="bold")
        table.add_column(overflow="fold", max_width=described)
        table.add_column(no_wrap=True, min_width=ids_width, style="dim")
        for binding in bindings:
            text = (binding.description or binding.action).ljust(described)
            table.add_row(Text(key_names(self.app, binding, self.keymap)), Text(text), Text(binding.id or ""))  # not markup
        return table

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll(self, lines: int) -> None:
        self.query_one("#help-body").scroll_relative(y=lines, animate=False)
