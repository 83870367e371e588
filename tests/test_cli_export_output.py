"""`export -o PATH` (issue 10, case 8): regular files only, through a temporary file in the same
folder, fsync and rename; an existing file keeps its mode; the library's own files (resolved through
symlinks) and anything that is not a regular file (a folder, /dev/null, a FIFO, a symlink to one)
are refused in one line, exit 2, and left as they were; `-o -` is standard output."""

from __future__ import annotations

import hashlib
import os
import stat

import pytest


@pytest.fixture
def library(cli, data_dir):
    assert cli("stats").code == 0  # the built-in corpus
    return data_dir


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def refused(done) -> None:
    assert done.code == 2, (done.code, done.err)
    assert done.out == ""
    assert len(done.err.strip().splitlines()) == 1, done.err
    assert "Traceback" not in done.err and "Error" not in done.err.split(":")[0]


def test_the_library_files_are_refused_also_through_a_symlink(cli, library, tmp_path):
    store = library / "library.sqlite3"
    before = digest(store)
    link = tmp_path / "innocent.md"
    link.symlink_to(store)
    for target in (store, link, library / "library.sqlite3-wal", library / "library.sqlite3-shm", tmp_path / ".." / tmp_path.name / "data" / "library.sqlite3"):
        done = cli("export", "-o", str(target))
        refused(done)
        assert "library" in done.err
    assert digest(store) == before
    assert link.is_symlink() and os.readlink(link) == str(store)
    assert cli("stats", "--json").json["papers"] > 0


def test_a_hard_link_to_the_library_is_refused(cli, library, tmp_path):
    store = library / "library.sqlite3"
    hard = tmp_path / "hard.md"
    os.link(store, hard)
    refused(cli("export", "-o", str(hard)))
    assert os.stat(hard).st_ino == os.stat(store).st_ino


def test_things_that_are_not_regular_files_are_refused(cli, library, tmp_path):
    """Never the real /dev/null (a broken check would replace it for the whole machine): a FIFO, a
    folder, and a character device of our own (1, 3 is null) where this user may make one."""
    targets = tmp_path / "targets"
    targets.mkdir()
    fifo = targets / "fifo"
    os.mkfifo(fifo)
    folder = targets / "folder"
    folder.mkdir()
    cases = [fifo, folder]
    null = targets / "null"
    try:
        os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, OSError):
        null = None
    else:
        to_null = targets / "to-null"
        to_null.symlink_to(null)
        cases += [null, to_null]
    for target in cases:
        done = cli("export", "-o", str(target))
        refused(done)
        assert "regular file" in done.err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert folder.is_dir() and list(folder.iterdir()) == []
    if null is not None:
        assert stat.S_ISCHR(os.lstat(null).st_mode)
        assert to_null.is_symlink() and os.readlink(to_null) == str(null)
    assert sorted(p.name for p in targets.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o600, 0o664])
def test_an_existing_file_keeps_its_mode(cli, library, tmp_path, mode):
    target = tmp_path / "papers.md"
    target.write_text("old\n")
    os.chmod(target, mode)
    done = cli("export", "-o", str(target))
    assert done.code == 0, done.err
    assert stat.S_IMODE(os.stat(target).st_mode) == mode
    assert target.read_text().startswith("# Papers")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temporary left


def test_a_new_file_gets_the_usual_mode(cli, library, tmp_path):
    old = os.umask(0o022)
    try:
        done = cli("export", "--format", "csv", "-o", str(tmp_path / "new.csv"))
    finally:
        os.umask(old)
    assert done.code == 0, done.err
    assert stat.S_IMODE(os.stat(tmp_path / "new.csv").st_mode) == 0o644


def test_a_symlink_to_a_regular_file_is_written_through_and_kept(cli, library, tmp_path):
    real = tmp_path / "real.bib"
    real.write_text("old\n")
    os.chmod(real, 0o644)
    link = tmp_path / "link.bib"
    link.symlink_to(real)
    done = cli("export", "--format", "bibtex", "-o", str(link))
    assert done.code == 0, done.err
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text().startswith("@")
    assert stat.S_IMODE(os.stat(real).st_mode) == 0o644


def test_dash_is_standard_output(cli, library, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    done = cli("export", "-o", "-")
    assert done.code == 0, done.err
    assert done.out.startswith("# Papers")
    assert not (tmp_path / "-").exists()


def test_a_missing_folder_is_one_line(cli, library, tmp_path):
    refused(cli("export", "-o", str(tmp_path / "nope" / "out.md")))


def test_the_settings_file_and_import_checkpoints_are_refused(cli, library, tmp_path):
    """An export once replaced config.toml with a JSON backup (the keymap and theme were lost)."""
    config = tmp_path / "config" / "config.toml"  # PAPERREADER_CONFIG_DIR (conftest)
    config.parent.mkdir(exist_ok=True)
    config.write_text('theme = "nord"\n', encoding="utf-8")
    link = tmp_path / "settings.md"
    link.symlink_to(config)
    (library / "imports").mkdir(exist_ok=True)
    for target in (config, link, library / "imports" / "x.json"):
        refused(cli("export", "--format", "json", "-o", str(target)))
    assert config.read_text(encoding="utf-8") == 'theme = "nord"\n'
    assert not (library / "imports" / "x.json").exists()
