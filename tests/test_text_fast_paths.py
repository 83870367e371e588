"""clean_line and normalise_title have fast paths for text with nothing to do (imports call them
for every field). They must give exactly what the plain definitions below give, for any text."""

from __future__ import annotations

import html
import re
import sys
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from paperreader.text import _CONTROL_OR_SPACE, _CONTROLS, _SPACES, clean_line, normalise_title, strip_controls


def reference_clean_line(text: str | None) -> str:
    if not text:
        return ""
    text = html.unescape(text) if "&" in text else text
    return _SPACES.sub(" ", strip_controls(text)).strip()


def reference_normalise_title(title: str) -> str:
    folded = unicodedata.normalize("NFKD", title)
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = folded.casefold()
    return " ".join(re.findall(r"[^\W_]+", folded))


def test_every_code_point_in_plain_text_is_cleaned_as_before():
    for cp in range(sys.maxunicode + 1):
        c = chr(cp)
        for text in (f"a{c}b", f" {c}{c} "):
            assert clean_line(text) == reference_clean_line(text), hex(cp)


def test_every_ascii_pair_in_a_title_is_normalised_as_before():
    # the fast path is for ASCII titles only; every other title takes the plain definition
    for a in range(128):
        for b in range(128):
            text = f"{chr(a)}Ab{chr(b)}c{chr(a)} D"
            assert normalise_title(text) == reference_normalise_title(text), (a, b)


def test_escape_sequences_and_spacing_take_the_slow_path():
    for text in ("a\x1b[31mb", "a\x9b2Jb", "a  b", " a b ", "a\tb", "a\u00a0b", "a\u2028b", "a &amp;  b", "a&#x1b;[2Jb"):
        assert clean_line(text) == reference_clean_line(text)
    assert _CONTROLS.search("\x1b") and _CONTROLS.search("\x9b")  # what the fast path's check relies on


def test_the_fast_path_check_knows_every_control_and_space():
    for cp in range(sys.maxunicode + 1):
        c = chr(cp)
        if (c.isspace() and c != " ") or _CONTROLS.match(c):
            assert _CONTROL_OR_SPACE.match(c), hex(cp)


_text = st.text(alphabet=st.one_of(st.characters(), st.sampled_from(" \t\n\x1b\x9b[]&;#x0123456789amp\u00a0\u0301")), max_size=60)


@settings(max_examples=3000, deadline=None)
@given(_text)
def test_any_text_is_cleaned_and_normalised_as_before(text):
    assert clean_line(text) == reference_clean_line(text)
    assert normalise_title(text) == reference_normalise_title(text)
    ascii_text = text.encode("ascii", "ignore").decode()
    assert normalise_title(ascii_text) == reference_normalise_title(ascii_text)
