"""The TUI in a real terminal: last key to results painted, and launch to first results, in tmux.

    python bench/tui_terminal.py --papers 201,10000 [--reps 3] [--launches 11] [--gap-ms 0]

Each app runs in a pseudo-terminal of a private tmux server (`tmux -L paperreader-bench-<pid>`,
140x40, status bar off), on a data dir prepared here (`bench/work/tui-terminal/`):
201 papers is the built-in corpus; 10,000 is bench/generate.py's corpus file imported once through
the CLI (with the built-in 201 beside it: the library the app opens on).

Method. The bench attaches a *control-mode* client (`tmux -C attach`) to the session. Keys go
through it (`send-keys`: no tmux process spawned per key, the server writes them to the pty as it
reads the command), and it receives every byte the app writes to its terminal as `%output`
notifications the moment tmux reads them from the pty. A reader thread stamps each chunk with
`time.perf_counter()` as it arrives and feeds it to a small terminal emulator (cursor moves, text,
erase; colours ignored), so the bench knows what the screen shows after each chunk. Time of a
key = when the bench wrote the `send-keys` command; time of the paint = arrival of the chunk after
which the screen first shows the final results. Resolution: below a millisecond (the pty and the
control client's pipe), plus the reader thread's own CPU, which shares the machine's cores with
the app (an emulator pass over a full frame takes ~1-2 ms of Python; the stamp is taken before it).

Keystrokes ("last key to results painted"): for each query the box is emptied (ctrl+u) and the
screen left to settle on the library's list; then the query is typed (`--gap-ms 0`: the whole word
in one send-keys, as a fast typist's burst lands; `--gap-ms N`: one key every N ms), and the bench
waits until the screen below the search box has not changed for SETTLE_S. The "results" are the
status line's count (without its "(N ms)" and the unread count, which is counted after) and the
first result's two lines in the list (left of the reader pane); the figure is the time from the
last key to the first chunk after which these equal their settled values and the box shows the
query. A sample whose results were already on screen when the last key was sent is dropped
(counted as "already shown").

CPU: beside each wall time, the app's own CPU time (all its threads, /proc/PID/task/*/schedstat,
read as each chunk arrives) over the same interval, and the time its threads waited for a core: a
busy machine stretches the wall time, the CPU time much less.

Launch ("launch to first results"): the pane starts `sh -c 'read _; exec python ...'`; the control
client attaches, sends Enter, and the time runs from that write to the first chunk after which the
list shows the first title (paperreader: the status line says "N papers in the library" and the
first row has a title; the bare app: its first title). The bare app is bench/tui.py's (a search box
over an OptionList of the built-in titles), launched the same way, alternating with paperreader.
"""

from __future__ import annotations

import argparse
import codecs
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WORK = BENCH / "work" / "tui-terminal"
CORPUS = BENCH / "work" / "corpus-v1-s20240501-{n}.jsonl"
WIDTH, HEIGHT = 140, 40
SETTLE_S = 0.8  # the screen under the box unchanged this long: the app is done with this query
WAIT_S = 30.0
# Words of the built-in corpus (in the 10k library too), each a new result list after the browse list.
QUERIES = ("mamba", "diffusion", "reasoning", "agents", "quantization", "robot", "graph neural",
           "speech", "retrieval", "video generation", "protein", "reinforcement learning")

STATUS_ROW, FIRST_ROW, BOX_ROW = 3, 4, 1


# -- a terminal emulator, just enough for what Textual writes ----------------------------------------
_TOKEN = re.compile(
    r"\x1b\[([0-?]*)[ -/]*([@-~])"  # CSI params final
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC (titles, hyperlinks)
    r"|\x1bP.*?\x1b\\"  # DCS
    r"|\x1b[()*+][0-~]"  # charset designation
    r"|\x1b[^\[\]P()*+]"  # other two-byte escapes
    r"|([^\x1b\r\n\x08\x07]+)"  # printable text
    r"|([\r\n\x08\x07])",
    re.S,
)


def _width(ch: str) -> int:
    if ord(ch) < 0x1100:
        return 1
    from rich.cells import get_character_cell_size

    return get_character_cell_size(ch)


