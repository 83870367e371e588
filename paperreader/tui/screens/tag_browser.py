"""The tags of the library with how many papers carry each: choose one to see its papers, or rename
(merge) it everywhere. Plain choices: the main screen does the store work in workers."""

from __future__ import annotations

import re

from rich.text import Text
from textual.binding import Binding
from textual.widgets.option_list import Option

from paperreader.tui.screens.pick import Picker, _clip

_PLAIN_TAG = re.compile(r"[\w+.#-]+")


def tag_query(tag: str) -> str:
    """The search for one tag's papers: `tag:NAME` (quoted when it holds other characters)."""
    return f"tag:{tag}" if _PLAIN_TAG.fullmatch(tag) else 'tag:"' + tag.replace('"', " ") + '"'


class TagBrowser(Picker):
    """Dismisses with ("show", tag), ("rename", tag) or None."""

    BINDINGS = [
        Binding("r", "rename", "Rename or merge", id="tag_browser.rename"),
    ]

    def __init__(self, counts: list[tuple[str, int]], highlight: str | None = None) -> None:
        self.tags = [tag for tag, _ in counts]
        self.start = highlight
        width = max((len(f"{n:,}") for _, n in counts), default=1)
        options = []
        for tag, n in counts:
            line = Text.assemble((f"{n:>{width},} ", "dim"), (f"#{_clip(tag, 60)}", "bold"), end="")
            options.append(Option(line, id=tag))
        if not options:
            options.append(Option(Text("No tags yet: press t on a paper to tag it.", style="dim"), disabled=True))
        total = len(counts)
        heading = Text.assemble(("Tags", "bold"), (f"  {total:,} tag{'s' if total != 1 else ''}, with their papers", "dim"))
        super().__init__(heading, options, "enter show its papers  ·  r rename / merge  ·  escape close")

    def initial_index(self, options) -> int:
        """The tag just renamed or merged into, else the first."""
        return self.tags.index(self.start) if self.start in self.tags else 0

    def on_option_list_option_selected(self, event) -> None:
        event.stop()
        if event.option.id in self.tags:
            self.dismiss(("show", event.option.id))

    def action_rename(self) -> None:
        tag = self.highlighted_id()
        if tag in self.tags:
            self.dismiss(("rename", tag))
