"""The OAI snapshot path: streamed in batches, checkpointed, resumed after a real kill or Ctrl-C with
no duplicate and the right counts; --restart; a changed file starts over; one import per file."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from paperreader.ingest.oai_stream import Checkpoint, SnapshotBusy, SnapshotImport

BUILTIN = 201


def oai_line(k: int) -> str:
    """One snapshot record shaped like Kaggle's (keys, LaTeX, authors_parsed, versions)."""
    aid = f"{1501 + k // 99999:04d}.{k % 99999 + 1:05d}"
    return json.dumps({
        "id": aid, "submitter": "Jos\\'e Garc\\'ia", "authors": "Jos\\'e Garc\\'ia and A. N. Other",
        "title": f"Streaming paper number {k} about\n  resumable imports", "comments": "10 pages",
        "journal-ref": None, "doi": None, "report-no": None, "categories": "cs.DB cs.IR", "license": None,
        "abstract": f"  We study record {k}. It is\nhard-wrapped as arXiv's are.\n",
        "versions": [{"version": "v1", "created": "Mon, 2 Jan 2015 10:00:00 GMT"}], "update_date": "2015-01-05",
        "authors_parsed": [["Garc\\'ia", "Jos\\'e", ""], ["Other", "A. N.", ""]],
    })  # fmt: skip


def write_snapshot(path: Path, n: int) -> list[str]:
    path.write_text("".join(oai_line(k) + "\n" for k in range(n)), encoding="utf-8")
    return [f"arxiv:{1501 + k // 99999:04d}.{k % 99999 + 1:05d}" for k in range(n)]


def checkpoints(data_dir: Path) -> list[Path]:
    folder = data_dir / "imports"
    return sorted(folder.glob("oai-*.json")) if folder.is_dir() else []


def library_ids(data_dir: Path) -> list[str]:
    import sqlite3

    conn = sqlite3.connect(f"file:{data_dir / 'library.sqlite3'}?mode=ro", uri=True)
    try:
        return [r[0] for r in conn.execute("SELECT id FROM papers WHERE arxiv_id IS NOT NULL ORDER BY id")]
    finally:
        conn.close()


def start_import(data_dir: Path, path: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "PAPERREADER_DATA_DIR": str(data_dir), "PAPERREADER_CONFIG_DIR": str(data_dir / "config")}
    cmd = [sys.executable, "-m", "paperreader", "--data-dir", str(data_dir), "import", str(path), "--json", *extra]
    # as from a terminal: a runner started in the background (`cmd &` in a script) ignores SIGINT,
    # and a child inherits that, so Ctrl-C could never reach it
    return subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip


