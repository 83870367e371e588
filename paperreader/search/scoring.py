"""BM25F, the one ranking rule of every search path (`search/fast.py`'s terms, `search/phrase.py`'s
phrases, `engine.similar()`), written as Whoosh's `scoring.BM25F` computes it so the two give the
same scores (`tests/test_search_scoring.py` compares them on the built-in corpus).

A term's score in a document is `weight * tf / (tf + norm)`: `weight` is the term's
`(K1 + 1) * idf * boost`, the same for every document, and `norm` depends only on the document's
length byte in that field (Whoosh stores lengths as one byte), so it comes from a 256-entry table
per field; `ratio_table` tables `tf / (tf + norm)` for small tfs too, so a posting list is scored
with a lookup per posting.
"""

from __future__ import annotations

from math import log

B, K1 = 0.75, 1.2  # Whoosh's BM25F defaults, which its own scorer (and so the generic path) uses

_LENGTHS: list[float] = []
# The user's own fields, which most papers lack, and the `has:` value that counts the papers with one:
# their average length is over those papers (over all, a 3-word note in a library of 201 papers with
# two notes counted as 170 times the average length, and a note's match scored ~0.1 where a title's
# scores ~10). Whoosh's BM25F averages over every document; the other fields are as Whoosh scores them.
OWN_FIELDS = {"note": "note", "tag": "tags"}


def _length_of_byte() -> list[float]:
    """The field length each length byte stands for (Whoosh's own table, loaded when first needed)."""
    if not _LENGTHS:
        from whoosh.util.numeric import byte_to_length

        _LENGTHS.extend(byte_to_length(i) for i in range(256))
    return _LENGTHS


def idf(doc_count: int, doc_frequency: int) -> float:
    """Whoosh's inverse document frequency (`WeightingModel.idf`): documents counted with the
    deleted ones, as Whoosh counts them."""
    return log(doc_count / (doc_frequency + 1)) + 1


def term_weight(doc_count: int, doc_frequency: int, boost: float = 1.0) -> float:
    """What a term's `tf / (tf + norm)` is multiplied by: `(K1 + 1) * idf * boost`."""
    return (K1 + 1) * (idf(doc_count, doc_frequency) * boost)


def average_length(searcher, field: str) -> float:
    """A field's average length in BM25F's length normalisation: over the papers that have the field
    for the user's own fields (OWN_FIELDS), else Whoosh's (over every document)."""
    has = OWN_FIELDS.get(field)
    if has is None:
        return searcher.avg_field_length(field)
    return searcher.field_length(field) / (searcher.doc_frequency("has", has) or 1)


def norm_table(average_length: float) -> list[float]:
    """`K1 * (1 - B + B * length / average)` for each of the 256 length bytes of a field."""
    average = average_length or 1.0
    lengths = _length_of_byte()
    return [K1 * ((1 - B) + B * lengths[i] / average) for i in range(256)]


def ratio_table(norms: list[float], rows: int) -> list[float]:
    """`tf / (tf + norms[byte])` for tf below `rows`, row-major: entry `tf * 256 + byte`."""
    return [tf / (tf + n) for tf in range(rows) for n in norms]


def term_score(weight: float, tf: int, norm: float) -> float:
    """One term's score in one document: `weight * tf / (tf + norm)`."""
    return weight * (tf / (tf + norm))
