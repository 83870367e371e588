"""A deterministic synthetic corpus of any size, shaped like arXiv abstracts.

Text comes from a bigram chain over the built-in corpus (so words, phrases and their frequencies are
real), with a share of content words swapped for synthetic rare words drawn from an unbounded
power law: the vocabulary keeps growing with corpus size (Heaps' law), as real text does, which is
what makes prefix and fuzzy expansion expensive at scale. Paper i depends only on (seed, i), so the
first 10k papers of the 100k corpus are the 10k corpus, and any slice can be regenerated alone.
Only `Random.random()` is used (plus our own sampling), so the output is the same on every machine.

    python bench/generate.py --n 100000 -o bench/work/corpus-100k.jsonl
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import re
import sys
from functools import lru_cache
from pathlib import Path
from random import Random
from typing import Iterator

import common  # noqa: F401  (puts the repo root on sys.path)

CORPUS = common.ROOT / "paperreader" / "data" / "trending-papers.txt"
SEED = 20240501
VERSION = 1  # bump when the output changes; results of different versions do not compare

RARE_SHARE = 0.09  # share of content words replaced by a rare word
TAIL_ALPHA = 0.6  # tail index of the rare-word rank law: Heaps exponent ~ 1 / (1 + alpha)
TAIL_SCALE = 1000.0  # smallest rank: ~9 rare draws a paper give ~10k words at 1k papers, ~500k at 1M
MAX_RANK = 64**8  # keeps made-up words under ~8 syllables
JUMP = 0.10  # chance a step leaves the bigram chain for a unigram draw (variety)

STOP = frozenset(
    "a an and are as at be been by can do does for from has have how in into is it its more most "
    "not of on or our such than that the their these this those to under via was we were what when "
    "where which while who why will with without".split()
)
SYLLABLES = (
    "ta ro lin vex qua mor si den gra phi ne tor ka lu mi zen bra cor dal el fen gor hal ix jo kel "
    "lor mag nor ob pel quin ras sol tem ul vor wen xan yl zor ab ber cy dro ev fla gen hy in ju "
    "kra lem mon nu op pra ri sta tri um vi wa xi ze"
).split()
SUFFIXES = (
    "former net ization ic ive ity ing ed ous al ism oid ator ance ent ics ify ology graph scope "
    "tion ness able"
).split()
FIRST = (
    "Wei Yang Jun Li Hao Yu Jing Xin Chen Lei Ming Anna Maria David Michael John Sarah Thomas Daniel "
    "Laura Alex Ivan Olga Sergey Elena Pierre Julien Marco Luca Giulia Hans Lukas Jonas Yuki Kenji "
    "Hiroshi Min-jun Seo-yeon Ji-ho Arjun Priya Rahul Ananya Omar Fatima Ahmed Carlos Ana Lucas "
    "Sofia Mateo Noah Emma Liam Olivia Ethan Ava Jakub Zofia Mehmet Elif Kwame Amara Tomas Ines"
).split()
LAST = (
    "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Luo Gao Kim Lee Park "
    "Choi Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Wilson Anderson Taylor Thomas Moore Martin Jackson Muller Schmidt Schneider Fischer "
    "Weber Rossi Russo Ferrari Bianchi Dubois Moreau Laurent Petit Ivanov Smirnov Kuznetsov Popov "
    "Sato Suzuki Takahashi Tanaka Watanabe Singh Kumar Sharma Gupta Patel Nguyen Tran Le Pham "
    "Silva Santos Oliveira Souza Novak Kowalski Nowak Yilmaz Kaya Cohen Levi Mensah Okafor"
).split()
CATEGORIES = (
    ("cs.LG", 25), ("cs.CV", 15), ("cs.CL", 14), ("cs.AI", 8), ("stat.ML", 6), ("cs.RO", 5),
    ("math.OC", 3), ("cs.NE", 3), ("cs.IR", 3), ("eess.IV", 3), ("eess.SP", 2), ("cs.CR", 2),
    ("cs.DC", 2), ("cs.SE", 2), ("eess.SY", 2), ("cs.HC", 1), ("cs.MA", 1), ("cs.GT", 1),
    ("q-bio.NC", 1), ("physics.comp-ph", 1),
)  # fmt: skip
FIRST_YEAR, YEARS = 1995, 32  # 1995..2026
WORD = re.compile(r"^([^A-Za-z]*)([A-Za-z][A-Za-z-]*[A-Za-z])([^A-Za-z]*)$")


class Weighted:
    """Draws from a fixed discrete distribution with one random() and a bisect."""

    def __init__(self, items, weights):
        self.items = list(items)
        total, self.cum = 0.0, []
        for w in weights:
            total += w
            self.cum.append(total)
        self.total = total

    def draw(self, rng: Random):
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


def pick(rng: Random, seq):
    return seq[int(rng.random() * len(seq))]


def zipf_weights(n: int, s: float = 1.0) -> list[float]:
    return [1.0 / (k + 1) ** s for k in range(n)]


@lru_cache(maxsize=None)
def load_model():
    """Bigram successors for abstracts and titles, sentence starts, and the real papers."""
    from paperreader.sources.pagedump import parse

    papers = parse(CORPUS.read_text(encoding="utf-8"))
    follow: dict[str, list[str]] = {}
    starts: list[str] = []
    all_tokens: list[str] = []
    for p in papers:
        toks = [t for t in p.abstract.split() if "://" not in t]
        all_tokens.extend(toks)
        prev = None
        for t in toks:
            if prev is None or prev[-1] in ".?!":
                starts.append(t)
            else:
                follow.setdefault(prev, []).append(t)
            prev = t
    tfollow: dict[str, list[str]] = {}
    tstarts: list[str] = []
    for p in papers:
        toks = p.title.split()
        tstarts.append(toks[0])
        for a, b in zip(toks, toks[1:]):
            tfollow.setdefault(a.lower(), []).append(b)
    return papers, follow, starts, all_tokens, tfollow, tstarts


def rare_rank(rng: Random) -> int:
    """A rank >= 1 from a power law with an unbounded tail."""
    u = 1.0 - rng.random()  # (0, 1]
    return min(int(TAIL_SCALE * u ** (-1.0 / TAIL_ALPHA)), MAX_RANK)


@lru_cache(maxsize=200_000)
def _stem(rank: int) -> str:
    parts, r = [], rank
    while True:
        r, d = divmod(r, len(SYLLABLES))
        parts.append(SYLLABLES[d])
        if r == 0:
            break
    if len(parts) < 2:
        parts.append(SYLLABLES[(rank * 7) % len(SYLLABLES)])
    return "".join(parts)


def rare_word(rank: int) -> str:
    """The plausible made-up word of a rank: a term, a name, an acronym or a model name."""
    stem, shape = _stem(rank), rank % 10
    if shape <= 5:
        return stem + SUFFIXES[(rank // 10) % len(SUFFIXES)]
    if shape == 6:
        return stem.capitalize()
    if shape == 7:
        return "".join(c for c in stem.upper() if c not in "AEIOU")[:5] or stem.upper()
    if shape == 8:
        return stem + "-" + SUFFIXES[(rank // 10) % len(SUFFIXES)]
    return f"{stem.capitalize()}-{(rank // 10) % 70 + 1}B"


def _maybe_rare(tok: str, rng: Random, share: float) -> str:
    m = WORD.match(tok)
    if m is None or len(m.group(2)) < 4 or m.group(2).lower() in STOP or rng.random() >= share:
        return tok
    return m.group(1) + rare_word(rare_rank(rng)) + m.group(3)


def _abstract(rng: Random) -> str:
    _papers, follow, starts, all_tokens, _tf, _ts = load_model()
    target = 110 + int(120 * (rng.random() + rng.random()) / 2)  # 110..230; sentences end past it
    out: list[str] = []
    while len(out) < target:
        tok = pick(rng, starts)
        n = 0
        while True:
            out.append(_maybe_rare(tok, rng, RARE_SHARE))
            n += 1
            if tok[-1] in ".?!":
                break
            if n > 45 or len(out) >= target + 30:
                out[-1] = out[-1].rstrip(",;:") + "."
                break
            nxt = follow.get(tok)
            tok = pick(rng, nxt) if nxt and rng.random() >= JUMP else pick(rng, all_tokens)
            if tok[-1] in ".?!" and len(out) < 4:
                tok = tok.rstrip(".?!") or tok
    return " ".join(out)


def _title(rng: Random) -> str:
    _papers, follow, _s, _all, tfollow, tstarts = load_model()
    target = 6 + int(10 * (rng.random() + rng.random()) / 2)  # 6..15
    words: list[str] = []
    if rng.random() < 0.25:
        words.append(rare_word(rare_rank(rng)).capitalize() + ":")
    tok = pick(rng, tstarts)
    while True:
        words.append(_maybe_rare(tok, rng, RARE_SHARE / 2))
        last = words[-1].strip(",.;:").lower()
        if len(words) >= target and last not in STOP:
            break
        if len(words) >= target + 4:
            break
        nxt = tfollow.get(tok.lower()) or follow.get(tok)
        tok = pick(rng, nxt) if nxt else pick(rng, tstarts)
    return " ".join(words).rstrip(",.;:")


_COUNT = Weighted(range(1, 9), (5, 15, 20, 20, 15, 10, 8, 7))
_FIRST = Weighted(FIRST, zipf_weights(len(FIRST), 0.6))
_LAST = Weighted(LAST, zipf_weights(len(LAST), 0.8))


def _authors(rng: Random) -> list[str]:
    names = []
    for _ in range(_COUNT.draw(rng)):
        surname = _LAST.draw(rng) if rng.random() < 0.75 else _stem(rare_rank(rng) // 7 + 64).capitalize()
        names.append(f"{_FIRST.draw(rng)} {surname}")
    return names


_CATS = Weighted([c for c, _ in CATEGORIES], [w for _, w in CATEGORIES])


def paper(i: int, seed: int = SEED) -> dict:
    """Paper number i of the corpus with this seed, as a JSON-ready dict."""
    rng = Random(seed * 1_000_003 + i)
    month_index, seq = i % (YEARS * 12), i // (YEARS * 12) + 1  # a bijection: ids are unique
    year, month = FIRST_YEAR + month_index // 12, month_index % 12 + 1
    arxiv_id = f"{year % 100:02d}{month:02d}.{seq:05d}"
    cats = [_CATS.draw(rng)]
    for _ in range(int(rng.random() * 3)):
        c = _CATS.draw(rng)
        if c not in cats:
            cats.append(c)
    return {
        "id": f"arxiv:{arxiv_id}",
        "arxiv_id": arxiv_id,
        "title": _title(rng),
        "abstract": _abstract(rng),
        "authors": _authors(rng),
        "published": f"{year}-{month:02d}-{1 + int(rng.random() * 28):02d}",
        "year": year,
        "categories": cats,
    }


def papers(n: int, seed: int = SEED, start: int = 0) -> Iterator[dict]:
    """Papers start..n-1, one at a time (constant memory)."""
    for i in range(start, n):
        yield paper(i, seed)


def to_paper(d: dict):
    """The paperreader Paper of a generated dict."""
    from paperreader.model import Paper

    return Paper(
        title=d["title"], abstract=d["abstract"], authors=tuple(d["authors"]), arxiv_id=d["arxiv_id"],
        published=d["published"], categories=tuple(d["categories"]), source="bench",
    )  # fmt: skip


def read_jsonl(path: Path, limit: int | None = None) -> Iterator[dict]:
    with open(path, encoding="utf-8") as fh:
        for k, line in enumerate(fh):
            if limit is not None and k >= limit:
                break
            yield json.loads(line)


def write_jsonl(path: Path, n: int, seed: int = SEED, progress=None) -> Path:
    """Write n papers to path atomically (a .part file renamed at the end)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + f".{os.getpid()}.part")  # two runs may generate at once
    with open(tmp, "w", encoding="utf-8") as fh:
        for k, d in enumerate(papers(n, seed)):
            fh.write(json.dumps(d, ensure_ascii=False) + "\n")
            if progress and (k + 1) % 10_000 == 0:
                progress(k + 1, n)
    tmp.replace(path)
    return path


def corpus_path(n: int, seed: int = SEED) -> Path:
    return common.WORK / f"corpus-v{VERSION}-s{seed}-{n}.jsonl"


def ensure_corpus(n: int, seed: int = SEED, progress=None) -> Path:
    """The cached JSONL corpus of n papers, generated on first use."""
    path = corpus_path(n, seed)
    if not path.exists():
        write_jsonl(path, n, seed, progress)
    return path


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1000, help="number of papers")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("-o", "--output", type=Path, help="JSONL file (default: print to stdout)")
    args = ap.parse_args(argv)
    if args.output is None:
        for d in papers(args.n, args.seed):
            sys.stdout.write(json.dumps(d, ensure_ascii=False) + "\n")
        return 0

    def say(k, n):
        print(f"\r{k:,}/{n:,} papers", end="", file=sys.stderr, flush=True)

    write_jsonl(args.output, args.n, args.seed, say)
    print(f"\nwrote {args.n:,} papers to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
