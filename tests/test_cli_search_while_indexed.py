"""A CLI search (and `similar`) while another process writes the index (the reader catching up, an
import indexing): an answer at once from the index as it is, saying how many changes it has not
taken in; before, the search waited on the index's writer lock (10 s) and failed with "another
paperreader is writing the search index; try again". Once the writer is free, it catches up first
as always. Real processes: the lock is held by another one."""

from __future__ import annotations

import json

from index_writer import writer_held
from paperreader.paths import resolve
from paperreader.search.index import SearchIndex


def test_a_search_while_another_process_writes_the_index_answers_from_it_as_it_is(data_dir, cli, tmp_path, monkeypatch):
    monkeypatch.setattr(SearchIndex.__init__, "__defaults__", (0.3,))  # the writer lock's wait: 0.3 s, not 10
    assert cli("search", "mamba").code == 0  # the library and its index made
    papers = tmp_path / "tapirs.json"
    papers.write_text(json.dumps([{"title": f"Filler number {i} about tapir", "abstract": f"tapir study {i}"} for i in range(1200)]))
    assert cli("import", str(papers), "--no-index").code == 0
    with writer_held(resolve(data_dir).index_dir):
        found = cli("search", "tapir")
        assert found.code == 0, found.err
        assert "0 matches" in found.out and "the index is catching up:" in found.out and "not in these results yet" in found.out
        as_json = cli("search", "mamba", "--json")
        assert as_json.code == 0 and as_json.json["total"] > 0 and "the index is catching up:" in as_json.json["notice"]
        pid = as_json.json["results"][0]["id"]
        like = cli("similar", pid)
        assert like.code == 0 and "the index is catching up:" in like.err
    caught_up = cli("search", "tapir", "--json")
    assert caught_up.json["total"] == 1200 and not (caught_up.json.get("notice") or "").startswith("the index is catching up")
