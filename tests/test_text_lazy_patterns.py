"""The text and model modules' regexes are compiled when first used (text.LazyPattern): the reader's
launch imports them and uses none before its first results (~2.3 ms CPU of compiling, before)."""

import subprocess
import sys

from paperreader import model, text


def test_the_reader_s_imports_compile_none_of_them():
    code = (
        "import paperreader.tui.app, paperreader.tui.screens.main, paperreader.workspace\n"
        "from paperreader import model, text\n"
        "names = ['_ESCAPES', '_CONTROLS', '_SPACES', '_WORDS', '_TERMINAL_UNSAFE', 'NEW_STYLE', '_DOI']\n"
        "print(sorted({type(getattr(text, n, None) or getattr(model, n)).__name__ for n in names}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['LazyPattern']"


def test_a_pattern_compiled_at_first_use_takes_its_place():
    assert text.clean_line(" a\x1b[31m \u2028 b ") == "a b"
    assert type(text._ESCAPES).__name__ == "Pattern" and type(text._SPACES).__name__ == "Pattern"
    assert model.parse_arxiv_id("arXiv:2401.12345v2") == "2401.12345"
    assert type(model.NEW_STYLE).__name__ == "Pattern"


def test_a_name_imported_before_first_use_still_works():
    lazy = text.LazyPattern({}, "_X", r"\d+")  # as `from paperreader.text import _SPACES` holds it
    assert lazy.findall("a1b22") == ["1", "22"] and lazy.sub("#", "a1") == "a#"
