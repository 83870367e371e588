"""paperreader itself, driven through its public API: a data dir, its library (truth), its index.

The workdir is a paperreader data dir, so the TUI timings can open the same library. Import is
what a user's import costs: papers upserted into the store in batches, then the index built
from the store (both timed; the split is recorded). The adapter follows the core API
(`paperreader.workspace.Workspace`, `paths.resolve`, `SearchEngine.search`); if that API moves,
this file is the one place to change.
"""

from __future__ import annotations

import time
from pathlib import Path

import common
from engines import Engine, NotAvailable, batched

BATCH = 5000


def _api():
    try:
        common.quiet_whoosh()
        from paperreader import paths
        from paperreader.workspace import Workspace
    except ImportError as exc:
        raise NotAvailable(f"the core API is not there yet ({exc})") from None
    return paths, Workspace


class PaperreaderEngine(Engine):
    name = "paperreader"
    note = "store (SQLite) + Whoosh index via paperreader.workspace; highlights from the store"

    def __init__(self, time_limit=None):
        super().__init__(time_limit)  # paperreader bounds its own expansions; no limit is imposed
        self.ws = None

    @classmethod
    def check(cls) -> None:
        _paths, workspace = _api()
        for attr in ("open", "ensure_index"):
            if not hasattr(workspace, attr):
                raise NotAvailable(f"paperreader.workspace.Workspace has no {attr}() yet")

    def _open(self, workdir: Path):
        paths, Workspace = _api()
        return Workspace.open(paths.resolve(workdir).ensure(), seed=False)

    def build(self, corpus, workdir: Path, progress=None) -> dict:
        import generate

        ws = self._open(workdir)
        done, started = 0, time.perf_counter()
        for batch in batched(corpus, BATCH):
            ws.library.upsert([generate.to_paper(d) for d in batch])
            done += len(batch)
            if progress:
                progress(done)
        stored = time.perf_counter()
        ws.ensure_index(lambda k, total: progress(k) if progress else None)
        indexed = time.perf_counter()
        ws.close()
        return {"docs": done, "store_s": stored - started, "index_s": indexed - stored}

    def open(self, workdir: Path) -> None:
        self.ws = self._open(workdir)
        self.ws.ensure_index()

    def search(self, query: str, limit: int = 20, highlight: bool = True) -> list[dict]:
        results = self.ws.engine.search(query, limit=limit, highlight=highlight)
        hits = []
        for hit in results.hits:
            text = " … ".join(h.text for h in hit.highlights) if highlight else ""
            hits.append({"id": hit.id, "title": hit.record.title, "score": hit.score, "highlights": text})
        return hits

    def sizes(self, workdir: Path) -> dict:
        paths, _ = _api()
        p = paths.resolve(workdir)
        index = common.dir_size_mb(p.index_dir)
        store = sum(f.stat().st_size for f in p.store.parent.glob(p.store.name + "*")) / 1e6
        return {"index_mb": index, "total_mb": index + store, "store_mb": store}

    def close(self) -> None:
        if self.ws is not None:
            self.ws.close()
            self.ws = None
