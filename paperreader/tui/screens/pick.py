"""Small pickers: the copy menu (`y`), a paper's links (`l`) and the saved searches."""

from __future__ import annotations

from collections.abc import Callable

from rich.style import Style
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from paperreader.links import web_url
from paperreader.store import PaperRecord
from paperreader.tui.citations import COPY_KINDS, copy_text
from paperreader.tui.screens.dialog import Dialog


def _clip(text: str, width: int = 62) -> str:
    """OptionList wraps long lines; a preview is one line, cut with an ellipsis."""
    return text if len(text) <= width else text[: width - 1] + "…"


def _heading(prefix: str, title: str) -> Text:
    return Text.assemble((prefix, "bold"), (title, "italic"))


class Picker(Dialog):
    """A titled OptionList in a dialog; subclasses say what choosing means."""

    BINDINGS = [Binding("escape", "cancel", "Close", id="picker.close")]

    def __init__(self, heading: Text, options: list[Option], hint: str) -> None:
        super().__init__(classes="dialog-screen")
        self.heading, self.options, self.hint = heading, options, hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.heading, classes="dialog-title", markup=False)
            yield OptionList(*self.options, id="picker-options")
            yield Static(Text(self.hint, style="dim"), classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        # Textual calls every class's on_mount in the MRO: a subclass says where the highlight
        # starts by overriding initial_index, not by setting it in its own on_mount (undone here)
        options = self.query_one(OptionList)
        options.focus()
        if options.option_count:
            options.highlighted = self.initial_index(options)

    def initial_index(self, options: OptionList) -> int:
        """The option highlighted when the picker opens."""
        return 0

    def highlighted_id(self) -> str | None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            return None
        return options.get_option_at_index(options.highlighted).id

    def action_cancel(self) -> None:
        self.dismiss(None)


class CopyMenu(Picker):
    """Dismisses with the kind to copy: link, markdown, bibtex or title."""

    # One line an option at any width, cut with an ellipsis where the dialog ends: a preview cut
    # at a fixed length wrapped under the keys at 80 columns and pushed the hint off at 60x20.
    # The heading (the title, cut at HEADING characters) takes 3 lines at most: a 123-character
    # title took 4 at 60x20 and pushed the hint off.
    DEFAULT_CSS = """
    CopyMenu #picker-options {
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }

    CopyMenu .dialog-title {
        max-height: 3;
    }
    """
    HEADING = 90

    BINDINGS = [
        Binding("l", "pick('link')", "Link", id="copy.link"),
        Binding("m", "pick('markdown')", "Markdown link", id="copy.markdown"),
        Binding("b", "pick('bibtex')", "BibTeX", id="copy.bibtex"),
        Binding("t", "pick('title')", "Title", id="copy.title"),
    ]

    def __init__(self, record: PaperRecord, key_for: Callable[[PaperRecord], str] | None = None) -> None:
        """`key_for(record)`: the paper's citation key in the library (blocking; run in a worker)."""
        self.record, self.key_for = record, key_for
        options = []
        for kind, label in COPY_KINDS.items():
            value = copy_text(record, kind)
            if kind == "bibtex" and key_for is not None and value is not None:
                value = "@misc{…  (finding the paper's key in the library)"
            options.append(Option(self._line(kind, label, value), id=kind, disabled=value is None))
        super().__init__(_heading("Copy from ", _clip(record.title, self.HEADING)), options, "enter copy  ·  l m b t  ·  escape close")

    @staticmethod
    def _line(kind: str, label: str, value: str | None) -> Text:
        preview = _clip(value.splitlines()[0], 500) if value else "(none)"  # the CSS cuts it to the width
        return Text.assemble(
            (f" {kind[0]} ", "bold reverse" if value else "dim"),
            (f" {label[0].upper()}{label[1:]:<14}", "bold"),
            (f" {preview}", "dim"),
            end="",
        )

    def on_mount(self) -> None:
        super().on_mount()
        if self.key_for is not None:
            self._look_up_key()

    @work(thread=True, exit_on_error=False, group="citation-key")
    def _look_up_key(self) -> None:
        try:
            key = self.key_for(self.record)
        except Exception:  # the copy itself looks again and reports a failure
            return
        value = copy_text(self.record, "bibtex", key)
        self.app.call_from_thread(self._show_key, value)

    def _show_key(self, value: str | None) -> None:
        if self.is_attached:
            self.query_one(OptionList).replace_option_prompt("bibtex", self._line("bibtex", COPY_KINDS["bibtex"], value))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_pick(self, kind: str) -> None:
        self.dismiss(kind)


class LinksMenu(Picker):
    """Dismisses with ("open" | "copy", url)."""

    # One line a link at any width, as in the copy menu: a URL cut at 64 characters took 3 lines
    # at 80x24 (the label, the URL wrapped under it). What is opened or copied is the whole URL.
    DEFAULT_CSS = """
    LinksMenu #picker-options {
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    BINDINGS = [
        Binding("o", "choose('open')", "Open", id="links.open"),
        Binding("c,y", "choose('copy')", "Copy", id="links.copy"),
    ]

    def __init__(self, record: PaperRecord) -> None:
        options = []
        for i, link in enumerate(record.links):
            line = Text.assemble((f"{_clip(link.label or link.kind, 22):<22} ", "bold"), end="")
            # an OSC 8 hyperlink: clickable in terminals that support them (only http(s) links exist)
            line.append(_clip(link.url, 500), style=Style(dim=True, link=link.url) if web_url(link.url) == link.url else "dim")
            options.append(Option(line, id=str(i)))
        self.urls = [link.url for link in record.links]
        super().__init__(_heading("Links of ", record.title), options, "enter/o open  ·  c copy  ·  escape close")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(("open", self.urls[int(event.option.id)]))

    def action_choose(self, what: str) -> None:
        chosen = self.highlighted_id()
        if chosen is not None:
            self.dismiss((what, self.urls[int(chosen)]))


class SavedSearches(Picker):
    """Dismisses with ("run", query) or ("delete", name)."""

    BINDINGS = [Binding("d,delete", "delete", "Delete", id="saved.delete")]

    def __init__(self, saved: list[tuple[str, str]]) -> None:
        self.saved = dict(saved)
        options = []
        for name, query in saved:
            line = Text.assemble((f"{_clip(name, 24):<24}", "bold"), (f" {_clip(query, 60)}", "dim"), end="")
            options.append(Option(line, id=name))
        if not options:
            options.append(Option(Text("No saved searches yet: press S to save the current one.", style="dim"), disabled=True))
        super().__init__(Text("Saved searches", style="bold"), options, "enter search  ·  d delete  ·  escape close")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id in self.saved:
            self.dismiss(("run", self.saved[event.option.id]))

    def action_delete(self) -> None:
        name = self.highlighted_id()
        if name in self.saved:
            self.dismiss(("delete", name))


class NamePrompt(Dialog[str | None]):
    """Asks for a name (for saving a search, for renaming a tag). `check(name)` says what is wrong
    with a name, or None: a refused name is said in one line under the field, and the dialog stays
    open with what was typed (nothing is done)."""

    DEFAULT_CSS = """
    #prompt-problem {
        display: none;
        margin-top: 1;
        color: $error;
        text-style: bold;
    }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    def __init__(self, heading: Text, value: str = "", check: Callable[[str], str | None] | None = None) -> None:
        super().__init__(classes="dialog-screen")
        self.heading, self.value, self.check = heading, value, check

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.heading, classes="dialog-title", markup=False)
            yield Input(self.value, placeholder="a name", id="prompt-input")
            yield Static("", id="prompt-problem", markup=False)
            yield Static(Text("enter save  ·  escape cancel", style="dim"), classes="dialog-hint", markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        name = event.value.strip()
        if not name:
            return
        problem = self.check(name) if self.check is not None else None
        if problem:
            shown = self.query_one("#prompt-problem", Static)
            shown.update(Text(problem))
            shown.display = True
            return
        self.dismiss(name)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.query_one("#prompt-problem", Static).display = False  # said about the name before this one

    def action_cancel(self) -> None:
        self.dismiss(None)
