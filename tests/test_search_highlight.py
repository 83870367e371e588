"""Highlights: the fast paths of search/highlight.py mark exactly the words the analyzer's own rule
marks (`spans_in`: every token of Whoosh's analyzer, tested against the query's leaves)."""

import itertools
import re

from paperreader.model import Paper
from paperreader.search.highlight import PORTER_CUT, Highlighter, author_text, field_analyzers, spans_in

TRICKY = [
    "Happily, the happiness of relational models: hoping, HOPED, hopes; Sensibility and sensible.",
    "e.g. v1.2 beats v1.10 on x.y.z; a..b, _under_score, 3.5-fold, U.S.A. and .net or net.",
    "Naïve Schrödinger équations: naive NAIVE naïveté, Ærø and straße (accents fold).",
    "Transformers transform transformed transformational transformer-based TRANSFORMATION.",
    "Graph networks, graphical networking, networked graphs; GNNs and graph-neural nets.",
    "Generalization generalizes generalized general generally; optimisation optimization optimal.",
    "",
    "a",
    "ies sses ing eed y ly .",
]
QUERIES = ["happy", "relate", "sensible", "hope", "naive", "équation", "happ*", "rel*al", "hop?d", "x.y",
           "v1", "transform", "transfomer~", "transformation", "graph network", '"graph networks"', "net*",
           "general*", "optimization", "generalize -graph", "title:graph OR abstract:transform", "usa"]


def _reference(highlighter, name, text):
    fast, analyzer, _stemmed, _cut = field_analyzers()[name]
    return tuple(spans_in(text, name, highlighter.matcher, analyzer))


def test_highlights_equal_the_analyzers_rule_on_tricky_text(workspace):
    for query in QUERIES:
        highlighter = Highlighter.of(workspace.engine.search(query, limit=1).parsed)
        for name, text in itertools.product(("title", "abstract", "note", "author"), TRICKY):
            assert highlighter.field(name, text) == _reference(highlighter, name, text), (query, name, text)


def test_highlights_equal_the_analyzers_rule_on_the_library(workspace):
    records = list(workspace.library.iter_records())[:60]
    for query in ["model", "learning networks", "trans*", "attention~", "mamba", "graph neural networks"]:
        parsed = workspace.engine.search(query, limit=5).parsed
        fresh = Highlighter.of(parsed)  # every word new to this highlighter
        for record in records:
            for name, text in (("title", record.title), ("abstract", record.abstract), ("author", author_text(record))):
                assert fresh.field(name, text) == _reference(fresh, name, text), (query, record.id, name)


def test_a_search_marks_what_the_rule_marks(workspace):
    workspace.library.upsert([Paper(title="Hoping for relational happiness",
                                    abstract="We hoped that relational, happy models (e.g. v1.2) help; hope.",
                                    authors=("Ann Hope",), arxiv_id="2501.00001")])
    workspace.ensure_index()
    results = workspace.engine.search("hope relational happy", limit=5)
    hit = next(h for h in results.hits if h.id == "arxiv:2501.00001")
    highlighter = Highlighter.of(results.parsed)
    title = next(h for h in hit.highlights if h.field == "title")
    assert title.spans == _reference(highlighter, "title", hit.record.title)
    assert [title.text[s:e] for s, e in title.spans] == ["Hoping", "relational", "happiness"]
    abstract = next(h for h in hit.highlights if h.field == "abstract")
    assert [abstract.text[s:e] for s, e in abstract.spans] == ["hoped", "relational", "happy", "hope"]


def test_porter_keeps_all_but_the_last_characters_of_a_word(workspace):
    """What the needles rely on: a word's term starts with the word's first len(term) - PORTER_CUT
    letters (at least its first), for the library's words and every suffix Porter rewrites."""
    fast = field_analyzers()["abstract"][0]
    words = set()
    for record in workspace.library.iter_records():
        words.update(re.findall(r"\w+", f"{record.title} {record.abstract}"))
    suffixes = ("ational tional enci anci izer bli alli entli eli ousli ization ation ator alism iveness fulness "
                "ousness aliti iviti biliti logi icate ative alize iciti ical ful ness al ance ence er ic able ible "
                "ant ement ment ent ou ism ate iti ous ive ize sion tion e ies sses s ed ing eed y ly ility ibility "
                "ably ingly edly izations alities bilities").split()
    for base in ("sens", "rel", "hop", "conf", "probab", "tabl", "communic", "real", "agre", "yy", "by"):
        words.update(base + a + b for a in suffixes for b in ("", "s", "ly", "ed", "ing", "ness", "ies"))
    assert len(words) > 3000
    checked = 0
    for word in words:
        if not word.isascii():
            continue
        term = fast.analyzer_word(word)
        if term:
            checked += 1
            assert word.lower().startswith(term[: max(1, len(term) - PORTER_CUT)]), (word, term)
    assert checked > 3000


def _shown_by_the_rule(highlighter, record):
    """What a hit shows, from the rule's spans: the title, the abstract's window, the note's window
    if it matched, the authors if they matched (search/highlight.fragment picks the windows)."""
    from paperreader.search.highlight import fragment

    out = [("title", record.title, _reference(highlighter, "title", record.title))]
    out.append(("abstract", *fragment(record.abstract, list(_reference(highlighter, "abstract", record.abstract)))))
    note = _reference(highlighter, "note", record.note)
    if note:
        out.append(("note", *fragment(record.note, list(note))))
    authors = _reference(highlighter, "author", author_text(record))
    if authors:
        out.append(("author", author_text(record), authors))
    return out


def test_a_hits_shown_fields_are_the_rules(workspace):
    """Each hit's highlights (what the CLI prints and --json gives) are the fields and windows the
    rule's spans give, note and authors included, for every hit of each query."""
    workspace.library.upsert([Paper(title=f"Hoping for relational graph networks {i}",
                                    abstract="We hoped that relational, happy models help; hope. " * (i + 1),
                                    authors=("Ann Hope", "Bo Graph"), arxiv_id=f"2501.0000{i}") for i in range(1, 6)])
    noted = workspace.library.list_ids()[:3]
    for pid in noted:
        workspace.library.set_note(pid, "Graph networks: my note on attention, transformers and hoping "
                                        "for relational models; " + "filler words here " * 20 + "attention again.")
    workspace.ensure_index()
    fields = set()
    for query in ["model", "learning networks", "trans*", "attention~", "mamba", "graph neural networks",
                  '"state space"', "note:attention", "author:hope", "hope graph", "attention NOT graph", "m?mba"]:
        results = workspace.engine.search(query, limit=30)
        highlighter = Highlighter.of(results.parsed)
        assert results.hits, query
        for hit in results.hits:
            shown = [(h.field, h.text, h.spans) for h in hit.highlights]
            fields.update(f for f, _t, spans in shown if spans)
            assert shown == _shown_by_the_rule(highlighter, hit.record), (query, hit.id)
            assert [h.json() for h in hit.highlights] == [
                {"field": f, "text": t, "matches": [list(s) for s in spans]} for f, t, spans in shown]
    assert fields == {"title", "abstract", "note", "author"}  # each kind was marked somewhere