class Screen:
    """The characters on a WIDTH x HEIGHT screen, fed the app's output chunk by chunk."""

    def __init__(self) -> None:
        self.rows = [[" "] * WIDTH for _ in range(HEIGHT)]
        self.y = self.x = 0
        self._rest = ""

    def feed(self, text: str) -> None:
        text = self._rest + text
        self._rest = ""
        pos, end = 0, len(text)
        while pos < end:
            m = _TOKEN.match(text, pos)
            if m is None:  # an escape cut in two by the chunking: wait for the rest
                if end - pos > 4096:  # not an escape we know: skip its ESC
                    pos += 1
                    continue
                self._rest = text[pos:]
                return
            pos = m.end()
            if m.group(3) is not None:
                self._text(m.group(3))
            elif m.group(4) is not None:
                c = m.group(4)
                if c == "\r":
                    self.x = 0
                elif c == "\n":
                    self.y = min(HEIGHT - 1, self.y + 1)
                elif c == "\x08":
                    self.x = max(0, self.x - 1)
            elif m.group(2) is not None:
                self._csi(m.group(1), m.group(2))

    def _text(self, run: str) -> None:
        row = self.rows[self.y]
        for ch in run:
            w = _width(ch)
            if self.x + w > WIDTH:
                continue
            row[self.x] = ch
            if w == 2:
                row[self.x + 1] = ""
            self.x += w

    def _csi(self, params: str, final: str) -> None:
        private = params.startswith("?")
        nums = [int(p) if p.isdigit() else 0 for p in params.lstrip("?<=>").split(";")] if params else []
        n = (nums[0] if nums and nums[0] else 1)
        if final in "Hf":
            self.y = min(HEIGHT - 1, max(0, (nums[0] if nums and nums[0] else 1) - 1))
            self.x = min(WIDTH - 1, max(0, (nums[1] if len(nums) > 1 and nums[1] else 1) - 1))
        elif final == "J" and not private:
            if nums and nums[0] == 2:
                self.clear()
        elif final == "K" and not private:
            mode = nums[0] if nums else 0
            row = self.rows[self.y]
            lo, hi = {0: (self.x, WIDTH), 1: (0, self.x + 1), 2: (0, WIDTH)}.get(mode, (0, 0))
            row[lo:hi] = [" "] * (hi - lo)
        elif final == "A":
            self.y = max(0, self.y - n)
        elif final == "B":
            self.y = min(HEIGHT - 1, self.y + n)
        elif final == "C":
            self.x = min(WIDTH - 1, self.x + n)
        elif final == "D":
            self.x = max(0, self.x - n)
        elif final == "G":
            self.x = min(WIDTH - 1, n - 1)
        elif final == "d":
            self.y = min(HEIGHT - 1, n - 1)
        elif final in "hl" and private and 1049 in nums:
            self.clear()

    def clear(self) -> None:
        self.rows = [[" "] * WIDTH for _ in range(HEIGHT)]

    def line(self, y: int) -> str:
        return "".join(self.rows[y])


# -- what the bench looks for on the screen ------------------------------------------------------------
_COUNT = re.compile(r"^\s*(.*?)(?: \(\d+ ms\))?(?:  ·|\s*$)")


def list_part(line: str) -> str:
    """A row of the results list: the part left of the reader pane's border."""
    return line.split("▕", 1)[0].rstrip()


def results_key(screen: Screen) -> tuple[str, str, str]:
    """What shows the results of a query: the count, and the first result's title and snippet."""
    m = _COUNT.match(screen.line(STATUS_ROW))
    return (m.group(1) if m else "", list_part(screen.line(FIRST_ROW)), list_part(screen.line(FIRST_ROW + 1)))


def below_box(screen: Screen) -> str:
    return "\n".join(screen.line(y) for y in range(STATUS_ROW, HEIGHT))


def box_text(screen: Screen) -> str:
    return screen.line(BOX_ROW).strip("▊▎ ")


