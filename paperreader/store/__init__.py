"""The store: SQLite, the source of truth for papers and the user's state."""

from paperreader.store.library import Library, NotFound, StoreError, UpsertResult
from paperreader.store.records import PaperRecord

__all__ = ["Library", "NotFound", "PaperRecord", "StoreError", "UpsertResult"]
