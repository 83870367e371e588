"""Jump to a paper by title from the command palette.

Candidates are the rows already loaded (instant) and a title search of the index (in a thread,
so the palette never waits); titles are untrusted and shown as Text, never markup.
"""

from __future__ import annotations

import asyncio
import re

from rich.text import Text
from textual.command import Hit, Hits, Provider

from paperreader.tui.providers.commands import _highlight

MAX_HITS = 30


def title_query(query: str) -> str | None:
    """A safe title: query from what was typed; the last word is a prefix once it is long enough."""
    words = re.findall(r"[^\W_]+", query)
    if not words:
        return None
    last = words[-1]
    parts = [f"title:{w}" for w in words[:-1]]
    parts.append(f"title:{last}*" if len(last) >= 4 else f"title:{last}")
    return " ".join(parts)


class PapersProvider(Provider):
    async def search(self, query: str) -> Hits:
        screen = self.screen
        if not hasattr(screen, "loaded_records") or len(query.strip()) < 2:
            return
        matcher = self.matcher(query)
        seen: set[str] = set()
        for record in screen.loaded_records(limit=500):
            score = matcher.match(record.title)
            if score > 0:
                seen.add(record.id)
                yield self._hit(score, matcher, record, screen)
        engine_query = title_query(query)
        fetcher = getattr(screen, "fetcher", None)
        if engine_query is None or fetcher is None or not getattr(screen, "index_ready", False):
            return
        try:
            found = await asyncio.to_thread(fetcher.ws.engine.search, engine_query, limit=MAX_HITS, highlight=False)
        except Exception:  # a query the engine cannot run, or a busy index: the loaded rows are enough
            return
        for hit in found.hits:
            if hit.id not in seen:
                seen.add(hit.id)
                score = matcher.match(hit.record.title) or 0.1
                yield self._hit(score, matcher, hit.record, screen)

    def _hit(self, score: float, matcher, record, screen) -> Hit:
        prompt = Text.assemble(("Open paper: ", "dim"))
        prompt.append_text(_highlight(matcher, record.title))
        if record.authors:
            authors = ", ".join(record.authors[:3]) + (" et al." if len(record.authors) > 3 else "")
            prompt.append(f"  {authors}", style="dim italic")
        return Hit(score, prompt, lambda: screen.open_paper(record.id), text=record.title)
