"""The benchmark: every engine on the same corpus and queries, one size after another, one run.

    python bench/run.py                      # 1k, 10k, 100k; every available engine; TUI timings
    python bench/run.py --full               # and 1M (FTS5's queries capped at --time-limit, its keystrokes
                                             # at 1M at --typing-limit-1m, 2 s), run after the TUI timings
    python bench/run.py --sizes 1k,10k --engines fts5,paperreader --json bench/work/run.json

Each step (build, query mix + typing, each cold start) runs in a fresh worker process; the raw
figures go to --json (default bench/work/last-run.json, rewritten after every step), the table to
stdout, then issue 12's targets (report.targets). After the sizes up to 100k: the CLI import
against FTS5's insert (cli_import.py, at 100k or the largest size below it) and, with the TUI
timings, the Pilot figures (tui.py) and the real-terminal ones (tui_terminal.py, in tmux); sizes
above 100k come last, so a run stopped late (or at its --deadline) has every smaller figure.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import common
import engines
import generate
import report

PY = sys.executable
COLD_QUERY = "language models"


def parse_size(text: str) -> int:
    text = text.strip().lower().replace("_", "")
    mult = {"k": 1_000, "m": 1_000_000}.get(text[-1], 1)
    return int(float(text.rstrip("km")) * mult)


def machine() -> dict:
    def sh(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=10).stdout.strip()
        except OSError:
            return ""

    versions = {}
    for mod in ("whoosh", "textual"):
        try:
            from importlib.metadata import version

            versions[mod] = version(mod)
        except Exception:  # noqa: BLE001
            versions[mod] = None
    return {
        "date": sh(["date"]),
        "utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "mem": sh(["free", "-g"]).splitlines()[1:2],
        "cpu": next((ln.split(":", 1)[1].strip() for ln in sh(["cat", "/proc/cpuinfo"]).splitlines()
                     if ln.startswith("model name")), platform.processor()),  # fmt: skip
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        **versions,
        "git": sh(["git", "-C", str(common.ROOT), "rev-parse", "--short", "HEAD"]),
        "command": " ".join(["python"] + [os.path.relpath(sys.argv[0], common.ROOT)] + sys.argv[1:]),
        "generator_version": generate.VERSION,
        "loadavg_at_start": os.getloadavg(),
    }


def worker(*args: str, timeout: float | None = None) -> dict:
    """Run bench/worker.py; its progress goes to our stderr, its last stdout line is the result."""
    cmd = [PY, str(common.BENCH / "worker.py"), *args]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"worker {' '.join(args[:2])} failed with code {proc.returncode}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def cold_start(engine: str, workdir: Path, runs: int) -> dict:
    """Spawn-to-first-results wall time, measured by this process, median of `runs` fresh processes."""
    walls, inner = [], []
    for _ in range(runs):
        started = time.perf_counter()
        proc = subprocess.Popen(
            [PY, str(common.BENCH / "worker.py"), "cold", engine, str(workdir), COLD_QUERY],
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        first = proc.stdout.readline()
        walls.append(time.perf_counter() - started)
        rest = proc.stdout.read()
        proc.wait()
        if proc.returncode != 0 or '"ready"' not in first:
            raise RuntimeError(f"cold start of {engine} failed")
        inner.append(json.loads(rest.strip().splitlines()[-1]))
    return {
        "median_ms": statistics.median(walls) * 1000,
        "runs_ms": [w * 1000 for w in walls],
        "in_process_ms": statistics.median(r["in_process_ms"] for r in inner),
        "import_ms": statistics.median(r["import_ms"] for r in inner),
        "open_ms": statistics.median(r["open_ms"] for r in inner),
        "search_ms": statistics.median(r["search_ms"] for r in inner),
        "hits": inner[0]["hits"],
    }


def compile_sources() -> None:
    """Byte-compile paperreader and bench once, so a fresh worker loads .pyc files as an installed
    package does: with PYTHONDONTWRITEBYTECODE set (some sandboxes) or a source edited since the
    last run, every cold start and TUI launch would compile from source and count it."""
    import compileall

    compileall.compile_dir(str(common.ROOT / "paperreader"), quiet=1)
    compileall.compile_dir(str(common.BENCH), maxlevels=0, quiet=1)  # not bench/work/


def git_state() -> str:
    """HEAD, and "+dirty" if tracked files differ: other work lands in this checkout during a run."""
    def sh(*cmd):
        return subprocess.run(["git", "-C", str(common.ROOT), *cmd], capture_output=True, text=True).stdout.strip()

    return sh("rev-parse", "--short", "HEAD") + ("+dirty" if sh("status", "--porcelain", "-uno") else "")


LARGE = 1_000_000  # from this size on, keystrokes of engines that can stop run under --typing-limit-1m


class PastDeadline(RuntimeError):
    """The run's --deadline has passed: the steps not started yet are skipped (and said so)."""


def _check_deadline(args, what: str) -> None:
    if args.until is not None and time.time() > args.until:
        raise PastDeadline(f"not run: the run's deadline ({args.deadline} UTC) had passed before {what}")


