"""Hygiene for untrusted text: paper titles, abstracts, authors, notes and tags.

Everything that enters the store passes through here, so nothing read from a file can reach a
terminal as an escape sequence. (Markup safety is the display layer's job: it always builds
`rich.text.Text` objects, never markup strings.)
"""

from __future__ import annotations

import re
import unicodedata


class LazyPattern:
    """A module's regular expression, compiled when first used, which then takes its place in the
    module (the module's functions see the compiled pattern: no cost after that). Compiling this
    module's and model.py's patterns at import cost the reader's launch ~2.5 ms CPU, and it uses
    none of them before its first results are painted."""

    __slots__ = ("_namespace", "_name", "_args", "_pattern")

    def __init__(self, namespace: dict, name: str, *args) -> None:
        self._namespace, self._name, self._args, self._pattern = namespace, name, args, None

    def __getattr__(self, attr: str):
        if self._pattern is None:
            self._pattern = re.compile(*self._args)
            if self._namespace.get(self._name) is self:
                self._namespace[self._name] = self._pattern
        return getattr(self._pattern, attr)


# ANSI CSI / OSC / other ESC sequences, then any C0/C1 control except tab and newline.
_ESCAPES = LazyPattern(globals(), "_ESCAPES",
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC ... BEL or ST
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC
    r"|\x1b[@-Z\\-_]?"  # lone ESC / two-char sequences
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)
_CONTROLS = LazyPattern(globals(), "_CONTROLS", r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_SPACES = LazyPattern(globals(), "_SPACES", r"\s+")
# What clean_line changes besides the ends: a control (every escape sequence starts with one),
# whitespace other than a plain space (every str.isspace character is listed), or two spaces.
# Most text has none: one scan of a character class, no copies.
_CONTROL_OR_SPACE = LazyPattern(globals(), "_CONTROL_OR_SPACE", r"[\x00-\x1f\x7f-\xa0\xad\u1680\u2000-\u200b\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ud800-\udfff\ufeff]")
# A lone surrogate: what JSON's "\ud800" escape or an argument in another encoding (read with
# surrogateescape) leaves in a str. It cannot be written as UTF-8 (SQLite, a terminal): shown as U+FFFD.
_SURROGATES = LazyPattern(globals(), "_SURROGATES", "[\ud800-\udfff]")
# Invisible characters pasted from PDFs and web pages: a soft hyphen (where a line broke a word), a
# zero-width space, a word joiner, a stray byte order mark. Kept, 'Trans\u00adformers' was another title
# (another paper) and the words 'trans' 'formers' to search. Removed, not made spaces. (The zero-width
# joiner and non-joiner stay: they are spelling in Persian or Indic scripts, and make emoji sequences.)
_INVISIBLE = LazyPattern(globals(), "_INVISIBLE", "[\u00ad\u200b\u2060\ufeff]")
_ASCII_CONTROLS = bytes([*range(32), 127])  # the same check for ASCII text, 2x faster
_WORDS = LazyPattern(globals(), "_WORDS", r"[^\W_]+")


def strip_controls(text: str, keep_newlines: bool = False) -> str:
    """Remove escape sequences and control characters (bidi overrides included); a lone surrogate
    becomes U+FFFD."""
    text = _INVISIBLE.sub("", _SURROGATES.sub("\ufffd", _ESCAPES.sub("", text)))
    if keep_newlines:  # tab and newline are not in _CONTROLS; carriage returns are
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
        return _CONTROLS.sub("", text)
    return _CONTROLS.sub(" ", text)


# What a terminal must not receive from untrusted text: every control but tab and newline (a
# carriage return only as part of CRLF), and the bidi overrides and line/paragraph separators.
_TERMINAL_UNSAFE = LazyPattern(globals(), "_TERMINAL_UNSAFE", r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_TERMINAL_CONTROLS = LazyPattern(globals(), "_TERMINAL_CONTROLS", r"\r(?!\n)|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def for_terminal(text: str, keep_cr: bool = False) -> str:
    """`text` safe to write to a terminal: escape sequences and controls removed, newline and tab
    (and CRLF) kept; `keep_cr` also keeps a lone carriage return (a progress bar redrawing its line).
    Clean text is handed back as it is (one scan)."""
    if _TERMINAL_UNSAFE.search(text) is None:
        return text
    text = _SURROGATES.sub("\ufffd", _ESCAPES.sub("", text))
    if keep_cr:
        return _TERMINAL_CONTROLS.sub(lambda m: m.group() if m.group() == "\r" else "", text)
    return _TERMINAL_CONTROLS.sub("", text)


def clean_line(text: str | None) -> str:
    """One line of display text: no controls, entities decoded, whitespace collapsed."""
    if not text:
        return ""
    if "&" in text:
        from html import unescape  # here, not at import: html.entities is a big table (~1.4 ms)

        text = unescape(text)
    if _is_clean(text) and "  " not in text:  # the common case: 6x faster
        return text.strip(" ")
    return _SPACES.sub(" ", strip_controls(text)).strip()


def _is_clean(text: str) -> bool:
    """No control characters and no whitespace but the plain space."""
    if text.isascii():
        raw = text.encode("ascii")
        return len(raw.translate(None, _ASCII_CONTROLS)) == len(raw)
    return _CONTROL_OR_SPACE.search(text) is None


def clean_block(text: str | None) -> str:
    """A multi-line text the user wrote (a note): controls removed, newlines kept."""
    if not text:
        return ""
    return strip_controls(text, keep_newlines=True).strip("\n")


def normalise_title(title: str) -> str:
    """Lowercase, accents folded, punctuation and spaces collapsed: the key for same-title. A title
    with no letter or digit at all ('???', '[/]') keeps its symbols, spacing collapsed: were it ''
    every such title would be one paper, each import overwriting the last."""
    if title.isascii():  # nothing to fold: NFKD and combining marks leave ASCII as it is
        return " ".join(_WORDS.findall(title.lower())) or " ".join(title.split())
    folded = unicodedata.normalize("NFKD", title)
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = folded.casefold()
    return " ".join(_WORDS.findall(folded)) or " ".join(folded.split())


def clean_tag(tag: str) -> str:
    """Tags are single lowercase words: spaces become dashes, controls and commas go, and so does a
    leading '#' (tags are shown as #name, so '#ml' typed back means the tag 'ml', not '#ml')."""
    tag = clean_line(tag).lower().replace(",", " ")
    return "-".join(tag.split()).lstrip("#")


def one_tag_problem(name: str) -> str | None:
    """What is wrong with a name typed for exactly one tag (`tags rename OLD NEW`, `--tag T`, the
    reader's rename), or None. A comma separates tags wherever tags are typed ('ml,rl' is two), so
    a name holding one is refused rather than quietly made the one tag ml-rl; so, said first, is a
    name that cleans to no tag at all. The CLI and the reader say the same."""
    if not clean_tag(name):
        return f"{name!r} is not a tag name"
    if "," in name:
        return f"{name!r} holds a comma, which separates tags ('ml,rl' is two): give one tag name"
    return None


def tag_names(text: str) -> list[str]:
    """The tags typed in one text, by the reader's tag dialog and the CLI's `tag`/`untag` alike: commas
    and white space separate them ('ml, deep-learning' is two tags), each cleaned as clean_tag; empty
    ones and repeats dropped, in the order typed."""
    return list(dict.fromkeys(t for t in (clean_tag(x) for x in text.replace(",", " ").split()) if t))
