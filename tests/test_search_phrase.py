"""Phrases through the position keys give exactly the documents Whoosh's own phrase matcher gives."""

from __future__ import annotations

import random

import pytest


def phrases_from(workspace, n: int = 60) -> list[list[str]]:
    """Runs of 2-3 consecutive words from real titles and abstracts, and a few that occur nowhere."""
    rng = random.Random(7)
    records = list(workspace.library.iter_records())
    out = []
    for record in rng.sample(records, n):
        words = (record.abstract or record.title).split()
        if len(words) > 4:
            at = rng.randrange(len(words) - 3)
            out.append(words[at : at + rng.choice((2, 3))])
    return out + [["mamba", "transformer"], ["state", "space", "models"], ["model", "model"]]


@pytest.mark.parametrize("slop", [1, 2, 4])
def test_phrase_documents_equal_whoosh_matchers(workspace, slop):
    from whoosh import query as wq

    index = workspace.index
    with index.lock:
        fast = index.fast_search()
        analyzer = fast.searcher.schema["abstract"].analyzer
        checked = 0
        for raw in phrases_from(workspace):
            words = [t.text for t in analyzer(" ".join(raw))]
            if len(words) < 2:
                continue
            for field in ("abstract", "title"):
                node = wq.Phrase(field, words, slop=slop)
                mine = set(fast._phrase(node))
                whoosh = set(fast._generic(node))
                assert mine == whoosh, (field, words, slop)
                checked += bool(mine)
        assert checked > 20  # most phrases were found somewhere
