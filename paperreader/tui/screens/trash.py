"""The trash from the reader (the command palette's "Restore from the trash"): the papers deleted in
the last 30 days, newest first, as `paperreader trash` lists them; enter brings one back with its
stars, notes and tags (`store.trash`, as `paperreader restore-paper` does).
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from paperreader.search.lookup import RESTORE_COMMAND as TRASH_COMMAND  # what a trashed id's notice names
from paperreader.tui.screens.pick import Picker, _clip

TRASH_HELP = "bring back a deleted paper, with its stars, notes and tags (kept 30 days)"


def open_trash(screen) -> None:
    """The palette's command: read the trash in a worker, then show it (or say it is empty)."""
    screen.run_worker(lambda: _load(screen), thread=True, exit_on_error=False, group="trash")


def _load(screen) -> None:
    from paperreader.store import trash

    app = screen.app
    try:
        found = trash.entries(app.workspace.library)
    except Exception as exc:  # a store error: one line
        app.call_from_thread(screen.notify, f"Cannot read the trash: {exc}", severity="error", markup=False)
        return
    if not found:
        app.call_from_thread(screen.notify, "The trash is empty.", markup=False)
        return
    app.call_from_thread(app.push_screen, TrashPicker(found), lambda entry: _restore(screen, entry))


def _restore(screen, entry) -> None:
    if entry is not None:
        screen.run_worker(lambda: _restore_now(screen, entry), thread=True, exit_on_error=False, group="write")


def _restore_now(screen, entry) -> None:
    import paperreader.tui.messages as msg
    from paperreader.store import trash

    app = screen.app
    try:
        restored = trash.restore_entries(app.workspace.library, [entry.entry])
    except Exception as exc:
        app.call_from_thread(screen.notify, f"Cannot restore {entry.paper_id}: {exc}", severity="error", markup=False)
        return
    said = f"Restored {entry.title}" if restored else f"{entry.paper_id} is no longer in the trash (restored elsewhere?)"
    app.call_from_thread(screen.notify, said, markup=False)
    screen.post_message(msg.LibraryChanged())  # our own write: the store's data_version does not move for us


class TrashPicker(Picker):
    """Dismisses with the chosen TrashEntry, or None."""

    def __init__(self, entries) -> None:
        self.entries = {str(e.entry): e for e in entries}
        options = [Option(Text.assemble((e.deleted_at[:10] + "  ", "dim"), ("★ " if e.starred else ""),
                                        _clip(e.title, 58), (f"  {e.paper_id}", "dim")), id=str(e.entry))
                   for e in entries]  # fmt: skip
        super().__init__(Text("The trash (newest first)", style="bold"), options, "enter restores  ·  escape closes")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.entries.get(event.option.id))
