"""What a ranked source says about itself: which listing a file is (kind, name, date).

A page dump, a Hugging Face daily-papers or search answer, an arXiv listing e-mail and an arXiv API
feed list papers in an order that means something (trending, the day's list, relevance), so an
import of one records a listing (see store.listings). The date is the data's own when it carries
one: the day Hugging Face listed the papers (the `date` asked for, a date in the file's name, else
the latest day its items were listed), the e-mail's `Date:` header, the feed's `<updated>`; else
None, and the import time is used. Other formats (BibTeX, CSV, OAI snapshots, backups) are not
rankings: `describe` answers None for them.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs

from paperreader.store.listings import ListingSpec

RANKED = ("pagedump", "hf", "arxiv-email", "arxiv-atom")
_DAY = re.compile(r"(?<!\d)(\d{4}-\d{2}-\d{2})(?!\d)")
_FEED_HEAD = re.compile(r"^(.*?)<(?:[\w.-]+:)?entry[\s>/]", re.S)
_TAG = r"<(?:[\w.-]+:)?{0}(?:\s[^>]*)?>(.*?)</(?:[\w.-]+:)?{0}>"
BUILTIN = ListingSpec("pagedump", "Trending papers (built-in)", None, dated=False)


def describe(fmt: str, text: str, papers: list, file: str = "", day: str | None = None) -> ListingSpec | None:
    """The listing a file of format `fmt` is (None for unranked formats or no papers); `day` is the
    day asked of an API, when known."""
    if fmt not in RANKED or not papers:
        return None
    if fmt == "pagedump":
        return ListingSpec("pagedump", "Trending papers", None, dated=False)
    if fmt == "hf":
        return hf_listing(papers, file, day)
    if fmt == "arxiv-email":
        return email_listing(text)
    return atom_listing(text)


def hf_listing(papers: list, file: str = "", day: str | None = None) -> ListingSpec:
    """A day of daily papers (items carry the day each was listed), or a search answer."""
    listed = [p.extra.get("listed") for p in papers if p.extra.get("listed")]
    if not listed and day is None:
        return ListingSpec("hf-search", "Hugging Face search", None, dated=False)
    named = _DAY.search(Path(file).name) if file else None
    date = day or (named.group(1) if named else max(listed))
    return ListingSpec("hf-daily", "Hugging Face daily papers", date)


_FORWARD = re.compile(r"^(?:(?:fwd?|re|aw|tr|wg)\s*:\s*)+", re.IGNORECASE)  # Fwd:, Fw:, Re: (and German, French)


def _date_and_subject(lines) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in lines:
        key, _, value = line.partition(":")
        if value.strip() and key.strip().lower() in ("date", "subject"):
            fields.setdefault(key.strip().lower(), value.strip())
    return fields


def email_listing(text: str) -> ListingSpec:
    """The mail's date, and its list from the Subject (`cs daily Subj-class mailing ...`). A forwarded
    listing (Subject `Fwd: ...`) takes the original's Date and Subject when the forward shows them
    above the first entry (a quoted or pasted header), else its own."""
    from paperreader.sources.arxiv_email import readable
    from paperreader.sources.arxiv_oai import rfc2822_date

    head, _, body = readable(text).replace("\r\n", "\n").partition("\n\n")
    fields = _date_and_subject(head.split("\n"))
    if _FORWARD.match(fields.get("subject", "")):
        original = _date_and_subject(re.split(r"(?m)^\\\\[ \t]*$", body, maxsplit=1)[0].split("\n"))
        if rfc2822_date(original.get("date")):
            fields["date"] = original["date"]
        fields["subject"] = original.get("subject") or fields["subject"]
    subject = re.split(r"\s+mailing\b", _FORWARD.sub("", fields.get("subject", "")), maxsplit=1)[0].strip()
    return ListingSpec("arxiv-email", f"arXiv {subject}" if subject else "arXiv listing", rfc2822_date(fields.get("date")))


def atom_listing(text: str) -> ListingSpec:
    """The feed's query as its name and its `<updated>` as its date (the moment of the request, so
    not part of what makes two answers the same listing)."""
    match = _FEED_HEAD.match(text[:20000])
    head = match.group(1) if match else text[:4000]
    title = re.search(_TAG.format("title"), head, re.S)
    updated = re.search(_TAG.format("updated"), head, re.S)
    name = "arXiv search"
    if title:
        query = unescape(" ".join(title.group(1).split())).split(":", 1)[-1].strip()
        params = parse_qs(query)
        asked = (params.get("search_query") or params.get("id_list") or [""])[0].strip()
        if asked:
            name = f"arXiv: {asked}"
    return ListingSpec("arxiv-atom", name, iso_utc(updated.group(1).strip()) if updated else None, dated=False)


def iso_utc(value: str) -> str | None:
    """An ISO 8601 time as UTC to the second (the store's timestamps), or None."""
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).isoformat(timespec="seconds")
