"""Every action of the app in the command palette, named as the help screen names it.

The list comes from the screen (`palette_commands()`), so a new binding shows up here by itself.
"""

from __future__ import annotations

from functools import partial

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape


class ActionsProvider(Provider):
    def _commands(self):
        commands = getattr(self.screen, "palette_commands", None)
        # the palette reads help as markup: escape it (saved-search queries are user text)
        return [(name, escape(help_text), callback) for name, help_text, callback in commands()] if commands else []

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
