"""A dialog that lists papers (What changed, the digest): a scrolling option list under a title,
a hint that stays in view, enter reads the highlighted paper, escape closes.

Options that stand for a paper have the id `N:PAPER_ID` (N keeps ids unique when a paper is listed
twice); the others (headings, "no change") are disabled and skipped.
"""

from __future__ import annotations

from textual.widgets import OptionList

from paperreader.tui.screens.dialog import Dialog


class PaperListDialog(Dialog[str | None]):
    """Dismisses with the id of the paper to read, or None."""

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
