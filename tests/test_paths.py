import subprocess
import sys
from pathlib import Path

from paperreader.paths import DATA_DIR_ENV, builtin_corpus, resolve


def test_explicit_dir_beats_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "env"))
    assert resolve(tmp_path / "flag").data_dir == tmp_path / "flag"
    assert resolve().data_dir == tmp_path / "env"


def test_platformdirs_when_nothing_given(monkeypatch):
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    paths = resolve()
    assert "paperreader" in str(paths.data_dir)
    assert paths.store.parent == paths.data_dir and paths.index_dir.parent == paths.data_dir


def test_resolving_creates_nothing(tmp_path):
    paths = resolve(tmp_path / "nowhere")
    assert not paths.data_dir.exists()


def test_importing_the_package_creates_nothing_and_loads_no_textual(tmp_path):
    code = (
        "import sys, paperreader, paperreader.cli, paperreader.workspace, paperreader.search.engine;"
        "assert 'textual' not in sys.modules, 'core imported textual';"
        "assert 'whoosh' not in sys.modules, 'whoosh loaded at import time'"
    )
    env = {"PAPERREADER_DATA_DIR": str(tmp_path / "d"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    assert not (tmp_path / "d").exists()


def test_paths_command_prints_every_location(cli, data_dir):
    result = cli("paths", "--json")
    assert result.code == 0
    assert result.json["store"] == str(data_dir / "library.sqlite3")
    assert result.json["index"] == str(data_dir / "index")
    assert not data_dir.exists()


def test_builtin_corpus_is_a_byte_copy():
    shared = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "trending-papers.txt"
    if shared.exists():
        assert builtin_corpus().read_bytes() == shared.read_bytes()
    assert builtin_corpus().stat().st_size > 200_000
