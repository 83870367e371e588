"""The list's lines are cut from lengths where every character is one cell (render.cut_to_cells):
the same text and styled spans as rich's Text.truncate, and the screen shows the same rows."""

import random

from rich.text import Text

from paperreader.tui.render import cut_to_cells


def truncated(text: str, spans, width: int):
    """What rich makes of it: the reference."""
    out = Text(text, end="")
    for start, end in spans:
        out.stylize("bold", start, end)
    out.truncate(width, overflow="ellipsis")
    return out.plain, tuple((s.start, s.end) for s in out.spans if s.end > s.start)


def test_cut_to_cells_equals_rich_truncate():
    rng = random.Random(12)
    words = ["graph", "neural", "…", "mamba", "state-space", "x", "(a)", "models,", "[bold]"]
    for _ in range(2000):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(0, 30)))
        if rng.random() < 0.3:
            text = "… " + text
        spans = []
        for _ in range(rng.randint(0, 4)):
            start = rng.randint(0, max(0, len(text) - 1))
            end = rng.randint(start, len(text))
            if end > start:
                spans.append((start, end))
        spans.sort()
        width = rng.randint(1, 90)
        got = cut_to_cells(text, tuple(spans), width)
        assert got is not None
        plain, kept = got
        out = Text(plain, end="")
        for start, end in kept:
            out.stylize("bold", start, end)
        assert (out.plain, tuple((s.start, s.end) for s in out.spans if s.end > s.start)) == truncated(text, spans, width)


def test_cut_to_cells_leaves_wide_and_control_characters_to_rich():
    assert cut_to_cells("日本語のタイトル" * 10, (), 20) is None
    assert cut_to_cells("e\u0301" * 50, (), 20) is None  # a combining accent: zero cells
    assert cut_to_cells("tab\there", (), 20) is None
    assert cut_to_cells("plain words", ((0, 5),), 20) == ("plain words", ((0, 5),))
