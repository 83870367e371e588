"""An arXiv OAI snapshot that gives a paper twice: one paper, said as plain imports say it ("20 papers
(1 repeated in the file: arxiv:... lines 4, 11)", added 20), not 21 papers with added 20, updated 1;
also when the two lines fall in different batches and the import is stopped and resumed between them."""

from __future__ import annotations

import json

import pytest

from paperreader.ingest.oai_stream import SnapshotImport

from test_import_oai_resume import BUILTIN, _interrupt_after, oai_line


def write_with_repeat(path, n: int = 20, repeat: int = 3, at: int = 10, title: str | None = None) -> str:
    """n papers, paper `repeat` given again as line `at` + 1 (a new title, if given)."""
    lines = [oai_line(k) for k in range(n)]
    again = json.loads(lines[repeat])
    if title:
        again["title"] = title
    lines.insert(at, json.dumps(again))
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return f"arxiv:{1501:04d}.{repeat + 1:05d}"


@pytest.mark.parametrize("title", [None, "The same paper, its title changed"])
def test_a_repeated_id_is_one_paper(cli, tmp_path, title):
    snapshot = tmp_path / "snap.jsonl"
    paper = write_with_repeat(snapshot, title=title)
    first = cli("import", str(snapshot))
    assert first.code == 0, first.err
    assert first.out.splitlines() == [f"{snapshot}: arxiv-oai, 20 papers (1 repeated in the file: {paper} lines 4, 11)",
                                      "added 20, updated 0, unchanged 0"]  # fmt: skip
    assert cli("stats", "--json").json["papers"] == BUILTIN + 20
    again = cli("import", str(snapshot), "--json").json
    assert again["files"][0]["papers"] == 20 and again["files"][0]["duplicates"] == [{"id": paper, "lines": [4, 11]}]
    # the two entries differ: the first sets the title back, the second changes it again (one paper updated)
    assert (again["added"], again["updated"], again["unchanged"]) == ((0, 1, 19) if title else (0, 0, 20))


def test_a_repeat_across_batches_and_a_resume_counts_one_paper(workspace, tmp_path):
    snapshot = tmp_path / "snap.jsonl"
    paper = write_with_repeat(snapshot, n=100, repeat=3, at=70, title="Changed the second time")
    state = workspace.paths.import_state_dir
    with pytest.raises(KeyboardInterrupt):  # stopped after 40 lines: the paper's first entry is in
        with SnapshotImport(workspace.library, snapshot, state, batch=20, progress=_interrupt_after(2)) as snap:
            snap.run()
    with SnapshotImport(workspace.library, snapshot, state, batch=20) as snap:
        assert snap.resumed == 40
        result = snap.run()
    assert result.repeats == [{"id": paper, "lines": [4, 71]}] and result.papers == 100
    assert result.earlier["added"] == 40
    assert (result.added, result.updated, result.unchanged) == (60, 0, 0)  # its second entry: not 'updated'
    assert workspace.library.count() == BUILTIN + 100
    assert workspace.library.get(paper).title == "Changed the second time"


def test_two_ids_with_one_hash_are_two_papers(workspace, tmp_path, monkeypatch):
    """The check compares 64-bit hashes, then the ids themselves: a hash shared by two ids is no repeat."""
    import paperreader.ingest.oai_repeats as repeats

    monkeypatch.setattr(repeats, "hash", lambda key: 7, raising=False)
    snapshot = tmp_path / "snap.jsonl"
    paper = write_with_repeat(snapshot, n=5, repeat=1, at=3)
    with SnapshotImport(workspace.library, snapshot, workspace.paths.import_state_dir) as snap:
        result = snap.run()
    assert result.repeats == [{"id": paper, "lines": [2, 4]}] and result.papers == 5
    assert (result.added, result.updated, result.unchanged) == (5, 0, 0)
