"""The paperreader app: settings, keymap, theme, clipboard and browser seams; the main screen does the rest."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import App
from textual.binding import Binding
from textual.screen import ModalScreen, Screen

from paperreader.tui.early_keys import EarlyKeys
from paperreader.tui.providers import ActionsProvider, PapersProvider

if TYPE_CHECKING:
    from paperreader.tui.clipboard import SystemCopy
    from paperreader.tui.web_browser import Opener

_DEFAULT = object()
GC_PAUSED_AT_MOST = 5.0  # seconds: the collector is resumed by then even if no results were painted
LAUNCH_SWITCH_S = 0.0001  # the GIL's switch interval until the first results are painted (on_load)
WORKER_SWITCH_S = 0.001  # and then


# The system clipboard and the web browser, imported when first used: not at launch (~3 ms CPU:
# their modules, shlex, a dataclass).
def pyperclip_copy(text: str) -> None:
    from paperreader.tui.clipboard import pyperclip_copy

    pyperclip_copy(text)


def open_in_browser(url: str) -> bool:
    from paperreader.tui.web_browser import open_in_browser

    return open_in_browser(url)


class PaperReaderApp(EarlyKeys, App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "paperreader"
    COMMANDS = App.COMMANDS | {ActionsProvider, PapersProvider}
    BINDINGS = [
        Binding("q", "quit_or_close", "Quit", id="app.quit"),
        Binding("question_mark,f1", "help", "Help", id="app.help"),
        Binding("ctrl+p", "command_palette", "Commands", show=False, priority=True, id="app.command_palette"),
        Binding("T", "change_theme", "Theme", show=False, id="app.theme"),
    ]

    def __init__(
        self,
        data_dir: str | None = None,
        *,
        system_copy: SystemCopy | None | object = _DEFAULT,
        url_opener: Opener | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        from paperreader.config import load
        from paperreader.paths import resolve

        super().__init__()
        self.paths = resolve(data_dir)
        self.settings = load(self.paths.config_file)
        self.workspace = None  # set by the main screen once it shows the library
        self.opening = None  # the library being opened, from the moment the app loads
        self._switch_interval = sys.getswitchinterval()
        self.closing = False
        self.system_copy: SystemCopy | None = pyperclip_copy if system_copy is _DEFAULT else system_copy
        self.url_opener: Opener = url_opener or open_in_browser
        self.environ: Mapping[str, str] = os.environ if environ is None else environ
        self.hold_early_keys()  # until the main screen's search box takes them
        self._problems: list[str] = []  # with the settings, told once the app is mounted
        self.gc_paused = False  # the cyclic collector is paused for the launch (`run()`, on_load): see resume_gc

    def resume_gc(self) -> None:
        """The first results are painted (or the launch went another way): the collector back on."""
        if self.gc_paused:
            self.gc_paused = False
            gc.enable()
            sys.setswitchinterval(WORKER_SWITCH_S)

    def on_load(self) -> None:
        from paperreader.tui.opening import Opening

        # The collector paused until the first results are painted however the app is run (`run()`
        # pauses it earlier, for the imports): the main screen's import, compose and first frame made
        # ~55 collections (~7 ms CPU) under run_test, the bare app ~14.
        if gc.isenabled():
            gc.disable()
            self.gc_paused = True
        # Workers (the index opening or building, searches) hold the GIL in turns with the UI
        # thread: let the UI have it back within 1 ms rather than Python's default 5 ms, so keys
        # and paints are not held up while Whoosh loads. Until the first results are painted,
        # 0.1 ms: the opening thread's SQLite reads give the GIL up at every row and wait a whole
        # interval to get it back from the UI thread composing the screen (a page read with a busy
        # UI thread: ~8 ms at 1 ms, ~4 ms at 0.1 ms, 0.8 s at the default 5 ms).
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(LAUNCH_SWITCH_S if self.gc_paused else WORKER_SWITCH_S)
        self.opening = Opening(self.paths).start()
        # The modules are imported by now: keep their objects out of the collector's full passes,
        # one of which (~15 ms) otherwise fell inside the first paint.
        gc.freeze()

    def get_default_screen(self) -> Screen:
        """The main screen, first on the stack. Pushed over Textual's own default screen instead,
        that empty screen was composed, styled and resumed at launch for nothing (~10 ms CPU before
        the first frame). The keymap and the theme are set first, so the screen is styled once."""
        from paperreader.tui.screens.main import MainScreen

        self._problems = self._apply_settings()
        return MainScreen()

    def _apply_settings(self) -> list[str]:
        """The keymap and the theme from the settings; what was wrong with them, to be told."""
        problems = list(self.settings.problems)
        if self.settings.keymap:  # checking the ids imports every screen: only when there is a keymap
            from paperreader.tui.keys import all_binding_ids  # (~30 ms CPU: the editor's TextArea, ...)

            known = all_binding_ids(self)
            unknown = sorted(set(self.settings.keymap) - known)
            if unknown:
                problems.append(f"{self.paths.config_file}: unknown binding ids in [keymap]: {', '.join(unknown)} (see ? for the ids)")
            self.settings.keymap = {k: v for k, v in self.settings.keymap.items() if k in known}
            from paperreader.tui.keys import keymap_clashes

            for clash in keymap_clashes(self, self.settings.keymap):
                problems.append(f"{self.paths.config_file}: [keymap]: {clash}, where it has no key now: give it one (see ? for the ids)")
        self.set_keymap(self._with_quit(self.settings.keymap))
        if self.settings.theme:
            if self.settings.theme in self.available_themes:
                self.theme = self.settings.theme
            else:
                problems.append(f"{self.paths.config_file}: no theme called {self.settings.theme!r}; using {self.theme}")
        return problems

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self.set_timer(GC_PAUSED_AT_MOST, self.resume_gc)  # whatever happens to the first paint
        for problem in self._problems:
            self.notify(problem, severity="warning", timeout=10, markup=False)

    @staticmethod
    def _with_quit(keymap: dict[str, str]) -> dict[str, str]:
        """The keymap to apply: quit always answers to ctrl+q as well as its own keys, so it stays
        reachable (and on the key bar) when the user gives `q` to another action."""
        from paperreader.config import QUIT_KEY

        keys = [k for k in keymap.get("app.quit", "q").split(",") if k]
        return {**keymap, "app.quit": ",".join([*keys, QUIT_KEY] if QUIT_KEY not in keys else keys)}

    def keys_for(self, binding: Binding) -> str:
        """The keys a binding answers to now, after the user's keymap."""
        if binding.id == "app.quit":
            return self._with_quit(self.settings.keymap)["app.quit"]
        return self.settings.keymap.get(binding.id or "", binding.key) if binding.id else binding.key

    # -- the theme, remembered -----------------------------------------------------------------------
    def _theme_changed(self, theme) -> None:
        if theme.name != self.settings.theme:
            self.settings.theme = theme.name
            self._save_theme(theme.name)

    @work(thread=True, exit_on_error=False, exclusive=True, group="settings")
    def _save_theme(self, name: str) -> None:
        from paperreader.config import save_theme

        try:
            save_theme(self.paths.config_file, name)
        except OSError as exc:
            self.call_from_thread(self.notify, f"Could not remember the theme: {exc}", severity="warning", markup=False)

    def action_change_theme(self) -> None:
        self.search_themes()

    # -- help, quit ---------------------------------------------------------------------------------------
    def action_help(self) -> None:
        from paperreader.tui.keys import binding_groups
        from paperreader.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(binding_groups(self), self.settings.keymap, str(self.paths.config_file)))

    async def action_quit_or_close(self) -> None:
        """`q` closes a dialog if one is open, else quits."""
        if isinstance(self.screen, ModalScreen):
            self.screen.dismiss(None)
        else:
            await self.action_quit()

    async def action_quit(self) -> None:
        editor = next((s for s in reversed(self.screen_stack) if getattr(s, "unsaved", False) and hasattr(s, "keep_draft_and_quit")), None)
        if editor is not None:  # never quit silently over text the store does not have
            self._ask_before_quit(editor)
            return
        self.closing = True
        self.exit()

    def _ask_before_quit(self, editor) -> None:
        from paperreader.tui.screens.note_dialogs import QuitWithNote

        if isinstance(self.screen, QuitWithNote):
            return

        def answered(choice: str | None) -> None:
            if choice == "save":
                editor.save(editor.text, editor.base.version, then_quit=True)
            elif choice == "draft":
                editor.keep_draft_and_quit()
            elif choice == "discard":
                editor.discard_and_quit()

        question = Text("The note you are editing is not saved.", style="bold")
        question.append(" Save it, keep it as a draft (offered back when you open the note), or discard it?")
        self.push_screen(QuitWithNote(question), answered)

    def on_unmount(self) -> None:
        self.closing = True
        self.resume_gc()
        gc.unfreeze()
        sys.setswitchinterval(self._switch_interval)
        if self.workspace is not None:
            self.workspace.close()
            self.workspace = None
        elif self.opening is not None:  # quit before the library was shown
            self.opening.abandon()

    def fail(self, error: str) -> None:
        self.exit(return_code=2, message=Text(error))
