"""PAPERREADER_DATA_DIR set to blanks (`export PAPERREADER_DATA_DIR=" $DIR"` with DIR unset) made
a library in a folder named '  ' in the current folder, what the empty check on --data-dir prevents.
Blank is now read as unset, as an empty value already was: the default data dir."""

from __future__ import annotations

import os

from paperreader.paths import DATA_DIR_ENV, resolve


def test_a_blank_environment_variable_means_the_default(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    default = resolve().data_dir
    for blank in ("", "  ", "\t", " \n"):
        monkeypatch.setenv(DATA_DIR_ENV, blank)
        assert resolve().data_dir == default, repr(blank)
    assert os.listdir(tmp_path) == []


def test_a_real_value_around_blanks_is_still_a_folder(tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "lib"))
    assert resolve().data_dir == tmp_path / "lib"


def test_a_blank_config_dir_variable_means_the_default(tmp_path, monkeypatch):
    """PAPERREADER_CONFIG_DIR="  " was a folder named '  ' in the current one: saving the theme (T)
    made it there, and the config.toml beside the data dir was not read."""
    from paperreader.config import save_theme
    from paperreader.paths import CONFIG_DIR_ENV

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(CONFIG_DIR_ENV, raising=False)
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "lib"))
    beside = resolve().config_dir
    monkeypatch.delenv(DATA_DIR_ENV)
    default = resolve().config_dir
    for blank in ("  ", "\t"):
        monkeypatch.setenv(CONFIG_DIR_ENV, blank)
        assert resolve().config_dir == default, repr(blank)
        assert resolve(tmp_path / "lib").config_dir == beside == tmp_path / "lib", repr(blank)
        save_theme(resolve(tmp_path / "lib").config_file, "nord")
    assert os.listdir(tmp_path) == ["lib"]
