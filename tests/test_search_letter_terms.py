"""The segments' prepared letters (search/letter_terms.py, search/letter_merge.py): written with every
segment (bulk build, Whoosh's writer, a merge), and a prefix's top terms and count from them are the
term dictionary's, exactly; a missing, partial, stale or deleted file means the term dictionary."""

from __future__ import annotations

import heapq
import os

import pytest

from paperreader.model import Paper
from paperreader.search import letter_merge, letter_terms
from paperreader.search.lexicon import Lexicon

FIELDS = ("title", "abstract", "author", "note", "tag")


@pytest.fixture(scope="module")
def workspace_leaves(tmp_path_factory):
    from paperreader import paths
    from paperreader.workspace import Workspace

    ws = Workspace.open(paths.resolve(tmp_path_factory.mktemp("letters") / "data").ensure(), backup=False)
    ws.ensure_index()  # the bundled papers: the bulk builder's segment
    ws.library.upsert([  # a second segment by Whoosh's writer, with terms beyond ASCII
        Paper(title="Quantum états and Ångström scales", authors=("李 小龙", "Zoë Ölçer"),
              abstract="A zeta function, ζ-regularised; naïve tokens, transformers and trees."),
    ])
    pid = ws.library.list_ids()[0]
    ws.library.add_tags(pid, ["ætiology", "zzz"])
    ws.library.set_note(pid, "the note of a tree")
    ws.index.catch_up()
    yield ws


def _ltr_files(folder: str) -> list[str]:
    return sorted(f for f in os.listdir(folder) if f.endswith(letter_terms.EXT))


def _term_dictionary(leaves, field, prefix, k, lexicon=None):
    found = (lexicon or Lexicon(leaves)).prefixed(field, prefix)
    return heapq.nlargest(k, found), len(found) > k


def _prefixes(leaves, field):
    every = [t for _df, t in Lexicon(leaves).prefixed(field, "")]
    return sorted({t[:n] for t in every for n in (1, 2, 3)} | {"zz", "ζ", "李", "å", "~", "\U0010ffff"})


def test_every_segment_has_its_file_and_answers_as_the_term_dictionary(workspace_leaves, monkeypatch):
    ws = workspace_leaves
    with ws.index.lock:
        fs = ws.index.fast_search()
        assert len(fs.leaves) >= 2
        lex = Lexicon(fs.leaves)
        for field in ("title", "abstract", "author", "tag"):
            assert lex._prepared_parts(field, "t") is not None, field  # read from the files
        assert all(p is not None for p in lex._prepared)
        for exact_up_to in (letter_merge.EXACT_UP_TO, 0):  # by text, then by keys with numpy
            monkeypatch.setattr(letter_merge, "EXACT_UP_TO", exact_up_to)
            old = Lexicon(fs.leaves)
            for k in (1, 3, 48):
                lex = Lexicon(fs.leaves)  # (as typed: a longer prefix may refine the one before)
                for field in FIELDS:
                    for prefix in _prefixes(fs.leaves, field):
                        assert lex.top(field, prefix, k) == _term_dictionary(fs.leaves, field, prefix, k, old), (field, prefix, k)


def _fresh_leaves(ws):
    return ws.index.fast_search().leaves


def test_a_missing_partial_or_stale_file_is_not_used(workspace_leaves, tmp_path):
    ws = workspace_leaves
    with ws.index.lock:
        leaves = _fresh_leaves(ws)
        folder = os.path.dirname(_prepared_path(leaves[0]))
        names = _ltr_files(folder)
        saved = {n: open(os.path.join(folder, n), "rb").read() for n in names}
        want = {(f, p): _term_dictionary(leaves, f, p, 5) for f in FIELDS for p in ("t", "tr", "z", "a")}
        try:
            for damage in ("delete", "truncate", "stale", "garbage"):
                victim = os.path.join(folder, names[0])
                if damage == "delete":
                    os.remove(victim)
                elif damage == "truncate":
                    open(victim, "wb").write(saved[names[0]][:-7])
                elif damage == "stale":  # written beside a term file of another size
                    data = saved[names[0]]
                    open(victim, "wb").write(data.replace(b'{"trm":', b'{"trm":1', 1))
                else:
                    open(victim, "wb").write(b"\x00" * 64)
                lex = Lexicon(leaves)
                assert lex._prepared_parts("abstract", "t") is None, damage
                for (field, prefix), answer in want.items():
                    assert lex.top(field, prefix, 5) == answer, (damage, field, prefix)
                open(victim, "wb").write(saved[names[0]])
                assert Lexicon(leaves)._prepared_parts("abstract", "t") is not None
        finally:
            for n, data in saved.items():
                open(os.path.join(folder, n), "wb").write(data)


