"""The TUI's plain parts, without an app: citations, settings, clipboard and browser decisions."""

from __future__ import annotations

from paperreader.config import load, save_theme
from paperreader.model import Link
from paperreader.store import PaperRecord
from paperreader.tui.web_browser import has_graphical_browser
from paperreader.tui.citations import copy_text
from paperreader.tui.clipboard import copy_with_system, describe, over_ssh

MAMBA = PaperRecord(
    id="arxiv:2312.00752",
    title="Mamba: Linear-Time Sequence Modeling with Selective State Spaces",
    authors=("Albert Gu", "Tri Dao"),
    arxiv_id="2312.00752",
    year=2023,
    categories=("cs.LG", "cs.AI"),
)


def test_copy_texts_come_from_export():
    entry = copy_text(MAMBA, "bibtex")
    assert entry.startswith("@misc{gu2023mamba,\n") and entry.endswith("}")
    for line in (
        "title={Mamba: Linear-Time Sequence Modeling with Selective State Spaces}",
        "author={Albert Gu and Tri Dao}",
        "eprint={2312.00752}",
        "archivePrefix={arXiv}",
        "primaryClass={cs.LG}",
        "url={https://arxiv.org/abs/2312.00752}",
    ):
        assert line in entry
    odd = PaperRecord(id="t:1", title="Over {100}% of \\x_y & more")
    assert "title={Over \\{100\\}\\% of \\textbackslash{}x\\_y \\& more}" in copy_text(odd, "bibtex")
    record = PaperRecord(id="t:2", title="A [bracketed] *title*", urls=(Link("project", "https://x.org/a (b)", ""),))
    assert copy_text(record, "markdown").startswith("[A \\[bracketed\\] \\*title\\*](")
    assert copy_text(MAMBA, "link") == "https://arxiv.org/abs/2312.00752"
    assert copy_text(MAMBA, "title") == MAMBA.title
    assert copy_text(MAMBA, "markdown") == f"[{MAMBA.title}](https://arxiv.org/abs/2312.00752)"


def test_settings_load_keymap_theme_and_report_problems(tmp_path):
    path = tmp_path / "config.toml"
    assert load(path).theme is None  # no file: defaults, no problems
    path.write_text('theme = "nord"\n[keymap]\n"paper.star" = "x, *"\n"results.down" = ["j", "ctrl+n"]\nbad = 3\n')
    settings = load(path)
    assert settings.theme == "nord"
    assert settings.keymap == {"paper.star": "x,*", "results.down": "j,ctrl+n"}
    assert len(settings.problems) == 1 and "bad" in settings.problems[0]
    path.write_text("theme = \n")
    assert "not valid TOML" in load(path).problems[0]


def test_save_theme_keeps_the_rest_of_the_file(tmp_path):
    path = tmp_path / "sub" / "config.toml"
    save_theme(path, "gruvbox")
    assert load(path).theme == "gruvbox"
    path.write_text('# mine\n[keymap]\n"paper.star" = "x"\n')
    save_theme(path, "nord")
    text = path.read_text()
    assert text.startswith("# mine\n") and 'theme = "nord"' in text
    assert load(path).keymap == {"paper.star": "x"} and load(path).theme == "nord"
    save_theme(path, "dracula")
    assert path.read_text().count("theme =") == 1 and load(path).theme == "dracula"


def test_clipboard_route():
    calls = []
    assert copy_with_system("x", calls.append, {}) is True and calls == ["x"]
    assert copy_with_system("x", calls.append, {"SSH_TTY": "/dev/pts/1"}) is False and calls == ["x"]
    assert copy_with_system("x", None, {}) is False

    def broken(text):
        raise RuntimeError("no clipboard here")

    assert copy_with_system("x", broken, {}) is False
    assert over_ssh({"SSH_CONNECTION": "a b c d"}) and not over_ssh({})
    assert "OSC 52" in describe("link", "https://a", system=False)
    assert describe("BibTeX", "@misc{a,\n title={b}\n}", system=True).endswith("@misc{a, …")


def test_a_copy_too_big_for_some_terminals_says_so():
    """OSC 52 is the only route over SSH, and many terminals drop a big one silently: the
    notification must not claim it arrived."""
    big = "@misc{a,\n title={b}\n}\n" * 10_000  # ~240 KB, the BibTeX of a few thousand papers
    said = describe("BibTeXs of 10,000 papers", big, system=False)
    assert "Copied" not in said and "drop a copy this big" in said and "paperreader export" in said
    assert describe("BibTeXs of 10,000 papers", big, system=True).startswith("Copied the BibTeXs")
    assert describe("link", "https://a", system=False).startswith("Copied the link")


def test_no_browser_over_ssh_or_without_a_display(monkeypatch):
    monkeypatch.setattr("sys.platform", "linux")
    assert not has_graphical_browser({})
    assert not has_graphical_browser({"DISPLAY": ":0", "SSH_TTY": "/dev/pts/0"})
    assert has_graphical_browser({"WAYLAND_DISPLAY": "wayland-0"})
