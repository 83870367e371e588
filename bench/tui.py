"""TUI timings with Textual's Pilot, headless: launch to first results painted, keystroke to results.

The yardstick is a bare Textual app (a search box over a list, filtering 201 titles in memory)
measured in the same run: it is what Textual itself costs, so "launch at most 1.3x a bare app"
compares like with like. Each launch is a fresh process, timed by the parent from spawn to the
child's "ready" line, which the child prints from the first frame the app hands to its driver with
its first results in it (the frame a terminal would be sent; bench/tui_terminal.py watches for the
same frame in tmux). Until run 19 the child waited, after seeing the results, for one more refresh:
an app that drew its results in its first frame was charged a second frame the bare app was not
(see RESULTS.md, run 19). Keystrokes are timed in the child: press, then wait until the results
for exactly the typed text are shown and painted.

    python bench/tui.py [bare|paperreader] [DATA_DIR]   # one launch; prints JSON
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import time

T0 = time.perf_counter()

import common  # noqa: E402

SIZE = (140, 40)
TYPED = 8  # typed texts per launch measured for keystrokes (of the 30 in queries.typed_texts)
WAIT_S = 30.0  # give up on one keystroke's results after this long


class NotAvailable(RuntimeError):
    pass


# -- targets: each makes an app and says whether the results for a text are on screen ----------------
class BareTarget:
    name = "bare textual"

    def make_app(self, data_dir=None):
        from textual.app import App
        from textual.widgets import Input, OptionList

        lines = (common.ROOT / "paperreader" / "data" / "trending-papers.txt").read_text().split("\n")
        titles = lines[2::2]

        class BareApp(App):
            shown_query: str | None = None

            def compose(self):
                yield Input(placeholder="search", id="search")
                yield OptionList(id="results")

            def on_mount(self) -> None:
                self._show("")

            def on_input_changed(self, event: Input.Changed) -> None:
                self._show(event.value)

            def _show(self, text: str) -> None:
                words = text.lower().split()
                rows = [t for t in titles if all(w in t.lower() for w in words)][:20]
                results = self.query_one("#results", OptionList)
                results.clear_options()
                results.add_options(rows)
                self.shown_query = text

        return BareApp()

    def ready_to_type(self, app) -> bool:
        return True

    def focus_box(self, app) -> None:
        app.query_one("#search").focus()

    def shows(self, app, text: str | None) -> bool:
        return app.shown_query is not None if text is None else app.shown_query == text


class PaperreaderTarget:
    """paperreader's TUI, read through its main screen: `result` (the ResultSet on screen, with its
    `query`), `pending` (None once the newest search is answered), `index_ready`, `search_box`."""

    name = "paperreader"

    def check(self) -> None:
        try:
            from paperreader.tui.app import PaperReaderApp  # noqa: F401
            from paperreader.tui.screens.main import MainScreen
        except ImportError as exc:
            raise NotAvailable(f"the TUI cannot be imported ({exc})") from None
        missing = [a for a in ("result", "index_ready", "search_box", "pending") if not hasattr(MainScreen, a)]
        if missing:
            raise NotAvailable(f"the TUI's MainScreen has no {', '.join(missing)} (bench/tui.py reads them)")

    def make_app(self, data_dir=None):
        from paperreader.tui.app import PaperReaderApp

        return PaperReaderApp(data_dir=str(data_dir) if data_dir else None)

    def _main(self, app):
        from paperreader.tui.screens.main import MainScreen

        return app.screen if isinstance(app.screen, MainScreen) else None

    def ready_to_type(self, app) -> bool:
        main = self._main(app)
        return bool(main and main.index_ready)

    def focus_box(self, app) -> None:
        self._main(app).search_box.focus()

    def shows(self, app, text: str | None) -> bool:
        main = self._main(app)
        if main is None or main.result is None:
            return False
        return text is None or (main.result.query == text and main.pending is None)


TARGETS = {"bare": BareTarget, "paperreader": PaperreaderTarget}


# -- in the child ----------------------------------------------------------------------------
async def _painted(app) -> None:
    done = asyncio.get_running_loop().create_future()
    app.call_after_refresh(lambda: done.done() or done.set_result(None))
    await asyncio.wait_for(done, WAIT_S)


async def _until(predicate) -> None:
    """Poll without Pilot's idle waits (they sleep in steps and would be counted as latency)."""
    deadline = time.perf_counter() + WAIT_S
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError("results never showed")
        await asyncio.sleep(0.0005)


def _send_key(app, ch: str) -> None:
    """A key as the terminal driver delivers it (what Pilot.press does, minus its idle waits)."""
    from textual import events

    event = events.Key("space" if ch == " " else "backspace" if ch == "\b" else ch, None if ch == "\b" else ch)
    event.set_sender(app)
    app._driver.send_message(event)


