"""A phrase still being typed: `"state spa` is searched as "state" followed by a word starting "spa".

The open quote is closed by search/prose.py; here the parsed phrase's last word becomes a prefix:
a one-word phrase is a Prefix, a longer one an Or of the phrase ending in each of the prefix's most
frequent words (at most PHRASE_ENDINGS, as the evaluator expands prefixes: `FastSearch._expand`).
"""

from __future__ import annotations

from paperreader.search.prose import stem_prefix

PHRASE_ENDINGS = 16  # a phrase still being typed: its last word stands for at most this many words
UNSTEMMED = ("author", "tag")  # fields whose analyzer keeps words whole


def prefix_text(field: str, raw: str, stem, expand=None) -> str:
    """What the index terms of `field` start with while `raw` is typed (author and tag words are
    kept whole, text fields stemmed: "models" -> "model"). With `expand` (FastSearch._expand): a
    word typed past its stem (`learnin`, `recurren`, `performa`) is cut to its completion's stem
    (`learn`, `recurr`, `perform`), so the list does not go empty or thin in the middle of a word."""
    if field in UNSTEMMED:
        return raw.lower()
    start = stem_prefix(raw, stem)
    if expand is not None:
        from whoosh import query as wq

        from paperreader.search.prose import typed_past_stem

        # the cut must be an index term; with two letters of a suffix typed (`learnin`, `recurren`)
        # it is taken, with one (`learni`, `performa`; `model` could be `modely` -> "mode") only
        # where the word as typed finds nothing
        cut = typed_past_stem(raw, stem, begun=2)
        if len(cut) < len(start) and cut in expand(wq.Prefix(field, cut)):
            return cut
        cut = typed_past_stem(raw, stem)
        if len(cut) < len(start) and not expand(wq.Prefix(field, start)) and cut in expand(wq.Prefix(field, cut)):
            return cut
    return start


def complete_phrase(q, raw: str, analyzers: dict, fast, stem):
    """`q` with the phrase that ends in the half-typed word `raw` searched with it as a prefix.
    `analyzers`: each default field's analyzer; `fast`: the FastSearch; `stem(word)`: the text stem."""
    from whoosh import query as wq

    targets, prefixes = {}, {}
    for name, analyzer in analyzers.items():
        terms = [t.text for t in analyzer(raw, mode="index")]
        if terms:
            targets[name] = terms[-1]
            prefixes[name] = prefix_text(name, raw, stem)

    def visit(node):
        name = getattr(node, "fieldname", None)
        if name not in targets:
            return node
        if type(node) is wq.Phrase and node.words and node.words[-1] == targets[name]:
            leaf = wq.Prefix(name, prefixes[name], boost=node.boost)
            if len(node.words) == 1:
                return leaf
            endings = fast._expand(leaf)[:PHRASE_ENDINGS]
            phrases = [wq.Phrase(name, node.words[:-1] + [t], slop=node.slop, boost=node.boost) for t in endings]
            return wq.Or(phrases) if phrases else wq.NullQuery
        if type(node) is wq.Term and node.text == targets[name]:
            return wq.Prefix(name, prefixes[name], boost=node.boost)
        return node

    return q.accept(visit)
