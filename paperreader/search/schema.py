"""What the index holds: analysed text, the id, and the few fields filters read. Nothing to show:
the store holds the text, so the index stays lean and rebuildable."""

from __future__ import annotations

from paperreader.search.fast_analysis import fast_analysis  # noqa: F401 (engine.py, highlight.py, tests import it here)

INDEX_SCHEMA_VERSION = 6  # 2: the PRCodec posting format (search/codec.py); 3: position keys; 4: long lists in blocks with score bounds; 5: positions in a body of their own, blocks as a directory over one chunk (search/postings.py); 6: a long list's batches joined in one chunk (search/postings_joined.py)

# Fields a bare word searches, with their query-time weights (BM25F).
DEFAULT_FIELDS = ("title", "abstract", "author", "note", "tag")
FIELD_BOOSTS = {"title": 3.0, "abstract": 1.0, "author": 2.0, "note": 1.5, "tag": 2.0}
# What users type -> the index field.
FIELD_ALIASES = {"authors": "author", "notes": "note", "tags": "tag", "category": "cat", "summary": "abstract"}
USER_FIELDS = ("title", "abstract", "author", "note", "tag", "cat", "year", "id", "is", "has")


def text_analyzer():
    """Words, lowercased, accents folded, stop words dropped, Porter-stemmed."""
    from whoosh.analysis import CharsetFilter, StemmingAnalyzer
    from whoosh.support.charset import accent_map

    return StemmingAnalyzer() | CharsetFilter(accent_map)


def _query_stop_filter():
    from paperreader.search.analysis import QueryStopFilter

    return QueryStopFilter()


def name_analyzer():
    """Author names: words, lowercased, accents folded, no stemming; stop words dropped in queries."""
    from whoosh.analysis import CharsetFilter, StandardAnalyzer
    from whoosh.support.charset import accent_map

    return StandardAnalyzer(stoplist=None, minsize=1) | CharsetFilter(accent_map) | _query_stop_filter()


def tag_analyzer():
    """Tags: whole space-separated words, lowercased; stop words dropped in queries."""
    from whoosh.analysis import LowercaseFilter, SpaceSeparatedTokenizer

    return SpaceSeparatedTokenizer() | LowercaseFilter() | _query_stop_filter()


def _text_field(analyzer):
    from whoosh import fields

    from paperreader.search.formats import CompactPositions

    field = fields.TEXT(analyzer=analyzer, phrase=True)
    field.format = CompactPositions(field_boost=field.format.field_boost)
    return field


def build_schema():
    from whoosh import fields

    text = text_analyzer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=_text_field(text),
        abstract=_text_field(text),
        author=_text_field(name_analyzer()),
        note=_text_field(text),
        # a TEXT field (positions kept) so a bare "phrase", which also searches tags, can run
        tag=_text_field(tag_analyzer()),
        cat=fields.KEYWORD(lowercase=True, commas=False),
        year=fields.NUMERIC(int, bits=32, signed=False),
        has=fields.KEYWORD(lowercase=True, commas=False),
        # `is:` is answered from the store (stars and reads change without touching the index);
        # the field exists so the parser accepts the syntax.
        **{"is": fields.ID()},
    )


def document_for(record) -> dict:
    """The index document of a store record."""
    has = []
    if record.has_code:
        has.append("code")
    if record.has_note:
        has.append("note")
    if record.tags:
        has.append("tags")
    if record.arxiv_id:
        has.append("arxiv")
    doc = {
        "id": record.id,
        "title": record.title,
        "abstract": record.abstract,
        "author": "\n".join(record.authors),
        "note": record.note,
        "tag": " ".join(record.tags),
        "cat": " ".join(c.lower() for c in record.categories),
        "has": " ".join(has),
    }
    if record.year:
        doc["year"] = record.year
    return doc