# -- one app in a tmux pane, watched through a control-mode client -------------------------------------
class Pane:
    """A private tmux server with one session running `command`, and a control client on it."""

    def __init__(self, name: str, command: list[str], env: dict[str, str]) -> None:
        self.server = ["tmux", "-L", name, "-f", str(WORK / "tmux.conf")]
        self.session = f"s{time.monotonic_ns()}"
        self.screen = Screen()
        self.lock = threading.Lock()
        self.timeline: list[tuple[float, object]] = []  # (arrival, probe(screen)) after each chunk
        self.probe = None
        self.pid: int | None = None  # the app's (the shell execs it), read when first needed
        self.last_output = time.perf_counter()
        shell = "read _; exec \"$@\""
        subprocess.run([*self.server, "new-session", "-d", "-s", self.session, "-c", str(WORK), "-x", str(WIDTH), "-y", str(HEIGHT),
                        "sh", "-c", shell, "sh", *command], check=True, env=env, timeout=20)
        self.control = subprocess.Popen([*self.server, "-C", "attach", "-t", self.session],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        unescape = re.compile(rb"\\([0-7]{3})")
        for line in self.control.stdout:
            if not line.startswith(b"%output "):
                continue
            arrived = time.perf_counter()
            data = line.rstrip(b"\n").split(b" ", 2)[2] if line.count(b" ") >= 2 else b""
            data = unescape.sub(lambda m: bytes([int(m.group(1), 8)]), data)
            with self.lock:
                self.last_output = arrived
                self.screen.feed(self._decoder.decode(data))
                if self.probe is not None:
                    self.timeline.append((arrived, self.probe(self.screen), self.app_cpu()))

    def command(self, *args: str) -> float:
        """Send a tmux command through the control client; returns when it was written."""
        line = " ".join(_quote(a) for a in args) + "\n"
        sent = time.perf_counter()
        self.control.stdin.write(line.encode())
        self.control.stdin.flush()
        return sent

    def app_cpu(self) -> tuple[float, float]:
        """(ms on a CPU, ms waiting for one) of the app's threads so far (/proc/PID/task/*/schedstat):
        what the app did between two moments, whatever else the machine was doing."""
        if self.pid is None:
            out = subprocess.run([*self.server, "list-panes", "-t", self.session, "-F", "#{pane_pid}"],
                                 capture_output=True, text=True, timeout=10).stdout.split()
            self.pid = int(out[0]) if out else 0
        run = wait = 0
        try:
            for task in os.listdir(f"/proc/{self.pid}/task"):
                try:
                    with open(f"/proc/{self.pid}/task/{task}/schedstat") as fh:
                        fields = fh.read().split()
                except OSError:
                    continue
                run, wait = run + int(fields[0]), wait + int(fields[1])
        except OSError:
            pass
        return run / 1e6, wait / 1e6

    def keys(self, text: str, literal: bool = True) -> float:
        return self.command("send-keys", "-t", self.session, *(["-l"] if literal else []), "--", text)

    def watch(self, probe) -> None:
        with self.lock:
            self.timeline = []
            self.probe = probe

    def wait_for(self, done, timeout: float = WAIT_S) -> float | None:
        """The arrival of the first chunk after which done(probe) held (polls the timeline)."""
        deadline = time.perf_counter() + timeout
        seen = 0
        while time.perf_counter() < deadline:
            with self.lock:
                entries = self.timeline[seen:]
            for arrived, value, cpu in entries:
                if done(value):
                    self.painted_cpu = cpu
                    return arrived
            seen += len(entries)
            time.sleep(0.002)
        return None

    def settle(self, quiet: float = SETTLE_S, timeout: float = WAIT_S) -> str:
        """Wait until the screen under the box stays the same for `quiet` seconds; return it."""
        deadline = time.perf_counter() + timeout
        last, since = None, time.perf_counter()
        while time.perf_counter() < deadline:
            with self.lock:
                now = below_box(self.screen)
            if now != last:
                last, since = now, time.perf_counter()
            elif time.perf_counter() - since >= quiet:
                return now
            time.sleep(0.02)
        raise TimeoutError("the screen never settled")

    def snapshot(self, probe):
        with self.lock:
            return probe(self.screen)

    def close(self) -> None:
        subprocess.run([*self.server, "kill-session", "-t", self.session], capture_output=True, timeout=20)
        try:
            self.control.stdin.close()
        except OSError:
            pass
        self.control.wait(timeout=10)


def _quote(arg: str) -> str:
    return "'" + arg.replace("'", "'\\''") + "'" if arg and re.fullmatch(r"[\w./:@%+=-]+", arg) is None else arg


# -- data dirs -------------------------------------------------------------------------------------------
def data_dir(papers: int) -> Path:
    """A library of `papers` papers (201: the built-in corpus; else the generated corpus + it), made once."""
    # One per source tree: another commit may keep its index in another format (it would rebuild it,
    # and the next run's tree rebuild it back, inside the measurements).
    path = WORK / (f"data-{papers}" + (f"-{TREE.name}" if TREE is not None else ""))
    if (path / ".ready").exists():
        return path
    shutil.rmtree(path, ignore_errors=True)
    env = _env()
    if papers != 201:
        corpus = Path(str(CORPUS).format(n=papers))
        if not corpus.exists():
            raise SystemExit(f"{corpus} is missing: python bench/generate.py --n {papers} -o {corpus}")
        print(f"importing {corpus.name} into {path} (once)…", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "paperreader", "--data-dir", str(path), "import", str(corpus)],
                       check=True, env=env, cwd=WORK, stdout=subprocess.DEVNULL)
    subprocess.run([sys.executable, "-m", "paperreader", "--data-dir", str(path), "index"],
                   check=True, env=env, cwd=WORK, stdout=subprocess.DEVNULL)
    (path / ".ready").write_text("")
    return path


