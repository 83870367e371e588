"""A paper given twice in an arXiv OAI snapshot: found by the check pass, counted once by the import.

Plain imports say "19 papers (1 repeated in the file: arxiv:... lines 4, 11)" and count a paper,
not an entry (plan.duplicates_in, plan.per_paper); a snapshot is streamed, so the same is done
without holding its papers: the check keeps a 64-bit hash, the line and the byte offset of each
line (24 bytes a line: ~70 MB for the 2.9 million lines of the full snapshot), sorts the hashes once
at the end, and reads again only the lines whose hashes repeat, to name their ids exactly (two
different ids that share a hash are not taken for one). The import then counts each repeated paper
once, as `plan.per_paper` does: added if any of its entries added it, else updated if any updated it.
"""

from __future__ import annotations

from array import array
from pathlib import Path

RANK = {"added": 2, "updated": 1, "unchanged": 0}


def paper_key(paper) -> str:
    """The key the store merges entries on: the arXiv id (every snapshot line has one), else the title."""
    return paper.id if paper.arxiv_id else paper.title_id


class RepeatFinder:
    """Fed every paper of the check pass; `repeats()` then lists [{"id", "lines"}] of the repeated ones."""

    def __init__(self) -> None:
        self.hashes = array("q")
        self.lines = array("L")
        self.offsets = array("Q")
        self.sizes = array("L")

    def add(self, key: str, line: int, start: int, end: int) -> None:
        """`start`, `end`: the line's bytes in the file."""
        self.hashes.append(hash(key))
        self.lines.append(line)
        self.offsets.append(start)
        self.sizes.append(end - start)

    def repeats(self, path: Path, read_paper) -> list[dict]:
        """`read_paper(raw, line)` turns a line's bytes, read again, into its paper (as the check did)."""
        if len(self.hashes) < 2:
            return []
        import numpy as np

        hashes = np.frombuffer(self.hashes, dtype=np.int64)
        order = np.argsort(hashes, kind="stable")
        ordered = hashes[order]
        same = ordered[1:] == ordered[:-1]
        if not same.any():
            return []
        rows = np.unique(np.concatenate([order[1:][same], order[:-1][same]]))  # every entry whose hash repeats
        groups: dict[str, list[int]] = {}
        with path.open("rb") as fh:
            for row in sorted(int(r) for r in rows):
                fh.seek(self.offsets[row])
                paper = read_paper(fh.read(self.sizes[row]), self.lines[row])
                if paper is not None:
                    groups.setdefault(paper_key(paper), []).append(self.lines[row])
        return [{"id": key, "lines": lines} for key, lines in groups.items() if len(lines) > 1]


class PaperCounts:
    """The import's counts a paper, not an entry: `repeated` {id: best outcome so far} lives in the
    checkpoint, so a resumed import goes on counting the same way."""

    def __init__(self, cp, repeated_ids: set[str]) -> None:
        self.cp, self.repeated_ids = cp, repeated_ids

    def count(self, keys: list[str], outcomes: list[str]) -> None:
        cp = self.cp
        for key, outcome in zip(keys, outcomes, strict=True):
            if key not in self.repeated_ids:
                setattr(cp, outcome, getattr(cp, outcome) + 1)
                continue
            before = cp.repeat_outcomes.get(key)
            if before is None:
                setattr(cp, outcome, getattr(cp, outcome) + 1)
            elif RANK[outcome] > RANK[before]:  # the paper moves from one count to a better one
                setattr(cp, before, getattr(cp, before) - 1)
                setattr(cp, outcome, getattr(cp, outcome) + 1)
            else:
                continue
            cp.repeat_outcomes[key] = outcome
