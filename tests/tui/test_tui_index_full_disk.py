"""The reader on a full disk (s10-B): another process stores papers, the reader's catch-up finds no
room; the reader keeps running, searches the index as it was and says so in one line. Before, the
catch-up's error stopped searching ('The search index is not available: ... No space left on
device') until the reader was restarted."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from tui_helpers import WIDE, ready, screen_text, search_for, settle


@pytest.fixture
def small_disk(tmp_path):
    """An 8 MB tmpfs (root only: elsewhere skipped, saying why)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mount = tmp_path / "small"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=True)


async def test_the_reader_searches_the_old_index_when_the_disk_is_full(small_disk, template_dir, clipboard, browser, tmp_path, monkeypatch):
    import sys

    sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))  # tests/: the same disk helpers as the core's test
    from test_index_full_disk import free_kib, leave_free, orphans, papers

    from paperreader.store import Library
    from paperreader.tui.app import PaperReaderApp

    data_dir = small_disk / "data"
    shutil.copytree(template_dir, data_dir)
    monkeypatch.setenv("PAPERREADER_CONFIG_DIR", str(tmp_path / "config"))
    app = PaperReaderApp(data_dir=str(data_dir), system_copy=clipboard, url_opener=browser, environ={})
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        other = Library(data_dir / "library.sqlite3")  # the CLI's import, in another connection
        other.upsert(papers(150))
        other.close()
        leave_free(small_disk, 96)
        before = free_kib(small_disk)
        await search_for(app, pilot, "quasar")
        assert "0 papers match" in screen_text(app)  # the index as it was: none of the 150 yet
        said = [n.message for n in app._notifications if "behind" in n.message]
        assert said == [f"The search index is 150 changes behind: No space left on device in {data_dir / 'index'}; "
                        "searching it as it was until there is room"], said  # fmt: skip
        await search_for(app, pilot, "lemmatization")  # the reader goes on: the index as it was answers
        assert "Hybrid lemmatization in HuSpaCy" in screen_text(app)
        assert len([n for n in app._notifications if "behind" in n.message]) == 1  # said once
        assert orphans(data_dir / "index") == [] and free_kib(small_disk) >= before - 8
