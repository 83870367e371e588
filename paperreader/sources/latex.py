"""Just enough LaTeX to read names and titles: accents and special letters to Unicode.

arXiv metadata and BibTeX write "Bal\\'azs", "{\\O}bro", "\\v{S}r\\'amek" and "Stra\\ss e". Readers want
"Balázs", "Øbro", "Šrámek", "Straße"; search wants the same letters the user types. Math (`$...$`)
and unknown commands are left alone: this is a decoder for the common cases, not a TeX engine.
"""

from __future__ import annotations

import re
import unicodedata

# accent command -> combining character
_SYMBOL_ACCENTS = {
    "'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308",
    "~": "\u0303", "=": "\u0304", ".": "\u0307",
}
_LETTER_ACCENTS = {
    "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328",
    "r": "\u030a", "d": "\u0323", "b": "\u0331",
}
_SPECIAL = {
    "ss": "ß", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å",
    "o": "ø", "O": "Ø", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "dh": "ð", "DH": "Ð",
    "th": "þ", "TH": "Þ", "ng": "ŋ", "NG": "Ŋ",
}
_ESCAPED = {"&": "&", "%": "%", "$": "$", "#": "#", "_": "_", "{": "{", "}": "}"}

# The letter an accent sits on: `e`, `{e}`, `\i`, `{\i}`.
_ARG = r"(?:\{\s*(\\[ij](?![A-Za-z])|[A-Za-z])\s*\}|(\\[ij](?![A-Za-z]))|([A-Za-z]))"
_SYM = "[" + re.escape("".join(_SYMBOL_ACCENTS)) + "]"
_LET = "[" + "".join(_LETTER_ACCENTS) + "]"
# {\'e} (braces around the whole accent) first, then the bare forms \'e, \'{e}, \v{c}, \v c.
_ACCENT = re.compile(
    r"\{\s*\\(?:(" + _SYM + r")\s*|(" + _LET + r")(?![A-Za-z])\s*)" + _ARG + r"\s*\}"
    r"|\\(" + _SYM + r")\s*" + _ARG
    + r"|\\(" + _LET + r")(?![A-Za-z])(?:\s*\{\s*(\\[ij](?![A-Za-z])|[A-Za-z])\s*\}|[ \t]+([A-Za-z]))"
)
# {\vs} as BibTeX exporters write \v{s}: command and letter run together inside braces.
_GLUED = re.compile(r"\{\\(" + _LET + r")([A-Za-z])\}")
_SPECIAL_RE = re.compile(
    r"\{\s*\\(" + "|".join(sorted(_SPECIAL, key=len, reverse=True)) + r")(?![A-Za-z])\s*\}"
    r"|\\(" + "|".join(sorted(_SPECIAL, key=len, reverse=True)) + r")(?![A-Za-z])(?:\{\}|[ \t]+)?"
)
_ESCAPED_RE = re.compile(r"\\([&%$#_{}])")
# what exporters (ours too) write for characters that are special in TeX
_TEXT_SYMBOLS = {"textbackslash": "\\", "textasciitilde": "~", "textasciicircum": "^", "textbraceleft": "{",
                 "textbraceright": "}"}  # fmt: skip
_HELD = {name: chr(0xE000 + k) for k, name in enumerate(_TEXT_SYMBOLS)}  # held out of brace/tie removal
_TEXT_SYMBOL_RE = re.compile(r"\\(" + "|".join(_TEXT_SYMBOLS) + r")(?![A-Za-z])(?:\{\})?")
_FORMAT = re.compile(r"\\(?:emph|textit|textbf|textrm|textsf|textsc|texttt|textup|textmd|textsl|mbox|text)\s*\{([^{}]*)\}")
_SWITCH = re.compile(r"\{\\(?:em|it|bf|sc|rm|tt|sl|sf|up|md)(?![A-Za-z])\s*")
_MATH = re.compile(r"(?<!\\)\$\$?.*?(?<!\\)\$\$?", re.DOTALL)
# kept as written, like math: a link (\url{...}) is its text, '~' and '_' included
_KEPT = re.compile(_MATH.pattern + r"|\\url\s*\{([^{}\s]*)\}", re.DOTALL)


def _base(letter: str) -> str:
    """The letter under an accent; a dotless i or j takes its dot back (\\'\\i is í)."""
    return {"\\i": "i", "\\j": "j"}.get(letter, letter)


def _accent(match: re.Match) -> str:
    g = match.groups()
    if g[0] or g[1]:  # {\'e} or {\v c}
        mark = _SYMBOL_ACCENTS.get(g[0] or "") or _LETTER_ACCENTS[g[1]]
        letter = g[2] or g[3] or g[4]
    elif g[5]:  # \'e
        mark, letter = _SYMBOL_ACCENTS[g[5]], g[6] or g[7] or g[8]
    else:  # \v{c}, \v c
        mark, letter = _LETTER_ACCENTS[g[9]], g[10] or g[11]
    return unicodedata.normalize("NFC", _base(letter) + mark)


def decode_accents(text: str) -> str:
    """`text` with LaTeX accents, special letters and escaped symbols as Unicode; the rest as is."""
    if not text or "\\" not in text:
        return text or ""
    return _unescape(_letters(text))


def _letters(text: str) -> str:
    text = _GLUED.sub(lambda m: unicodedata.normalize("NFC", m.group(2) + _LETTER_ACCENTS[m.group(1)]), text)
    text = _ACCENT.sub(_accent, text)
    return _SPECIAL_RE.sub(lambda m: _SPECIAL[m.group(1) or m.group(2)], text)


def _unescape(text: str) -> str:
    return _ESCAPED_RE.sub(lambda m: _ESCAPED[m.group(1)], text)


def tex_to_text(text: str) -> str:
    """A BibTeX value as plain text: accents decoded, {Protective} braces and ~ ties removed.

    Braces and ties inside `$...$` are kept, so math stays readable as TeX.
    """
    if not text:
        return ""
    held = "\\text" in text
    if held:
        text = _TEXT_SYMBOL_RE.sub(lambda m: _HELD[m.group(1)], text)
    text = _SWITCH.sub("{", _letters(text))
    for _ in range(4):  # nested \emph{\textbf{x}}
        new = _FORMAT.sub(r"\1", text)
        if new == text:
            break
        text = new
    out, pos = [], 0
    for m in _KEPT.finditer(text):
        out.append(_plain(text[pos : m.start()]))
        out.append(m.group(1) if m.group(1) is not None else m.group(0))
        pos = m.end()
    out.append(_plain(text[pos:]))
    text = _unescape("".join(out))
    if held:
        for name, mark in _HELD.items():
            text = text.replace(mark, _TEXT_SYMBOLS[name])
    return text


def _plain(chunk: str) -> str:
    chunk = chunk.replace("\\\\", " ").replace("~", " ")
    return re.sub(r"(?<!\\)[{}]", "", chunk)