def _prepared_path(leaf) -> str:
    reader = leaf[0].reader()
    return os.path.join(reader.storage().folder, reader.segment().make_filename(letter_terms.EXT))


def test_prepare_writes_what_the_writer_wrote(workspace_leaves):
    ws = workspace_leaves
    with ws.index.lock:
        leaves = _fresh_leaves(ws)
        for leaf in leaves:
            path = _prepared_path(leaf)
            written = open(path, "rb").read()
            os.remove(path)
            letter_terms.prepare(leaf[0].reader())
            assert open(path, "rb").read() == written


def test_a_merge_writes_the_merged_segments_file_and_drops_the_old_ones(tmp_path):
    from whoosh.index import open_dir

    from paperreader import paths
    from paperreader.search.codec import PRCodec
    from paperreader.workspace import Workspace

    ws = Workspace.open(paths.resolve(tmp_path / "data").ensure(), backup=False)
    ws.ensure_index()
    for i in range(3):
        ws.library.upsert([Paper(title=f"Paper {i} on transformers", abstract=f"Trees and tries number {i}.")])
        ws.index.catch_up()
    with ws.index.lock:
        folder = os.path.dirname(_prepared_path(_fresh_leaves(ws)[0]))
        before = _ltr_files(folder)
        assert len(before) >= 2
        ix = open_dir(folder)
        ix.writer(codec=PRCodec(), compound=False).commit(optimize=True)  # every segment merged into one
        with ix.searcher() as searcher:
            leaves = list(searcher.leaf_searchers())
            assert len(leaves) == 1
            after = _ltr_files(folder)
            assert len(after) == 1 and after[0] not in before
            lex = Lexicon(leaves)
            assert lex._prepared_parts("abstract", "t") is not None
            for field in FIELDS:
                for prefix in ("t", "tr", "p", "n"):
                    assert lex.top(field, prefix, 48) == _term_dictionary(leaves, field, prefix, 48)
        ix.close()
    ws.close()


def test_two_terms_sharing_a_key_are_never_summed_as_one(monkeypatch):
    import numpy as np

    dfs = [1 + (i * 7919) % 50 for i in range(3000)]
    ours = [f"t{i:05d}".encode() for i in range(3000)]
    others = [f"t{i:05d}x".encode() for i in range(3000)]
    (_byte, m, data), = letter_terms.regions(ours, dfs)
    first = letter_terms.Region(np, data, m)
    (_byte, m, data), = letter_terms.regions(others, dfs)
    second = letter_terms.Region(np, data, m)
    second.keys, second.order = first.keys, first.order  # each key of the first names another term here
    parts = [(first, 0, m), (second, 0, m)]
    monkeypatch.setattr(letter_merge, "EXACT_UP_TO", 0)
    want = letter_merge._by_text(parts, 10)[:2]
    assert want[1] and want[0][0][0] == max(dfs)
    assert letter_merge.top(parts, 10)[:2] == want
    assert letter_terms.regions([b"ab", b"ac"], [1, 2]) is not None
    assert letter_terms.regions([b"ac", b"ab"], [1, 2]) is None  # not sorted


def test_letter_dfs_are_each_segments_terms_and_frequencies(workspace_leaves):
    """`Lexicon.letter_dfs` (for a lone prefix's "about N"): per segment, the keys and document
    frequencies of every term under the prefix, as that segment's term dictionary has them; no
    file for a segment: None."""
    import numpy as np

    ws = workspace_leaves
    with ws.index.lock:
        leaves = _fresh_leaves(ws)
        lex = Lexicon(leaves)
        checked = 0
        for field in FIELDS:
            for prefix in [p for p in _prefixes(leaves, field) if len(p) <= 2] + ["tr", "zz"]:
                got = lex.letter_dfs(field, prefix)
                assert got is not None, (field, prefix)
                by_offset = {offset: (docs, keys, dfs) for offset, docs, keys, dfs in got}
                for sub, offset in leaves:
                    own = Lexicon([(sub, offset)]).prefixed(field, prefix)  # this segment's term dictionary
                    if not own:
                        assert offset not in by_offset or not len(by_offset[offset][1]), (field, prefix)
                        continue
                    docs, keys, dfs = by_offset[offset]
                    want = letter_terms.term_keys(np, [t.encode("utf-8") for _df, t in own])
                    assert docs == sub.reader().doc_count_all()
                    assert keys.tolist() == want.tolist() and dfs.tolist() == [df for df, _t in own], (field, prefix)
                    checked += 1
        assert checked > 100
        path = _prepared_path(leaves[-1])
        saved = open(path, "rb").read()
        os.remove(path)
        try:
            assert Lexicon(_fresh_leaves(ws)).letter_dfs("title", "t") is None
        finally:
            with open(path, "wb") as f:
                f.write(saved)
        assert Lexicon(_fresh_leaves(ws)).letter_dfs("title", "t") is not None