def parse_deadline(text: str, now: float | None = None) -> float:
    """HH:MM (UTC) as epoch seconds: the next such time from now (so 01:10 at 00:05 is tonight)."""
    now = time.time() if now is None else now
    try:
        hours, minutes = (int(x) for x in text.split(":"))
    except ValueError:
        hours = minutes = -1
    if not (0 <= hours < 24 and 0 <= minutes < 60):
        raise ValueError(f"--deadline {text}: expected HH:MM (UTC)")
    day = now - now % 86400
    at = day + hours * 3600 + minutes * 60
    return at if at > now else at + 86400


def measure(engine: str, n: int, corpus: Path, args, record) -> dict:
    workdir = args.index_root / f"{engine}-{n}"
    built = workdir / ".bench-build.json"
    out: dict = {"code": git_state(), "steps_s": {}}
    clock = time.perf_counter()
    if args.reuse and built.exists():
        out["build"] = json.loads(built.read_text())
        say(f"{engine} @ {n:,}: reusing the index built {out['build'].get('when', '?')}")
    else:
        _check_deadline(args, "the build")
        shutil.rmtree(workdir, ignore_errors=True)
        workdir.mkdir(parents=True)
        say(f"{engine} @ {n:,}: building")
        out["build"] = worker("build", engine, str(corpus), str(workdir), timeout=args.step_timeout)
        out["build"]["when"] = datetime.now().isoformat(timespec="seconds")
        built.write_text(json.dumps(out["build"]))
        out["steps_s"]["build"] = time.perf_counter() - clock
    record(out)
    say(f"{engine} @ {n:,}: {out['build']['docs_per_s']:,.0f} papers/s; querying")
    limit = [] if args.time_limit <= 0 else ["--time-limit", str(args.time_limit)]
    if n >= LARGE and args.typing_limit_1m > 0:
        limit += ["--typing-time-limit", str(args.typing_limit_1m)]
    if args.until is not None:
        limit += ["--until", str(args.until)]
    _check_deadline(args, "the queries")
    clock = time.perf_counter()
    out["query"] = worker("query", engine, str(workdir), *limit, timeout=args.step_timeout)
    out["steps_s"]["query"] = time.perf_counter() - clock
    stopped = (out["query"].get("mix_timeouts") or 0, out["query"].get("typing_timeouts") or 0)
    say(f"{engine} @ {n:,}: queries took {out['steps_s']['query']:,.0f} s"
        + (f" ({stopped[0]} mix and {stopped[1]} typing queries stopped at their time limit)" if any(stopped) else ""))
    record(out)
    _check_deadline(args, "the cold starts")
    say(f"{engine} @ {n:,}: cold starts")
    clock = time.perf_counter()
    out["cold"] = cold_start(engine, workdir, args.cold_runs)
    out["steps_s"]["cold"] = time.perf_counter() - clock
    record(out)
    return out


