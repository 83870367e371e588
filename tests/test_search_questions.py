"""Questions, ids and links, half-typed queries, truthful hints (issue 14): the engine and the CLI,
on the built-in corpus with the real store and index."""

import re

import pytest

from paperreader.model import Paper
from paperreader.search.lookup import identify
from paperreader.search.query import QueryError, QueryIncomplete

QUESTION = "how do state space models compare with transformers on long sequences"


def text_of(hit) -> str:
    return (hit.record.title + " " + hit.record.abstract).lower()


# -- questions and long queries ----------------------------------------------------------------------
def test_a_question_gets_all_word_matches_first_then_the_closest(workspace):
    results = workspace.engine.search(QUESTION, limit=20)
    assert len(results.hits) == 20 and results.all_words is not None
    matches = [h.match for h in results.hits]
    assert matches == sorted(matches)  # "all" before "partial"
    assert matches.count("all") == results.all_words < 20
    for hit in results.hits[: results.all_words]:
        assert all(w in text_of(hit) for w in ("state", "space", "transformer", "sequenc", "long"))
    partial = [h for h in results.hits if h.match == "partial"]
    stems = ("state", "space", "model", "compar", "transformer", "long", "sequenc")
    assert partial and all(sum(s in text_of(h) for s in stems) >= 3 for h in partial)  # close: most of the words
    assert results.total >= len(results.hits)


def test_more_words_matched_ranks_higher(workspace):
    workspace.library.upsert([
        Paper(title="Zebra zebra zebra", abstract="Zebra stripes, zebra herds, zebra foals: zebra zebra."),
        Paper(title="Field notes", abstract="A long abstract about many animals in the field: a zebra, then a quokka "
              "and more words so that this abstract is much longer than the other one, as abstracts go."),
    ])
    results = workspace.engine.search("zebra quokka wombat", limit=5)
    assert results.all_words == 0  # no paper has "wombat"
    assert [h.record.title for h in results.hits[:2]] == ["Field notes", "Zebra zebra zebra"]


@pytest.mark.parametrize("query", [
    "what is mamba?",
    "it's mamba's selective scan, isn't it?",
    "what does (mamba do for vision",
    'why do people say "state space models beat transformers',
    "the of and to",
])
def test_prose_never_raises_or_empties(workspace, query):
    results = workspace.engine.search(query)
    if query != "the of and to":
        assert results.hits and any("mamba" in text_of(h) or "state space" in text_of(h) for h in results.hits[:3])


def test_plain_keywords_keep_their_and_meaning(workspace):
    both = workspace.engine.search("mamba vision", limit=50)
    assert both.all_words is None and all(h.match == "all" for h in both.hits)
    assert all("vision" in text_of(h) for h in both.hits)


def test_strict_language_keeps_its_meaning_and_errors(workspace):
    engine = workspace.engine
    assert engine.search("mamba -vision").total == engine.search("mamba").total - engine.search("mamba vision").total
    for bad in ("mamba OR", "title:(", '"open phrase', "(mamba OR rnn"):
        with pytest.raises(QueryError):
            engine.search(bad)


def test_question_json_marks_each_result(cli):
    out = cli("search", QUESTION, "--json").json
    assert {r["match"] for r in out["results"]} == {"all", "partial"}
    assert out["all_words"] == sum(r["match"] == "all" for r in out["results"])
    assert cli("search", "mamba", "--json").json["results"][0]["match"] == "all"


def test_question_on_screen_says_closest_matches(cli):
    out = cli("search", "zebra mamba selective scan?").out
    assert out.startswith("no paper has all the words") and "closest matches" in out
    out = cli("search", QUESTION).out
    assert "have all the words" in out and "-- closest matches (not every word) --" in out


# -- ids and links -----------------------------------------------------------------------------------
@pytest.mark.parametrize("text, kind, value", [
    ("1601.00001", "arxiv", "1601.00001"),
    ("1601.00001v2", "arxiv", "1601.00001"),
    ("arXiv:1601.00001", "arxiv", "1601.00001"),
    ("hep-th/9901001", "arxiv", "hep-th/9901001"),
    ("arXiv:hep-th/9901001v3", "arxiv", "hep-th/9901001"),
    ("https://arxiv.org/abs/2312.00752v2", "arxiv", "2312.00752"),
    ("http://arxiv.org/pdf/2312.00752v1.pdf", "arxiv", "2312.00752"),
    ("arxiv.org/pdf/2312.00752", "arxiv", "2312.00752"),
    ("https://arxiv.org/html/2312.00752v2", "arxiv", "2312.00752"),
    ("https://www.arxiv.org/abs/hep-th/9901001", "arxiv", "hep-th/9901001"),
    ("https://huggingface.co/papers/2312.00752", "arxiv", "2312.00752"),
    ("10.1145/3442188.3445922", "doi", "10.1145/3442188.3445922"),
    ("doi:10.1145/3442188.3445922", "doi", "10.1145/3442188.3445922"),
    ("https://doi.org/10.1145/3442188.3445922", "doi", "10.1145/3442188.3445922"),
    ("https://doi.org/10.48550/arXiv.2312.00752", "arxiv", "2312.00752"),
])
def test_ids_and_links_are_recognised(text, kind, value):
    ident = identify(text)
    assert ident is not None and (ident.kind, ident.value) == (kind, value)


@pytest.mark.parametrize("text", ["mamba", "2312", "state space 2312.00752", "https://example.org/abs/2312.00752", "1.5"])
def test_other_text_is_not_an_id(text):
    assert identify(text) is None


