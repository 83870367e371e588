"""The main screen's side of the launch's background jobs (see `tui/launch.py`): started once the
first results are painted, then the index's progress, readiness or damage and the daily backup's
notice, turned into the screen's state (`index_ready`, `index_progress`) and notifications.

A mixin of MainScreen: it uses the screen's `launch`, `search_box`, `search()` and reactives.
"""

from __future__ import annotations

from functools import partial

import paperreader.tui.messages as msg
from paperreader.tui.launch import BACKGROUND_AFTER, sentence
from paperreader.tui.results import PAGE


class BackgroundJobs:
    def _after_first_paint(self) -> None:
        # Whoosh's import and the index's opening hold the GIL most of the time for ~0.5 s; started
        # at once they slow down what follows the first paint (the frame's write to the terminal,
        # the next refresh) by 20-40 ms. A moment's grace costs the index as much and no more.
        self.set_timer(BACKGROUND_AFTER, self._start_background)

    def _start_background(self) -> None:
        """After the first results are painted: the collector, the index, the daily backup, the search
        history, the visit."""
        self.app.resume_gc()
        if self.launch.start_background(self.app.workspace):
            self._rest_of_first_page()
            self._load_history()
            self._start_visit(self.app.workspace)

    def _rest_of_first_page(self) -> None:
        """The launch read a screenful (opening.FIRST_ROWS): the rest of its page now, so scrolling
        down at once shows rows, not placeholders."""
        result = self.result
        if result is not None and self.searches is not None and len(result.rows) < min(PAGE, result.total):
            self.searches.page(self._generation, result, 0, self.results.wants, self.results.forget_page)

    def on_index_progress(self, message: msg.IndexProgress) -> None:
        self.index_progress = (message.done, message.total, message.stage)

    def on_index_ready(self, message: msg.IndexReady) -> None:
        self.index_ready = message.error is None
        self._index_error = message.error
        self.index_progress = None
        if message.error is None:  # the box's placeholder: what this library can answer
            self.launch.fill_placeholder(self.app.workspace, partial(setattr, self.search_box, "placeholder"))
        if message.error:
            self.notify(message.error, severity="error", timeout=10, markup=False)
        elif message.notice:
            self.notify(sentence(message.notice), markup=False)
        if self.search_box.value.strip():
            self.search()

    def on_index_behind(self, message: msg.IndexBehind) -> None:
        if self.index_ready and self.app.workspace is not None:  # else a build or catch-up is on its way
            # (searches meanwhile answer from the index as it is and say it catches up; one catch-up at a time)
            self.launch.catch_up_index(self.app.workspace)  # IndexProgress, then IndexReady runs the search again

    def on_index_damaged_found(self, message: msg.IndexDamagedFound) -> None:
        if self.index_ready and self.app.workspace is not None:  # else a build is on its way already
            self.index_ready = False
            self.launch.prepare_index(self.app.workspace)  # its notice says what was wrong, and the search runs again

    def on_backup_done(self, message: msg.BackupDone) -> None:
        if message.notice:
            self.notify(sentence(message.notice), severity="warning", markup=False)