TREE: Path | None = None  # --tree: run the app from this source tree (a checkout of another commit)


def _env() -> dict[str, str]:
    env = dict(os.environ, PAPERREADER_CONFIG_DIR=str(WORK / "config"), TERM="xterm-256color")
    if TREE is not None:
        env["PYTHONPATH"] = str(TREE)
    for name in ("PAPERREADER_DATA_DIR", "TMUX", "TMUX_PANE", "SSH_TTY", "SSH_CONNECTION", "SSH_CLIENT"):
        env.pop(name, None)
    return env


def _server_name() -> str:
    return f"paperreader-bench-{os.getpid()}"


def paperreader_command(path: Path) -> list[str]:
    return [sys.executable, "-m", "paperreader", "--data-dir", str(path)]


def bare_command() -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--bare-app"]


# -- measurements ----------------------------------------------------------------------------------------
def keystrokes(path: Path, reps: int, gap_ms: float, say) -> dict:
    pane = Pane(_server_name(), paperreader_command(path), _env())
    try:
        pane.watch(_paperreader_ready)
        pane.keys("Enter", literal=False)
        if pane.wait_for(bool) is None:
            raise RuntimeError("the app never showed the library:\n" + pane.snapshot(lambda s: "\n".join(map(s.line, range(HEIGHT)))))
        pane.settle(1.0)
        times, cpu, waits, dropped = [], [], [], 0
        for rep in range(reps):
            for query in QUERIES:
                pane.keys("C-u", literal=False)
                pane.settle()
                before = pane.snapshot(results_key)
                pane.watch(lambda s: (results_key(s), box_text(s)))
                if gap_ms:
                    for ch in query[:-1]:
                        pane.keys(ch)
                        time.sleep(gap_ms / 1000)
                    before = pane.snapshot(results_key)
                    cpu0 = pane.app_cpu()
                    sent = pane.keys(query[-1])
                else:
                    cpu0 = pane.app_cpu()
                    sent = pane.keys(query)
                changed = time.perf_counter() + 10.0  # a busy machine: wait for the list to change, then settle
                while pane.snapshot(results_key) == before and time.perf_counter() < changed:
                    time.sleep(0.005)
                pane.settle()
                final = pane.snapshot(results_key)
                if final == before:
                    dropped += 1
                    continue
                painted = pane.wait_for(lambda v, f=final, q=query: v[0] == f and v[1] == q, timeout=0.1)
                if painted is None:
                    raise RuntimeError(f"the results for {query!r} were never seen arriving")
                times.append((painted - sent) * 1000)
                cpu.append(pane.painted_cpu[0] - cpu0[0])
                waits.append(pane.painted_cpu[1] - cpu0[1])
            say(f"    rep {rep + 1}: median so far {statistics.median(times):.0f} ms")
        return {"n": len(times), "already_shown": dropped, "median_ms": statistics.median(times),
                "cpu_median_ms": statistics.median(cpu), "wait_median_ms": statistics.median(waits),
                "p95_ms": _pct(times, 95), "min_ms": min(times), "max_ms": max(times), "all_ms": [round(t, 1) for t in times]}
    finally:
        pane.close()


def launch_once(command: list[str], ready) -> float:
    pane = Pane(_server_name(), command, _env())
    try:
        time.sleep(0.2)  # the control client attached, the shell waiting in `read`
        pane.watch(ready)
        started = pane.keys("Enter", literal=False)
        painted = pane.wait_for(bool)
        if painted is None:
            raise RuntimeError(f"{command} never showed its first results")
        return (painted - started) * 1000, pane.painted_cpu[0]
    finally:
        pane.close()


def _paperreader_ready(s: Screen) -> bool:
    return bool(re.search(r"[\d,]+ papers in the library", s.line(STATUS_ROW))) and len(list_part(s.line(FIRST_ROW)).strip()) > 3


def _bare_ready(first_title: str):
    return lambda s: any(first_title in s.line(y) for y in range(HEIGHT))