def side_bench(script: str, args: list[str], out_json: Path, timeout: float | None) -> dict:
    """Another bench script (its own process, its own JSON file): its figures, or why there are none."""
    path = common.BENCH / script
    if not path.exists():
        return {"not_run": f"bench/{script} does not exist"}
    out_json.unlink(missing_ok=True)
    started = time.perf_counter()
    try:
        proc = subprocess.run([PY, str(path), *args, "--json", str(out_json)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, timeout=timeout)  # fmt: skip
    except subprocess.TimeoutExpired:
        return {"not_run": f"bench/{script} took over {timeout:g} s (stopped)"}
    sys.stderr.write(proc.stderr)
    if proc.returncode != 0 or not out_json.exists():
        last = (proc.stderr.strip().splitlines() or ["?"])[-1]
        return {"not_run": f"bench/{script} failed (exit {proc.returncode}): {last[:200]}"}
    figures = json.loads(out_json.read_text())
    return {"figures": figures, "seconds": time.perf_counter() - started, "printed": proc.stdout}


def take_turn(wait: bool) -> tuple[object, bool]:
    """One benchmark run at a time on this checkout: two at once share the cores and skew both.

    Returns the held lock file (keep it open) and whether another run was going when this one began.
    """
    import fcntl

    common.WORK.mkdir(parents=True, exist_ok=True)
    fh = open(common.WORK / ".run.lock", "a+")
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return fh, False
    except BlockingIOError:
        fh.seek(0)
        other = fh.read().strip() or "?"
        if not wait:
            say(f"another benchmark run ({other}) is going: measuring anyway (--no-wait); figures will be skewed")
            return fh, True
        say(f"waiting for another benchmark run ({other}) to finish (--no-wait to run beside it)")
        fcntl.flock(fh, fcntl.LOCK_EX)
        return fh, False


def say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark paperreader's search beside SQLite FTS5.")
    ap.add_argument("--sizes", default="1k,10k,100k", help="comma-separated, e.g. 1k,10k,100k,1m")
    ap.add_argument("--full", action="store_true", help="add 1M to the sizes")
    ap.add_argument("--engines", default="paperreader,fts5,whoosh-plain")
    ap.add_argument("--json", type=Path, default=common.WORK / "last-run.json", help="raw results file")
    ap.add_argument("--time-limit", type=float, default=10.0, help="seconds per query where the engine can stop (0: none)")
    ap.add_argument("--typing-limit-1m", type=float, default=2.0,
                    help="at 1M papers and above, seconds per keystroke where the engine can stop (0: --time-limit)")
    ap.add_argument("--deadline", default=None,
                    help="HH:MM UTC: steps not started by then are skipped, keystrokes stop; the run ends on time")
    ap.add_argument("--cold-runs", type=int, default=5)
    ap.add_argument("--reuse", action="store_true", help="reuse indexes a previous run built (skips import)")
    ap.add_argument("--no-tui", dest="tui", action="store_false", help="skip the TUI timings")
    ap.add_argument("--tui-runs", type=int, default=11)
    ap.add_argument("--step-timeout", type=float, default=None, help="seconds before a build or query step is killed")
    ap.add_argument("--no-wait", dest="wait", action="store_false", help="do not wait for another run to finish")
    ap.add_argument("--no-cli-import", dest="cli_import", action="store_false",
                    help="skip the CLI import against FTS5 (cli_import.py, at 100k or the largest size below)")
    ap.add_argument("--cli-import-rounds", type=int, default=2)
    args = ap.parse_args(argv)
    # indexes live per run (named after the JSON file), so runs never build into each other's dirs
    args.index_root = common.WORK / "index" / args.json.stem
    try:
        args.until = parse_deadline(args.deadline) if args.deadline else None
    except ValueError as exc:
        ap.error(str(exc))
    lock, concurrent = take_turn(args.wait)
    if not concurrent:
        lock.seek(0)
        lock.truncate()
        lock.write(f"pid {os.getpid()}, {args.json.name}, since {time.strftime('%H:%M:%S')}")
        lock.flush()

    compile_sources()
    sizes = [parse_size(s) for s in args.sizes.split(",") if s.strip()]
    if args.full and 1_000_000 not in sizes:
        sizes.append(1_000_000)
    names = [e.strip() for e in args.engines.split(",") if e.strip()]
    data = {"machine": machine(), "sizes": {}, "skipped": {}, "notes": {}, "tui": None,
            "time_limit_s": args.time_limit if args.time_limit > 0 else None,
            "typing_limit_1m_s": args.typing_limit_1m if args.typing_limit_1m > 0 else None,
            "deadline_utc": args.deadline, "steps_s": {}}
    data["machine"]["beside_another_run"] = concurrent
    for name in names:
        why = engines.availability(name)
        if why:
            data["skipped"][name] = why
            say(f"skipping {name}: {why}")
        else:
            data["notes"][name] = engines.load(name).note
    running = [n for n in names if n not in data["skipped"]]
    args.json.parent.mkdir(parents=True, exist_ok=True)

    def save():
        args.json.write_text(json.dumps(data, indent=1))

    def measure_size(n: int) -> None:
        say(f"corpus of {n:,} papers")
        corpus = generate.ensure_corpus(n, progress=lambda k, total: say(f"  generated {k:,}/{total:,}"))
        per_size = data["sizes"].setdefault(str(n), {})
        for name in running:
            def record(partial, name=name):
                per_size[name] = partial
                save()

            try:
                measure(name, n, corpus, args, record)
            except Exception as exc:  # noqa: BLE001 - one engine failing must not lose the others
                per_size.setdefault(name, {})["error"] = str(exc)
                say(f"{name} @ {n:,} failed: {exc}")
                save()

    small = [n for n in sizes if n <= 100_000]
    for n in small:
        measure_size(n)
    if args.cli_import and small:
        n = max(small)
        say(f"CLI import against FTS5's insert, {n:,} papers, {args.cli_import_rounds} rounds (cli_import.py)")
        data["cli_import"] = side_bench("cli_import.py", ["--size", str(n), "--rounds", str(args.cli_import_rounds)],
                                        args.index_root / "cli-import.json", args.step_timeout)
        data["steps_s"]["cli_import"] = data["cli_import"].get("seconds")
        save()
    if args.tui:
        import tui

        say("TUI timings (Pilot)")
        clock = time.perf_counter()
        data["tui"] = tui.measure_all(runs=args.tui_runs, sizes=sizes, index_root=args.index_root, say=say)
        data["steps_s"]["tui"] = time.perf_counter() - clock
        save()
        say("TUI in a real terminal (tui_terminal.py, tmux)")
        data["tui_terminal"] = side_bench("tui_terminal.py", ["--papers", "201,10000"],
                                          args.index_root / "tui-terminal.json", args.step_timeout)
        data["steps_s"]["tui_terminal"] = data["tui_terminal"].get("seconds")
        save()
    for n in sizes:  # 1M last: the longest steps, and the ones a deadline may cut
        if n not in small:
            measure_size(n)
    data["machine"]["loadavg_at_end"] = os.getloadavg()
    data["machine"]["finished_utc"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    save()
    print(report.table(data))
    print()
    print(report.targets(data))
    say(f"raw figures in {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
