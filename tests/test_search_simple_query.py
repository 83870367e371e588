"""search/simple_query.py reads the strict language's simple shapes into exactly the tree Whoosh's
parser makes: the bench's query mix and thousands of generated shapes (stop words, short words,
stems, accents, digits, fields, prefixes, phrases, NOT) give the same parse with and without it,
and the shapes it must decline (operators, brackets, fuzzy, ranges, filters, punctuation) fall
through to Whoosh's parser."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from paperreader.search.query import QueryError, make_parser, parse, rewrite
from paperreader.search.schema import build_schema

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import queries  # noqa: E402  (bench/queries.py: the bench's query mix)

WORDS = [
    "neural", "networks", "Neural", "LSTMs", "running", "studies", "happily", "attention", "models", "model",
    "the", "a", "an", "is", "not", "and", "or", "of", "to", "be", "it", "x", "b", "ab", "A", "I",
    "café", "année", "naïve", "Ärger", "straße", "İstanbul", "2020", "a1", "ab_c", "_x", "x_", "Transformer",
    "generalization", "relational", "conditional", "hopefulness", "biliti", "ational", "sses", "ies",
    "diagrams", "quadratic", "computational", "llms", "data", "wei", "li", "smith", "ml", "cs",
    "supercalifragilisticexpialidocious", "zzzz", "y", "yes", "no", "on", "in", "also", "many",
]
FIELDS = [None, None, None, "title", "abstract", "author", "note", "tag"]


def _dump(q):
    """Everything a tree's nodes say (class, field, text, words, boost, slop, char ranges, Or's
    minmatch and scale), children in order."""
    from whoosh import query as wq

    if q is wq.NullQuery:
        return ("Null",)
    out = [type(q).__name__, getattr(q, "fieldname", None), getattr(q, "text", None), q.boost]
    if isinstance(q, wq.Phrase):
        out += [tuple(q.words), q.slop, tuple(q.char_ranges or ())]
    if isinstance(q, wq.Or):
        out += [q.minmatch, q.scale]
    if isinstance(q, wq.Not):
        out.append(_dump(q.query))
    elif not q.is_leaf():
        out.append(tuple(_dump(c) for c in q.children()))
    return tuple(out)


@pytest.fixture(scope="module")
def parsers():
    schema = build_schema()
    fast, whoosh_only = make_parser(schema), make_parser(schema)
    assert fast.simple_reader is not None
    whoosh_only.simple_reader = None
    return fast, whoosh_only


def _same(parsers, text: str) -> bool:
    """Both parses agree (tree, words, filters, notices, or the error); True if the simple reader read it."""
    fast, whoosh_only = parsers
    outcomes = []
    for parser in (fast, whoosh_only):
        try:
            p = parse(text, parser, None)
            outcomes.append((_dump(p.whoosh), repr(p.whoosh), p.words, p.is_filters, p.notices, p.text))
        except QueryError as exc:
            outcomes.append(("error", str(exc)))
        except Exception:  # Whoosh's parser on input it does not foresee (engine.py: "cannot read this query")
            outcomes.append(("error",))
    assert outcomes[0] == outcomes[1], text
    try:
        return fast.simple_reader.read(rewrite(text.strip())) is not None
    except Exception:
        return False


def _item(rng: random.Random) -> str:
    field = rng.choice(FIELDS)
    head = f"{field}:" if field else ""
    kind = rng.random()
    if kind < 0.5:
        body = rng.choice(WORDS)
    elif kind < 0.7:
        body = rng.choice(WORDS)[: rng.randint(1, 6)] + "*"
    else:
        body = '"' + " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4))) + '"'
    return ("NOT " if rng.random() < 0.2 else "") + head + body


def test_the_bench_mix_reads_alike_and_its_strict_kinds_skip_whoosh(parsers):
    read = {}
    for kind, text in queries.query_mix():
        read.setdefault(kind, []).append(_same(parsers, text))
    for kind in ("phrase", "prefix", "field", "not", "word", "two_words"):
        assert all(read[kind]), kind
    assert not any(read["fuzzy"])  # `word~`: Whoosh's parser


def test_generated_shapes_read_alike(parsers):
    rng = random.Random(12)
    simple = 0
    for _ in range(1500):
        text = " ".join(_item(rng) for _ in range(rng.randint(1, 4)))
        simple += _same(parsers, text)
    assert simple > 1250  # most shapes take the simple path (the rest: a NOT before nothing, etc.)


@pytest.mark.parametrize("text", [
    "the", "title:the", "a NOT the", "NOT the x", "x NOT y z", "x -y", "NOT x NOT y", "models models",
    "x  y", " x ", '"the cat"', '"a"', '"a b"', 'title:"a b"', 'author:"Wei Li"', '"hidden states"',
    "A*", "the*", "tag:foo*", "année*", "x*", "a1b2*", "NOT x", "NOT the", "x NOT the", '"neural" NOT "the"',
    "title:Running", "Neural NETWORKS", "not x", "and", "x or y", "NOTx", "xNOT y",
])
def test_edge_shapes_read_alike(parsers, text):
    _same(parsers, text)


@pytest.mark.parametrize("text", [
    "x AND y", "x OR y", "x ANDNOT y", "x ANDMAYBE y", "x REQUIRE y", "(x y)", "x~", "x~2", '"a b"~3',
    "state-space", "a.b", "x's", "cat:cs.AI", "year:2020", "year:2020..2024", "has:code", "foo:bar",
    "x* y?", "w?rd", "*x", "x**", "NOT NOT x", "x\ty", 'x"a b"', "title: x", "title:(a b)",
    "x^2", "[a TO b]", "*:*", "'quoted words'", "x,y",
])
def test_other_shapes_go_to_whoosh_and_read_alike(parsers, text):
    assert not _same(parsers, text)


def test_query_words_answer_as_each_field_s_analyzer(parsers):
    """The memo's answer for a word in query mode is the field's analyzer's own; other modes,
    arguments and words of several tokens go to the analyzer itself."""
    fast, _ = parsers
    schema = build_schema()
    words = WORDS + ["state-space", "a.b", "x's", "GPT-4", "", "two words", "U.S.A"]
    for name in ("title", "abstract", "author", "note", "tag"):
        analyzer = schema[name].analyzer
        answering = fast.simple_reader.query_analyzer(name, analyzer)
        for word in words:
            for _ in range(2):  # computed, then remembered
                assert [t.text for t in answering(word, mode="query")] == [t.text for t in analyzer(word, mode="query")], (name, word)
            assert [t.text for t in answering(word, mode="index")] == [t.text for t in analyzer(word, mode="index")]
            assert ([(t.text, t.startchar) for t in answering(word, mode="query", chars=True)]
                    == [(t.text, t.startchar) for t in analyzer(word, mode="query", chars=True)])
