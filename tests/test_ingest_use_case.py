"""The import use case on its own, as the reader would call it: no CLI, nothing printed; progress
and messages through callbacks, counts returned; the same all-or-nothing rule as the command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from paperreader.ingest.import_files import ImportStopped, LiveStoreGiven, import_files
from paperreader.ingest.plan import ImportFailed
from paperreader.sources import SourceError
from test_import_oai_resume import write_snapshot


def _csv(path: Path, rows: list[tuple[str, str]]) -> Path:
    path.write_text("title,abstract\n" + "".join(f"{t},{a}\n" for t, a in rows), encoding="utf-8")
    return path


def test_a_plain_file_and_a_snapshot_import_together_with_nothing_printed(workspace, tmp_path, capsys):
    before = workspace.library.count()
    table = _csv(tmp_path / "two.csv", [("Sparse attention at scale", "We study it."), ("Dense retrieval", "Again.")])
    snapshot = tmp_path / "oai.jsonl"
    ids = write_snapshot(snapshot, 30)
    stages: list[tuple[str, int]] = []
    notices: list[str] = []

    report = import_files(
        workspace.library, [table, snapshot], workspace.paths, batch=7,
        progress=lambda path: (lambda stage, done, total, line: stages.append((stage, line))), notice=notices.append,
    )  # fmt: skip

    assert (report.added, report.updated, report.unchanged) == (32, 0, 0)
    assert [(f["format"], f["papers"]) for f in report.files] == [("csv", 2), ("arxiv-oai", 30)]
    assert report.changed == 32 and report.skipped_lines == [] and report.skipped_count == 0
    assert workspace.library.count() == before + 32
    assert all(workspace.library.get(i) is not None for i in ids)
    assert ("checking", 30) in stages and ("importing", 30) in stages
    assert notices == []
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""


def test_a_bad_record_in_any_file_writes_nothing_and_names_its_line(workspace, tmp_path):
    before = workspace.library.count()
    good = _csv(tmp_path / "good.csv", [("A good paper", "Fine.")])
    snapshot = tmp_path / "oai.jsonl"
    write_snapshot(snapshot, 5)
    with snapshot.open("a", encoding="utf-8") as fh:
        fh.write("{not json\n")
    with pytest.raises(SourceError) as bad:
        import_files(workspace.library, [good, snapshot], workspace.paths)
    assert (bad.value.file, bad.value.line) == (str(snapshot), 6)
    assert workspace.library.count() == before

    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps([{"title": "x", "year": "soon"}]), encoding="utf-8")
    with pytest.raises(ImportFailed):
        import_files(workspace.library, [good, broken], workspace.paths, fmt="json")
    assert workspace.library.count() == before


def test_skip_bad_reports_the_bad_lines_and_imports_the_rest(workspace, tmp_path):
    snapshot = tmp_path / "oai.jsonl"
    write_snapshot(snapshot, 4)
    with snapshot.open("a", encoding="utf-8") as fh:
        fh.write("{not json\n")
    report = import_files(workspace.library, [snapshot], workspace.paths, skip_bad=True)
    assert report.added == 4 and report.skipped_count == 1
    assert report.skipped_lines[0].startswith(f"{snapshot}:5: ")


def test_the_live_store_is_refused_before_any_file_is_read(workspace, tmp_path):
    link = tmp_path / "looks-innocent.json"
    link.symlink_to(workspace.paths.store)
    with pytest.raises(LiveStoreGiven) as refused:
        import_files(workspace.library, [link], workspace.paths)
    assert refused.value.given == str(link)


def test_an_interrupted_snapshot_says_where_it_stopped_and_resumes(workspace, tmp_path):
    snapshot = tmp_path / "oai.jsonl"
    ids = write_snapshot(snapshot, 20)
    calls = 0

    def interrupt_on_second_batch(stage, done, total, line):
        nonlocal calls
        if stage == "importing":
            calls += 1
            if calls == 2:
                raise KeyboardInterrupt

    with pytest.raises(ImportStopped) as stopped:
        import_files(workspace.library, [snapshot], workspace.paths, batch=5, progress=lambda p: interrupt_on_second_batch)
    assert stopped.value.path == snapshot and stopped.value.lines == 10
    notices: list[str] = []
    report = import_files(workspace.library, [snapshot], workspace.paths, batch=5, notice=notices.append)
    assert notices == [f"resuming {snapshot} after line 10 (the interrupted import had added 10, updated 0; "
                       "the counts below are this run's)"]
    assert report.files[0]["resumed_from_line"] == 10 and report.added == 10  # this run's, as the command says
    assert report.files[0]["earlier"] == {"added": 10, "updated": 0, "unchanged": 0, "skipped": 0}
    assert all(workspace.library.get(i) is not None for i in ids)
