"""An empty data dir ("", an unset variable in a script) is refused by the seam every entry goes
through (paths.resolve), as the CLI refuses `--data-dir ""`: it would be the current folder, and a
library would be made there. None still means the default."""

from __future__ import annotations

import pytest

from paperreader.paths import DATA_DIR_ENV, resolve


@pytest.mark.parametrize("given", ["", "  ", "\t"])
def test_an_empty_data_dir_is_refused(tmp_path, monkeypatch, given):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match="the data dir is empty"):
        resolve(given)
    assert list(tmp_path.iterdir()) == []


def test_the_reader_refuses_it_too(tmp_path, monkeypatch):
    from paperreader.tui.app import PaperReaderApp

    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match="the data dir is empty"):
        PaperReaderApp(data_dir="")
    assert list(tmp_path.iterdir()) == []


def test_none_and_an_empty_variable_mean_the_default(monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV, "")
    assert resolve(None).data_dir == resolve().data_dir and "paperreader" in str(resolve().data_dir)
