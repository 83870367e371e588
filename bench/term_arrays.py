"""A term's posting lists read as numpy arrays (search/dense_terms.py) against the dict path
(FastSearch._read_term): CPU per word over the five default fields, cold and cached.

    python bench/term_arrays.py LIBRARY_DIR [--words neural,model] [--dict] [--threads 1]

LIBRARY_DIR is a data dir (the bench's bench/work/index/run13-full/paperreader-1000000: copy it
first, opening it may write). "cold": the term cache emptied (per-field tables and length
columns kept, as after the first search), best of 3; "first": the very first read after opening
(length columns read from disk); CPU time (time.process_time: every thread), so a loaded machine
inflates it less than wall time. --dict also times `_read_term` (slow at 1M: ~1 s a word) and
checks the arrays equal its dict bit for bit.
"""

from __future__ import annotations

import argparse
import resource
import time

import common  # noqa: F401  (puts the repo root on sys.path)

WORDS = "neural,model,learn,network,mamba,tortorvex"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("library")
    ap.add_argument("--words", default=WORDS)
    ap.add_argument("--dict", action="store_true", help="also time FastSearch._read_term and compare")
    ap.add_argument("--threads", type=int, default=None, help="dense_terms.THREADS (default: as set)")
    args = ap.parse_args()
    common.quiet_whoosh()
    import numpy as np

    from paperreader import paths
    from paperreader.search import dense_terms
    from paperreader.search.schema import DEFAULT_FIELDS, FIELD_BOOSTS
    from paperreader.workspace import Workspace

    if args.threads is not None:
        dense_terms.THREADS = args.threads
    ws = Workspace.open(paths.resolve(args.library).ensure(), seed=False)
    cpu = time.process_time
    try:
        with ws.engine.index.lock:
            fs = ws.engine.index.fast_search()
            arrays = dense_terms.TermArrays(fs)

            def read_all(word: str) -> int:
                return sum(len(arrays.scores(f, word, FIELD_BOOSTS[f])[0]) for f in DEFAULT_FIELDS)

            def forget() -> None:
                arrays._cache.clear()
                arrays._keys.clear()
                arrays.cached_bytes = 0

            print(f"{fs.N:,} documents, {len(fs.leaves)} segments, threads {dense_terms.THREADS}; CPU ms a word, "
                  f"five fields ({', '.join(DEFAULT_FIELDS)})")
            for word in args.words.split(","):
                t = cpu()
                postings = read_all(word)
                first = cpu() - t
                cold = []
                for _ in range(3):
                    forget()
                    t = cpu()
                    read_all(word)
                    cold.append(cpu() - t)
                t = cpu()
                read_all(word)
                cached = cpu() - t
                line = (f"{word:12s} postings {postings:9,}  first {1000 * first:7.1f}  cold {1000 * min(cold):7.1f}"
                        f"  cached {1000 * cached:6.3f}")
                if args.dict:
                    t = cpu()
                    dicts = [fs._read_term(f, word, FIELD_BOOSTS[f]) for f in DEFAULT_FIELDS]
                    line += f"  _read_term {1000 * (cpu() - t):8.1f}"
                    same = True
                    for f, d in zip(DEFAULT_FIELDS, dicts):
                        ids, scores = arrays.scores(f, word, FIELD_BOOSTS[f])
                        same &= bool((np.fromiter(d.keys(), np.int64, len(d)) == ids).all()) and bool(
                            (np.fromiter(d.values(), np.float64, len(d)).view(np.uint64) == scores.view(np.uint64)).all())
                    del dicts
                    line += f"  same {same}"
                print(line, flush=True)
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"peak RSS {rss:.0f} MB; term cache {arrays.cached_bytes / 2**20:.1f} MB")
    finally:
        ws.close()


if __name__ == "__main__":
    main()
