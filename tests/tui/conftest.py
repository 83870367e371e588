"""Pilot-test fixtures: a real library and index per test, copied from one built per session."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pytest

warnings.filterwarnings("ignore", category=SyntaxWarning)

@pytest.fixture(scope="session")
def template_dir(tmp_path_factory) -> Path:
    """The built-in corpus, imported and indexed once for the whole session."""
    from paperreader.paths import resolve
    from paperreader.workspace import Workspace

    path = tmp_path_factory.mktemp("template") / "data"
    ws = Workspace.open(resolve(path))
    ws.ensure_index()
    ws.close()
    return path


@pytest.fixture
def library_dir(template_dir, tmp_path, monkeypatch) -> Path:
    """A private copy of the template library; config goes beside it, the environment points at it."""
    path = tmp_path / "data"
    shutil.copytree(template_dir, path)
    monkeypatch.setenv("PAPERREADER_DATA_DIR", str(path))
    monkeypatch.setenv("PAPERREADER_CONFIG_DIR", str(tmp_path / "config"))
    for name in ("SSH_TTY", "SSH_CONNECTION", "SSH_CLIENT"):
        monkeypatch.delenv(name, raising=False)
    return path


@pytest.fixture
def library(library_dir):
    """The store of the test's data dir, opened beside the app (a second connection, like the CLI)."""
    from paperreader.store import Library

    lib = Library(library_dir / "library.sqlite3")
    yield lib
    lib.close()


class Recorder:
    """A stand-in for the system clipboard or the browser that remembers what it was given."""

    def __init__(self, fail: bool = False, result: bool = True) -> None:
        self.calls: list[str] = []
        self.fail, self.result = fail, result

    def __call__(self, text: str):
        self.calls.append(text)
        if self.fail:
            raise RuntimeError("pyperclip could not find a copy/paste mechanism for your system")
        return self.result


@pytest.fixture
def clipboard() -> Recorder:
    return Recorder()


@pytest.fixture
def browser() -> Recorder:
    return Recorder()


@pytest.fixture
def make_app(library_dir, clipboard, browser):
    from paperreader.tui.app import PaperReaderApp

    def make(**kwargs):
        kwargs.setdefault("system_copy", clipboard)
        kwargs.setdefault("url_opener", browser)
        kwargs.setdefault("environ", {})
        return PaperReaderApp(data_dir=str(library_dir), **kwargs)

    return make
