"""The benchmark corpus generator: the same papers everywhere, and a vocabulary with a long tail.

Benchmark figures only compare across runs and machines if the corpus is the same, and Whoosh's
costs (prefix and fuzzy expansion) depend on the rare words, so both properties are checked here.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections import Counter
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
import queries  # noqa: E402

N = 300


def _digest(docs) -> str:
    return hashlib.sha256("".join(json.dumps(d, sort_keys=True) for d in docs).encode()).hexdigest()


def test_same_papers_every_time_and_any_slice_alone():
    first = list(generate.papers(N))
    assert first == list(generate.papers(N))
    assert list(generate.papers(N, start=250)) == first[250:]
    assert generate.paper(7) == first[7]
    assert list(generate.papers(20, seed=1)) != first[:20]


def test_digest_is_pinned():
    # A changed digest means every recorded figure was measured on another corpus: bump VERSION.
    assert generate.VERSION == 1
    assert _digest(generate.papers(50)) == PINNED


def test_shapes_are_realistic():
    ids = set()
    for d in generate.papers(N):
        assert 6 <= len(d["title"].split()) <= 20
        assert 100 <= len(d["abstract"].split()) <= 300
        assert 1 <= len(d["authors"]) <= 8
        assert 1995 <= d["year"] <= 2026 and d["published"].startswith(str(d["year"]))
        assert d["categories"] and all("." in c for c in d["categories"])
        ids.add(d["id"])
    assert len(ids) == N


def test_long_tail_and_growing_vocabulary():
    counts, growth = Counter(), []
    for k, d in enumerate(generate.papers(N), 1):
        counts.update(re.findall(r"[a-z]+", (d["title"] + " " + d["abstract"]).lower()))
        if k in (N // 3, N):
            growth.append(len(counts))
    top = [w for w, _ in counts.most_common(3)]
    assert "the" in top  # a Zipfian head of function words
    hapax = sum(1 for n in counts.values() if n == 1)
    assert hapax / len(counts) > 0.3  # a long tail of words seen once
    assert growth[1] > 1.5 * growth[0]  # three times the text, far more than the same words
    made_up = {generate.rare_word(r) for r in range(1000, 1100)}
    assert len(made_up) == 100 and all(w.strip() for w in made_up)


def test_query_mix_is_fixed_and_complete():
    mix = queries.query_mix()
    assert mix == queries.query_mix()
    assert {k for k, _ in mix} == set(queries.KINDS)
    assert ("prefix", "transf*") in mix and ("fuzzy", "transfomer~") in mix
    assert len(queries.typed_texts()) == 30
    strokes = queries.keystrokes()
    assert strokes[0][1].endswith("*") and len(strokes) == sum(len(t) for t in queries.typed_texts())
    assert queries.typed_query("graph ne") == "graph ne*" and queries.typed_query("graph ") == "graph"


PINNED = "004510198f5e1bbb8ef561ab93495240ef1173abbeaf3904bc1cef3e3c6b8825"
