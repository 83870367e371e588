"""An import that succeeded says so (summary, exit 0) when the search index cannot be brought up to date
right after it (another paperreader writing the index): before, exit 2 and no summary, though the papers
were in the library, and "try again" said unchanged."""

from __future__ import annotations

import json

from index_writer import writer_held
from paperreader.paths import resolve
from paperreader.search.index import SearchIndex


def test_an_import_done_while_the_index_is_busy_reports_its_papers(data_dir, cli, tmp_path, monkeypatch):
    monkeypatch.setattr(SearchIndex.__init__, "__defaults__", (0.3,))  # the writer lock's wait: 0.3 s, not 10
    assert cli("search", "mamba").code == 0  # the library and its index made
    papers = tmp_path / "tapirs.json"
    papers.write_text(json.dumps([{"title": f"Fifth filler number {i} about tapir", "abstract": f"tapir study {i}"} for i in range(1000)]))
    with writer_held(resolve(data_dir).index_dir):
        done = cli("import", str(papers), "--json")
        assert done.code == 0, done.err
        assert done.json["added"] == 1000
        said = done.err.strip().splitlines()
        assert said[0] == "paperreader: indexing 1,000 new or changed papers"
        assert said[-1] == (f"paperreader: the papers are imported; the search index catches up on the next search "
                            f"({resolve(data_dir).index_dir}: another paperreader is writing the search index)")  # fmt: skip
    assert cli("search", "tapir", "--json").json["total"] == 1000  # the next search catches up
    assert "unchanged 1,000" in cli("import", str(papers)).out
