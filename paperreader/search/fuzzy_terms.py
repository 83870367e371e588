"""The index terms one edit away from a word (a fuzzy word, `word~`), with their document
frequencies: what `FastSearch._expand` ranks a fuzzy word's spellings by.

A word of 8 letters has ~630 spellings one edit away (`fast._edits1`). Asked of Whoosh's reader one
by one (`(field, t) in reader`, then `doc_frequency`), each is a hashed lookup in every segment:
at a million papers (10 segments) ~6,300 lookups a field, ~340 ms for abstract alone, ~0.5 s a
fuzzy word over five fields. But most spellings keep the word's first letters: those under its
first HEAD characters (edits after them: ~85% of the spellings) are read from each segment's term
records in one range read (`codec.PRTermsReader.doc_frequencies`, ~0.5 ms a segment), and only the
others are looked up one by one; a segment without a term of the field is skipped. The same terms
and the same summed frequencies.
"""

from __future__ import annotations

HEAD = 3  # spellings starting with the word's first HEAD characters: one range read a segment


def one_edit(leaves, field: str, word: str, spellings) -> list[tuple[int, str]]:
    """(document frequency summed over the segments, term) of each of `spellings` that is a term
    of `field` (any order). `leaves`: the searcher's (segment searcher, offset) pairs."""
    from whoosh.reading import TermNotFound

    from paperreader.search.whoosh.internals import terms_reader

    head = word[:HEAD] if len(word) > HEAD else None
    coded = {s.encode("utf-8"): s for s in spellings}
    under = {b: s for b, s in coded.items() if head is not None and s.startswith(head)}
    others = [b for b in coded if b not in under]
    dfs: dict = {}
    for sub, _offset in leaves:
        reader = sub.reader()
        if field not in reader.indexed_field_names():  # no term of the field here (1M: note, tag)
            continue
        terms = terms_reader(reader)
        rest = others
        if under and hasattr(terms, "doc_frequencies"):
            found = terms.doc_frequencies(field, head.encode("utf-8"))
            for b in under.keys() & found.keys():
                dfs[b] = dfs.get(b, 0) + found[b]
        else:
            rest = list(coded)
        for b in rest:
            try:
                df = terms.term_info(field, b).doc_frequency()
            except TermNotFound:
                continue
            dfs[b] = dfs.get(b, 0) + df
    return [(df, coded[b]) for b, df in dfs.items() if df]
