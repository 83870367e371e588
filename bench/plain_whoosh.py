"""Plain Whoosh, as a first version would use it: the before-picture the issue measured.

StemmingAnalyzer on title and abstract, title boosted, both stored in the index (highlights come
from the stored text), the default QueryParser over both fields (plus the fuzzy plugin, which the
default parser lacks, so `transfomer~` means the same as in paperreader), a new searcher per query,
Whoosh's own highlights, one writer with default settings. A per-query time limit keeps a run
bounded; hits at the limit are counted as timeouts and their (partial) results kept.
"""

from __future__ import annotations

from pathlib import Path

import common
from engines import Engine

TITLE_BOOST = 3.0
PROCS = 1  # the naive default; see bench/README.md for procs=2


class PlainWhooshEngine(Engine):
    name = "whoosh-plain"
    note = "naive schema and usage; per-query time limit, timeouts counted"

    def __init__(self, time_limit=None):
        super().__init__(time_limit)
        common.quiet_whoosh()
        self.ix = None
        self.parser = None

    def _schema(self):
        from whoosh.analysis import StemmingAnalyzer
        from whoosh.fields import ID, TEXT, Schema

        return Schema(
            id=ID(stored=True, unique=True),
            title=TEXT(analyzer=StemmingAnalyzer(), stored=True, field_boost=TITLE_BOOST),
            abstract=TEXT(analyzer=StemmingAnalyzer(), stored=True),
            authors=TEXT(stored=True),
        )

    def build(self, corpus, workdir: Path, progress=None) -> dict:
        from whoosh import index

        ix = index.create_in(str(workdir), self._schema())
        writer = ix.writer(procs=PROCS) if PROCS > 1 else ix.writer()
        done = 0
        for d in corpus:
            writer.add_document(id=d["id"], title=d["title"], abstract=d["abstract"], authors="; ".join(d["authors"]))
            done += 1
            if progress and done % 1000 == 0:
                progress(done)
        if progress:
            progress(done)
        writer.commit()
        return {"docs": done, "procs": PROCS}

    def open(self, workdir: Path) -> None:
        from whoosh import index
        from whoosh.qparser import FuzzyTermPlugin, MultifieldParser

        self.ix = index.open_dir(str(workdir))
        self.parser = MultifieldParser(["title", "abstract"], self.ix.schema)
        self.parser.add_plugin(FuzzyTermPlugin())

    def search(self, query: str, limit: int = 20, highlight: bool = True) -> list[dict]:
        from whoosh.collectors import TimeLimit, TimeLimitCollector

        q = self.parser.parse(query)
        with self.ix.searcher() as s:
            collector = s.collector(limit=limit)
            if self.time_limit:
                collector = TimeLimitCollector(collector, timelimit=self.time_limit)
            try:
                s.search_with_collector(q, collector)
            except TimeLimit:
                self.timeouts += 1
            results = collector.results()
            hits = []
            for hit in results:
                text = ""
                if highlight:
                    title = hit.highlights("title") or hit["title"]
                    text = title + " … " + hit.highlights("abstract")
                hits.append({"id": hit["id"], "title": hit["title"], "score": hit.score, "highlights": text})
            return hits

    def close(self) -> None:
        if self.ix is not None:
            self.ix.close()
            self.ix = None
