"""A catch-up reads the index's old documents through one searcher, not one a paper: a small CLI
import left to the reader's next search (cli/transfer.py BIG) made that search open a reader over
every segment for each paper. Each paper is still in the index once, with its new text."""

from whoosh.writing import SegmentWriter

from paperreader.model import Paper


def _paper(i: int, word: str) -> Paper:
    return Paper(title=f"Quillet {word} survey {i}", abstract=f"We survey quillet {word} case {i}.",
                 authors=("Ann Lee",), arxiv_id=f"2503.{i:05d}")


def test_catch_up_opens_one_searcher_and_replaces_each_paper_once(workspace, monkeypatch):
    workspace.library.upsert([_paper(i, "alpha") for i in range(8)])
    assert workspace.index.catch_up() == 8
    opened = []
    real = SegmentWriter.searcher

    def counted(self, **kwargs):
        opened.append(1)
        return real(self, **kwargs)

    monkeypatch.setattr(SegmentWriter, "searcher", counted)
    workspace.library.upsert([_paper(i, "gamma") for i in range(5)])  # retitled: alpha -> gamma
    workspace.library.upsert([_paper(i, "beta") for i in range(8, 14)])  # new
    assert workspace.index.catch_up() == 11
    assert len(opened) == 1  # (one a paper before: 11)
    engine = workspace.engine
    for word, total in (("alpha", 3), ("gamma", 5), ("beta", 6), ("quillet", 14)):
        assert engine.search(f"title:{word}", limit=50).total == total, word
    hits = engine.search("quillet", limit=50).hits
    assert len({h.id for h in hits}) == len(hits) == 14