def launches(path: Path, runs: int, say) -> dict:
    lines = (ROOT / "paperreader" / "data" / "trending-papers.txt").read_text().split("\n")
    first = lines[2::2][0][:40]
    bare, ours, bare_cpu, our_cpu = [], [], [], []
    for k in range(runs):  # alternating, so a busy moment of the machine hits both alike
        wall, cpu = launch_once(bare_command(), _bare_ready(first))
        bare.append(wall), bare_cpu.append(cpu)
        wall, cpu = launch_once(paperreader_command(path), _paperreader_ready)
        ours.append(wall), our_cpu.append(cpu)
        say(f"    launch {k + 1}: bare {bare[-1]:.0f} ms (CPU {bare_cpu[-1]:.0f}), paperreader {ours[-1]:.0f} ms (CPU {our_cpu[-1]:.0f})")
    b, o = statistics.median(bare), statistics.median(ours)
    bc, oc = statistics.median(bare_cpu), statistics.median(our_cpu)
    return {"bare_median_ms": b, "paperreader_median_ms": o, "ratio": o / b,
            "bare_cpu_ms": bc, "paperreader_cpu_ms": oc, "cpu_ratio": oc / bc,
            "bare_ms": [round(t) for t in bare], "paperreader_ms": [round(t) for t in ours]}


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def run_bare_app() -> None:
    """The yardstick app of bench/tui.py, in this terminal."""
    sys.path.insert(0, str(BENCH))
    from tui import BareTarget

    BareTarget().make_app().run()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--papers", default="201,10000", help="library sizes, comma separated (201: the built-in corpus)")
    parser.add_argument("--reps", type=int, default=3, help="times each query is typed (0: no keystrokes, launches only)")
    parser.add_argument("--launches", type=int, default=11, help="launches of each app (0: none)")
    parser.add_argument("--gap-ms", type=float, default=0.0, help="0: each query typed as one burst; N: one key every N ms")
    parser.add_argument("--tree", type=Path, help="run paperreader from this source tree (e.g. a `git archive` of another commit)")
    parser.add_argument("--bare-app", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help="write the figures here too (bench/run.py reads them)")
    args = parser.parse_args()
    global TREE
    TREE = args.tree.resolve() if args.tree else None
    if args.bare_app:
        run_bare_app()
        return 0
    if shutil.which("tmux") is None:
        raise SystemExit("tmux is not installed")
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "tmux.conf").write_text("set -g status off\nset -g default-terminal tmux-256color\n")
    say = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    out = {}
    # One server for the whole run (a session that only sleeps keeps it up between apps).
    subprocess.run(["tmux", "-L", _server_name(), "-f", str(WORK / "tmux.conf"), "new-session", "-d", "-s", "keep",
                    "-x", str(WIDTH), "-y", str(HEIGHT), "sleep 86400"],
                   check=True, timeout=20)
    try:
        for papers in [int(p) for p in args.papers.split(",")]:
            path = data_dir(papers)
            out[papers] = {}
            if args.reps:
                say(f"{papers:,} papers: keystrokes ({len(QUERIES)} queries x {args.reps}, gap {args.gap_ms:g} ms)")
                out[papers]["keys"] = keystrokes(path, args.reps, args.gap_ms, say)
            if args.launches:
                say(f"{papers:,} papers: launches")
                out[papers]["launch"] = launches(path, args.launches, say)
    finally:
        subprocess.run(["tmux", "-L", _server_name(), "kill-server"], capture_output=True, timeout=20)
    print(f"TUI in tmux {WIDTH}x{HEIGHT}{f', paperreader from {TREE}' if TREE else ''}, queries typed {'as bursts' if not args.gap_ms else f'one key every {args.gap_ms:g} ms'}")
    for papers, figures in out.items():
        if "keys" in figures:
            k = figures["keys"]
            print(f"{papers:>7,} papers  last key -> results painted: median {k['median_ms']:.0f} ms, p95 {k['p95_ms']:.0f} ms "
                  f"(n={k['n']}, min {k['min_ms']:.0f}, max {k['max_ms']:.0f}; {k['already_shown']} already shown); "
                  f"the app's CPU in it: median {k['cpu_median_ms']:.0f} ms, waiting for a core {k['wait_median_ms']:.0f} ms")
        else:
            print(f"{papers:>7,} papers")
        if "launch" in figures:
            la = figures["launch"]
            print(f"{'':>7}         launch -> first results: {la['paperreader_median_ms']:.0f} ms vs bare Textual "
                  f"{la['bare_median_ms']:.0f} ms = {la['ratio']:.2f}x  (paperreader {la['paperreader_ms']}, bare {la['bare_ms']}); "
                  f"CPU {la['paperreader_cpu_ms']:.0f} vs {la['bare_cpu_ms']:.0f} ms = {la['cpu_ratio']:.2f}x")
    if args.json:
        import json

        args.json.write_text(json.dumps({"papers": {str(k): v for k, v in out.items()}, "gap_ms": args.gap_ms,
                                         "reps": args.reps}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
