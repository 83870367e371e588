"""Opening a link in a web browser, only where there is one to see.

Python's `webbrowser` falls back to console browsers (lynx, w3m) on a machine without a display,
which would draw over the app; over SSH the browser would open on the wrong machine. In those
cases we say so instead, and the caller copies the link.

An explicit `$BROWSER` always wins, display or not, SSH or not (a script that forwards the link to
the user's own machine is a common setup): `browser_command` reads it as Python's `webbrowser`
does (commands separated by `:`, `%s` standing for the link, else the link is the last argument),
and the app runs the first one found, in the foreground when it is a console browser.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from paperreader.tui.clipboard import over_ssh

Opener = Callable[[str], bool]
_CONSOLE_BROWSERS = {"www-browser", "links", "elinks", "lynx", "w3m", "links2"}


def has_graphical_browser(environ: Mapping[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    if over_ssh(env):
        return False
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def open_in_browser(url: str) -> bool:
    """Open `url` in a graphical browser; False if there is none here. Blocking: call from a worker.
    Only http(s) links are opened (a second guard: imports keep no others)."""
    from paperreader.links import web_url

    if web_url(url) != url or not url.lower().startswith(("http://", "https://")):
        return False
    if not has_graphical_browser():
        return False
    import webbrowser

    try:
        browser = webbrowser.get()
        if getattr(browser, "name", "") in _CONSOLE_BROWSERS:
            return False
        return bool(browser.open(url, new=2))
    except Exception:  # webbrowser.Error, OSError from a launcher
        return False


@dataclass(frozen=True)
class BrowserCommand:
    """What `$BROWSER` says to run for a link."""

    argv: list[str]
    console: bool  # a text browser: it needs the terminal, so the app suspends while it runs

    @property
    def shown(self) -> str:
        return shlex.join(self.argv)


def browser_command(url: str, environ: Mapping[str, str]) -> BrowserCommand | None:
    """The command `$BROWSER` names for `url` (the first of its `:`-separated entries that is
    installed), or None when it is unset or names nothing runnable. Only http(s) links."""
    from paperreader.links import web_url

    if web_url(url) != url or not url.lower().startswith(("http://", "https://")):
        return None
    for entry in (environ.get("BROWSER") or "").split(os.pathsep):
        entry = entry.strip()
        if not entry:
            continue
        try:
            argv = [part.replace("%s", url) for part in shlex.split(entry)] if "%s" in entry else [*shlex.split(entry), url]
        except ValueError:  # unbalanced quotes
            continue
        if argv and shutil.which(argv[0]):
            return BrowserCommand(argv, os.path.basename(argv[0]) in _CONSOLE_BROWSERS)
    return None


def run_detached(command: BrowserCommand, settle: float = 1.0) -> str | None:
    """Start a graphical browser (or a script) from `$BROWSER` without the terminal; None if it
    started, else why not. Waits up to `settle` seconds to catch a command that fails at once.
    Blocking: call from a worker."""
    try:
        process = subprocess.Popen(
            command.argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
    except OSError as exc:
        return exc.strerror or str(exc)
    try:
        code = process.wait(timeout=settle)
    except subprocess.TimeoutExpired:
        return None  # still running: a browser that stays open
    return None if code == 0 else f"it exited with status {code}"
