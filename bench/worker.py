"""One measurement in a process of its own; prints one JSON line (the last line of stdout).

    worker.py build ENGINE CORPUS.jsonl WORKDIR
    worker.py query ENGINE WORKDIR [--time-limit S] [--typing-time-limit S] [--until EPOCH]
    worker.py cold ENGINE WORKDIR QUERY

Separate processes keep one engine's imports, caches and memory out of another's figures, and
make "peak memory" mean the peak of this step alone.
"""

from __future__ import annotations

import json
import sys
import time

T0 = time.perf_counter()  # before any import of ours: cold start counts the engine's imports

import argparse  # noqa: E402
from pathlib import Path  # noqa: E402

import common  # noqa: E402


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _emit(payload: dict) -> None:
    sys.stdout.write(json.dumps(payload) + "\n")
    sys.stdout.flush()


def do_build(engine_name: str, corpus: Path, workdir: Path) -> dict:
    import engines
    import generate

    engine = engines.load(engine_name)()
    workdir.mkdir(parents=True, exist_ok=True)
    started, cpu = time.perf_counter(), time.process_time()
    last = [started]

    def progress(done: int) -> None:
        now = time.perf_counter()
        if now - last[0] >= 5:
            last[0] = now
            rate = done / (now - started)
            print(f"  [{engine_name}] {done:,} papers, {rate:,.0f}/s, rss {common.rss_mb():,.0f} MB",
                  file=sys.stderr, flush=True)  # fmt: skip

    extra = engine.build(generate.read_jsonl(corpus), workdir, progress) or {}
    seconds = time.perf_counter() - started
    engine.close()
    docs = extra.get("docs", 0)
    return {
        "docs": docs,
        "seconds": seconds,
        "docs_per_s": docs / seconds if seconds else None,
        "cpu_seconds": time.process_time() - cpu,
        "children_cpu_seconds": _children_cpu(),  # a build on both cores spends its CPU in helpers
        "peak_rss_mb": common.peak_rss_mb(),
        "children_peak_rss_mb": common.children_peak_rss_mb(),
        **engine.sizes(workdir),
        "extra": extra,
    }


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(engine, query: str) -> tuple[float, float, int, str | None]:
    """Wall and CPU seconds of one search (CPU time shows what other load on the machine hides)."""
    started, cpu = time.perf_counter(), time.process_time()
    try:
        hits = engine.search(query, limit=20, highlight=True)
        error = None
    except Exception as exc:  # a query an engine cannot read is recorded, not fatal
        hits, error = [], f"{type(exc).__name__}: {exc}"
    return time.perf_counter() - started, time.process_time() - cpu, len(hits), error


def do_query(engine_name: str, workdir: Path, time_limit: float | None,
             typing_time_limit: float | None = None, until: float | None = None) -> dict:
    """The query mix, then the keystrokes (under `typing_time_limit` if given, for engines that can
    stop a query); no keystroke starts after `until` (epoch seconds): the run's deadline, so a long
    run ends on time and says how many keystrokes were typed."""
    import engines
    import queries

    mix, strokes = queries.query_mix(), queries.keystrokes()
    engine = engines.load(engine_name)(time_limit=time_limit)
    engine.open(workdir)
    rss_open = common.rss_mb()
    engine.search("neural", limit=20)  # warm-up, not counted: the first query pays for opening
    per_query, by_kind = [], {}
    for kind, q in mix:
        seconds, cpu, n, error = _timed(engine, q)
        per_query.append({"kind": kind, "query": q, "ms": seconds * 1000, "cpu_ms": cpu * 1000, "hits": n, "error": error})
        by_kind.setdefault(kind, []).append(seconds)
    mix_timeouts = engine.timeouts
    rss_after_mix = common.rss_mb()
    say(f"  [{engine_name}] query mix done; {len(strokes)} keystrokes next")
    if typing_time_limit is not None:
        engine.time_limit = typing_time_limit
    typing, typing_rows = [], []
    for k, (text, q) in enumerate(strokes, 1):
        if until is not None and time.time() > until:
            say(f"  [{engine_name}] the run's deadline has passed: typing stopped after {k - 1} of {len(strokes)} keystrokes")
            break
        if k % 100 == 0:
            say(f"  [{engine_name}] {k}/{len(strokes)} keystrokes")
        seconds, cpu, n, error = _timed(engine, q)
        typing.append(seconds)
        typing_rows.append({"typed": text, "query": q, "ms": seconds * 1000, "cpu_ms": cpu * 1000, "hits": n, "error": error})
    engine.close()
    return {
        "mix": common.summary_ms([r["ms"] / 1000 for r in per_query]),
        "mix_by_kind": {k: common.summary_ms(v) for k, v in by_kind.items()},
        "mix_timeouts": mix_timeouts,
        "mix_cpu": common.summary_ms([r["cpu_ms"] / 1000 for r in per_query]),
        "typing": common.summary_ms(typing),
        "typing_cpu": common.summary_ms([r["cpu_ms"] / 1000 for r in typing_rows]),
        "typing_timeouts": engine.timeouts - mix_timeouts,
        "time_limit_s": time_limit,
        "typing_time_limit_s": engine.time_limit,
        "typing_done": len(typing_rows),
        "typing_total": len(strokes),
        "errors": sum(1 for r in per_query + typing_rows if r["error"]),
        "rss_after_open_mb": rss_open,
        "rss_after_mix_mb": rss_after_mix,
        "rss_after_typing_mb": common.rss_mb(),
        "peak_rss_mb": common.peak_rss_mb(),
        "queries": per_query,
        "keystrokes": typing_rows,
    }


def do_cold(engine_name: str, workdir: Path, query: str) -> dict:
    import engines

    engine = engines.load(engine_name)()
    t_import = time.perf_counter()
    engine.open(workdir)
    t_open = time.perf_counter()
    hits = engine.search(query, limit=20, highlight=True)
    t_done = time.perf_counter()
    _emit({"ready": True})  # the parent stops its clock here
    engine.close()
    return {
        "hits": len(hits),
        "import_ms": (t_import - T0) * 1000,
        "open_ms": (t_open - t_import) * 1000,
        "search_ms": (t_done - t_open) * 1000,
        "in_process_ms": (t_done - T0) * 1000,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=("build", "query", "cold"))
    ap.add_argument("engine")
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--time-limit", type=float, default=None)
    ap.add_argument("--typing-time-limit", type=float, default=None)
    ap.add_argument("--until", type=float, default=None, help="epoch seconds: no keystroke starts after it")
    args = ap.parse_args(argv)
    if args.mode == "build":
        out = do_build(args.engine, Path(args.paths[0]), Path(args.paths[1]))
    elif args.mode == "query":
        out = do_query(args.engine, Path(args.paths[0]), args.time_limit, args.typing_time_limit, args.until)
    else:
        out = do_cold(args.engine, Path(args.paths[0]), args.paths[1])
    _emit(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
