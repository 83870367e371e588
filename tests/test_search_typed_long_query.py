"""A long query (three words or more) in the search box while its last word is typed: the papers
having every word, the last as a prefix, are counted as the strict `word*` counts them, and "did you
mean" stays quiet; it speaks only for a word no paper has (`nueral network s`), and then offers
another query, never the one typed. On the built-in corpus with the real store and index (the
lead's `neural architecture s` at 10k, 9,948 "closest matches" and "did you mean neural
architecture s?", was `nueral architecture s`: the union of `architecture` and `s*` is 9,948)."""

from __future__ import annotations

import pytest

from paperreader.search.prose import read


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    from paperreader import paths
    from paperreader.workspace import Workspace

    ws = Workspace.open(paths.resolve(tmp_path_factory.mktemp("typed-long") / "data").ensure(), backup=False)
    ws.ensure_index()
    yield ws.engine
    ws.close()


def every_word(results) -> int:
    """Papers with every word: all_words when partial matches fill the list, else the total."""
    return results.total if results.all_words is None else results.all_words


@pytest.mark.parametrize("typed", ["neural network s", "state space m", "graph neural n"])
def test_every_word_with_the_last_a_prefix_is_counted_as_the_strict_prefix(engine, typed):
    box = engine.search(typed, typing=True)
    strict = engine.search(typed + "*")
    assert strict.total > 0 and every_word(box) == strict.total
    assert box.suggestion is None  # a word being typed that finds papers is not misspelt
    assert all(h.match == "all" for h in box.hits[: min(strict.total, len(box.hits))])


@pytest.mark.parametrize("typed, meant", [("nueral network s", "neural network s"), ("state sapce m", "state space m")])
def test_a_misspelt_word_gets_closest_matches_and_another_query_offered(engine, typed, meant):
    box = engine.search(typed, typing=True)
    assert box.all_words == 0 and box.total > 0  # no paper has the misspelt word: the closest matches
    assert box.suggestion == meant
    keep = engine._keeps
    assert [w.lower() for w in read(box.suggestion, keep, typing=True).words] != [w.lower() for w in read(typed, keep, typing=True).words]
    assert every_word(engine.search(box.suggestion, typing=True)) == engine.search(meant + "*").total > 0