def stop_mid_import(proc: subprocess.Popen, data_dir: Path, sig: int, min_line: int, timeout: float = 60) -> Checkpoint:
    """Wait until a checkpoint shows at least `min_line` lines written, then send `sig`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = checkpoints(data_dir)
        cp = Checkpoint.load(found[0]) if found else None
        if cp is not None and cp.line >= min_line:
            proc.send_signal(sig)
            proc.wait(timeout=30)
            return cp
        if proc.poll() is not None:
            pytest.fail(f"the import finished before it could be interrupted: {proc.stderr.read()}")
        time.sleep(0.002)
    proc.kill()
    pytest.fail("no checkpoint appeared")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["kill", "ctrl-c"])
def test_interrupted_import_resumes_without_duplicates(tmp_path, sig):
    data_dir, snapshot = tmp_path / "data", tmp_path / "arxiv-metadata-oai-snapshot.json"
    ids = write_snapshot(snapshot, 3000)
    proc = start_import(data_dir, snapshot, "--batch-size", "50", "--no-index")
    seen = stop_mid_import(proc, data_dir, sig, min_line=200)
    if sig == signal.SIGINT:
        assert proc.returncode == 130
        assert "Run the same command again to resume" in proc.stderr.read()
    else:
        assert proc.returncode == -signal.SIGKILL
    cp = Checkpoint.load(checkpoints(data_dir)[0])
    assert cp.checked and cp.records == 3000 and seen.line <= cp.line < 3000
    written = library_ids(data_dir)
    assert written == sorted(ids)[: len(written)] and len(written) in (cp.line, cp.line + 50)  # + a batch in flight

    resumed = start_import(data_dir, snapshot, "--batch-size", "50", "--no-index")
    out, err = resumed.communicate(timeout=120)
    assert resumed.returncode == 0, err
    result = json.loads(out)
    assert result["files"][0]["resumed_from_line"] == cp.line
    assert f"resuming {snapshot} after line {cp.line:,}" in err
    # this run's counts (the lines after the checkpoint; a batch in flight at the kill is unchanged)
    assert result["added"] + result["updated"] + result["unchanged"] == 3000 - cp.line
    assert result["added"] >= 3000 - cp.line - 50 and result["updated"] == 0
    assert result["files"][0]["earlier"]["added"] == cp.added == cp.line
    assert library_ids(data_dir) == sorted(ids)
    assert checkpoints(data_dir) == []  # done: the checkpoint is gone


def test_restart_and_reimport_add_nothing(cli, data_dir, tmp_path):
    snapshot = tmp_path / "snap.jsonl"
    ids = write_snapshot(snapshot, 120)
    first = cli("import", str(snapshot), "--json", "--batch-size", "25")
    assert first.code == 0 and (first.json["added"], first.json["unchanged"]) == (120, 0)
    again = cli("import", str(snapshot), "--json", "--restart")
    assert (again.json["added"], again.json["updated"], again.json["unchanged"]) == (0, 0, 120)
    assert cli("stats", "--json").json["papers"] == BUILTIN + 120
    paper = cli("show", ids[7], "--json").json
    assert paper["title"] == "Streaming paper number 7 about resumable imports"
    assert paper["authors"] == ["José García", "A. N. Other"]
    assert paper["abstract"] == "We study record 7. It is hard-wrapped as arXiv's are."
    assert (paper["published"], paper["categories"]) == ("2015-01-02", ["cs.DB", "cs.IR"])


def _interrupt_after(batches: int):
    calls = {"n": 0}

    def progress(stage, done, total, line):
        if stage == "importing" and done < total:
            calls["n"] += 1
            if calls["n"] >= batches:
                raise KeyboardInterrupt

    return progress


def test_resume_in_process_counts_this_run_and_says_what_the_earlier_one_did(workspace, tmp_path):
    snapshot = tmp_path / "snap.jsonl"
    write_snapshot(snapshot, 230)
    state = workspace.paths.import_state_dir
    with pytest.raises(KeyboardInterrupt):
        with SnapshotImport(workspace.library, snapshot, state, batch=40, progress=_interrupt_after(3)) as snap:
            snap.run()
    cp = Checkpoint.load(checkpoints(workspace.paths.data_dir)[0])
    assert (cp.line, cp.offset, cp.added) == (120, sum(len(oai_line(k)) + 1 for k in range(120)), 120)
    with SnapshotImport(workspace.library, snapshot, state, batch=40) as snap:
        assert snap.resumed == 120
        result = snap.run()
    assert (result.added, result.unchanged, result.resumed_from_line) == (110, 0, 120)
    assert result.earlier == {"added": 120, "updated": 0, "unchanged": 0, "skipped": 0}
    assert workspace.library.count() == BUILTIN + 230


def test_a_changed_file_starts_over(workspace, tmp_path):
    snapshot = tmp_path / "snap.jsonl"
    write_snapshot(snapshot, 100)
    state = workspace.paths.import_state_dir
    with pytest.raises(KeyboardInterrupt):
        with SnapshotImport(workspace.library, snapshot, state, batch=30, progress=_interrupt_after(1)) as snap:
            snap.run()
    write_snapshot(snapshot, 110)  # a newer snapshot at the same path
    with SnapshotImport(workspace.library, snapshot, state, batch=30) as snap:
        assert snap.resumed is None
        result = snap.run()
        assert any("changed since its import was interrupted" in n for n in snap.notices)
    assert (result.added, result.unchanged) == (80, 30)
    assert checkpoints(workspace.paths.data_dir) == []


def test_one_import_of_a_file_at_a_time(workspace, tmp_path):
    snapshot = tmp_path / "snap.jsonl"
    write_snapshot(snapshot, 10)
    state = workspace.paths.import_state_dir
    with SnapshotImport(workspace.library, snapshot, state):
        with pytest.raises(SnapshotBusy, match="another paperreader is importing this file"):
            with SnapshotImport(workspace.library, snapshot, state):
                pass


def test_progress_lines_when_stderr_is_not_a_terminal(capsys):
    from paperreader.cli.transfer import Progress

    progress = Progress(every=0.0)
    for done in (0, 50, 100):
        progress("importing", done, 100, done)
    err = capsys.readouterr().err.splitlines()
    assert err == ["paperreader: importing 0.0% (line 0)", "paperreader: importing 50.0% (line 50)",
                   "paperreader: importing 100.0% (line 100)"]  # fmt: skip
    quiet = Progress(every=60.0)
    quiet("checking", 100, 100, 100)
    assert capsys.readouterr().err == ""  # a quick stage prints nothing


def test_a_big_import_brings_the_index_up_to_date(cli, data_dir, tmp_path, monkeypatch):
    from paperreader.cli import transfer

    monkeypatch.setattr(transfer, "BIG", 50)
    assert cli("search", "anything").code == 0  # the index exists
    snapshot = tmp_path / "snap.jsonl"
    write_snapshot(snapshot, 60)
    out = cli("import", str(snapshot))
    assert out.code == 0 and "indexing 60 new or changed papers" in out.err
    from paperreader.paths import resolve
    from paperreader.workspace import Workspace

    ws = Workspace.open(resolve(data_dir))
    try:
        assert ws.index.read_stamp()["docs"] == BUILTIN + 60
        assert ws.index.read_stamp()["seq"] == ws.library.change_seq()  # nothing left to catch up
    finally:
        ws.close()
    out = cli("import", str(snapshot), "--no-index")
    assert "indexing" not in out.err


def test_a_resumed_cli_import_reports_what_this_run_added(workspace, cli, tmp_path):
    """The user's view: `import` again after an interrupted one says "added 110", not 230."""
    snapshot = tmp_path / "snap.jsonl"
    write_snapshot(snapshot, 230)
    with pytest.raises(KeyboardInterrupt):
        with SnapshotImport(workspace.library, snapshot, workspace.paths.import_state_dir, batch=40,
                            progress=_interrupt_after(3)) as snap:
            snap.run()
    workspace.close()
    out = cli("import", str(snapshot), "--batch-size", "40")
    assert out.code == 0, out.err
    assert out.out.splitlines()[-1] == "added 110, updated 0, unchanged 0"
    assert f"resuming {snapshot} after line 120 (the interrupted import had added 120, updated 0;" in out.err
    again = cli("import", str(snapshot), "--json").json
    assert (again["added"], again["updated"], again["unchanged"]) == (0, 0, 230) and "earlier" not in again["files"][0]
