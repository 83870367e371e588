"""The import a user runs, `paperreader import CORPUS.jsonl`, timed from process start to exit
against FTS5's insert of the same JSON-lines file (bench/fts5.py's build, in its own worker
process as bench/run.py runs it), alternately in one run so both see the same machine.

    python bench/cli_import.py                    # 100k, 2 rounds
    python bench/cli_import.py --size 10k --rounds 3 --json bench/work/cli-import.json

Each round: FTS5's build, then the CLI import into a fresh data dir (the store, then the search
index built at once as the command does for a big import). Printed per round and as medians:
papers/s, wall seconds, CPU seconds (the process and everything it waited for: the index build's
worker processes too), and paperreader's rate as a share of FTS5's (by wall time, and by CPU
seconds of both processes whole, which a busy machine stretches less). Issue 12's target at 100k
is 0.35x.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import common
import generate

PY = sys.executable


def parse_size(text: str) -> int:
    text = text.strip().lower().replace("_", "").replace(",", "")
    mult = {"k": 1_000, "m": 1_000_000}.get(text[-1], 1)
    return int(float(text.rstrip("km")) * mult)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], **kwargs) -> tuple[float, float, subprocess.CompletedProcess]:
    """Wall and CPU seconds of one command (its waited-for descendants included)."""
    cpu = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    wall = time.perf_counter() - started
    if done.returncode:
        sys.exit(f"{' '.join(cmd[:4])} ... failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return wall, _children_cpu() - cpu, done


def fts5_round(corpus: Path, work: Path) -> dict:
    """FTS5's build through bench/worker.py: its own figure (the insert loop, JSON reading included)
    and the worker process's wall time from start to exit."""
    shutil.rmtree(work, ignore_errors=True)
    wall, cpu, done = timed([PY, str(common.BENCH / "worker.py"), "build", "fts5", str(corpus), str(work)])
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    shutil.rmtree(work, ignore_errors=True)
    return {"docs": figures["docs"], "insert_seconds": figures["seconds"], "docs_per_s": figures["docs_per_s"],
            "insert_cpu_seconds": figures["cpu_seconds"], "process_wall_seconds": wall, "process_cpu_seconds": cpu}  # fmt: skip


def cli_round(corpus: Path, work: Path, papers: int) -> dict:
    """`python -m paperreader --data-dir D import CORPUS` into a fresh data dir, start to exit."""
    shutil.rmtree(work, ignore_errors=True)
    env_dir = work / "data"
    wall, cpu, done = timed([PY, "-m", "paperreader", "--data-dir", str(env_dir), "import", str(corpus)], cwd=common.ROOT)
    summary = done.stdout.strip().splitlines()[-1]
    shutil.rmtree(work, ignore_errors=True)
    return {"papers": papers, "wall_seconds": wall, "cpu_seconds": cpu, "docs_per_s": papers / wall, "summary": summary}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="100k", help="corpus size (generated if missing): 1k, 10k, 100k, ...")
    ap.add_argument("--rounds", type=int, default=2, help="FTS5 then paperreader, this many times (2)")
    ap.add_argument("--json", type=Path, help="write the figures here too")
    args = ap.parse_args(argv)
    n = parse_size(args.size)
    corpus = generate.ensure_corpus(n)
    work = common.WORK / f"cli-import-{n}"
    rounds = []
    for k in range(1, max(1, args.rounds) + 1):
        fts5 = fts5_round(corpus, work / "fts5")
        cli = cli_round(corpus, work / "cli", n)
        ratio = cli["docs_per_s"] / fts5["docs_per_s"]
        # on a busy machine the walls stretch with the load; CPU seconds, process start to exit, less so
        cpu_ratio = fts5["process_cpu_seconds"] / cli["cpu_seconds"]
        rounds.append({"fts5": fts5, "paperreader_cli": cli, "ratio": ratio, "cpu_ratio": cpu_ratio})
        print(f"round {k}: FTS5 {fts5['docs_per_s']:,.0f} papers/s ({fts5['insert_seconds']:.1f} s, CPU "
              f"{fts5['insert_cpu_seconds']:.1f} s; its process {fts5['process_wall_seconds']:.1f} s)  |  "
              f"paperreader import {cli['docs_per_s']:,.0f} papers/s (wall {cli['wall_seconds']:.1f} s, "
              f"CPU {cli['cpu_seconds']:.1f} s)  |  {ratio:.3f}x (by CPU, both processes whole: {cpu_ratio:.3f}x)", flush=True)  # fmt: skip
    med = statistics.median
    fts5_rate = med(r["fts5"]["docs_per_s"] for r in rounds)
    cli_rate = med(r["paperreader_cli"]["docs_per_s"] for r in rounds)
    print(f"\n{n:,} papers, median of {len(rounds)}: FTS5 insert {fts5_rate:,.0f} papers/s; paperreader import "
          f"(process start to exit) {cli_rate:,.0f} papers/s, wall {med(r['paperreader_cli']['wall_seconds'] for r in rounds):.1f} s, "
          f"CPU {med(r['paperreader_cli']['cpu_seconds'] for r in rounds):.1f} s; ratio {med(r['ratio'] for r in rounds):.3f}x "
          f"(by CPU {med(r['cpu_ratio'] for r in rounds):.3f}x; target at 100k: 0.35x)")  # fmt: skip
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"size": n, "corpus": str(corpus), "rounds": rounds}, indent=1))
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
