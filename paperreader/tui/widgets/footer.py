"""Textual's Footer, rebuilt only when the keys it shows change.

Textual's Footer rebuilds itself whole (every key widget made again: ~10 ms, then a layout)
each time the screen's bindings may have changed: at launch that is five times (screen pushed,
focus set, app focus) for the same keys, and the rebuilds queued behind the first paint delayed
the first results by two more layouts. Here a rebuild is queued at most once per refresh, and is
skipped when the keys, their labels and states are what is already shown. The keys are composed
with the screen, so the first frame has them.
"""

from __future__ import annotations

from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    _queued = False
    _shown: tuple | None = None

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.set_reactive(TextualFooter._bindings_ready, True)  # the keys are in the first frame

    def compose(self):
        self._shown = self._showing()
        yield from super().compose()

    def bindings_changed(self, screen) -> None:
        if self._queued:
            self._bindings_ready = True
            return
        self._queued = True
        self.call_after_refresh(self._unqueue)  # runs before the recompose queued below
        super().bindings_changed(screen)

    def _unqueue(self) -> None:
        self._queued = False

    def _showing(self) -> tuple:
        """What compose() would show now."""
        app = self.app
        keys = tuple(
            (key, binding.action, app.get_key_display(binding), binding.description, binding.show, binding.group, enabled, tooltip)
            for key, (_, binding, enabled, tooltip) in self.screen.active_bindings.items()
        )
        return (self._bindings_ready, self.compact, self.show_command_palette, self.combine_groups, keys)

    async def recompose(self) -> None:
        showing = self._showing() if self.is_attached else None
        if showing is not None and showing == self._shown:
            return
        self._shown = showing
        await super().recompose()
