"""The theme line T saves lands above the tables a user may uncomment. The config.toml paperreader
writes (its example settings, commented) got `theme = "..."` appended at its end, below `# [keymap]`:
a user who then uncommented the example keymap, as the file invites, made the theme a key binding
("keymap 'theme': 'dracula' is not a key name") and lost it; under `[reader]` it was silently dropped."""

from __future__ import annotations

from paperreader.config import load, save_theme


def _uncomment(text: str) -> str:
    return "\n".join(line[2:] if line.startswith(("# [", '# "', "# mark_read")) else line for line in text.splitlines()) + "\n"


def test_the_theme_saved_in_a_new_file_survives_uncommenting_its_examples(tmp_path):
    path = tmp_path / "config.toml"
    save_theme(path, "dracula")
    assert load(path).theme == "dracula"
    path.write_text(_uncomment(path.read_text()))
    settings = load(path)
    assert settings.problems == []
    assert settings.theme == "dracula"
    assert settings.keymap == {"paper.star": "s,*", "results.down": "j,down,ctrl+n"}
    assert settings.mark_read_after == 0.0
    save_theme(path, "nord")  # saved again: the same line changes, nothing else
    assert load(path).theme == "nord" and [line for line in path.read_text().splitlines() if line.startswith("theme")] == ['theme = "nord"']


def test_a_users_file_with_commented_tables_keeps_the_theme_above_them(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('# mine\n# [keymap]\n# "paper.star" = "x"\n', encoding="utf-8")
    save_theme(path, "gruvbox")
    path.write_text(_uncomment(path.read_text()))
    settings = load(path)
    assert (settings.theme, settings.keymap, settings.problems) == ("gruvbox", {"paper.star": "x"}, [])
    assert path.read_text().startswith("# mine\n")


def test_a_file_without_tables_gets_the_theme_at_its_end_as_before(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("# just a comment\n", encoding="utf-8")
    save_theme(path, "nord")
    assert path.read_text() == '# just a comment\ntheme = "nord"\n'
