"""paperreader's own library + index + search, driven through its public API (adapter below)."""

from __future__ import annotations

from engines import Engine, NotAvailable


class PaperreaderEngine(Engine):
    name = "paperreader"

    @classmethod
    def check(cls) -> None:
        raise NotAvailable("the core API is not written yet (paperreader/search)")
