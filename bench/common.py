"""Shared bits of the benchmark: paths, memory readings, percentiles, a quiet Whoosh import.

Kept dependency-free so every worker subprocess starts the same way and measures only its engine.
"""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WORK = BENCH / "work"  # git-ignored: corpora, indexes, raw results

for _p in (str(ROOT), str(BENCH)):
    if _p not in sys.path:
        sys.path.insert(0, _p)


def quiet_whoosh():
    """Import whoosh without the SyntaxWarnings its 2.7.4 sources raise on Python 3.11+."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        import whoosh  # noqa: F401
        import whoosh.analysis, whoosh.fields, whoosh.highlight, whoosh.index  # noqa: E401,F401
        import whoosh.qparser, whoosh.query, whoosh.collectors, whoosh.scoring  # noqa: E401,F401
        import whoosh.writing, whoosh.filedb.filestore, whoosh.util.times  # noqa: E401,F401
        import whoosh.codec.whoosh3, whoosh.reading, whoosh.searching  # noqa: E401,F401
        import whoosh.lang.porter, whoosh.lang.morph_en, whoosh.support.levenshtein  # noqa: E401,F401
        import whoosh.matching, whoosh.automata.fsa, whoosh.util.text  # noqa: E401,F401
        import whoosh.multiproc  # noqa: F401
    return whoosh


def _status_kb(field: str) -> int:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def rss_mb() -> float:
    """Resident memory now (VmRSS)."""
    return _status_kb("VmRSS") / 1024


def peak_rss_mb() -> float:
    """Peak resident memory of this process (VmHWM, or getrusage where /proc is missing)."""
    kb = _status_kb("VmHWM")
    if not kb:
        import resource

        kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024


def children_peak_rss_mb() -> float:
    """Peak RSS over waited-for child processes (a multi-process build's workers)."""
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def dir_size_mb(path: Path) -> float:
    total = 0
    for dirpath, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.stat(os.path.join(dirpath, name)).st_size
            except OSError:
                pass
    return total / 1e6


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 100))))
    return ordered[rank - 1]


def summary_ms(seconds: list[float]) -> dict:
    """p50/p95/p99/max in milliseconds of a list of durations in seconds."""
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50": percentile(ms, 50),
        "p95": percentile(ms, 95),
        "p99": percentile(ms, 99),
        "max": max(ms) if ms else None,
    }
