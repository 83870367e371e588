"""What pruning the change log costs: a big import's worth of change rows, deleted as the index's
catch-up or rebuild deletes them (store/change_log.prune: PRUNE_CHUNK rows per transaction).

    python bench/change_log_prune.py                 # 100k and 1M rows
    python bench/change_log_prune.py --rows 250000

Prints, per size: the seconds to write the rows (one transaction), to read them back as the
catch-up does (`changes_since`), to prune them, and the store's size before and after (SQLite keeps
freed pages in the file for the next writes; the log stops growing instead of shrinking the file).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from paperreader.store import Library  # noqa: E402
from paperreader.store.change_log import record_changes  # noqa: E402


def one(rows: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        library = Library(Path(tmp) / "library.sqlite3")
        try:
            ids = [f"arxiv:2401.{i:05d}" for i in range(1000)]
            started = time.perf_counter()
            with library.db.write() as conn:
                record_changes(conn, (ids[i % len(ids)] for i in range(rows)))
            written = time.perf_counter() - started
            size = os.path.getsize(library.path) + os.path.getsize(f"{library.path}-wal")
            started = time.perf_counter()
            top, changed = library.changes_since(0)
            read = time.perf_counter() - started
            started = time.perf_counter()
            deleted = library.prune_changes(top)
            pruned = time.perf_counter() - started
            left = library.db.scalar("SELECT count(*) FROM changes")
            after = os.path.getsize(library.path) + os.path.getsize(f"{library.path}-wal")
        finally:
            library.close()
    return {"rows": rows, "write_s": written, "read_s": read, "prune_s": pruned, "deleted": deleted, "left": left,
            "bytes_before": size, "bytes_after": after}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, action="append", help="rows in the log (repeatable); default 100k and 1M")
    args = parser.parse_args()
    print(f"{'rows':>10} {'write s':>8} {'read s':>7} {'prune s':>8} {'rows/s pruned':>14} {'left':>5} {'MB before':>10} {'MB after':>9}")
    for rows in args.rows or [100_000, 1_000_000]:
        r = one(rows)
        print(f"{r['rows']:>10,} {r['write_s']:>8.2f} {r['read_s']:>7.2f} {r['prune_s']:>8.2f} {r['deleted'] / r['prune_s']:>14,.0f}"
              f" {r['left']:>5} {r['bytes_before'] / 1e6:>10.1f} {r['bytes_after'] / 1e6:>9.1f}")


if __name__ == "__main__":
    main()
