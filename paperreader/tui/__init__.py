"""The Textual app. `run()` is imported lazily by the CLI so the core never loads Textual."""

from __future__ import annotations


def run(data_dir: str | None = None) -> int:
    import gc

    from paperreader.search.memory import limit_arenas

    limit_arenas()  # before Textual's threads: one malloc arena, not one a search thread (search/memory.py)
    # The cyclic collector ran ~130 times (~30 ms CPU) while Textual and the app were imported and
    # the first frame drawn, for garbage that can wait: paused until the first results are painted
    # (the app resumes it: PaperReaderApp.resume_gc).
    paused = gc.isenabled()
    gc.disable()
    try:
        from paperreader.tui.app import PaperReaderApp

        app = PaperReaderApp(data_dir=data_dir)
        app.gc_paused = paused
        app.run()
    finally:
        if paused:
            gc.enable()
    return app.return_code or 0
