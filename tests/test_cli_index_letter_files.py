"""`paperreader index` writes the letter files (search/letter_terms: a prefix's terms for typing) of
segments indexed before they existed, or whose files were deleted, and says so; with every file there
it says nothing more (engineer W2's request)."""

from __future__ import annotations

import os

from paperreader.search import letter_terms


def _ltr(folder) -> dict:
    return {n: open(os.path.join(folder, n), "rb").read() for n in sorted(os.listdir(folder)) if n.endswith(letter_terms.EXT)}


def test_index_writes_missing_letter_files(cli, data_dir):
    assert cli("index").code == 0
    folder = data_dir / "index"
    written = _ltr(folder)
    assert written
    for name in written:
        os.remove(folder / name)
    out = cli("index")
    assert out.code == 0 and out.out.splitlines()[-1] == f"letter files written for {len(written)} index segment{'s' if len(written) != 1 else ''}"
    assert _ltr(folder) == written
    again = cli("index")
    assert again.code == 0 and "letter files" not in again.out
