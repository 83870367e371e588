"""Hostile text in every field: escape sequences, control characters, NUL, Rich markup, very long
lines, a 5 MB abstract, right-to-left text, combining marks, emoji. Imported with `Library.upsert`
and written through the CLI, then shown by `show`, `search`, `list` and `note` (human and --json):
no ESC, C0 (but newline), DEL, C1 or bidi-override character reaches the output, and the visible
text is kept. (The TUI engineer tests the screen side; the import engineer the file formats.)"""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata

import pytest

from paperreader.model import Link, Paper
from paperreader.paths import resolve
from paperreader.workspace import Workspace

ESCAPES = (
    "\x1b[31mred\x1b[0m \x1b[2J\x1b[H \x1b]0;pwned window title\x07 \x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\ "
    "\x9b31m8bit \x1bPdevice control\x1b\\ \x1b_apc\x1b\\ \x1bc reset "
)
CONTROLS = "nul\x00byte bell\x07 back\x08space car\rriage vt\x0b ff\x0c del\x7f nel\x85 csi\x9b \u202eRLO\u202c \u2066isolate\u2069 "
MARKUP = "[bold]bold[/] [/] [@click=app.quit]quit[/] [link=http://x]link[/link] [red on white]x[/] "
VISIBLE = "שלום עולם مرحبا بالعالم e\u0301te\u0301 n\u0303 Z\u0351\u0352\u0353 🦀 👩\u200d🔬 🇫🇷 漢字 "
HOSTILE = ESCAPES + CONTROLS + MARKUP + VISIBLE

# what must survive, as the reader sees it
KEPT = ["[bold]bold[/]", "[/]", "[@click=app.quit]quit[/]", "[link=http://x]link[/link]", "שלום", "مرحبا",
        "e\u0301te\u0301", "n\u0303", "Z\u0351\u0352\u0353", "🦀", "👩\u200d🔬", "🇫🇷", "漢字", "red", "nul", "byte"]

BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def forbidden(text: str, newlines: bool = True) -> list[str]:
    """The characters that must not reach a terminal, with their positions."""
    bad = []
    for i, ch in enumerate(text):
        code = ord(ch)
        if ch == "\n" and newlines:
            continue
        if code < 0x20 or code == 0x7F or 0x80 <= code <= 0x9F or ch in BIDI:
            bad.append(f"{i}:{unicodedata.name(ch, hex(code))}")
    return bad[:10]


def strings(obj):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for key, value in obj.items():
            yield from strings(key)
            yield from strings(value)
    elif isinstance(obj, list):
        for value in obj:
            yield from strings(value)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A data dir holding the hostile papers (built once: the 5 MB abstract takes a few seconds)."""
    data_dir = tmp_path_factory.mktemp("hostile") / "data"
    long_line = "x" * 200_000  # one 200 000-character "word"
    big = (HOSTILE + " bigabstractx ") * (5_000_000 // (len(HOSTILE) + 14))
    papers = [
        Paper(
            title="Hostile " + HOSTILE + " hostiletitlex",
            abstract=HOSTILE + " " + long_line + " hostileabstractx",
            authors=("\x1b[2JEve [bold]Mallory[/]", "Ren\u00e9 \u202eLive\u202c", "محمد علي", "nul\x00name"),
            arxiv_id="2401.00001",
            categories=("cs.\x1bAI", "cs.CL\x07"),
            doi="10.1234/\x1b[31mdoi",
            comment="comment " + HOSTILE,
            journal_ref="journal\x00 " + MARKUP,
            urls=(Link("code", "https://github.com/a/b\x1b[31m"),),
            source="test",
        ),
        Paper(title="Five megabytes " + MARKUP + VISIBLE + " bigtitlex", abstract=big, source="test"),
        Paper(title="Spam of one word", abstract="spamwordx " * 550_000, source="test"),  # 5.5 MB, 550 000 matches
    ]
    ws = Workspace.open(resolve(data_dir), seed=False, backup=False)
    ws.library.upsert(papers)
    ids = {ws.library.get(pid).title.split()[0]: pid for pid in ws.library.list_ids()}
    ws.library.set_note(ids["Hostile"], "first line " + HOSTILE + "\nsecond line noteword\n\x1b[31mthird\x1b[0m")
    ws.library.add_tags(ids["Hostile"], ["[bold]x", "\x1b[31mred", "emoji🦀", "rtl-שלום", "nul\x00tag"])
    ws.library.set_star(ids["Hostile"])
    ws.ensure_index()
    ws.close()
    return data_dir, ids


def run(data_dir, *args: str) -> tuple[str, bytes]:
    proc = subprocess.run([sys.executable, "-m", "paperreader", "--data-dir", str(data_dir), *args],
                          capture_output=True, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    assert b"\x1b" not in proc.stderr
    return proc.stdout.decode("utf-8"), proc.stdout


COMMANDS = [
    ("show", "{Hostile}"),
    ("show", "{Five}"),
    ("search", "hostiletitlex"),
    ("search", "bigabstractx"),
    ("search", "spamwordx"),
    ("search", "noteword"),
    ("list", "--starred"),
    ("list",),
    ("note", "{Hostile}"),
    ("similar", "{Hostile}"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c))
@pytest.mark.parametrize("as_json", [False, True], ids=["human", "json"])
def test_output_holds_no_control_characters(hostile, command, as_json):
    data_dir, ids = hostile
    args = [a.format(**ids) for a in command] + (["--json"] if as_json else [])
    text, raw = run(data_dir, *args)
    assert not [b for b in set(raw) if b < 0x20 and b != 0x0A or b == 0x7F], "a raw control byte"
    if as_json:
        out = json.loads(text)
        for value in strings(out):
            assert forbidden(value) == [], (args, forbidden(value))
        if command[0] == "search":
            assert out["total"] >= 1 and out["results"], args
    else:
        assert forbidden(text) == [], (args, forbidden(text))


def test_the_visible_text_is_kept(hostile):
    data_dir, ids = hostile
    shown = json.loads(run(data_dir, "show", ids["Hostile"], "--json")[0])
    for piece in KEPT:
        assert piece in shown["title"], piece
        assert piece in shown["abstract"], piece
        assert piece in shown["note"], piece
    # in one-line fields a control character becomes a space; in notes it is dropped
    assert shown["authors"] == ["Eve [bold]Mallory[/]", "René Live", "محمد علي", "nul name"]
    assert shown["tags"] == sorted(["[bold]x", "red", "emoji🦀", "rtl-שלום", "nul-tag"])
    assert shown["note"].split("\n")[-2:] == ["second line noteword", "third"]  # (a lone CR became a newline)
    assert "x" * 200_000 in shown["abstract"]
    human = run(data_dir, "show", ids["Hostile"])[0]
    title_line = next(line for line in human.splitlines() if "hostiletitlex" in line)
    for piece in KEPT:
        assert piece in title_line, piece
    big = json.loads(run(data_dir, "show", ids["Five"], "--json")[0])
    assert len(big["abstract"]) > 3_000_000 and big["abstract"].count("bigabstractx") > 10_000
    assert "🦀" in big["abstract"] and "[@click=app.quit]quit[/]" in big["abstract"]


def test_search_finds_hostile_papers_by_their_text(hostile):
    data_dir, ids = hostile
    for query, pid in (("hostiletitlex", ids["Hostile"]), ("noteword", ids["Hostile"]), ("tag:emoji🦀", ids["Hostile"]),
                       ("שלום", ids["Hostile"]), ("title:spam", ids["Spam"])):
        found = json.loads(run(data_dir, "search", query, "--json")[0])
        assert pid in [r["id"] for r in found["results"]], query
