"""Drive the real app headless at fixed sizes and write SVG screenshots to screenshots/.

    python scripts/screenshots.py [--out screenshots]

The data is fixed: the built-in corpus in a fresh temporary data dir, with one paper starred,
noted and tagged, so every run draws the same pictures.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
warnings.filterwarnings("ignore", category=SyntaxWarning)

WIDE = (140, 40)
NARROW = (80, 24)
NOTE = """**Why it matters:** selection makes the SSM input-dependent, so it can *forget*.

- linear-time in sequence length, no attention
- hardware-aware parallel scan
- compare with [Mamba-2](https://arxiv.org/abs/2405.21060)
"""


def prepare(data_dir: Path) -> None:
    from paperreader.paths import resolve
    from paperreader.workspace import Workspace

    ws = Workspace.open(resolve(data_dir))
    ws.ensure_index()
    lib = ws.library
    by_title = {r.title: r.id for r in lib.get_many(lib.list_ids()).values()}

    def find(words: str) -> str:
        return next(pid for title, pid in by_title.items() if words.lower() in title.lower())

    star = find("Mamba State-Space Models Are Lyapunov")
    lib.set_star(star)
    lib.set_note(star, NOTE)
    lib.set_tags(star, ["ssm", "to-read"])
    lib.set_star(find("Empirical Study of Mamba"))
    lib.set_tags(find("Empirical Study of Mamba"), ["ssm"])
    for words in ("The Mamba in the Llama", "MaTVLM"):
        lib.set_read(find(words))
    ws.ensure_index()
    ws.close()


async def settle(app, pilot) -> None:
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def ready(app, pilot):
    for _ in range(300):
        await settle(app, pilot)
        screen = app.screen
        if getattr(screen, "index_ready", False) and screen.result is not None:
            return screen
    raise SystemExit("the app never became ready")


async def palette_settled(app, pilot) -> None:
    """The palette gathers hits as providers answer: wait until the list stops changing."""
    from textual.command import CommandList

    last, steady = -1, 0
    for _ in range(100):
        await pilot.pause(0.1)
        count = app.screen.query_one(CommandList).option_count
        steady = steady + 1 if count == last and count else 0
        last = count
        if steady >= 5:
            return


def steady_timings() -> None:
    """Search times vary from run to run; the pictures should not, so they leave them out."""
    from paperreader.tui.results import Fetcher

    first = Fetcher.first

    def first_without_timing(self, *args, **kwargs):
        return first(self, *args, **kwargs).replace(seconds=0.0)  # (result sets are immutable)

    Fetcher.first = first_without_timing


def make_app(data_dir: Path):
    from paperreader.tui.app import PaperReaderApp

    return PaperReaderApp(data_dir=str(data_dir), system_copy=None, environ={})


async def shoot(out: Path, data_dir: Path) -> list[Path]:
    written = []

    def save(app, name: str) -> None:
        app.clear_notifications()
        written.append(Path(app.save_screenshot(f"{name}.svg", str(out))))

    app = make_app(data_dir)
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await pilot.press("slash", *"mamba")
        await settle(app, pilot)
        await pilot.press("enter", "j")
        await settle(app, pilot)
        save(app, "search-mamba")
        await pilot.press("enter")  # the starred, noted paper
        await settle(app, pilot)
        await pilot.pause(0.3)
        save(app, "reader-with-note")
        await pilot.press("escape", "question_mark")
        await settle(app, pilot)
        save(app, "help")
        await pilot.press("escape", "ctrl+p")
        app.screen.query_one("CommandInput").value = "sta"
        await palette_settled(app, pilot)
        save(app, "command-palette")
        await pilot.press("escape", "escape", "y")
        await settle(app, pilot)
        save(app, "copy-menu")
        await pilot.press("escape", "O")  # the order of the results: relevance while searching
        await settle(app, pilot)
        save(app, "sort-menu")
        await pilot.press("escape", "g", "space", "space", "j", "space")  # three papers marked
        await settle(app, pilot)
        await pilot.pause(0.3)
        save(app, "marked-papers")
        await pilot.press("escape")
    app = make_app(data_dir)
    async with app.run_test(size=NARROW) as pilot:
        await ready(app, pilot)
        await pilot.press("slash", *"mamba")
        await settle(app, pilot)
        await pilot.press("enter")
        save(app, "narrow-list")
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.pause(0.3)
        save(app, "narrow-reader")
        await pilot.press("escape", "slash")
        app.screen.search_box.value = "2405.11111 2405.22222 2405.33333"  # ids pasted, none in the library
        await settle(app, pilot)
        await pilot.pause(0.5)  # the unread count, counted once typing pauses
        await settle(app, pilot)
        save(app, "narrow-ids-notice")  # the status line's notice, wrapped whole
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="paperreader-shots-") as tmp:
        data_dir = Path(tmp) / "data"
        os.environ["PAPERREADER_CONFIG_DIR"] = str(Path(tmp) / "config")  # the default theme, no user keymap
        prepare(data_dir)
        steady_timings()
        for path in asyncio.run(shoot(args.out, data_dir)):
            print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
