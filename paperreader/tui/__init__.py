"""The Textual app. `run()` is imported lazily by the CLI so the core never loads Textual."""

from __future__ import annotations


def run(data_dir: str | None = None) -> int:
    from paperreader.tui.app import PaperReaderApp

    app = PaperReaderApp(data_dir=data_dir)
    app.run()
    return app.return_code or 0
