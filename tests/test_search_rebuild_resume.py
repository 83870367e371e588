"""A rebuild interrupted between checkpoints resumes where it stopped, and ends with the same index."""

import pytest

from paperreader.search import index as index_mod


def ids_for(ws, query):
    return sorted(h.id for h in ws.engine.search(query, limit=1000).hits)


@pytest.mark.parametrize("procs_from", [10_000, 10], ids=["one process", "two processes"])
def test_an_interrupted_rebuild_resumes(workspace, monkeypatch, procs_from):
    monkeypatch.setattr(index_mod, "REBUILD_CHUNK", 20)
    monkeypatch.setattr(index_mod, "BULK_PROCS_FROM", procs_from)
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
    assert (side / index_mod.RESUME).exists()  # 40 papers (two chunks) kept

    resumed = []
    assert ws.index.rebuild(progress=lambda done, _t: resumed.append(done)) == total
    assert resumed[0] > 40  # did not start over
    assert not side.exists()
    assert ws.index.read_stamp()["docs"] == total
    for q, ids in expected.items():
        assert ids_for(ws, q) == ids, q


def test_a_damaged_checkpoint_starts_over(workspace):
    ws = workspace
    side = ws.index.dir.parent / f"{ws.index.dir.name}.building"
    side.mkdir()
    (side / index_mod.RESUME).write_text('{"schema": 1, "done": 5, "seq": 0, "last_id": "zzz"}')
    assert ws.index.rebuild() == ws.library.count()
    assert ws.engine.search("mamba").total > 0 and not side.exists()
