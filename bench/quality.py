"""Search quality on a real test collection: CISI (1,460 abstracts, 76 judged questions).

paperreader and SQLite FTS5 side by side, in one run:
- nDCG@10 and recall@10 over the judged questions, asked as written ("What problems and concerns
  are there in making up descriptive titles?"); a question answered with nothing scores 0.
- known-item MRR: three rare words from one abstract (a fixed, seeded sample of abstracts) —
  is that paper first?
- latency of the questions beside the bench's query mix on the same library (and, with
  `--latency-size 100k`, on a generated corpus of that size: a question must be answered within
  the same budget as any other query).

paperreader's library is built through the real import path (a JSON-lines file, `ingest.plan.plan` and
`ingest.plan.apply`, then the index build); FTS5 indexes the same titles and abstracts with the porter
tokenizer, bm25() ranking, the question's words OR'd (the collection's reference set-up).

    python bench/quality.py                       # CISI from ../shared/ir/cisi
    python bench/quality.py --latency-size 100k   # and the latency check on a generated corpus
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from math import log2
from pathlib import Path
from random import Random

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
DEFAULT_CISI = HERE.parent.parent / "shared" / "ir" / "cisi"
K = 10
KNOWN_ITEMS = 300
SEED = 11
_FIELD = re.compile(r"^\.([A-Z])\s*$")
_WORD = re.compile(r"[a-z]+")


# -- the collection -----------------------------------------------------------------------------
def read_records(path: Path) -> dict[int, dict[str, str]]:
    """`.I n` records: {n: {letter: text}}."""
    records: dict[int, dict[str, str]] = {}
    current, letter = None, None
    for line in path.read_text(encoding="latin-1").splitlines():
        if line.startswith(".I "):
            current, letter = records.setdefault(int(line[3:].strip()), {}), None
            continue
        m = _FIELD.match(line)
        if m:
            letter = m.group(1)
            current.setdefault(letter, "")
        elif current is not None and letter is not None:
            current[letter] += line.strip() + " "
    return {n: {k: " ".join(v.split()) for k, v in r.items()} for n, r in records.items()}


def read_judgments(path: Path) -> dict[int, set[int]]:
    rel: dict[int, set[int]] = {}
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) >= 2:
            rel.setdefault(int(parts[0]), set()).add(int(parts[1]))
    return rel


def load(cisi: Path):
    docs = read_records(cisi / "CISI.ALL")
    questions = {n: r.get("W", "") for n, r in read_records(cisi / "CISI.QRY").items()}
    judged = read_judgments(cisi / "CISI.REL")
    questions = {n: q for n, q in questions.items() if n in judged and q}
    return docs, questions, judged


def known_items(docs: dict[int, dict[str, str]]) -> list[tuple[int, str]]:
    """(doc, three rare words of its abstract), for a seeded sample of abstracts. Rare: in 2 to 20
    abstracts (a word of one abstract alone would make it trivial); words of 4 letters or more."""
    df = Counter()
    for r in docs.values():
        df.update(set(_WORD.findall(r.get("W", "").lower())))
    rng = Random(SEED)
    out = []
    for n in sorted(docs):
        words = sorted({w for w in _WORD.findall(docs[n].get("W", "").lower()) if len(w) >= 4 and 2 <= df[w] <= 20})
        if len(words) >= 3:
            picked = [words[int(rng.random() * len(words))] for _ in range(12)]
            picked = list(dict.fromkeys(picked))[:3]
            if len(picked) == 3:
                out.append((n, " ".join(picked)))
    pick = Random(SEED + 1)
    pick.shuffle(out)
    return sorted(out[:KNOWN_ITEMS])


# -- metrics ------------------------------------------------------------------------------------
def ndcg(ranked: list[int], relevant: set[int], k: int = K) -> float:
    dcg = sum(1 / log2(i + 2) for i, d in enumerate(ranked[:k]) if d in relevant)
    ideal = sum(1 / log2(i + 2) for i in range(min(k, len(relevant))))
    return dcg / ideal if ideal else 0.0


def recall(ranked: list[int], relevant: set[int], k: int = K) -> float:
    return len(set(ranked[:k]) & relevant) / len(relevant) if relevant else 0.0


def reciprocal_rank(ranked: list[int], doc: int) -> float:
    return 1 / (ranked.index(doc) + 1) if doc in ranked else 0.0


# -- the engines --------------------------------------------------------------------------------
def cisi_id(n: int) -> str:
    """An old-style arXiv-shaped id per document, so that two CISI documents with the same title
    (the collection has 36 such) stay two papers in the library, as they are two in the judgments."""
    return f"cisi/{n:07d}"


class Paperreader:
    name = "paperreader"

    def __init__(self, docs: dict[int, dict[str, str]], workdir: Path) -> None:
        from paperreader.ingest import plan
        from paperreader.paths import resolve
        from paperreader.workspace import Workspace

        source = workdir / "cisi.jsonl"
        with source.open("w", encoding="utf-8") as out:
            for n in sorted(docs):
                r = docs[n]
                authors = [a.strip() for a in r.get("A", "").split(";") if a.strip()] if r.get("A") else []
                out.write(json.dumps({"title": r.get("T") or f"CISI document {n}", "abstract": r.get("W", ""),
                                      "authors": authors, "arxiv_id": cisi_id(n)}) + "\n")
        self.ws = Workspace.open(resolve(workdir / "data"), seed=False, backup=False)
        loads, _streamed = plan.plan([source])
        plan.apply(self.ws.library, loads)
        self.ws.ensure_index()
        self.doc_of = {f"arxiv:{cisi_id(n)}": n for n in docs}

    def ask(self, text: str, k: int = K) -> list[int]:
        results = self.ws.engine.search(text, limit=k, highlight=False)
        return [self.doc_of[h.id] for h in results.hits if h.id in self.doc_of]

    def close(self) -> None:
        self.ws.close()


class Fts5:
    name = "SQLite FTS5"

    def __init__(self, docs: dict[int, dict[str, str]]) -> None:
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE d USING fts5(title, abstract, tokenize='porter unicode61')")
        self.db.executemany("INSERT INTO d(rowid, title, abstract) VALUES (?, ?, ?)",
                            [(n, r.get("T", ""), r.get("W", "")) for n, r in docs.items()])

    def ask(self, text: str, k: int = K) -> list[int]:
        words = re.findall(r"\w+", text.lower())
        if not words:
            return []
        match = " OR ".join(f'"{w}"' for w in dict.fromkeys(words))
        rows = self.db.execute("SELECT rowid FROM d WHERE d MATCH ? ORDER BY bm25(d) LIMIT ?", (match, k))
        return [r[0] for r in rows]

    def close(self) -> None:
        self.db.close()


def evaluate(engine, questions, judged, items) -> dict:
    nd, rc, times = [], [], []
    for n in sorted(questions):
        t = time.perf_counter()
        ranked = engine.ask(questions[n])
        times.append(time.perf_counter() - t)
        nd.append(ndcg(ranked, judged[n]))
        rc.append(recall(ranked, judged[n]))
    rr = [reciprocal_rank(engine.ask(words), doc) for doc, words in items]
    return {"ndcg@10": statistics.fmean(nd), "recall@10": statistics.fmean(rc), "known_item_mrr": statistics.fmean(rr),
            "questions": len(nd), "known_items": len(rr), "question_p50_ms": 1000 * statistics.median(times),
            "question_max_ms": 1000 * max(times),
            "hit@10": sum(1 for x in nd if x > 0)}  # questions with a relevant paper in the top 10


# -- latency on a generated corpus ----------------------------------------------------------------
def latency(size: str, questions: list[str]) -> dict:
    """Questions beside the bench's query mix on a generated library of `size` papers (built once
    in bench/work/quality-<size>/, reused after)."""
    import common
    import generate
    import queries
    from engines import batched

    common.quiet_whoosh()
    from paperreader.paths import resolve
    from paperreader.workspace import Workspace

    n = int(float(size[:-1]) * {"k": 1e3, "m": 1e6}[size[-1].lower()]) if size[-1].isalpha() else int(size)
    workdir = HERE / "work" / f"quality-{n}"
    fresh = not (workdir / "data").exists()
    ws = Workspace.open(resolve(workdir / "data").ensure(), seed=False, backup=False)
    if fresh:
        corpus = generate.ensure_corpus(n)
        for batch in batched(generate.read_jsonl(corpus), 5000):
            ws.library.upsert([generate.to_paper(d) for d in batch])
    ws.ensure_index()
    engine = ws.engine
    engine.search("neural", limit=20)  # warm-up: opening the index is not a query's cost

    def timed(texts):
        out = []
        for text in texts:
            t = time.perf_counter()
            engine.search(text, limit=20, highlight=True)
            out.append(time.perf_counter() - t)
        return common.summary_ms(out)

    mix = [q for _kind, q in queries.query_mix()]
    words = [q for kind, q in queries.query_mix() if kind in ("word", "two_words")]
    short = [q for q in questions if len(q.split()) <= 15]  # typed questions, not pasted paragraphs
    result = {"papers": ws.library.count(), "query_mix": timed(mix), "words": timed(words),
              "questions": timed(questions), "short_questions": timed(short)}
    ws.close()
    return result


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cisi", type=Path, default=DEFAULT_CISI, help="the CISI directory (CISI.ALL, CISI.QRY, CISI.REL)")
    ap.add_argument("--latency-size", action="append", default=[], metavar="N",
                    help="also time questions vs the query mix on a generated corpus of N papers (10k, 100k)")
    ap.add_argument("--json", type=Path, help="write the figures to this file too")
    args = ap.parse_args(argv)
    docs, questions, judged = load(args.cisi)
    items = known_items(docs)
    print(f"CISI: {len(docs)} abstracts, {len(questions)} judged questions, {len(items)} known items", file=sys.stderr)
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        ours = Paperreader(docs, Path(tmp))
        print(f"paperreader library built in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        for engine in (ours, Fts5(docs)):
            out[engine.name] = evaluate(engine, questions, judged, items)
            engine.close()
    print(f"\n{'':<14}{'nDCG@10':>9}{'recall@10':>11}{'known-item MRR':>16}{'hit@10':>10}{'question p50':>14}")
    for name, r in out.items():
        print(f"{name:<14}{r['ndcg@10']:>9.3f}{r['recall@10']:>11.3f}{r['known_item_mrr']:>16.3f}"
              f"{r['hit@10']:>6}/{r['questions']:<3}{r['question_p50_ms']:>11.1f} ms")
    for size in args.latency_size:
        lat = out.setdefault("latency", {})[size] = latency(size, list(questions.values()))
        print(f"\nlatency at {lat['papers']:,} papers (top 20, highlights), p50 / p95 / p99 ms:")
        for what in ("query_mix", "words", "questions", "short_questions"):
            s = lat[what]
            print(f"  {what:<16} {s['p50']:>8.1f} {s['p95']:>8.1f} {s['p99']:>8.1f}  ({s['n']} queries)")
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
