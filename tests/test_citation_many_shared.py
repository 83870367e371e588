"""BibTeX keys when many papers share one: the same keys as the rule says, and work linear in the papers.

Before, each paper of a group of n sharing a base key hashed the whole group again (n x n hashes):
8,207 papers took 20 s to export. The hash count is the measure here, not the time.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from paperreader import citation
from paperreader.model import Paper

from conftest import FIXTURES

BUILT_IN = Path(citation.__file__).parent / "data" / "trending-papers.txt"
ENTRY_KEY = re.compile(r"^@misc\{([^,]+),\n(?:.*\n)*?      title=\{([^\n]*)\},$", re.MULTILINE)


def _rule(ids_by_base: dict[str, list[str]]) -> dict[str, str]:
    """The documented rule, written out on its own: a base key alone is the key; papers sharing one get
    letters from the sha1 of their id (base 26, lowest digit first), three, more for the whole group
    when two would agree."""
    keys = {}
    for base, ids in ids_by_base.items():
        if len(ids) == 1:
            keys[ids[0]] = base
            continue
        n = 3
        while True:
            letters = {}
            for pid in ids:
                value = int.from_bytes(hashlib.sha1(pid.encode("utf-8")).digest(), "big")
                digits = []
                for _ in range(n):
                    value, r = divmod(value, 26)
                    digits.append(chr(97 + r))
                letters[pid] = "".join(digits)
            if len(set(letters.values())) == len(ids):
                break
            n += 1
        keys.update({pid: f"{base}-{letters[pid]}" for pid in ids})
    return keys


def _groups(records) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for record in records:
        out.setdefault(citation.record_base_key(record), []).append(record.id)
    return out


class _CountingHashlib:
    """hashlib as citation.py sees it, counting sha1 calls and stopping the run past a bound
    (so the quadratic code fails here at once instead of running for minutes)."""

    def __init__(self, bound: int) -> None:
        self.calls, self.bound = 0, bound

    def sha1(self, data: bytes):
        self.calls += 1
        if self.calls > self.bound:
            raise AssertionError(f"more than {self.bound:,} hashes for the keys")
        return hashlib.sha1(data)


def test_keys_of_a_real_sample_follow_the_rule(workspace, cli):
    """The built-in papers, the shared fixtures and groups sharing a key (one of 300 papers, where three
    letters clash and the group gets more): every key is the rule's."""
    files = [BUILT_IN, *sorted(p for p in FIXTURES.rglob("*") if p.suffix in {".jsonl", ".bib", ".json", ".xml"})]
    files = [p for p in files if "error" not in p.name and "empty" not in p.name]  # refused on purpose
    assert cli("import", *map(str, files)).code == 0
    extra = [
        Paper(title=f"Mamba variant {i}", authors=("Albert Gu",), published="2023-12-01", abstract=f"number {i}")
        for i in range(300)
    ] + [Paper(title=f"Attention {i}", authors=("Ashish Vaswani",), published="2017-06-12", arxiv_id=f"1706.{i:05d}") for i in range(30)]
    workspace.library.upsert(extra)
    records = list(workspace.library.get_many(workspace.library.list_ids()).values())
    assert len(records) > 400
    groups = _groups(records)
    assert max(len(ids) for ids in groups.values()) >= 300 and sum(len(ids) > 1 for ids in groups.values()) >= 2

    expected = _rule(groups)
    assert citation.citation_keys(workspace.library, records) == expected
    assert len(set(expected.values())) == len(expected)
    assert any(len(k.rsplit("-", 1)[1]) > 3 for k in expected.values() if "-" in k)  # a group that needed 4+ letters
    # a part of the library alone keeps its keys
    some = records[::7]
    assert citation.citation_keys(workspace.library, some) == {r.id: expected[r.id] for r in some}

    exported = cli("export", "--format", "bibtex")
    assert exported.code == 0
    by_title = {title: key for key, title in ENTRY_KEY.findall(exported.out)}
    for record in records:
        if record.title.startswith(("Mamba variant", "Attention ")):
            assert by_title[record.title] == expected[record.id]


def test_thousands_of_papers_sharing_a_key_take_hashes_linear_in_them(workspace, cli, monkeypatch):
    n = 3000
    workspace.library.upsert(
        Paper(title=f"Towards model {i}", authors=("Wei Wang",), published="2023-05-01", abstract=f"paper {i}") for i in range(n)
    )
    records = list(workspace.library.get_many(workspace.library.list_ids()).values())
    assert sum(citation.record_base_key(r) == "wang2023model" for r in records) == n  # and the built-in papers

    counter = _CountingHashlib(bound=10 * n)  # a few rounds of one hash a paper; before: n x n per round
    monkeypatch.setattr(citation, "hashlib", counter)
    keys = citation.citation_keys(workspace.library, records)
    assert keys == _rule(_groups(records))
    assert len(set(keys.values())) == len(records)

    counter.calls = 0
    exported = cli("export", "--format", "bibtex")
    assert exported.code == 0
    assert exported.out.count("@misc{wang2023model-") == n
    assert counter.calls <= 10 * n