@pytest.fixture
def with_ids(workspace):
    workspace.library.upsert([
        Paper(title="Mamba: Linear-Time Sequence Modeling with Selective State Spaces", arxiv_id="2312.00752",
              authors=("Albert Gu", "Tri Dao"),
              abstract="Foundation models ... selective state space models."),
        Paper(title="An old string theory paper", arxiv_id="hep-th/9901001", abstract="Strings."),
        Paper(title="A paper known by its DOI", doi="10.1145/3442188.3445922", abstract="Stochastic parrots."),
    ])
    return workspace


@pytest.mark.parametrize("query, title", [
    ("2312.00752", "Mamba: Linear-Time"),
    ("arXiv:2312.00752v2", "Mamba: Linear-Time"),
    ("https://arxiv.org/abs/2312.00752v2", "Mamba: Linear-Time"),
    ("https://arxiv.org/pdf/2312.00752.pdf", "Mamba: Linear-Time"),
    ("https://huggingface.co/papers/2312.00752", "Mamba: Linear-Time"),
    ("hep-th/9901001", "An old string theory"),
    ("https://doi.org/10.1145/3442188.3445922", "A paper known by its DOI"),
])
def test_an_id_or_link_finds_that_paper_first(with_ids, query, title):
    results = with_ids.engine.search(query)
    assert results.hits and results.hits[0].record.title.startswith(title)


def test_an_unknown_id_says_how_to_fetch_it(with_ids, cli):
    results = with_ids.engine.search("arXiv:1601.00001")
    assert results.total == 0 and "not in the library" in results.notice
    assert "paperreader fetch arxiv id:1601.00001" in results.notice
    out = cli("search", "https://arxiv.org/abs/1601.00001v3")
    assert out.code == 0 and "paperreader fetch arxiv id:1601.00001" in out.out
    assert cli("search", "2312.00752", "--json").json["results"][0]["title"].startswith("Mamba: Linear-Time")


# -- half-typed queries --------------------------------------------------------------------------------
@pytest.mark.parametrize("query", ["mamba OR", "mamba -", "title:(", "(mamba OR rnn", "author:"])
def test_half_typed_queries_are_incomplete_while_typing(workspace, query):
    with pytest.raises(QueryIncomplete):
        workspace.engine.search(query, typing=True)


def test_an_open_quote_is_searched_closed_with_a_prefix(workspace):
    engine = workspace.engine
    typed = engine.search('"state spa', typing=True, limit=100)
    assert typed.total >= engine.search('"state space"').total > 0  # "state spaces" too
    assert all(re.search(r"stat\w*\W+(?:\w+\W+){0,3}spa", text_of(h)) for h in typed.hits)  # stems, stop words skipped: "states are sparse" too
    assert engine.search('"state space models', typing=True).total == engine.search('"state space models"').total > 0
    assert engine.search('"mamb', typing=True).total >= engine.search("mamba").total > 0  # and "mamba2"


def test_the_cli_still_reports_a_malformed_query(cli):
    for bad in ("mamba OR", "title:("):
        result = cli("search", bad)
        assert result.code == 2 and len(result.err.strip().splitlines()) == 1


# -- hints that tell the truth -------------------------------------------------------------------------
@pytest.mark.parametrize("query, word", [("author:gu", "authors"), ("year:2024", "date"), ("has:arxiv", "arXiv id")])
def test_a_field_no_paper_has_is_explained(workspace, cli, query, word):
    results = workspace.engine.search(query)
    assert results.total == 0 and word in results.notice and "paperreader resolve" in results.notice
    assert word in cli("search", query).out


def test_a_filled_field_has_no_such_hint(with_ids):
    assert with_ids.engine.search("has:arxiv").notice is None
    assert with_ids.engine.search("author:nobody").notice is None  # authors exist: just no match


def test_placeholder_offers_what_the_library_has(workspace):
    text = workspace.engine.placeholder()
    assert "question" in text and "author:" not in text and "arXiv" not in text
    workspace.library.upsert([Paper(title="A paper with an author", authors=("Albert Gu",), arxiv_id="2312.00752")])
    text = workspace.engine.placeholder()
    assert "author:" in text and "arXiv id" in text


# -- did you mean --------------------------------------------------------------------------------------
def test_did_you_mean_only_when_it_finds_more(workspace):
    workspace.library.upsert([Paper(title=f"Paper {i} on alter egos", authors=("Albert Gu",), abstract="alter")
                              for i in range(2)])
    results = workspace.engine.search('author:"albert gu"')
    assert results.total == 2 and results.suggestion is None
    assert workspace.engine.search("transfomer").suggestion == "transformer"
    assert workspace.engine.search("what's mamba's trick?").suggestion is None  # "trick" is a known stem


def test_export_of_a_question_takes_the_papers_with_every_word(cli):
    asked = cli("search", QUESTION, "--json").json
    out = cli("export", "--query", QUESTION, "--format", "json")
    assert out.code == 0
    exported = out.out
    firsts = [r["title"] for r in asked["results"] if r["match"] == "all"]
    partial = [r["title"] for r in asked["results"] if r["match"] == "partial"]
    assert firsts and all(t in exported for t in firsts)
    assert not any(t in exported for t in partial)


def test_a_question_being_typed_takes_its_last_word_as_a_prefix(workspace):
    engine = workspace.engine
    whole = engine.search("how do state space models", limit=10)
    typed = engine.search("how do state space mod", limit=10, typing=True)
    assert typed.total == whole.total > 0 and [h.id for h in typed.hits] == [h.id for h in whole.hits]
    assert engine.search("how do state space mod", limit=10).total != whole.total  # the CLI reads words whole
    assert engine.search("mamb", typing=True).total >= engine.search("mamba").total > 0  # a short query too
    assert engine.search("mamb").total == 0 and engine.search("mamb ", typing=True).total == 0  # whole
