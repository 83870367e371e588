"""Every action of the app in the command palette, named as the help screen names it.

The list comes from the catalogue of bindings (`keys.palette_entries`) for the main screen, so a
new binding shows up here by itself. The catalogue imports every screen: it is imported when the
palette first asks, not with the app.
"""

from __future__ import annotations

from functools import partial

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape


class ActionsProvider(Provider):
    def _commands(self):
        from paperreader.tui.keys import palette_entries
        from paperreader.tui.screens.main import MainScreen

        if not isinstance(self.screen, MainScreen):
            return []
        # the palette reads help as markup: escape it (saved-search queries are user text)
        return [(name, escape(help_text), callback) for name, help_text, callback in palette_entries(self.screen)]

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(Text(name), callback, text=name, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, _highlight(matcher, name), partial(callback), text=name, help=help_text)


def _highlight(matcher, candidate: str) -> Text:
    """The matched letters in bold, built as Text (the stock highlighter parses markup)."""
    text = Text(candidate)
    score, offsets = matcher.fuzzy_search.match(matcher.query, candidate)
    if score:
        for offset in offsets:
            text.stylize("bold reverse", offset, offset + 1)
    return text
