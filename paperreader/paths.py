"""Every location on disk, decided in one place.

Precedence: an explicit `--data-dir` beats `PAPERREADER_DATA_DIR`, which beats the per-user
directories from platformdirs. Nothing here creates a directory; callers that write ask
`Paths.ensure()` first.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

APP_NAME = "paperreader"
DATA_DIR_ENV = "PAPERREADER_DATA_DIR"
CONFIG_DIR_ENV = "PAPERREADER_CONFIG_DIR"
STORE_SIDES = ("", "-wal", "-shm", "-journal")  # the store and the files SQLite keeps beside it


class Paths(NamedTuple):  # not a dataclass: ~0.4 ms less at the reader's launch (model.Link)
    """The resolved locations for one run."""

    data_dir: Path
    config_dir: Path

    @property
    def store(self) -> Path:
        """The SQLite library: the one source of truth."""
        return self.data_dir / "library.sqlite3"

    @property
    def store_files(self) -> list[Path]:
        """The store and its -wal/-shm/-journal: files nothing may open() beside a live connection."""
        return [Path(f"{self.store}{side}") for side in STORE_SIDES]

    @property
    def index_dir(self) -> Path:
        """The Whoosh index: a cache of the store, safe to delete."""
        return self.data_dir / "index"

    @property
    def backups_dir(self) -> Path:
        return self.data_dir / "backups"

    @property
    def config_file(self) -> Path:
        """User settings (keymap, theme), TOML."""
        return self.config_dir / "config.toml"

    @property
    def import_state_dir(self) -> Path:
        """Checkpoints of long imports, so they can resume."""
        return self.data_dir / "imports"

    def ensure(self) -> "Paths":
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return self

    def as_dict(self) -> dict[str, str]:
        return {
            "data_dir": str(self.data_dir),
            "store": str(self.store),
            "index": str(self.index_dir),
            "backups": str(self.backups_dir),
            "config": str(self.config_file),
        }


class EmptyDataDir(ValueError):
    """A data dir given as "" (an unset variable in a script): it would be the current folder, and a
    library made there. None means the default; the CLI refuses `--data-dir ""` the same way."""

    def __init__(self) -> None:
        super().__init__("the data dir is empty: give a folder, or none for the default")


def resolve(data_dir: str | os.PathLike[str] | None = None) -> Paths:
    """Work out where things live for this run, without touching the disk; an empty data dir
    ("", or only spaces) raises EmptyDataDir instead of meaning the current folder."""
    import platformdirs  # imported here: no work at import time

    if isinstance(data_dir, (str, bytes)) and not data_dir.strip():
        raise EmptyDataDir()
    if data_dir is None:
        data_dir = _environment(DATA_DIR_ENV)
    config = _environment(CONFIG_DIR_ENV)
    if data_dir is not None:
        base = Path(data_dir).expanduser().absolute()
        return Paths(data_dir=base, config_dir=Path(config).expanduser() if config else base)
    return Paths(
        data_dir=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
        config_dir=Path(config).expanduser()
        if config
        else Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
    )


def _environment(name: str) -> str | None:
    """A folder named in the environment; blank is unset, as empty is (not a folder named '  ' in
    the current one, where saving the theme would make it)."""
    value = os.environ.get(name, "")
    return value if value.strip() else None


def builtin_corpus() -> Path:
    """The corpus shipped inside the package."""
    return Path(__file__).parent / "data" / "trending-papers.txt"