def _on_first_frame_with(app, predicate, then) -> None:
    """`then()` from the first frame the app hands to its driver while `predicate()` holds. The frame
    was rendered from the state as it is (one thread: nothing changes between render and display),
    so it shows what the predicate saw. Headless, Textual renders the frame and skips the write."""
    display = app._display

    def displayed(screen, renderable) -> None:
        display(screen, renderable)
        if renderable is not None and not app._batch_count and predicate():
            app._display = display
            then()

    app._display = displayed


async def _run(target, data_dir, keystrokes: bool) -> dict:
    import queries

    app = target.make_app(data_dir)
    out: dict = {}
    painted = asyncio.get_running_loop().create_future()

    def first_results_painted() -> None:
        out["launch_in_process_ms"] = (time.perf_counter() - T0) * 1000
        sys.stdout.write(json.dumps({"ready": True}) + "\n")
        sys.stdout.flush()
        painted.set_result(None)

    _on_first_frame_with(app, lambda: target.shows(app, None), first_results_painted)
    async with app.run_test(headless=True, size=SIZE) as pilot:
        await asyncio.wait_for(painted, WAIT_S)
        if keystrokes:
            await _until(lambda: target.ready_to_type(app))
            target.focus_box(app)
            await pilot.pause()
            times = []
            for text in queries.typed_texts()[:TYPED]:
                typed = ""
                for ch in text:
                    typed += ch
                    started = time.perf_counter()
                    _send_key(app, ch)
                    await _until(lambda t=typed: target.shows(app, t))
                    await _painted(app)
                    times.append(time.perf_counter() - started)
                for _ in text:
                    await pilot.press("backspace")
                await _until(lambda: target.shows(app, ""))
            out["keystroke"] = common.summary_ms(times)
        out["peak_rss_mb"] = common.peak_rss_mb()
    return out


def child(name: str, data_dir: str | None, keystrokes: bool) -> int:
    out = asyncio.run(_run(TARGETS[name](), data_dir, keystrokes))
    sys.stdout.write(json.dumps(out) + "\n")
    return 0


# -- in the parent ---------------------------------------------------------------------------
def launch(name: str, data_dir=None, keystrokes: bool = False) -> dict:
    """One fresh process: spawn-to-ready wall time, plus what the child measured."""
    cmd = [sys.executable, __file__, name] + ([str(data_dir)] if data_dir else []) + (["--keys"] if keystrokes else [])
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    first = proc.stdout.readline()
    wall = time.perf_counter() - started
    rest = proc.stdout.read()
    proc.wait()
    if proc.returncode != 0 or '"ready"' not in first:
        raise RuntimeError(f"TUI launch of {name} failed (code {proc.returncode})")
    return {"launch_ms": wall * 1000, **json.loads(rest.strip().splitlines()[-1])}


def _summary(results: list[dict], data_dir=None) -> dict:
    return {
        "launch_median_ms": statistics.median(r["launch_ms"] for r in results),
        "launch_runs_ms": [r["launch_ms"] for r in results],
        "keystroke": results[0].get("keystroke"),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in results),
        "data_dir": str(data_dir) if data_dir else None,
    }


def measure(name: str, runs: int, data_dir=None) -> dict:
    """Median launch of `runs` fresh processes; keystrokes measured in the first."""
    return _summary([launch(name, data_dir, keystrokes=(k == 0)) for k in range(runs)], data_dir)


def measure_all(runs: int, sizes: list[int], index_root, say=print) -> dict:
    """The bare app and paperreader's TUI launched in turns (bare, ours, ours, bare, ...), so that a
    change in the machine's load falls on both; keystrokes are measured in each one's first launch."""
    target = PaperreaderTarget()
    built = [n for n in sorted(sizes) if n <= 100_000 and (index_root / f"paperreader-{n}").exists()]
    try:
        target.check()
        if not built:
            raise NotAvailable("no paperreader library was built in this run (run with the paperreader engine)")
    except NotAvailable as exc:
        out = {"bare textual": measure("bare", runs)}
        say(f"  bare textual: launch {out['bare textual']['launch_median_ms']:,.0f} ms")
        out["paperreader"] = {"skipped": str(exc)}
        say(f"  paperreader TUI skipped: {exc}")
        return out
    n = built[-1]
    label, path = f"paperreader, {n:,} papers", index_root / f"paperreader-{n}"
    bare, ours = [], []
    for k in range(runs):
        pair = [("bare", None, bare), ("paperreader", path, ours)]
        for name, data_dir, into in pair if k % 2 == 0 else pair[::-1]:
            into.append(launch(name, data_dir, keystrokes=(k == 0)))
    out = {"bare textual": _summary(bare), label: _summary(ours, path)}
    ratio = out[label]["launch_median_ms"] / out["bare textual"]["launch_median_ms"]
    out[label]["launch_vs_bare"] = ratio
    say(f"  bare textual: launch {out['bare textual']['launch_median_ms']:,.0f} ms")
    say(f"  {label}: launch {out[label]['launch_median_ms']:,.0f} ms ({ratio:.2f}x bare)")
    return out


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    raise SystemExit(child(args[0] if args else "bare", args[1] if len(args) > 1 else None, "--keys" in sys.argv))
