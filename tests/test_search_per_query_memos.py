"""What a search remembers between searches (the stamp's stat, docnum -> id per searcher, the page's
records) never hides a change: another workspace's catch-up, new and removed papers."""

from paperreader.model import Paper
from paperreader.paths import resolve
from paperreader.workspace import Workspace


def _paper(i: int, word: str) -> Paper:
    return Paper(title=f"Zorbal {word} study {i}", abstract=f"We study zorbal {word} number {i}.",
                 authors=("Ann Lee",), arxiv_id=f"2502.{i:05d}")


def _check(results, word):
    for hit in results.hits:  # each id names the paper its record is, and that paper has the word
        assert hit.record.id == hit.id and word in hit.record.title.lower()


def test_another_workspaces_catch_up_and_changes_are_seen(data_dir):
    first = Workspace.open(resolve(data_dir))
    first.ensure_index()
    second = Workspace.open(resolve(data_dir))
    second.ensure_index()
    try:
        first.library.upsert([_paper(i, "alpha") for i in range(5)])
        assert first.engine.search("zorbal", limit=50).total == 5
        second.library.upsert([_paper(i, "beta") for i in range(5, 12)])
        second.engine.search("zorbal")  # the second one catches the index up and writes the stamp
        results = first.engine.search("zorbal", limit=50)
        assert results.total == 12
        _check(results, "zorbal")
        second.library.upsert([_paper(i, "gamma") for i in range(0, 3)])  # retitled: alpha -> gamma
        second.engine.search("zorbal")
        for word, total in (("alpha", 2), ("gamma", 3), ("beta", 7)):
            results = first.engine.search(f"title:{word}", limit=50)
            assert results.total == total, word
            _check(results, word)
            assert sorted(first.engine.ranked_ids(results.parsed, 50)) == sorted(h.id for h in results.hits)
    finally:
        second.close()
        first.close()
