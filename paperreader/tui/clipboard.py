"""Copying text out of the app: the system clipboard where it works, the terminal's OSC 52 always.

pyperclip raises on a headless Linux box and copies to the wrong machine over SSH, so the terminal
route (Textual's `App.copy_to_clipboard`, which also fills the app's own clipboard for pasting into
its inputs) is always taken, and the system route only when we are local. The system backend is
pluggable, so tests (and odd platforms) can replace or disable it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

SystemCopy = Callable[[str], None]


def over_ssh(environ: Mapping[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    return bool(env.get("SSH_TTY") or env.get("SSH_CONNECTION") or env.get("SSH_CLIENT"))


def pyperclip_copy(text: str) -> None:
    """The default system backend; raises whatever pyperclip raises when it has no mechanism."""
    import pyperclip

    pyperclip.copy(text)


def copy_with_system(text: str, backend: SystemCopy | None, environ: Mapping[str, str] | None = None) -> bool:
    """Try the system clipboard (never over SSH); True if it took the text. Never raises.

    Blocking (pyperclip may spawn xclip or wl-copy), so call it from a worker thread.
    """
    if backend is None or over_ssh(environ):
        return False
    try:
        backend(text)
    except Exception:  # pyperclip.PyperclipException, OSError from a helper, anything: fall back
        return False
    return True


# Terminals cap what they take through OSC 52 (some at ~100 KB, tmux and xterm by their settings)
# and drop a bigger copy without a word: past this, the notification says so.
OSC52_SAFE_BYTES = 100_000


def describe(what: str, text: str, system: bool) -> str:
    """The notification after a copy: what was copied and which way it went."""
    first = text.splitlines()[0] if text else ""
    shown = first if len(first) <= 200 and first == text else first[:200] + " …"
    route = "to the clipboard" if system else "to the clipboard via the terminal (OSC 52)"
    size = len(text.encode("utf-8", "surrogatepass"))
    if not system and size > OSC52_SAFE_BYTES:
        return (
            f"Sent the {what} ({size / 1e6:,.1f} MB) to the terminal's clipboard (OSC 52): many terminals drop a copy "
            "this big without a word. If it did not arrive, copy fewer papers, or tag them (t) and write them to a "
            "file: paperreader export --tag TAG --format bibtex -o FILE (or markdown, csv)"
        )
    return f"Copied the {what} {route}:\n{shown}"
