"""The store: SQLite, the source of truth for papers and the user's state."""

from paperreader.store.change_log import ChangeLogPruned
from paperreader.store.connection import StoreConnection
from paperreader.store.library import Library, NotFound, StoreError, UpsertResult
from paperreader.store.records import PaperRecord

__all__ = ["ChangeLogPruned", "Library", "NotFound", "PaperRecord", "StoreConnection", "StoreError", "UpsertResult"]
