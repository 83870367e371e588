"""A vocabulary save that fails leaves no temporary file behind (engineer Q: on a full disk every
search left a 61 KB `vocabulary.json.<pid>-<tid>.tmp`, until nothing could be written at all)."""

from __future__ import annotations

from collections import Counter

import pytest

from paperreader.search.suggest import Vocabulary


def test_a_failed_save_removes_its_temporary_file(tmp_path):
    target = tmp_path / "vocabulary.json"
    target.mkdir()  # the file cannot replace a directory holding something: the save fails after writing
    (target / "x").write_text("x")
    with pytest.raises(OSError):
        Vocabulary(Counter({"graph": 3})).save(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vocabulary.json"]


def test_a_save_still_writes_the_file(tmp_path):
    target = tmp_path / "vocabulary.json"
    Vocabulary(Counter({"graph": 3})).save(target)
    assert Vocabulary.load(target).counts == Counter({"graph": 3})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vocabulary.json"]
