"""The fixed query mix and the as-you-type keystrokes, derived from the built-in corpus's words.

Drawn with a fixed seed from the real vocabulary (not the synthetic corpus), so every size and
every engine gets exactly the same queries, and frequent words hit at every size. Queries are
written in paperreader's search language (Whoosh syntax); each engine translates what it must.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from random import Random

import generate

SEED = 5
PER_KIND = 16
KINDS = ("word", "two_words", "phrase", "prefix", "field", "fuzzy", "not")
_ALPHA = re.compile(r"[A-Za-z][A-Za-z-]*[A-Za-z]")


def _pick(rng: Random, seq):
    return seq[int(rng.random() * len(seq))]


def _sample(rng: Random, seq, k: int) -> list:
    """k distinct items, order kept stable by the rng (no random.sample: its algorithm may change)."""
    pool, out = list(seq), []
    while pool and len(out) < k:
        out.append(pool.pop(int(rng.random() * len(pool))))
    return out


@lru_cache(maxsize=None)
def _stats():
    papers = generate.load_model()[0]
    words, titles, bigrams, trigrams = Counter(), Counter(), Counter(), Counter()
    docs = []
    for p in papers:
        ws = [w.lower() for w in _ALPHA.findall(p.abstract)]
        words.update(ws)
        docs.append([w for w in ws if _content(w)])
        titles.update(w.lower() for w in _ALPHA.findall(p.title))
        for a, b in zip(ws, ws[1:]):
            if _content(a) and _content(b):
                bigrams[(a, b)] += 1
        for a, b, c in zip(ws, ws[1:], ws[2:]):
            if _content(a) and _content(b) and _content(c):
                trigrams[(a, b, c)] += 1
    return words, titles, bigrams, trigrams, docs


def _content(w: str) -> bool:
    return len(w) >= 4 and w.isalpha() and w not in generate.STOP and w not in ("https", "github")


def _ranked(counter: Counter, minimum: int) -> list:
    return sorted((k for k, n in counter.items() if n >= minimum), key=lambda k: (-counter[k], k))


def _typo(rng: Random, word: str) -> str:
    """One plausible typing error inside the word (never the first letter)."""
    i = 1 + int(rng.random() * (len(word) - 2))
    kind = int(rng.random() * 3)
    if kind == 0:
        return word[:i] + word[i + 1 :]  # dropped letter
    if kind == 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]  # swapped letters
    return word[:i] + _pick(rng, "aeioustrnl".replace(word[i], "")) + word[i + 1 :]  # wrong letter


@lru_cache(maxsize=None)
def query_mix() -> tuple[tuple[str, str], ...]:
    """(kind, query) pairs: PER_KIND of each kind, with the issue's own examples among them."""
    rng = Random(SEED)
    words, titles, bigrams, trigrams, docs = _stats()
    pool = [w for w in _ranked(words, 5) if _content(w)]
    head, mid = pool[:40], pool[40:]
    out: list[tuple[str, str]] = []
    for w in _sample(rng, head, PER_KIND // 2) + _sample(rng, mid, PER_KIND - PER_KIND // 2):
        out.append(("word", w))
    for _ in range(PER_KIND):
        doc = [w for w in _pick(rng, docs) if w in set(pool)]
        a, b = _sample(rng, sorted(set(doc)), 2)
        out.append(("two_words", f"{a} {b}"))
    phrases = [" ".join(t) for t in _ranked(trigrams, 3)] + [" ".join(b) for b in _ranked(bigrams, 4)]
    for ph in _sample(rng, phrases, PER_KIND):
        out.append(("phrase", f'"{ph}"'))
    prefixes = ["transf"]
    for w in _sample(rng, [w for w in pool if len(w) >= 7], 4 * PER_KIND):
        p = w[: 4 + int(rng.random() * 3)]
        if p not in prefixes and len(prefixes) < PER_KIND:
            prefixes.append(p)
    out.extend(("prefix", p + "*") for p in prefixes)
    tpool = [w for w in _ranked(titles, 2) if _content(w)]
    out.extend(("field", f"title:{w}") for w in _sample(rng, tpool, PER_KIND))
    fuzzy = ["transfomer"] + [_typo(rng, w) for w in _sample(rng, [w for w in pool if len(w) >= 6], PER_KIND - 1)]
    out.extend(("fuzzy", f + "~") for f in fuzzy)
    for a in _sample(rng, head, PER_KIND):
        with_a = [d for d in docs if a in d]
        b = _pick(rng, sorted({w for d in with_a for w in d if w in set(pool) and w != a}))
        out.append(("not", f"{a} NOT {b}"))
    return tuple(out)


@lru_cache(maxsize=None)
def typed_texts(count: int = 30) -> tuple[str, ...]:
    """The realistic queries a user types: common phrases and words of the field."""
    rng = Random(SEED + 1)
    words, _titles, bigrams, trigrams, _docs = _stats()
    tri = [" ".join(t) for t in _ranked(trigrams, 3)][:20]
    bi = [" ".join(b) for b in _ranked(bigrams, 5)][:40]
    uni = [w for w in _ranked(words, 20) if _content(w)][:60]
    texts = _sample(rng, tri, 10) + _sample(rng, bi, 12) + _sample(rng, uni, count - 22)
    return tuple(texts[:count])


def typed_query(text: str) -> str:
    """The query for what is in the box so far: complete words as typed, the last one as a prefix."""
    stripped = text.rstrip()
    if not stripped:
        return ""
    return stripped if text.endswith(" ") else stripped + "*"


def keystrokes(count: int = 30) -> list[tuple[str, str]]:
    """(typed text, query) for every prefix of every typed text, one character at a time."""
    out = []
    for text in typed_texts(count):
        for k in range(1, len(text) + 1):
            out.append((text[:k], typed_query(text[:k])))
    return out


if __name__ == "__main__":
    for kind, q in query_mix():
        print(f"{kind:10} {q}")
    print(f"\n{len(typed_texts())} typed texts, {len(keystrokes())} keystrokes:")
    for t in typed_texts():
        print("  ", t)
