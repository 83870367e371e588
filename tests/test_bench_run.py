"""bench/run.py and bench/worker.py: the run's deadline, the keystroke limit at 1M, and how the
report says so. The --full run has to end on time with every figure it could take, labelled."""

from __future__ import annotations

import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
import report  # noqa: E402
import run  # noqa: E402
import worker  # noqa: E402

DAY = 86400


def test_deadline_is_the_next_such_time_utc():
    midnight = 20_000 * DAY
    assert run.parse_deadline("01:10", now=midnight + 5 * 60) == midnight + 70 * 60  # 00:05 -> tonight's 01:10
    assert run.parse_deadline("01:10", now=midnight - 3600) == midnight + 70 * 60  # 23:00 -> after midnight
    assert run.parse_deadline("23:30", now=midnight - 3600) == midnight - 1800  # 23:00 -> the same day


def test_deadline_rejects_a_time_that_is_not_one():
    for text in ("25:00", "12:60", "1:xx", "0110"):
        try:
            run.parse_deadline(text)
        except ValueError as exc:
            assert "HH:MM" in str(exc)
        else:
            raise AssertionError(f"{text} was accepted")


def test_worker_types_no_keystroke_after_the_deadline_and_records_its_limits(tmp_path):
    import fts5

    engine = fts5.FTS5Engine()
    engine.build(iter(list(generate.papers(200))), tmp_path)
    engine.close()
    out = worker.do_query("fts5", tmp_path, 10.0, typing_time_limit=3.0, until=time.time() - 1)
    assert len(out["queries"]) == 112 and out["errors"] == 0  # the whole mix ran
    assert out["typing_done"] == 0 and out["typing_total"] > 400 and out["keystrokes"] == []
    assert out["time_limit_s"] == 10.0 and out["typing_time_limit_s"] == 3.0


def _engine(typing_p99, *, done=487, typing_stopped=0, typing_limit=None):
    return {
        "build": {"docs_per_s": 1000},
        "query": {"mix": {"p50": 50, "p95": 100, "p99": 120}, "typing": {"p50": 20, "p95": typing_p99, "p99": typing_p99},
                  "mix_timeouts": 1, "typing_timeouts": typing_stopped, "time_limit_s": 10.0,
                  "typing_time_limit_s": typing_limit or 10.0, "typing_done": done, "typing_total": 487,
                  "rss_after_mix_mb": 140},
        "cold": {"median_ms": 900},
    }


def test_report_names_the_keystroke_limit_at_1m_and_a_typing_cut_short():
    data = {
        "time_limit_s": 10.0,
        "typing_limit_1m_s": 3.0,
        "sizes": {"1000000": {"paperreader": _engine(140, done=300), "fts5": _engine(3100, typing_stopped=120, typing_limit=3.0)}},
    }
    targets = report.targets(data)
    assert "only 300 of 487 keystrokes" in next(line for line in targets.splitlines() if line.startswith("| as-you-type at 1M"))
    mix_row = next(line for line in targets.splitlines() if line.startswith("| query mix p95 at 1M"))
    assert "1 mix queries stopped at the 10 s limit, 120 typing queries at 3 s" in mix_row
    assert "At 1M, FTS5's keystrokes ran under a 3 s limit each instead: 120 of its 487 keystrokes stopped" in targets
    table = report.table(data)
    assert "1 mix (at 10 s), 120 typing (at 3 s)" in table
    assert "only 300 of 487 keystrokes typed before the run's deadline" in table
