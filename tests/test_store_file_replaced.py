"""A change is refused, with a one-line StoreError naming the store, when the library file this
process opened is no longer the one at its path: the data dir moved or deleted while the reader
ran, or another process put a restored copy in its place. Before, SQLite went on writing into the
file it had open: in tmux, `rm -rf` of the data dir under a running reader, then `s`, said
"Starred ..." and the star went into a file no one could open again."""

from __future__ import annotations

import os
import shutil
import sqlite3

import pytest

from paperreader.model import Paper
from paperreader.store import Library, StoreError


def made(path, titles=("First paper", "Second paper")) -> list[str]:
    library = Library(path)
    library.upsert([Paper(title=t, abstract=f"About {t}.") for t in titles])
    ids = library.list_ids()
    library.close()
    return ids


def starred_in(path) -> set[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {r[0] for r in conn.execute("SELECT paper_id FROM stars")}
    finally:
        conn.close()


def test_a_moved_data_dir_refuses_the_change_and_leaves_the_moved_file_alone(tmp_path):
    store = tmp_path / "data" / "library.sqlite3"
    first, second = made(store)
    library = Library(store)
    try:
        assert library.set_star(first)  # writes work while the file is where it was opened
        moved = tmp_path / "moved"
        os.rename(store.parent, moved)
        with pytest.raises(StoreError, match="moved, deleted or replaced") as caught:
            library.set_star(second)
        assert str(store) in str(caught.value) and "\n" not in str(caught.value)
        assert library.get(first).starred  # reading goes on
    finally:
        library.close()
    assert starred_in(moved / "library.sqlite3") == {first}  # the refused star is nowhere


def test_a_deleted_store_refuses_the_change(tmp_path):
    store = tmp_path / "data" / "library.sqlite3"
    first, _ = made(store)
    library = Library(store)
    try:
        shutil.rmtree(store.parent)
        with pytest.raises(StoreError, match="moved, deleted or replaced"):
            library.set_star(first)
    finally:
        library.close()


def test_a_file_put_in_its_place_is_not_written_through_the_old_connection(tmp_path):
    """Another process restored a copy (a rename into place): this process's old connection must not
    write to the replaced file, and the new file gets nothing from it."""
    store = tmp_path / "data" / "library.sqlite3"
    first, second = made(store)
    other = tmp_path / "other" / "library.sqlite3"
    made(other, titles=("Other paper",))
    library = Library(store)
    try:
        for side in ("-wal", "-shm"):
            if os.path.exists(f"{other}{side}"):
                os.remove(f"{other}{side}")
        os.replace(other, store)
        with pytest.raises(StoreError, match="moved, deleted or replaced"):
            library.set_star(second)
    finally:
        library.close()
    assert starred_in(store) == set()
    reopened = Library(store)  # the file now at the path opens and takes changes as usual
    try:
        only = reopened.list_ids()
        assert len(only) == 1 and reopened.set_star(only[0])
    finally:
        reopened.close()
