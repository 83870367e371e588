"""Analysis pieces of our own. Imports Whoosh, so it is only imported from inside functions;
the index pickles the schema, so these classes live at module level."""

from __future__ import annotations

import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", SyntaxWarning)
    from whoosh.analysis import Filter
    from whoosh.analysis.filters import STOP_WORDS


class QueryStopFilter(Filter):
    """Drops stop words from queries only, so a bare "attention is" does not demand an author
    or tag named "is" (the text fields drop it anyway), while names like "An" stay indexed."""

    def __call__(self, tokens):
        for token in tokens:
            if token.mode == "query" and token.text in STOP_WORDS:
                continue
            yield token
