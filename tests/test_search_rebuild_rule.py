"""When the index is rebuilt rather than caught up or opened: one rule each (`search/index.py`)."""

from __future__ import annotations

import json

import pytest

from paperreader.search.index import REBUILD_FROM, STAMP, needs_rebuild


def test_a_catch_up_of_more_than_the_threshold_or_a_fifth_of_the_index_rebuilds():
    assert not needs_rebuild(REBUILD_FROM, 0) and needs_rebuild(REBUILD_FROM + 1, 0)
    assert not needs_rebuild(REBUILD_FROM + 1, 500_000)  # a fifth of it is 100,000
    assert not needs_rebuild(100_000, 500_000) and needs_rebuild(100_001, 500_000)


def test_the_cli_import_asks_the_same_rule(data_dir, cli, tmp_path, monkeypatch):
    """A big import rebuilds (with progress) exactly when the rule says so; a small one catches up."""
    import paperreader.cli.transfer as transfer
    import paperreader.search.index as index

    asked = []
    real = index.needs_rebuild
    monkeypatch.setattr(index, "needs_rebuild", lambda changed, indexed: asked.append((changed, indexed)) or real(changed, indexed))
    monkeypatch.setattr(transfer, "BIG", 3)
    assert cli("search", "mamba").code == 0  # builds the index of the built-in corpus
    rows = [{"title": f"A paper on wombats number {i}", "abstract": "wombats", "id": f"w{i}"} for i in range(5)]
    source = tmp_path / "papers.json"
    source.write_text(json.dumps(rows), encoding="utf-8")
    result = cli("import", str(source))
    assert result.code == 0, result.err
    assert asked and asked[0][0] == 5  # the CLI asked the rule about its 5 papers
    assert cli("search", "wombats", "--json").json["total"] == 5


def test_an_index_stamped_by_an_older_schema_is_rebuilt_without_being_opened(workspace, monkeypatch):
    """Schema-1 indexes pickled CompactPositions under search/schema.py (an unpickling shim there
    kept them readable): the stamp's schema says to rebuild before anything unpickles the TOC."""
    from whoosh.index import TOC

    import paperreader.search.schema as schema
    from paperreader.search.formats import CompactPositions
    from paperreader.search.whoosh import whoosh_index

    index = workspace.index
    directory = index.dir
    index.close()
    ix = whoosh_index().open_dir(str(directory))
    toc = TOC.read(ix.storage, ix.indexname)
    for old in directory.glob("*.toc"):
        old.unlink()
    with monkeypatch.context() as m:  # write the TOC as schema 1 did
        m.setattr(schema, "CompactPositions", CompactPositions, raising=False)
        m.setattr(CompactPositions, "__module__", "paperreader.search.schema")
        toc.write(ix.storage, ix.indexname)
    ix.close()
    with pytest.raises(AttributeError):
        whoosh_index().open_dir(str(directory))  # without the shim, a schema-1 TOC does not open
    stamp = json.loads((directory / STAMP).read_text(encoding="utf-8"))
    (directory / STAMP).write_text(json.dumps({**stamp, "schema": 1}), encoding="utf-8")

    assert index.problem() == "the search index was built by an older paperreader"
    index.ensure()
    assert json.loads((directory / STAMP).read_text(encoding="utf-8"))["schema"] == schema.INDEX_SCHEMA_VERSION
    assert workspace.engine.search("mamba").total > 0
