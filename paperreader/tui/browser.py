"""Opening a link in a web browser, only where there is one to see.

Python's `webbrowser` falls back to console browsers (lynx, w3m) on a machine without a display,
which would draw over the app; over SSH the browser would open on the wrong machine. In those
cases we say so instead, and the caller copies the link.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping

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
