"""bench/report.py's targets table: each of issue 12's targets from a run's JSON, met / missed / not run."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import report  # noqa: E402


def engine(mix_p50, mix_p95, typing_p50, typing_p99, *, cold=None, rss=None, stopped=(0, 0), docs_per_s=None):
    return {
        "build": {"docs_per_s": docs_per_s},
        "query": {"mix": {"p50": mix_p50, "p95": mix_p95, "p99": mix_p95}, "typing": {"p50": typing_p50, "p95": typing_p99, "p99": typing_p99},
                  "mix_timeouts": stopped[0], "typing_timeouts": stopped[1], "rss_after_mix_mb": rss},
        "cold": {"median_ms": cold} if cold else {},
    }


def row(text: str, target: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(f"| {target}"))


def test_targets_say_met_missed_and_not_run():
    data = {
        "time_limit_s": 10.0,
        "sizes": {
            "1000": {"paperreader": engine(1.5, 3, 2, 4), "fts5": engine(0.7, 1, 1, 2)},
            "100000": {"paperreader": engine(20, 60, 40, 150, docs_per_s=4000), "fts5": engine(9, 58, 98, 3775, docs_per_s=10000)},
            "1000000": {"paperreader": engine(100, 200, 25, 140, cold=900, rss=180),
                        "fts5": engine(86, 500, 1245, 10400, cold=1000, stopped=(0, 37))},
        },
    }
    text = report.targets(data)
    assert row(text, "as-you-type at 1M").endswith("**met** |")
    assert row(text, "query mix p95 at 1M").endswith("**met** |")  # 200 / 500 = 0.40x
    assert "37 typing queries stopped at the 10 s limit" in row(text, "query mix p95 at 1M")
    assert row(text, "query mix p95 at 100k").endswith("**missed** |")  # 60 / 58 > 0.75x
    assert row(text, "as-you-type p99 at 100k").endswith("**missed** |")
    assert "NOT the CLI" in row(text, "import through the CLI") and row(text, "import through the CLI").endswith("**met** |")
    assert row(text, "per-query cost at 1k").endswith("**met** |")
    assert row(text, "cold start to first results at 1M").endswith("**met** |")
    assert row(text, "memory after the query mix at 1M").endswith("**missed** |")
    assert row(text, "last key to results painted").endswith("not run |")
    assert "a 10 s limit per query" in text


def test_targets_of_an_empty_run_are_all_not_run():
    text = report.targets({"sizes": {}})
    rows = [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| issue")]
    assert len(rows) == 11 and all(line.endswith("not run |") for line in rows)
