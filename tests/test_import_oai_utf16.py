"""An OAI snapshot saved as UTF-16 with a byte order mark (a Windows editor's "Unicode") imports as every
other format does, still streamed and resumable; before it was "not UTF-8: byte 0xff at column 1"."""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURES
from test_import_oai_resume import BUILTIN, _interrupt_after, checkpoints, oai_line

from paperreader.ingest import oai_stream
from paperreader.ingest.oai_stream import Checkpoint, SnapshotImport

SNAPSHOT = FIXTURES / "arxiv-oai" / "kaggle_oai_snapshot_first100.jsonl"


def _titles(cli) -> dict[str, str]:
    out = cli("export", "--format", "json").json
    return {p["id"]: p["title"] for p in out["papers"]}


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_a_utf16_snapshot_imports_the_same_papers(cli, tmp_path, encoding):
    text = SNAPSHOT.read_text(encoding="utf-8")
    copy = tmp_path / "u16.jsonl"
    copy.write_bytes(("\ufeff" + text).encode(encoding) if encoding.endswith("be") else text.encode(encoding))
    assert copy.read_bytes()[:2] in (b"\xff\xfe", b"\xfe\xff")
    first = cli("import", str(copy))
    assert first.code == 0, first.err
    assert "arxiv-oai, 100 papers" in first.out and "added 100, updated 0, unchanged 0" in first.out
    titles = _titles(cli)
    again = cli("import", str(SNAPSHOT))  # the UTF-8 original: the very same papers, text and all
    assert again.code == 0 and "added 0, updated 0, unchanged 100" in again.out
    assert _titles(cli) == titles


def test_characters_holding_a_newline_byte_and_a_bad_line_are_read_right(cli, tmp_path):
    """U+010A and U+0A0A hold the byte 0x0A in UTF-16: not line ends. A bad line is named by its number."""
    records = [json.loads(line) for line in SNAPSHOT.read_text(encoding="utf-8").splitlines()[:6]]
    for i, record in enumerate(records):
        record["title"] += f" \u010a\u0a0a \U0001f600 {i}"
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\r\n".join(lines[:3] + ['{"id": "0704.9999", "title": '] + lines[3:]) + "\r\n", encoding="utf-16")
    refused = cli("import", str(bad))
    assert refused.code == 2 and refused.err.strip().startswith(f"{bad}:4: not valid JSON")
    assert len(refused.err.strip().splitlines()) == 1 and "nothing was imported" in refused.err
    assert cli("stats", "--json").json["papers"] == BUILTIN

    good = tmp_path / "good.jsonl"
    good.write_text("\r\n".join(lines) + "\r\n", encoding="utf-16")
    done = cli("import", str(good))
    assert done.code == 0 and "added 6," in done.out
    titles = set(_titles(cli).values())
    assert {t.rsplit(" ", 1)[1] for t in titles if " \u010a\u0a0a \U0001f600 " in t} == {str(i) for i in range(6)}
    as_utf8 = tmp_path / "good8.jsonl"
    as_utf8.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert "added 0, updated 0, unchanged 6" in cli("import", str(as_utf8)).out  # the same text exactly


def test_bytes_that_are_not_utf16_are_named_by_line_and_nothing_is_imported(cli, tmp_path):
    lines = SNAPSHOT.read_text(encoding="utf-8").splitlines()[:5]
    body = bytearray("\n".join(lines).encode("utf-16-le"))
    at = len(("\n".join(lines[:2]) + "\n").encode("utf-16-le")) + 20  # in line 3
    body[at : at + 2] = b"\x00\xdc"  # a lone low surrogate
    broken = tmp_path / "broken.jsonl"
    broken.write_bytes(b"\xff\xfe" + bytes(body) + "\n".encode("utf-16-le"))
    refused = cli("import", str(broken))
    assert refused.code == 2
    assert refused.err.strip().splitlines() == [f"{broken}:3: not valid UTF-16 at column 11 (the file starts with a UTF-16 mark) (nothing was imported)"]
    assert cli("stats", "--json").json["papers"] == BUILTIN


def test_a_utf16_import_resumes_at_its_byte_offset(workspace, tmp_path):
    snapshot = tmp_path / "snap.jsonl"
    snapshot.write_text("".join(oai_line(k) + "\n" for k in range(230)), encoding="utf-16")
    state = workspace.paths.import_state_dir
    with pytest.raises(KeyboardInterrupt):
        with SnapshotImport(workspace.library, snapshot, state, batch=40, progress=_interrupt_after(3)) as snap:
            snap.run()
    cp = Checkpoint.load(checkpoints(workspace.paths.data_dir)[0])
    assert (cp.line, cp.added) == (120, 120)
    assert cp.offset == 2 + sum(len((oai_line(k) + "\n").encode("utf-16-le")) for k in range(120))  # the mark, 120 lines
    with SnapshotImport(workspace.library, snapshot, state, batch=40) as snap:
        assert snap.resumed == 120
        result = snap.run()
    assert (result.added, result.unchanged, result.resumed_from_line) == (110, 0, 120)
    assert workspace.library.count() == BUILTIN + 230


def test_a_too_long_utf16_line_is_skipped_whole_and_the_next_read(workspace, tmp_path, monkeypatch):
    monkeypatch.setattr(oai_stream, "LINE_LIMIT", 4000)  # bytes; the real limit is 32 MiB
    long_line = json.loads(oai_line(1))
    long_line["abstract"] = "\u010a" * 5000  # 10,000 bytes, each character holding 0x0A
    snapshot = tmp_path / "snap.jsonl"
    snapshot.write_text("\n".join([oai_line(0), json.dumps(long_line, ensure_ascii=False), oai_line(2)]) + "\n", encoding="utf-16")
    with SnapshotImport(workspace.library, snapshot, workspace.paths.import_state_dir, skip_bad=True) as snap:
        result = snap.run()
    assert (result.records, result.added, result.skipped) == (2, 2, 1)
    assert [str(e) for e in snap.errors] == [f"{snapshot}:2: record is longer than 4,000 bytes"]
