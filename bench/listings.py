"""`paperreader diff` and `paperreader digest` at scale: 100k papers, 30 daily listings.

Builds (once, cached in bench/work/) a data dir with the synthetic corpus's first N papers, the last
`--new` of them arriving after the visit mark, 30 daily listings of 50 papers (each day keeps about
60% of the day before, reordered, and adds new ones) and 5 saved searches; then times:

- `diff`: store.listings.diff of the latest day against the day before, and its JSON (titles);
- `digest`: paperreader.digest.build (one search per saved search, restricted to the new papers),
  with 50, 150 and `--new` papers new since the last visit (the visit mark moved back, then restored);
- both commands end to end (`paperreader diff --json`, `paperreader digest --json`, a new process
  each: Python's start, the store opened, the index opened for digest).

    python bench/listings.py [--n 100000] [--days 30] [--new 1000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from random import Random

import common
import generate

SEARCHES = [("ssm", "mamba OR \"state space\""), ("agents", "agent planning"), ("vision", "title:vision"),
            ("rl", "reinforcement learning"), ("graphs", "graph neural")]  # fmt: skip


def build(data_dir, n: int, days: int, new: int, per_day: int = 50) -> None:
    """The data dir: n papers (the last `new` after the mark), `days` listings, the saved searches."""
    from paperreader.paths import resolve
    from paperreader.store import listings
    from paperreader.workspace import Workspace

    corpus = generate.ensure_corpus(n)
    ws = Workspace.open(resolve(data_dir), seed=False, backup=False)
    try:
        lib = ws.library
        batch = []
        for k, d in enumerate(generate.read_jsonl(corpus, n)):
            batch.append(generate.to_paper(d))
            if len(batch) == 5000 or k == n - 1:
                lib.upsert(batch)
                batch = []
            if k == n - new - 1:
                lib.upsert(batch)
                batch = []
                listings.mark_seen(lib)  # everything so far was seen; the rest arrives after the mark
        rng = Random(20240501)
        ids = [r[0] for r in lib.db.read("SELECT id FROM papers ORDER BY rowid")]
        fresh = ids[n - new :]
        today: list[str] = []
        with lib.transaction() as conn:
            for day in range(days):
                kept = [pid for pid in today if rng.random() < 0.6]
                rng.shuffle(kept)
                pool = fresh if day >= days - 3 else ids[: n - new]  # the last days list new papers
                added = [pool[int(rng.random() * len(pool))] for _ in range(per_day - len(kept))]
                today = list(dict.fromkeys(kept + added))[:per_day]
                spec = listings.ListingSpec("hf-daily", "Hugging Face daily papers", f"2025-06-{day + 1:02d}")
                listings.record(conn, spec, today, len(added))
        for name, query in SEARCHES:
            lib.save_search(name, query)
        ws.ensure_index()
    finally:
        ws.close()


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--new", type=int, default=1000, help="papers that arrived after the visit mark")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)

    from paperreader.digest import build as build_digest
    from paperreader.paths import resolve
    from paperreader.store import listings
    from paperreader.workspace import Workspace

    data_dir = common.WORK / f"listings-{args.n}-{args.days}d-{args.new}new"
    if not (data_dir / "library.sqlite3").exists():
        start = time.perf_counter()
        tmp = data_dir.with_name(data_dir.name + ".part")
        if tmp.exists():
            import shutil

            shutil.rmtree(tmp)
        build(tmp, args.n, args.days, args.new)
        tmp.rename(data_dir)
        print(f"built {data_dir} in {time.perf_counter() - start:.0f} s")

    common.quiet_whoosh()
    env = dict(os.environ)  # bytecode cached, as an installed paperreader has it
    rows = []
    ws = Workspace.open(resolve(data_dir), seed=False, backup=False)
    lib = ws.library
    top = lib.db.read("SELECT max(rowid) FROM papers")[0][0]
    mark = lib.get_meta(listings.PREVIOUS_ROW)
    try:
        print(f"{lib.count():,} papers, {len(listings.all_listings(lib))} listings, {len(lib.saved_searches())} saved searches")

        def diff_json():
            after = listings.latest(lib)
            return listings.diff(lib, listings.previous_of(lib, after), after).json(lib)

        out = diff_json()
        print(f"diff: {len(out['added'])} entered, {len(out['moved'])} moved, {len(out['dropped'])} dropped")
        rows.append(("diff (in process)", timed(diff_json, args.repeat)))
        run = [sys.executable, "-m", "paperreader", "--data-dir", str(data_dir), "diff", "--json"]
        subprocess.run(run, check=True, capture_output=True, env=env)  # warm the page cache once
        rows.append(("paperreader diff --json (new process)", timed(lambda: subprocess.run(run, check=True, capture_output=True, env=env), args.repeat)))
        for fresh in (50, 150, args.new):  # papers new since the last visit: a day's, a few days', many
            lib.set_meta(listings.PREVIOUS_ROW, str(top - fresh))  # the visit mark, moved back
            digest = build_digest(ws)
            print(f"digest, {fresh} new: " + ", ".join(f"{s['name']} {s['total']}" for s in digest["searches"]))
            rows.append((f"digest, {fresh} new (in process, index open)", timed(lambda: build_digest(ws), args.repeat)))
            run = [sys.executable, "-m", "paperreader", "--data-dir", str(data_dir), "digest", "--json"]
            subprocess.run(run, check=True, capture_output=True, env=env)
            rows.append((f"paperreader digest --json, {fresh} new (new process)",
                         timed(lambda: subprocess.run(run, check=True, capture_output=True, env=env), args.repeat)))  # fmt: skip
    finally:
        lib.set_meta(listings.PREVIOUS_ROW, mark)
        ws.close()
    search = [sys.executable, "-m", "paperreader", "--data-dir", str(data_dir), "search", "mamba", "--json"]
    rows.append(("paperreader search mamba --json (new process: the same start-up)",
                 timed(lambda: subprocess.run(search, check=True, capture_output=True, env=env), args.repeat)))  # fmt: skip
    baseline = [sys.executable, "-c", "import paperreader.cli"]
    rows.append(("python -c 'import paperreader.cli' (start-up alone)", timed(lambda: subprocess.run(baseline, check=True), args.repeat)))
    print(f"\n{'what':<58} {'median':>9} {'max':>9}   ({args.repeat} runs)")
    for name, secs in rows:
        secs.sort()
        print(f"{name:<58} {secs[len(secs) // 2] * 1000:>7.1f}ms {secs[-1] * 1000:>7.1f}ms")
    print(json.dumps({name: round(sorted(s)[len(s) // 2] * 1000, 1) for name, s in rows}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
