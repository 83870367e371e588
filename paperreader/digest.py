"""The digest: for each saved search, the new papers that match it (for `paperreader digest` and
the reader's opening panel).

"New" is since the previous visit (store.listings' mark) or since a given date. Each saved search
runs once, restricted to the new papers, so a digest costs one search a saved search whatever
the library's size. A saved search that no longer parses is reported in its entry, not fatal.
Blocking: the TUI calls it from a worker.
"""

from __future__ import annotations

from paperreader.export import _md, markdown_url

MAX_PAPERS = 200  # a saved search's new papers listed at most (the count says if there were more)
RESTRICT_BY_ID = 500  # up to this many new papers a saved search is ANDed with their ids; past it
# (a big import: 60,000 id terms cost 4 s of CPU a saved search) its hits are filtered instead


def new_set(library, since: str | None) -> tuple[str | None, set[str]]:
    """(since, the new ids): since the previous visit, or added at/after `since`."""
    from paperreader.store import listings

    if since:
        return since, listings.ids_added_since(library, since)
    return listings.since(library), listings.new_ids(library)


def build(ws, since: str | None = None) -> dict:
    """`{"since", "new", "searches": [{"name", "query", "total", "papers": [{"id", "title", "links",
    "url", "authors", "published", "added_at"}], "error"?}]}`."""
    since, new = new_set(ws.library, since)
    searches = []
    for name, query in ws.library.saved_searches():
        entry: dict = {"name": name, "query": query, "total": 0, "papers": []}
        if new:
            try:
                ids = matching(ws.engine, query, new)
            except Exception as exc:  # a saved query that no longer reads (QueryError) or fails to run
                entry["error"] = str(exc).splitlines()[0] if str(exc) else "this query cannot be run"
                ids = []
            entry["total"] = len(ids)
            records = ws.library.get_many(ids[:MAX_PAPERS])
            entry["papers"] = [paper_json(records[i]) for i in ids[:MAX_PAPERS] if i in records]
        searches.append(entry)
    return {"since": since, "new": len(new), "searches": searches}


def matching(engine, query: str, new: set[str]) -> list[str]:
    """The new papers matching `query`, best first: the query ANDed with the new ids while they
    are few, else the query's own hits that are new (the same papers in the same order)."""
    from whoosh import query as wq

    from paperreader.search.query import ids_query

    # read as the search box reads it (a question as words, pasted ids as those papers), not by
    # the strict parser alone: `how do finches learn songs?` was `how AND do AND ... songs?` there
    parsed = engine.search(query, limit=0, highlight=False).parsed
    if getattr(parsed, "prose", None) is not None:
        parsed.prose = None  # the papers with every word, not the closest matches that fill a page
    if len(new) > RESTRICT_BY_ID:
        if isinstance(parsed.whoosh, wq.Every):
            return [pid for pid in engine.library.list_ids() if pid in new]
        return [pid for pid in engine.ranked_ids(parsed, engine.library.count()) if pid in new]
    restrict = ids_query(new)
    if isinstance(parsed.whoosh, wq.Every):
        parsed.whoosh = restrict
    else:
        parsed.whoosh = wq.And([parsed.whoosh, restrict])
    return engine.ranked_ids(parsed, len(new))


def paper_json(record) -> dict:
    return {
        "id": record.id,
        "title": record.title,
        "url": record.link.url if record.link else None,
        "links": [{"kind": link.kind, "url": link.url} for link in record.links],
        "authors": list(record.authors),
        "published": record.published,
        "added_at": record.added_at,
    }


def markdown(digest: dict) -> str:
    """The digest as Markdown: a heading, then one section a saved search with linked titles."""
    since = digest["since"]
    lines = [f"# New papers{f' since {since[:16].replace(chr(84), chr(32))}' if since else ''}", ""]
    if not digest["searches"]:
        lines += ["No saved searches yet: `paperreader saved add NAME QUERY` saves one.", ""]
    elif not digest["new"]:
        lines += ["Nothing new.", ""]
    for entry in digest["searches"]:
        count = entry["total"]
        lines.append(f"## {_md(entry['name'])} ({count} new)")
        lines.append("")
        lines.append(f"Query: `{entry['query'].replace('`', chr(39))}`")
        lines.append("")
        if entry.get("error"):
            lines += [f"This saved search cannot be run: {_md(entry['error'])}", ""]
            continue
        for paper in entry["papers"]:
            url = paper["url"]
            title = _md(paper["title"])
            item = f"- [{title}]({markdown_url(url)})" if url else f"- {title}"
            authors = ", ".join(paper["authors"][:3]) + (" et al." if len(paper["authors"]) > 3 else "")
            if authors:
                item += f" — {_md(authors)}"
            if paper["published"]:
                item += f" ({paper['published']})"
            lines.append(item)
        if count > len(entry["papers"]):
            lines.append(f"- … and {count - len(entry['papers'])} more")
        if entry["papers"]:
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
