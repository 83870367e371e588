"""User settings: the theme and the keymap, from `config.toml` in the user's config dir.

A broken file never stops the app: what can be read is used, and each problem is reported as
one line for the UI to show. Saving the theme edits only the `theme = ...` line, so the user's
comments and the rest of the file stay as they wrote them.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

EXAMPLE = """\
# paperreader settings. Keys are Textual key names; several keys for one action are
# separated by commas. Binding ids are listed on the help screen (press ?).
# theme = "nord"
#
# [reader]
# mark_read = "open"     # opening a paper marks it read: "open" (at once), "never", or seconds, e.g. 5
#
# [keymap]
# "paper.star" = "s,*"
# "results.down" = ["j", "down", "ctrl+n"]
"""

_THEME_LINE = re.compile(r"^[ \t]*theme[ \t]*=.*$", re.MULTILINE)
_TABLE = re.compile(r"^[ \t]*\[", re.MULTILINE)
_COMMENTED_TABLE = re.compile(r"^[ \t]*#[ \t]*\[", re.MULTILINE)  # `# [keymap]`: a table the user may uncomment


@dataclass
class Settings:
    theme: str | None = None
    keymap: dict[str, str] = field(default_factory=dict)
    mark_read_after: float | None = 0.0  # seconds a paper stays open before it is marked read; None: never
    problems: list[str] = field(default_factory=list)


def _keys(value) -> str | None:
    """A keymap value as Textual wants it: one comma-separated string."""
    if isinstance(value, str) and value.strip():
        return ",".join(k.strip() for k in value.split(",") if k.strip())
    if isinstance(value, list) and value and all(isinstance(k, str) and k.strip() for k in value):
        return ",".join(k.strip() for k in value)
    return None


def load(path: Path) -> Settings:
    """The settings in `path`; defaults (and a problem line) where the file is missing parts or wrong."""
    settings = Settings()
    try:
        raw = Path(path).read_text(encoding="utf-8-sig")  # a BOM (Windows editors write one) is no TOML
    except FileNotFoundError:
        return settings
    except (OSError, UnicodeDecodeError) as exc:
        settings.problems.append(f"{path}: cannot read the settings ({exc}); using the defaults")
        return settings
    import tomllib  # only when there is a file to read (~1.5 ms)

    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        settings.problems.append(f"{path}: not valid TOML ({exc}); using the defaults")
        return settings
    theme = data.get("theme")
    if isinstance(theme, str) and theme.strip():
        settings.theme = theme.strip()
    elif theme is not None:
        settings.problems.append(f"{path}: theme must be a name in quotes; ignored")
    reader = data.get("reader", {})
    if not isinstance(reader, dict):
        settings.problems.append(f"{path}: [reader] must be a table; ignored")
        reader = {}
    if "mark_read" in reader:
        value = reader["mark_read"]
        if value in ("open", "immediately") or value is True:
            settings.mark_read_after = 0.0
        elif value == "never" or value is False:
            settings.mark_read_after = None
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 3600:
            settings.mark_read_after = float(value)
        else:
            settings.problems.append(f'{path}: reader.mark_read must be "open", "never" or seconds (0 to 3600); using "open"')
    keymap = data.get("keymap", {})
    if not isinstance(keymap, dict):
        settings.problems.append(f"{path}: [keymap] must be a table of binding id = \"keys\"; ignored")
        keymap = {}
    for binding_id, value in keymap.items():
        keys = _keys(value)
        if keys is None:
            settings.problems.append(f"{path}: keymap {binding_id!r} needs a key string or a list of keys; ignored")
            continue
        bad = [key for key in keys.split(",") if not valid_key(key)]
        if bad:
            settings.problems.append(
                f"{path}: keymap {binding_id!r}: {bad[0]!r} is not a key name (e.g. \"s\", \"ctrl+s\", \"f2\", \"asterisk\"); "
                f"{binding_id} keeps its default key"
            )
        elif QUIT_KEY in keys.split(",") and binding_id != "app.quit":
            settings.problems.append(f"{path}: keymap {binding_id!r}: {QUIT_KEY} always quits; {binding_id} keeps its default key")
        else:
            settings.keymap[str(binding_id)] = keys
    return settings


QUIT_KEY = "ctrl+q"  # always bound to quit, whatever the keymap says
_MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})


def valid_key(key: str) -> bool:
    """A key name Textual can match: a character, or a named key (`escape`, `f2`, `pageup`, the
    names of punctuation like `asterisk`), after modifiers (`ctrl+`, `shift+`, `alt+`...)."""
    from textual.keys import REPLACED_KEYS, Keys, key_to_character

    if len(key) == 1:
        return key.isprintable() and not key.isspace()
    *mods, base = key.split("+")
    if not base or any(m not in _MODIFIERS for m in mods) or len(set(mods)) != len(mods):
        return False
    if len(base) == 1:
        return base.isprintable() and not base.isspace()
    named = {k.value for k in Keys if "+" not in k.value and not k.value.startswith("<")}
    if base in named or base in REPLACED_KEYS:
        return True
    char = key_to_character(base)  # "asterisk" is "*"; "banana" is a Unicode name too, but no key
    return char is not None and char.isascii() and char.isprintable()


def save_theme(path: Path, theme: str) -> None:
    """Remember the theme, leaving every other line of the file alone (and the file where it is: a
    config.toml linked from a dotfiles repository is written through the link, which stays)."""
    path = Path(path).resolve()
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raw = EXAMPLE
    line = f"theme = {json.dumps(theme)}"
    table = _TABLE.search(raw)
    top = raw[: table.start()] if table else raw
    match = _THEME_LINE.search(top)
    commented = _COMMENTED_TABLE.search(top)  # above it, or uncommenting it makes the theme that table's key
    if match:
        raw = raw[: match.start()] + line + raw[match.end() :]
    elif commented or table:
        at = (commented or table).start()
        raw = raw[:at] + line + "\n\n" + raw[at:]
    else:
        raw = raw.rstrip("\n") + ("\n" if raw.strip() else "") + line + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(raw, encoding="utf-8")
    os.replace(tmp, path)
