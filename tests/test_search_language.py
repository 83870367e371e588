"""The search language on the built-in corpus, with the real store and index."""

import shutil

import pytest

from paperreader.search.index import STAMP
from paperreader.search.schema import INDEX_SCHEMA_VERSION
from paperreader.search.query import QueryError


def titles(results):
    return [h.record.title for h in results.hits]


def test_words_are_anded_and_ranked(workspace):
    mamba = workspace.engine.search("mamba", limit=50)
    assert mamba.total >= 20
    assert all("mamba" in (h.record.title + h.record.abstract).lower() for h in mamba.hits)
    assert "mamba" in mamba.hits[0].record.title.lower()
    both = workspace.engine.search("mamba vision", limit=50)
    assert 0 < both.total < mamba.total
    assert all("vision" in (h.record.title + h.record.abstract).lower() for h in both.hits)


def test_stemming_matches_word_forms(workspace):
    plural = workspace.engine.search("transformers")
    single = workspace.engine.search("transformer")
    assert plural.total == single.total > 0


def test_phrase_and_proximity(workspace):
    phrase = workspace.engine.search('"state space"', limit=200)
    assert phrase.total > 0
    for hit in phrase.hits:
        text = (hit.record.title + " " + hit.record.abstract).lower().replace("-", " ")
        assert "state space" in text
    near = workspace.engine.search('"state models"~3', limit=200)
    assert near.total > workspace.engine.search('"state models"').total


def test_boolean_operators_and_parentheses(workspace):
    engine = workspace.engine
    a, b = engine.search("mamba").total, engine.search("rnn").total
    either = engine.search("mamba OR rnn").total
    assert either >= max(a, b) and either <= a + b
    without = engine.search("mamba NOT vision").total
    assert without == a - engine.search("mamba vision").total
    assert engine.search("mamba -vision").total == without
    grouped = engine.search("(mamba OR rnn) AND linear")
    assert all("linear" in (h.record.title + h.record.abstract).lower() for h in grouped.hits)
    everything_else = engine.search("NOT mamba").total
    assert everything_else == workspace.library.count() - a


def test_fields_prefix_and_fuzzy(workspace):
    engine = workspace.engine
    in_title = engine.search("title:mamba", limit=100)
    assert all("mamba" in h.record.title.lower() for h in in_title.hits)
    assert in_title.total < engine.search("mamba").total
    prefix = engine.search("transf*", limit=300)
    assert prefix.total >= engine.search("transformer").total
    fuzzy = engine.search("transfomer~")
    assert fuzzy.total > 0 and fuzzy.total >= engine.search("transformer").total


def test_notes_tags_and_state_filters(workspace):
    engine, library = workspace.engine, workspace.library
    hit = engine.search("mamba").hits[0]
    library.set_star(hit.id)
    library.set_note(hit.id, "Compare with the zebrafish baseline")
    library.add_tags(hit.id, ["to-read"])
    assert [h.id for h in engine.search("is:starred").hits] == [hit.id]
    assert [h.id for h in engine.search("note:zebrafish").hits] == [hit.id]
    assert [h.id for h in engine.search("zebrafish").hits] == [hit.id]  # notes are searched by default
    assert [h.id for h in engine.search("tag:to-read").hits] == [hit.id]
    assert [h.id for h in engine.search("has:note").hits] == [hit.id]
    assert hit.id not in [h.id for h in engine.search("mamba NOT is:starred", limit=100).hits]
    library.set_read(hit.id)
    assert hit.id not in [h.id for h in engine.search("is:unread mamba", limit=100).hits]
    assert engine.search("has:code").total == 29  # 34 URLs in 29 abstracts, all on code hosts or pages


def test_highlights_say_which_words_matched_and_where(workspace):
    hit = workspace.engine.search("mamba").hits[0]
    title = next(h for h in hit.highlights if h.field == "title")
    assert title.spans and all(title.text[s:e].lower() == "mamba" for s, e in title.spans)
    abstract = next(h for h in hit.highlights if h.field == "abstract")
    assert all(abstract.text[s:e].lower().startswith("mamba") for s, e in abstract.spans)
    fuzzy = workspace.engine.search("transfomer~").hits[0]
    marked = [h.text[s:e].lower() for h in fuzzy.highlights for s, e in h.spans]
    assert marked and all(m.startswith("transform") for m in marked)


def test_did_you_mean_uses_the_corpus_words(workspace):
    results = workspace.engine.search("transfomer")
    assert results.total == 0 and results.suggestion == "transformer"
    assert workspace.engine.search("Transfomer architecure").suggestion == "Transformer architecture"
    assert workspace.engine.search("mamba").suggestion is None


@pytest.mark.parametrize(
    "query, message",
    [
        ("title:(", "( is not closed"),
        ('"open phrase', "quote is not closed"),
        ("mamba)", ") has no matching ("),
        ("AND mamba", "AND needs something before it"),
        ("mamba OR", "OR needs something after it"),
        ("is:nice", "unknown filter is:nice"),
        ("title:", "title: needs a word"),
        ("year:soon", "not a year"),
    ],
)
def test_malformed_queries_explain_themselves(workspace, query, message):
    with pytest.raises(QueryError, match=message.replace("(", r"\(").replace(")", r"\)")):
        workspace.engine.search(query)


def test_more_like_this(workspace):
    source = workspace.engine.search("title:mamba").hits[0]
    similar = workspace.engine.similar(source.id, limit=5)
    assert len(similar) == 5 and source.id not in [h.id for h in similar]
    assert sum("mamba" in (h.record.title + h.record.abstract).lower() for h in similar) >= 3


def test_index_is_a_cache(workspace):
    pid = workspace.engine.search("mamba").hits[0].id
    workspace.library.set_note(pid, "quokka")
    workspace.index.close()
    shutil.rmtree(workspace.paths.index_dir)
    notice = workspace.ensure_index()
    assert "missing" in notice
    assert [h.id for h in workspace.engine.search("quokka").hits] == [pid]


def test_older_index_is_rebuilt(workspace):
    stamp = workspace.paths.index_dir / STAMP
    stamp.write_text(stamp.read_text().replace(f'"schema": {INDEX_SCHEMA_VERSION}', '"schema": 0'))
    workspace.index.close()
    assert "older" in workspace.ensure_index()
    assert workspace.engine.search("mamba").total > 0


def test_changes_update_the_index_incrementally(workspace):
    build = workspace.index.read_stamp()["build"]
    pid = workspace.engine.search("mamba").hits[0].id
    workspace.library.add_tags(pid, ["ssm"])
    assert [h.id for h in workspace.engine.search("tag:ssm").hits] == [pid]
    assert workspace.index.read_stamp()["build"] == build  # caught up, not rebuilt


def test_stop_words_in_a_query_do_not_empty_it(workspace):
    engine = workspace.engine
    assert engine.search("attention is").total == engine.search("attention").total > 0
    assert engine.search("the mamba").total == engine.search("mamba").total
    assert engine.search('"state of the art"').total > 0
