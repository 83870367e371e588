"""config.toml as users really keep it: saved by Windows editors (a UTF-8 BOM) or linked from a
dotfiles repository (a symlink). Real files in a temp dir, read and written by paperreader.config."""

from __future__ import annotations

from paperreader.config import load, save_theme


def test_a_config_saved_with_a_bom_is_read(tmp_path):
    # Notepad and other Windows editors start UTF-8 files with a BOM; tomllib calls that
    # "Invalid statement (at line 1, column 1)" and every setting was dropped
    config = tmp_path / "config.toml"
    config.write_bytes('\ufefftheme = "nord"\n[keymap]\n"paper.star" = "x"\n'.encode("utf-8"))
    settings = load(config)
    assert settings.problems == []
    assert settings.theme == "nord" and settings.keymap == {"paper.star": "x"}


def test_saving_the_theme_keeps_a_bom_file_readable(tmp_path):
    config = tmp_path / "config.toml"
    config.write_bytes('\ufeff# mine\n[keymap]\n"paper.star" = "x"\n'.encode("utf-8"))
    save_theme(config, "nord")
    settings = load(config)
    assert settings.problems == [] and settings.theme == "nord" and settings.keymap == {"paper.star": "x"}
    assert "# mine" in config.read_text(encoding="utf-8-sig")


def test_saving_the_theme_writes_through_a_symlinked_config(tmp_path):
    # dotfiles managers (stow, chezmoi's symlink mode, home-manager) link config.toml into a
    # repository: the theme must land in the user's file, and the link must stay a link
    real = tmp_path / "dotfiles" / "paperreader.toml"
    real.parent.mkdir()
    real.write_text('# my settings\n[keymap]\n"paper.star" = "x"\n', encoding="utf-8")
    link = tmp_path / "config" / "config.toml"
    link.parent.mkdir()
    link.symlink_to(real)
    save_theme(link, "nord")
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert 'theme = "nord"' in real.read_text(encoding="utf-8") and "# my settings" in real.read_text(encoding="utf-8")
    assert load(link).theme == "nord" and load(link).keymap == {"paper.star": "x"}
    assert sorted(p.name for p in link.parent.iterdir()) == ["config.toml"]  # no temp file left beside the link
