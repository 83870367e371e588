"""A rebuild interrupted between checkpoints resumes where it stopped, and ends with the same index."""

import pytest

from paperreader.search import rebuild as rebuild_mod


def ids_for(ws, query):
    return sorted(h.id for h in ws.engine.search(query, limit=1000).hits)


@pytest.mark.parametrize("procs_from", [10_000, 10], ids=["one process", "two processes"])
def test_an_interrupted_rebuild_resumes(workspace, monkeypatch, procs_from):
    monkeypatch.setattr(rebuild_mod, "REBUILD_CHUNK", 20)
    monkeypatch.setattr(rebuild_mod, "BULK_PROCS_FROM", procs_from)
    ws = workspace
    total = ws.library.count()
    assert total > 60
    expected = {q: ids_for(ws, q) for q in ("mamba", '"state space"', "transf*", "NOT mamba")}

    seen = []

    def interrupt(done, _total):
        seen.append(done)
        if done >= 50:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ws.index.rebuild(progress=interrupt)
    side = ws.index.dir.parent / f"{ws.index.dir.name}.building"
    assert (side / rebuild_mod.RESUME).exists()  # 40 papers (two chunks) kept

    resumed = []
    assert ws.index.rebuild(progress=lambda done, _t: resumed.append(done)) == total
    assert resumed[0] == 40 and resumed[1] > 40  # did not start over (the bar shows the 40 kept at once)
    assert not side.exists()
    assert ws.index.read_stamp()["docs"] == total
    for q, ids in expected.items():
        assert ids_for(ws, q) == ids, q


def test_a_damaged_checkpoint_starts_over(workspace):
    ws = workspace
    side = ws.index.dir.parent / f"{ws.index.dir.name}.building"
    side.mkdir()
    (side / rebuild_mod.RESUME).write_text(f'{{"schema": {rebuild_mod.INDEX_SCHEMA_VERSION}, "done": 5, "seq": 0, "last_id": "zzz"}}')
    assert ws.index.rebuild() == ws.library.count()
    assert ws.engine.search("mamba").total > 0 and not side.exists()


def test_a_kill_between_a_chunks_commit_and_its_checkpoint_adds_no_duplicates(workspace, monkeypatch):
    monkeypatch.setattr(rebuild_mod, "REBUILD_CHUNK", 20)
    monkeypatch.setattr(rebuild_mod, "BULK_PROCS_FROM", 10_000)
    ws = workspace
    expected = ids_for(ws, "mamba")
    real_checkpoint = rebuild_mod.checkpoint
    calls = []

    def dies_after_the_second_commit(side, resume):
        calls.append(resume["done"])
        if resume["done"] >= 40:  # the chunk 20..40 is committed; its checkpoint never lands
            raise KeyboardInterrupt
        real_checkpoint(side, resume)

    monkeypatch.setattr(rebuild_mod, "checkpoint", dies_after_the_second_commit)
    with pytest.raises(KeyboardInterrupt):
        ws.index.rebuild()
    monkeypatch.setattr(rebuild_mod, "checkpoint", real_checkpoint)
    assert ws.index.rebuild() == ws.library.count()
    assert ws.index.read_stamp()["docs"] == ws.library.count()
    assert ids_for(ws, "mamba") == expected  # each paper once
    assert len(ids_for(ws, "NOT mamba")) == ws.library.count() - len(expected)
