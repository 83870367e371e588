"""The packed lexicon (search/lexicon.py) answers a prefix with exactly the terms and document
frequencies the term dictionary holds, in term order, and keeps its lists within BYTES_KEPT."""

from __future__ import annotations

import pytest

from paperreader.model import Paper
from paperreader.search import lexicon
from paperreader.search.lexicon import Lexicon


@pytest.fixture(scope="module")
def searcher_leaves(tmp_path_factory):
    from paperreader import paths
    from paperreader.workspace import Workspace

    ws = Workspace.open(paths.resolve(tmp_path_factory.mktemp("lexicon") / "data").ensure(), backup=False)
    ws.ensure_index()
    ws.library.upsert([  # terms beyond ASCII, in a second segment
        Paper(title="Quantum états and Ångström scales", authors=("李 小龙", "Zoë Ölçer", "Ålborg Ærø"),
              abstract="A zeta function, ζ-regularised; naïve tokens."),
    ])
    pid = ws.library.list_ids()[0]
    ws.library.add_tags(pid, ["ætiology", "zzz"])
    ws.index.catch_up()
    with ws.index.lock:
        fs = ws.index.fast_search()
        yield fs.leaves
    ws.close()


def read_directly(leaves, field, prefix):
    dfs = {}
    for sub, _offset in leaves:
        for t, info in sub.reader().iter_prefix(field, prefix):
            t = t.decode("utf-8") if isinstance(t, bytes) else t
            dfs[t] = dfs.get(t, 0) + info.doc_frequency()
    return [(dfs[t], t) for t in sorted(dfs)]


@pytest.mark.parametrize("field", ["title", "abstract", "author", "tag"])
def test_every_prefix_is_the_term_dictionarys(searcher_leaves, field):
    lex = Lexicon(searcher_leaves)
    every = read_directly(searcher_leaves, field, "")
    assert lex.prefixed(field, "") == every and every
    if field in ("author", "tag"):
        assert any(not t.isascii() for _df, t in every)  # "李", "ætiology": the packed bytes are UTF-8
    prefixes = {t[:k] for _df, t in every for k in (1, 2, 3, 5)} | {"zz", "q", "ζ", "李", "å", "\U0010ffff", "~"}
    for prefix in sorted(prefixes):
        assert lex.prefixed(field, prefix) == [(df, t) for df, t in every if t.startswith(prefix)], prefix
    for prefix in sorted(prefixes, key=lambda p: (p[:1], len(p))):  # as typed: `t`, `tr`, `tra`...
        got = lex.prefixed(field, prefix)
        assert got == [(df, t) for df, t in every if t.startswith(prefix)], prefix
        got.clear()  # a caller's list is its own


def test_the_kept_lists_stay_within_their_bytes(searcher_leaves, monkeypatch):
    lex = Lexicon(searcher_leaves)
    for letter in "abcdefghijklmnopqrstuvwxyz":
        lex.prefixed("abstract", letter)
    full = lex.nbytes
    assert len(lex._letters) > 20 and full > 0
    monkeypatch.setattr(lexicon, "BYTES_KEPT", full // 4)
    small = Lexicon(searcher_leaves)
    for letter in "abcdefghijklmnopqrstuvwxyz":
        assert small.prefixed("abstract", letter + "e") == lex.prefixed("abstract", letter + "e")
        assert small.nbytes <= full // 4 or len(small._letters) == 1
    assert 1 <= len(small._letters) < len(lex._letters)
    assert small.nbytes == sum(t.nbytes for t in small._letters.values())
