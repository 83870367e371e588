"""Bounds on what one query may ask for, applied as it is parsed.

A phrase's slop costs work in proportion to it (`search/phrase.py` shifts every position of a
word by each distance up to the slop): `"neural network"~1000` ran for minutes at 120k papers.
Slops above `MAX_SLOP` and fuzzy distances above `MAX_FUZZY_EDITS` are lowered to the cap, and the
query carries a notice saying so (the reader's status line, the CLI's stderr).

Also Whoosh's fuzzy-term syntax node, fixed: on a word the analyzer drops (a stop word like the
`a` of `a~2`) Whoosh's node set attributes on None and raised AttributeError; here such a word
is dropped as a plain word is.
"""

from __future__ import annotations

MAX_SLOP = 10  # words apart, at most, in `"a phrase"~N`
MAX_FUZZY_EDITS = 2  # edits, at most, in `word~N`


def cap(q) -> tuple[object, list[str]]:
    """The Whoosh query with slops and fuzzy distances capped, and one notice per capped value."""
    from whoosh import query as wq

    notices: dict[str, None] = {}

    def fix(node):
        if isinstance(node, wq.Phrase) and node.slop > MAX_SLOP:
            notices[f"~{node.slop} on a phrase is more than the limit of {MAX_SLOP}: searched with ~{MAX_SLOP}"] = None
            node.slop = MAX_SLOP
        elif isinstance(node, wq.FuzzyTerm) and node.maxdist > MAX_FUZZY_EDITS:
            notices[f"~{node.maxdist} on a word is more than the limit of {MAX_FUZZY_EDITS}: "
                    f"searched with ~{MAX_FUZZY_EDITS}"] = None
            node.maxdist = MAX_FUZZY_EDITS
        return node

    return q.accept(fix), list(notices)


def fuzzy_plugin():
    """Whoosh's FuzzyTermPlugin, with a term node that tolerates words the analyzer drops."""
    from whoosh import qparser
    from whoosh import query as wq
    from whoosh.qparser import syntax

    class FuzzyTermNode(qparser.FuzzyTermPlugin.FuzzyTermNode):
        def query(self, parser):
            q = syntax.TextNode.query(self, parser)
            # None: a stop word (dropped, as a plain word is); a Phrase or an And: a word the
            # analyzer split ("state-space~"), searched as those words
            if isinstance(q, wq.FuzzyTerm):
                q.maxdist = self.maxdist
                q.prefixlength = self.prefixlength
            return q

    class FuzzyTermPlugin(qparser.FuzzyTermPlugin):
        pass

    FuzzyTermPlugin.FuzzyTermNode = FuzzyTermNode
    return FuzzyTermPlugin()


def notice_of(parsed) -> str | None:
    """What was capped in a parsed query, as one line (None: nothing)."""
    notices = getattr(parsed, "notices", None)
    return "; ".join(notices) if notices else None
