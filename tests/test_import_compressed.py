"""A compressed file (the arXiv snapshot as Kaggle ships it, a .bib.gz) is no format we read: one
line naming the file and how to decompress it, exit 2, nothing imported; not 'cannot tell the
format' (which advised an extension) nor 'not UTF-8: byte 0x8b' (a .jsonl that is really gzip)."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zipfile
import pytest

from conftest import FIXTURES

OAI = FIXTURES / "arxiv-oai" / "kaggle_oai_snapshot_first100.jsonl"


def zipped(data: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("snapshot.jsonl", data)
    return buf.getvalue()


KINDS = {
    "snapshot.jsonl.gz": (gzip.compress, "a gzip-compressed file: decompress it first (`gunzip -k snapshot.jsonl.gz`)"),
    "snapshot.jsonl": (gzip.compress, "a gzip-compressed file: decompress it first (`gunzip -k snapshot.jsonl`)"),
    "arxiv.zip": (zipped, "a zip archive: decompress it first (`unzip arxiv.zip`)"),
    "snapshot.json.bz2": (bz2.compress, "a bzip2-compressed file: decompress it first (`bunzip2 -k snapshot.json.bz2`)"),
    "snapshot.json.xz": (lzma.compress, "an xz-compressed file: decompress it first (`unxz -k snapshot.json.xz`)"),
}


def papers(cli) -> int:
    return cli("stats", "--json").json["papers"]


@pytest.mark.parametrize("name", list(KINDS))
def test_a_compressed_file_is_refused_saying_how_to_decompress_it(cli, tmp_path, name):
    if not OAI.exists():
        pytest.skip(f"no {OAI}")
    compress, said = KINDS[name]
    before = papers(cli)
    path = tmp_path / name
    path.write_bytes(compress(OAI.read_bytes()))
    for args in (("import", str(path)), ("import", "--format", "arxiv-oai", str(path))):
        out = cli(*args)
        assert out.code == 2 and out.out == ""
        assert out.err.strip() == f"{path}: {said} and import what it holds (nothing was imported)"
    assert papers(cli) == before
    plain = tmp_path / "plain.jsonl"
    plain.write_bytes(OAI.read_bytes())  # decompressed as told, it imports
    assert cli("import", str(plain)).code == 0 and papers(cli) == before + 100


def test_text_that_starts_like_a_magic_number_is_still_text(cli, tmp_path):
    """Only the whole signature counts: a CSV whose first column is BZh... is a CSV."""
    path = tmp_path / "table.csv"
    path.write_text("BZh9,title\n1,A paper about bzip\n")
    out = cli("import", str(path))
    assert "compressed" not in out.err
