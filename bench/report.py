"""The readable table of a run: one Markdown table per corpus size, engines side by side.

Kept apart from run.py so a saved JSON can be printed again: `python bench/report.py FILE`.
"""

from __future__ import annotations

import json
import sys


def _ms(v) -> str:
    if v is None:
        return "–"
    return f"{v:,.0f} ms" if v >= 10 else f"{v:.1f} ms"


def _trio(s: dict | None) -> str:
    if not s:
        return "–"
    return " / ".join(_ms(s.get(k)).replace(" ms", "") for k in ("p50", "p95", "p99")) + " ms"


def _mb(v) -> str:
    return "–" if v is None else f"{v:,.1f} MB" if v < 100 else f"{v:,.0f} MB"


def _import_peak(b: dict) -> str:
    """The import process's peak, plus the largest helper process's where the import used helpers."""
    helpers = b.get("children_peak_rss_mb") or 0
    return _mb(b.get("peak_rss_mb")) + (f" (+ {_mb(helpers)} per helper process)" if helpers > 1 else "")


def _rows(r: dict) -> dict:
    b, q, c = r.get("build") or {}, r.get("query") or {}, r.get("cold") or {}
    kinds = q.get("mix_by_kind") or {}
    timeouts = (q.get("mix_timeouts") or 0, q.get("typing_timeouts") or 0)
    return {
        "import": f"{b['docs_per_s']:,.0f} papers/s" if b.get("docs_per_s") else "–",
        "index size (index / all on disk)": f"{_mb(b.get('index_mb'))} / {_mb(b.get('total_mb'))}" if b else "–",
        "query mix p50 / p95 / p99": _trio(q.get("mix")),
        "prefix (`transf*`-like) p95": _ms((kinds.get("prefix") or {}).get("p95")),
        "fuzzy (`transfomer~`-like) p95": _ms((kinds.get("fuzzy") or {}).get("p95")),
        "as-you-type p50 / p95 / p99": _trio(q.get("typing")),
        "CPU time only: mix p95 / typing p99": f"{_ms((q.get('mix_cpu') or {}).get('p95'))} / {_ms((q.get('typing_cpu') or {}).get('p99'))}" if q.get("mix_cpu") else "–",
        "cold start to first results": _ms(c.get("median_ms")),
        "peak memory: import / queries": f"{_import_peak(b)} / {_mb(q.get('peak_rss_mb'))}" if b else "–",
        "memory after the query mix": _mb(q.get("rss_after_mix_mb")),
        "queries stopped at the time limit": f"{timeouts[0]} mix, {timeouts[1]} typing" if q else "–",
        "code measured (git)": r.get("code", "–"),
        "error": r.get("error", ""),
    }


def _hit_diffs(r: dict, base: dict | None) -> str:
    """How often this engine's number of hits (of 20) differs from the baseline's, mix / typing."""
    q, b = r.get("query") or {}, (base or {}).get("query") or {}
    if not q or not b or r is base:
        return "–"
    pairs = [(x, y) for key in ("queries", "keystrokes") for x, y in zip(q.get(key, []), b.get(key, []))]
    mix = sum(1 for x, y in zip(q.get("queries", []), b.get("queries", [])) if x["hits"] != y["hits"])
    return f"{mix} / {sum(1 for x, y in pairs if x['hits'] != y['hits']) - mix}"


def table(data: dict) -> str:
    out = []
    m = data.get("machine", {})
    out.append(f"{m.get('date', '')} · {m.get('nproc')} cores · {m.get('cpu', '')} · Python {m.get('python')} "
               f"· SQLite {m.get('sqlite')} · Whoosh {m.get('whoosh')} · Textual {m.get('textual')} · git {m.get('git')}")  # fmt: skip
    out.append(f"command: `{m.get('command', '')}`")
    load = [m.get("loadavg_at_start"), m.get("loadavg_at_end")]
    if all(load):
        out.append(f"load average (1/5/15 min) at start {load[0]}, at end {load[1]} (other work shares the machine)")
    if m.get("beside_another_run"):
        out.append("WARNING: another benchmark run was going at the same time (--no-wait): figures are skewed")
    for name, why in (data.get("skipped") or {}).items():
        out.append(f"skipped {name}: {why}")
    for n, per_engine in (data.get("sizes") or {}).items():
        names = list(per_engine)
        rows = {name: _rows(per_engine[name]) for name in names}
        if "fts5" in per_engine:
            for name in names:
                rows[name]["hit counts differ from fts5's (mix / typing)"] = _hit_diffs(per_engine[name], per_engine["fts5"])
        out.append("")
        out.append(f"| {int(n):,} papers | " + " | ".join(names) + " |")
        out.append("|---|" + "---|" * len(names))
        for label in max(rows.values(), key=len, default={}):
            cells = [rows[name][label] for name in names]
            if label == "error" and not any(cells):
                continue
            out.append(f"| {label} | " + " | ".join(cells) + " |")
    notes = data.get("notes") or {}
    if notes:
        out.append("")
        out.extend(f"- {name}: {note}" for name, note in notes.items() if note)
    tui = data.get("tui")
    if tui:
        out.append("")
        out.append("| TUI (Pilot, headless) | launch to first paint / results | keystroke to results painted p50 / p95 |")
        out.append("|---|---|---|")
        for name, r in tui.items():
            if r.get("skipped"):
                out.append(f"| {name} | skipped: {r['skipped']} | |")
                continue
            key = r.get("keystroke") or {}
            out.append(f"| {name} | {_ms(r.get('launch_median_ms'))} | {_ms(key.get('p50'))} / {_ms(key.get('p95'))} |")
    return "\n".join(out)


if __name__ == "__main__":
    print(table(json.loads(open(sys.argv[1]).read())))
