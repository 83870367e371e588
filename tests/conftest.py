"""Shared fixtures: a fresh data dir per test, and the CLI run in-process."""

from __future__ import annotations

import json
import os
import subprocess
import warnings
from pathlib import Path

import pytest

# whoosh 2.7.4 has invalid escape sequences; Python 3.12+ warns at import. Harmless; silenced here only.
warnings.filterwarnings("ignore", category=SyntaxWarning)

SHARED = Path(__file__).resolve().parents[2] / "shared"
FIXTURES = SHARED / "fixtures"


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    """An empty per-test data dir, also set in the environment so nothing touches the real one."""
    path = tmp_path / "data"
    monkeypatch.setenv("PAPERREADER_DATA_DIR", str(path))
    monkeypatch.setenv("PAPERREADER_CONFIG_DIR", str(tmp_path / "config"))
    return path


class CliResult:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    @property
    def json(self):
        return json.loads(self.out)


@pytest.fixture
def cli(data_dir, capsys):
    """Run `paperreader ARGS...` in-process against the test's data dir."""
    from paperreader.cli import main

    def run(*args: str) -> CliResult:
        code = main(["--data-dir", str(data_dir), *args])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture
def workspace(data_dir):
    from paperreader.paths import resolve
    from paperreader.workspace import Workspace

    ws = Workspace.open(resolve(data_dir))
    ws.ensure_index()
    yield ws
    ws.close()


@pytest.fixture
def tiny_disk(tmp_path):
    """A 1.2 MB tmpfs, for a full disk (root only: elsewhere the test is skipped, saying why)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mount = tmp_path / "tiny"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1200k", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    yield mount
    subprocess.run(["umount", str(mount)], check=True)
