"""Command palette providers: every action, and jumping to a paper by its title."""

from paperreader.tui.providers.commands import ActionsProvider
from paperreader.tui.providers.papers import PapersProvider

__all__ = ["ActionsProvider", "PapersProvider"]
