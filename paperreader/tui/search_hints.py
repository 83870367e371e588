"""The search box's placeholder, from what this library can answer (authors? years? arXiv ids?).

A mixin of the main screen: once the index is ready, a worker asks the engine (which reads the
index) and the box's placeholder is set from the answer. Textual calls this `on_index_ready`
as well as the screen's own (handlers of every class in the MRO run).
"""

from __future__ import annotations

from textual import work

import paperreader.tui.messages as msg


class SearchHints:
    """Expects `search_box` and `app.workspace` (the main screen)."""

    def on_index_ready(self, message: msg.IndexReady) -> None:
        if message.error is None and self.app.workspace is not None:
            self._fill_placeholder(self.app.workspace)

    @work(thread=True, exit_on_error=False, group="placeholder")
    def _fill_placeholder(self, workspace) -> None:
        try:
            text = workspace.engine.placeholder()
        except Exception:  # the index went away meanwhile: the default placeholder stays
            return
        self.app.call_from_thread(setattr, self.search_box, "placeholder", text)
