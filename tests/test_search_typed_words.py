"""The search box's reading of a prose query being typed: its last word is a prefix, whatever the
number of words, until a space follows it (`mamba sel` finds what `mamba sel*` finds); the CLI
reads every word whole. On the built-in corpus with the real store and index."""

from __future__ import annotations

import pytest

from paperreader.search.prose import read


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    from paperreader import paths
    from paperreader.workspace import Workspace

    ws = Workspace.open(paths.resolve(tmp_path_factory.mktemp("typed") / "data").ensure(), backup=False)
    ws.ensure_index()
    yield ws.engine
    ws.close()


def page(results) -> list[tuple[str, float]]:
    return [(h.id, round(h.score, 9)) for h in results.hits]


def text_of(hit) -> str:
    return (hit.record.title + " " + hit.record.abstract).lower()


@pytest.mark.parametrize("typed, strict", [
    ("mamba sel", "mamba sel*"),  # two words
    ("transf", "transf*"),  # one
    ("graph n", "graph n*"),  # a one-letter word the index is too short for
    ("deep l", "deep l*"),
    ("t", "t*"),
    ("Mamba Sel", "mamba sel*"),  # capitals are the same words
])
def test_the_last_word_being_typed_is_a_prefix_as_the_strict_language_says(engine, typed, strict):
    box, cli = engine.search(typed, typing=True), engine.search(strict)
    assert box.total > 0 and (box.total, box.total_exact, page(box)) == (cli.total, cli.total_exact, page(cli))


def test_mamba_sel_finds_selective_papers_and_says_nothing_of_self(engine):
    typed = engine.search("mamba sel", typing=True)
    assert typed.total >= 5 and typed.suggestion is None  # was "0 papers" and "did you mean mamba self?"
    assert all("mamba" in text_of(h) and "sel" in text_of(h) for h in typed.hits)
    assert any("selective" in h.record.title.lower() for h in typed.hits[:3])
    assert engine.search("mamba sel").total == 0  # the CLI reads every word whole
    assert engine.search("mamba sel ", typing=True).total == 0  # and so does a space after the word


def test_a_word_typed_in_full_ranks_as_the_word(engine):
    whole, typed = engine.search("transformer"), engine.search("transformer", typing=True)
    assert [h.id for h in typed.hits[:10]] == [h.id for h in whole.hits[:10]]
    assert all("transformer" in text_of(h) for h in typed.hits[:10])
    assert typed.total >= whole.total


def test_half_a_word_finds_its_papers(engine):
    typed = engine.search("transf", typing=True)
    assert typed.total >= engine.search("transformer").total
    assert sum("transformer" in h.record.title.lower() for h in typed.hits[:5]) >= 4
    gnn = engine.search("graph neu", typing=True)
    assert gnn.total > 0 and all("graph" in text_of(h) and "neu" in text_of(h) for h in gnn.hits)
    assert any("graph neural network" in h.record.title.lower() for h in gnn.hits[:3])


def test_a_function_word_being_typed_is_dropped_as_when_complete(engine):
    assert page(engine.search("state of", typing=True)) == page(engine.search("state"))
    assert page(engine.search("mamba's", typing=True)) == page(engine.search("mamba"))  # a possessive, not "s*"
    assert page(engine.search("gpt-4", typing=True)) == page(engine.search("gpt-4"))  # a digit is whole
    assert engine.search("state offl", typing=True).total < engine.search("state").total  # begun again
    alone = engine.search("the", typing=True)  # alone, a function word is a word begun ("theory")
    assert alone.total > 0 and alone.hits[0].record.title.lower().split()[0].startswith("the")


def test_did_you_mean_waits_for_the_word_while_it_finds_papers(engine):
    typed = engine.search("transfor", typing=True)  # "transformer" on its way
    assert typed.total > 0 and typed.suggestion is None
    assert engine.search("transfor").suggestion is not None  # whole, it is misspelt
    assert engine.search("mamba transfor", typing=True).suggestion is None
    # a word typed that no paper's word starts with cannot become one: corrected at once
    assert engine.search("transfomer", typing=True).suggestion == "transformer"
    assert engine.search("transfomer ", typing=True).suggestion.strip() == "transformer"
    assert engine.search("transfomer").suggestion == "transformer"


def test_the_reading():
    keep = lambda w: len(w) > 1 and w.lower() not in ("of", "the", "a", "is")  # the index's rule, in short
    assert read("mamba sel", keep, typing=True).prefix == "sel"
    assert read("mamba sel ", keep, typing=True).prefix == ""
    assert read("mamba sel", keep).prefix == ""
    assert read("mamba sel?", keep, typing=True).prefix == ""  # punctuation ends the word
    one = read("transf", keep, typing=True)
    assert (one.kind, one.words, one.prefix, one.fill) == ("prose", ["transf"], "transf", False)
    short = read("deep l", keep, typing=True)
    assert (short.words, short.prefix) == (["deep", "l"], "l")
    assert read("state of", keep, typing=True).prefix == ""
    assert read("how do state space mod", keep, typing=True).prefix == "mod"  # questions, as before
    assert read("mamba OR rn", keep, typing=True).kind == "strict"  # the strict language says what it means


def test_an_id_or_link_is_still_a_lookup(engine):
    assert engine.search("2312.00752", typing=True).notice and engine.search("https://arxiv.org/abs/2312.00752", typing=True).notice


@pytest.mark.parametrize("typed, word", [("deep learnin", "deep learning"), ("selectiv", "selective"),
                                         ("performa", "performance"), ("recurren", "recurrent")])
def test_a_word_typed_past_its_stem_still_finds_its_papers(engine, typed, word):
    """`learnin` starts no index term ("learning" is indexed "learn"): it is cut to its completion's stem."""
    box, whole = engine.search(typed, typing=True), engine.search(word)
    assert whole.total > 0 and box.total >= whole.total
    assert {h.id for h in whole.hits} <= {h.id for h in engine.search(typed, typing=True, limit=500).hits}
    assert engine.search("train", typing=True).total == engine.search("train*").total  # found as typed: not cut
