"""The catalogue of bindings: grouped for the help screen, and as commands for the palette.

One place that knows every binding class, so help, palette and the keymap check never disagree.
It imports every screen: the app and the palette import it when first needed (help, a keymap to
check, the palette opened), not before the first paint. Nothing it imports imports it.
"""

from __future__ import annotations

from functools import partial

from textual.binding import Binding

from paperreader.tui.actions.papers import PAPER_BINDINGS, UNDO_BINDINGS
from paperreader.tui.marks import MARK_BINDINGS
from paperreader.tui.reading import READING_BINDINGS
from paperreader.tui.result_set import Filter
from paperreader.tui.screens.confirm import ConfirmScreen
from paperreader.tui.screens.digest import DigestPanel
from paperreader.tui.screens.help import HelpScreen, key_names
from paperreader.tui.screens.import_file import IMPORT_HELP, ImportFileScreen, open_import
from paperreader.tui.screens.main import MainScreen
from paperreader.tui.screens.note_dialogs import DraftFound, NoteConflictScreen, QuitWithNote
from paperreader.tui.screens.note_editor import NoteEditor
from paperreader.tui.screens.pick import CopyMenu, LinksMenu, NamePrompt, Picker, SavedSearches
from paperreader.tui.screens.sort_menu import SortMenu
from paperreader.tui.screens.tag_browser import TagBrowser
from paperreader.tui.screens.tags import TagEditor
from paperreader.tui.screens.trash import TRASH_COMMAND, TRASH_HELP, open_trash
from paperreader.tui.screens.what_changed import WhatChanged
from paperreader.tui.sorting import SORT_BINDINGS
from paperreader.tui.widgets.reader import ReaderPane
from paperreader.tui.widgets.results_list import ResultsList
from paperreader.tui.widgets.search_box import SearchBox


def binding_groups(app) -> list[tuple[str, list[Binding]]]:
    paper_ids = {b.id for b in (*PAPER_BINDINGS, *MARK_BINDINGS, *UNDO_BINDINGS, *READING_BINDINGS, *SORT_BINDINGS)}
    return [
        ("Anywhere", [b for b in type(app).BINDINGS if isinstance(b, Binding)]),
        ("Searching", [b for b in MainScreen.BINDINGS if b.id not in paper_ids]),
        ("In the search box", list(SearchBox.BINDINGS)),
        ("The results", list(ResultsList.BINDINGS)),
        ("The paper under the cursor, or the marked papers", list(PAPER_BINDINGS)),
        ("Marks, undo, order", [*MARK_BINDINGS, *UNDO_BINDINGS, *SORT_BINDINGS]),
        ("Reading (like newsboat)", list(READING_BINDINGS)),
        ("The reader", list(ReaderPane.BINDINGS)),
        ("Note editor", list(NoteEditor.BINDINGS)),
        ("Note questions", [*DraftFound.BINDINGS, *NoteConflictScreen.BINDINGS, *QuitWithNote.BINDINGS]),
        ("Copy menu", list(CopyMenu.BINDINGS)),
        ("Links", list(LinksMenu.BINDINGS)),
        ("Saved searches", list(SavedSearches.BINDINGS)),
        ("Tag browser", list(TagBrowser.BINDINGS)),
        ("What changed", list(WhatChanged.BINDINGS)),
        ("Digest", list(DigestPanel.BINDINGS)),
        ("Sort menu", list(SortMenu.BINDINGS)),
        ("Dialogs", [*TagEditor.BINDINGS, *Picker.BINDINGS, *NamePrompt.BINDINGS, *ConfirmScreen.BINDINGS, *HelpScreen.BINDINGS,
                     *ImportFileScreen.BINDINGS]),
    ]


def keymap_clashes(app, keymap: dict[str, str]) -> list[str]:
    """Actions the keymap left with no key: another action in the same place (the main screen with
    the results, the reader or the box; one dialog) was given every key this one had, and Textual
    then drops it without a word (`paper.note = "s"` took star's only key)."""
    groups = dict(binding_groups(app))
    on_main = ("Anywhere", "Searching", "The paper under the cursor, or the marked papers", "Marks, undo, order", "Reading (like newsboat)")
    main = [b for name in on_main for b in groups[name]]
    places = [(f"on the main screen with {where}", main + groups[name])
              for where, name in (("the results", "The results"), ("the reader", "The reader"), ("the search box", "In the search box"))]
    places += [(f"in {name}", bindings) for name, bindings in groups.items()
               if name not in (*on_main, "The results", "The reader", "In the search box")]
    found: dict[str, tuple[set[str], list[str]]] = {}  # the action -> who took its keys, where
    for where, bindings in places:
        given: dict[str, set[str]] = {}  # key -> the actions the keymap gave it to
        for binding in bindings:
            for key in keymap.get(binding.id or "", "").split(","):
                if key:
                    given.setdefault(key, set()).add(binding.id)
        for binding in bindings:
            if not binding.id or binding.id in keymap:
                continue
            keys = [k.strip() for k in binding.key.split(",") if k.strip()]
            if keys and all(k in given for k in keys):
                takers, wheres = found.setdefault(binding.id, (set(), []))
                takers.update(i for k in keys for i in given[k])
                if where not in wheres:
                    wheres.append(where)
    everywhere = [where for where, _ in places[:3]]
    return [
        f"{lost} lost its key to {', '.join(sorted(takers))} ({'on the main screen' if wheres == everywhere else '; '.join(wheres)})"
        for lost, (takers, wheres) in sorted(found.items())
    ]


def all_binding_ids(app) -> set[str]:
    return {b.id for _, bindings in binding_groups(app) for b in bindings if b.id}


def palette_entries(screen):
    """(name, help, callback) for the command palette: every action on the main screen, and more."""
    app = screen.app
    skip = {"app.command_palette", "main.back"}
    keys = lambda binding: key_names(app, binding, app.settings.keymap)  # noqa: E731 ("#", not "number_sign")
    for binding in MainScreen.BINDINGS:
        if binding.id not in skip:
            yield binding.description, f"key: {keys(binding)}", partial(screen.run_action, binding.action)
    for action, name in (("first", "First paper"), ("last", "Last paper"), ("open", "Open the reader")):
        yield name, "the results list", partial(screen.results.run_action, action)
    for binding in type(app).BINDINGS:
        if isinstance(binding, Binding) and binding.id not in skip:
            yield binding.description, f"key: {keys(binding)}", partial(app.run_action, binding.action)
    for value in Filter:
        yield f"Filter: {value.label}", "show only these papers", partial(setattr, screen, "filter", value)
    yield "Import a file", IMPORT_HELP, partial(open_import, screen)
    yield TRASH_COMMAND, TRASH_HELP, partial(open_trash, screen)
    if screen.result is not None and screen.result.suggestion:
        yield "Use the suggestion", f"search for {screen.result.suggestion}", screen.action_use_suggestion
    for name, query in getattr(screen, "saved_cache", []):
        yield f"Saved search: {name}", query, partial(screen.run_query, query)
