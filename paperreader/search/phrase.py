"""Phrases over position keys (the dict path; from fast.DENSE_FROM documents `search/dense_phrase.py`
answers the same over arrays): each word's positions as `document << 20 | position` ints
(`search/postings.py`), so "these words in this order" is set intersections of shifted keys,
done in C, instead of a check per document in Python."""

from __future__ import annotations

from bisect import bisect_left
from collections import OrderedDict
from itertools import repeat
from operator import rshift

from paperreader.search import scoring
from paperreader.search.budget import check as check_budget
from paperreader.search.postings import POSITION_BITS

DECODED_CACHE_INTS = 300_000  # decoded posting lists of recent phrase words (ids and keys; ~40 bytes an int, ~12 MB); 1,000,000 held 23 MB more after the 100k mix and typed no faster (the dict path: below fast.DENSE_FROM; bigger libraries use search/dense_phrase.py)
PHRASE_PRECHECK = 5000  # a phrase whose rarest word is in fewer documents checks documents first


def _phrase_docs(keys: list[list[int]], slop: int) -> set[int]:
    """Documents where word k is at position p + k (or within `slop` after the word before),
    from each word's position keys (`postings.position_key`): set intersections of shifted keys,
    starting from the rarest word, so the work is in C."""
    if slop == 1:
        order = sorted(range(len(keys)), key=lambda k: len(keys[k]))
        rare = order[0]
        found = set(keys[rare])  # positions of the rarest word that could be in the phrase
        for k in order[1:]:
            if not found:
                break
            d = k - rare  # word k must be d positions after the rarest one
            if len(found) * 2 < len(keys[k]):  # shift the few candidates; scan the long list as it is
                found = set(map((-d).__add__, set(map(d.__add__, found)).intersection(keys[k])))
            else:
                found = found.intersection(map((-d).__add__, keys[k]))
        return set(map(rshift, found, repeat(POSITION_BITS)))
    reach = set(keys[0])
    for kk in keys[1:]:
        ahead: set = set()
        for j in range(1, slop + 1):  # one shift at a time, the budget checked between them
            check_budget()
            ahead.update(map(j.__add__, reach))
        reach = ahead.intersection(kk)
        if not reach:
            break
    return set(map(rshift, reach, repeat(POSITION_BITS)))


class PhraseSearch:
    """The phrase part of `FastSearch` (which provides `_postings`, `_scorer`, `_term`,
    `_length_bytes`, `doc_frequency` and `searcher`)."""

    def _init_phrases(self) -> None:
        self._decoded: OrderedDict = OrderedDict()  # (field, text) -> [(segment, offset, Postings)]
        self._decoded_size = 0

    def _phrase_postings(self, field: str, text) -> list:
        """`_postings`, with the decoded lists (position keys and all) of recent phrase words
        kept: "neural networks" and then "neural network architecture" decode "neural" once."""
        key = (field, text)
        hit = self._decoded.get(key)
        if hit is not None:
            self._decoded.move_to_end(key)
            return hit
        hit = list(self._postings(field, text))
        self._decoded[key] = hit
        self._decoded_size += sum(p.size() for _s, _o, p in hit)
        while self._decoded_size > DECODED_CACHE_INTS and self._decoded:  # a list bigger than the cap is not kept (1M: "neural" is 2.3M ints, ~80 MB)
            _key, old = self._decoded.popitem(last=False)
            self._decoded_size -= sum(p.size() for _s, _o, p in old)
        return hit

    def _phrase(self, node) -> dict:
        """Words in order, each within `slop` positions of the one before. Per segment: when
        the rarest word is in few documents, the document lists are intersected first (often
        nothing is left); then the words' position keys (`_phrase_docs`), and the documents
        found are scored."""
        field, words, slop = node.fieldname, list(node.words), max(1, node.slop)
        if len(words) == 1:
            return self._term(field, words[0], node.boost)
        if not all(self.doc_frequency(field, w) for w in words):  # (kept: the phrase's size read them)
            return {}
        scorers = [self._scorer(field, w, node.boost) for w in words]
        segments: dict = {}
        for k, w in enumerate(words):
            for sub, offset, p in self._phrase_postings(field, w):
                segments.setdefault(offset, (sub, [None] * len(words)))[1][k] = p
        out: dict = {}
        for offset, (sub, ps) in segments.items():
            check_budget()
            if not all(ps):
                continue
            shortest = min(ps, key=len)
            if len(shortest) < PHRASE_PRECHECK:  # documents with every word first: often none
                common = set(shortest.ids)
                for p in ps:
                    common.intersection_update(p.ids)
                if not common:
                    continue
            docs = _phrase_docs([p.keys for p in ps], slop)
            if not docs:
                continue
            lengths = self._length_bytes(sub, field)
            term_score = scoring.term_score
            for d in docs:
                norm = lengths[d]
                score = 0.0
                for (weight, table), p in zip(scorers, ps):
                    tf = 1 if p.tfs is None else p.tfs[bisect_left(p.ids, d)]
                    score += term_score(weight, tf, table[norm])
                out[d + offset] = score
        return out

    # -- evaluation ---------------------------------------------------------------------------
