""""Did you mean": the corpus's own words, nearest by edit distance, then most frequent.

Whoosh's `correct_query` corrects the stemmed term and ranks by frequency alone ("transfomer"
became "transfer"); this works on the words as written and prefers the closest spelling.
The vocabulary is a cache file beside the index, rebuilt with it.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections import Counter
from pathlib import Path

VOCAB = "vocabulary.json"  # the words "did you mean" knows, with their counts, beside the index

_WORD = re.compile(r"[^\W\d_]{3,}")
LETTERS = "abcdefghijklmnopqrstuvwxyz"
LONGEST_WORD = 40  # letters: longer words get no correction


def words_of(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def within_distance(a: str, b: str, limit: int) -> bool:
    """Levenshtein distance of a and b is at most `limit` (early exit, for short words)."""
    if abs(len(a) - len(b)) > limit:
        return False
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return False
        previous = current
    return previous[-1] <= limit


def edits1(word: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = [a + b[1:] for a, b in splits if b]
    transposes = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    replaces = [a + c + b[1:] for a, b in splits if b for c in LETTERS]
    inserts = [a + c + b for a, b in splits for c in LETTERS]
    return set(deletes + transposes + replaces + inserts)


class Vocabulary:
    """Word -> how many papers use it, from titles and abstracts."""

    def __init__(self, counts: Counter | None = None) -> None:
        self.counts: Counter = counts or Counter()
        self._corrections: dict[str, str | None] = {}  # as you type, the same word is corrected again and again

    def add_text(self, text: str) -> None:
        self.counts.update(set(words_of(text)))
        self._corrections.clear()

    def __contains__(self, word: str) -> bool:
        return word.lower() in self.counts

    def correct(self, word: str) -> str | None:
        """The closest known word (distance 1, else 2), most frequent among equals; None if known."""
        try:
            return self._corrections[word]
        except KeyError:
            pass
        fix = self._correct(word)
        if len(self._corrections) > 10_000:
            self._corrections.clear()
        self._corrections[word] = fix
        return fix

    def _correct(self, word: str) -> str | None:
        lower = word.lower()
        if lower in self.counts or len(lower) < 4 or len(lower) > LONGEST_WORD:  # (edits of a 5,000-letter
            # "word" took minutes and gigabytes: every search is bounded)
            return None
        known = [w for w in edits1(lower) if w in self.counts]
        if not known and len(lower) >= 6:
            known = list({w2 for w1 in edits1(lower) for w2 in edits1(w1) if w2 in self.counts})
        if not known:
            return None
        best = max(known, key=lambda w: (self.counts[w], w))
        return best if word.islower() else (best.capitalize() if word[:1].isupper() else best)

    def save(self, path: Path) -> None:
        tmp = path.with_name(f"{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")  # one per writer
        try:
            tmp.write_text(json.dumps(self.counts, separators=(",", ":")), encoding="utf-8")
            os.replace(tmp, path)
        except BaseException:  # a full disk: a half-written copy would stay and take the last bytes
            tmp.unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: Path) -> "Vocabulary":
        try:
            return cls(Counter(json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, ValueError):
            return cls()


def suggest(text: str, words: list[str], vocabulary: Vocabulary) -> str | None:
    """`text` with each unknown word replaced by its correction, or None if nothing changes."""
    changed = text
    for word in dict.fromkeys(words):
        fix = vocabulary.correct(word)
        if fix and fix.lower() != word.lower():
            changed = re.sub(rf"(?<![\w:]){re.escape(word)}(?!\w)", fix, changed, count=1)
    return changed if changed != text else None
