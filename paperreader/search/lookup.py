"""A pasted id or link is a lookup, not words: arXiv ids in every spelling, arXiv and Hugging Face
links, DOIs and doi.org links, and the library's own `t:` ids (what a paper without an arXiv id is
known by: `t:` and 12 hex digits of its title, shown in the list and by the CLI) find that paper by
exact lookup in the store; an unknown one says so,
with the command that would fetch it (or, for a deleted one, how to bring it back from the trash).
Several pasted at once (spaces, commas, semicolons or new lines between them) find all of them, in
the order pasted."""

from __future__ import annotations

import re
from dataclasses import dataclass

from paperreader.model import parse_arxiv_id

_URL = re.compile(r"^(?:https?://)?(?:www\.|export\.)?(?P<host>arxiv\.org|huggingface\.co|(?:dx\.)?doi\.org)/(?P<path>\S+)$",
                  re.IGNORECASE)
_ARXIV_PATH = re.compile(r"^(?:abs|pdf|html|format)/(?P<id>.+?)(?:\.pdf)?/?$", re.IGNORECASE)
_HF_PATH = re.compile(r"^papers/(?P<id>[^/?#]+)/?$", re.IGNORECASE)
_DOI = re.compile(r"^(?:doi:\s*)?(?P<doi>10\.\d{4,9}/\S+)$", re.IGNORECASE)
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(?P<id>.+)$", re.IGNORECASE)
_ARXIV_WORD = re.compile(r"^arxiv:\s*", re.IGNORECASE)
RESTORE_COMMAND = "Restore from the trash"  # the reader's command palette names it so (tui/screens/trash.py)
_ARXIV_WORD_INSIDE = re.compile(r"\b(arxiv|doi):\s+", re.IGNORECASE)
_TITLE_ID = re.compile(r"^t:[0-9a-f]{12}$", re.IGNORECASE)  # model.id_from_title_key
# Every id or link read here holds a digit (an arXiv id's, a DOI's 10.) or a colon (`t:`, `arxiv:`):
# a query with neither (most are words) is no lookup, told by one search instead of ~30 us of tests
_ID_MARK = re.compile(r"[\d:]")


@dataclass(frozen=True)
class Identifier:
    """What a query named: kind "arxiv" (value: the id without version), "doi" (value: the DOI) or
    "title" (value: the library's id `t:<12 hex>`)."""

    kind: str
    value: str

    def label(self) -> str:
        return {"arxiv": f"arXiv:{self.value}", "doi": f"doi:{self.value}"}.get(self.kind, self.value)

    def fetch_hint(self) -> str:
        """What would bring this paper into the library."""
        if self.kind == "arxiv":
            return f"paperreader fetch arxiv id:{self.value}"
        if self.kind == "title":
            return "no paper here has that title; import a file that has it (paperreader import FILE)"
        return "import a file that has it (paperreader import FILE), or `paperreader resolve` for papers found on arXiv"


_PAIRS = {"(": ")", "[": "]", "{": "}", "<": ">", '"': '"', "'": "'", "\u201c": "\u201d", "\u2018": "\u2019"}


def _unwrapped(text: str) -> str:
    """An id as copied out of a sentence or a reference list, without what came with it: `(0704.0001).`,
    `[0704.0001]`, `arXiv:0704.0001.`, `https://arxiv.org/abs/0704.0001,` (a DOI's own balanced
    parentheses stay)."""
    text = text.strip()
    for _ in range(3):
        before = text
        text = text.rstrip(".,;:")
        if len(text) >= 2 and _PAIRS.get(text[0]) == text[-1]:
            text = text[1:-1].strip()
        elif text[-1:] in (")", "]", "}", ">") and not any(o in text for o, c in _PAIRS.items() if c == text[-1]):
            text = text[:-1]  # a closing bracket whose opening one was left behind
        elif text[:1] in _PAIRS and _PAIRS[text[0]] not in text[1:]:
            text = text[1:]  # an opening one whose closing one was
        if text == before:
            break
    return text


def identify(text: str) -> Identifier | None:
    """The id or link `text` is (the whole query, one token), or None for anything else."""
    if _ID_MARK.search(text) is None:
        return None
    text = _unwrapped(text).strip("<>")
    if not text or any(c.isspace() for c in text):
        return None
    text = re.sub(r"[?#].*$", "", text) if "://" in text or "/" in text else text
    m = _URL.match(text)
    if m:
        host, path = m.group("host").lower(), m.group("path")
        if host == "arxiv.org":
            p = _ARXIV_PATH.match(path)
            aid = parse_arxiv_id(p.group("id")) if p else None
            return Identifier("arxiv", aid) if aid else None
        if host == "huggingface.co":
            p = _HF_PATH.match(path)
            aid = parse_arxiv_id(p.group("id")) if p else None
            return Identifier("arxiv", aid) if aid else None
        return _doi(path)
    if _TITLE_ID.match(text):
        return Identifier("title", text.lower())
    if _ARXIV_WORD.match(text):
        aid = parse_arxiv_id(_ARXIV_WORD.sub("", text))
        return Identifier("arxiv", aid) if aid else None
    m = _DOI.match(text)
    if m:
        return _doi(m.group("doi"))
    if re.match(r"^\d{4}\.\d{4,5}(?:v\d+)?$|^[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?$", text):
        aid = parse_arxiv_id(text)
        return Identifier("arxiv", aid) if aid else None
    return None


def identify_all(text: str) -> list[Identifier] | None:
    """Two or more ids or links pasted at once, in the order given without repeats; None unless
    every part of `text` is one (a query with a single word that is not an id stays words)."""
    if _ID_MARK.search(text) is None:
        return None
    text = _ARXIV_WORD_INSIDE.sub(lambda m: m.group(1) + ":", text)  # "arXiv: 2401.00001" is one id
    found: list[Identifier] = []
    for word in text.split():
        word = word.strip(",;")
        if not word:
            continue
        parts = [identify(piece) for piece in re.split(r"[,;]+", word) if piece]  # "A,B" (a DOI may hold a ';')
        if len(parts) < 2 or None in parts:
            parts = [identify(word)]
        if None in parts:
            return None
        found.extend(parts)
    return list(dict.fromkeys(found)) if len(found) > 1 else None


def _doi(doi: str) -> Identifier | None:
    doi = doi.rstrip(".,;")
    if not re.match(r"^10\.\d{4,9}/\S+$", doi):
        return None
    m = _ARXIV_DOI.match(doi)
    if m:
        aid = parse_arxiv_id(m.group("id"))
        if aid:
            return Identifier("arxiv", aid)
    return Identifier("doi", doi)


def find(library, ident: Identifier) -> str | None:
    """The paper's id in the store, or None."""
    if ident.kind == "arxiv":
        return library.resolve_id(f"arxiv:{ident.value}")
    if ident.kind == "title":
        return library.resolve_id(ident.value)  # the paper's id, or an alias it has (re-keyed to its arXiv id)
    found = library.id_by_doi(ident.value)
    if found:
        return found
    m = _ARXIV_DOI.match(ident.value)
    return library.resolve_id(f"arxiv:{m.group('id')}") if m else None


def look_up(library, idents: list[Identifier]) -> tuple[list[str], str]:
    """The ids in the store of the papers named (in the order named) and the one line to show: found
    by id, or which are not in the library (in the trash: how to restore; else how to fetch)."""
    from paperreader.store.trash import trashed

    found: list[str] = []
    trashed_, absent = [], []
    for ident in idents:
        pid = find(library, ident)
        if pid is not None:
            found.append(pid)
            continue
        entry = trashed(library, doi=ident.value) if ident.kind == "doi" else \
            trashed(library, text=f"arxiv:{ident.value}" if ident.kind == "arxiv" else ident.value)
        if entry is not None:
            trashed_.append((ident, entry))
        else:
            absent.append((ident, ident.fetch_hint()))
    found = list(dict.fromkeys(found))
    if len(idents) == 1:
        if trashed_:
            ident, entry = trashed_[0]  # the reader's way first: the status line shows the start
            return found, (f"{ident.label()} is in the trash (deleted {entry.deleted_at[:10]}): bring it back with ctrl+p, "
                           f"{RESTORE_COMMAND} in the reader, or paperreader restore-paper {entry.paper_id}")
        if absent:
            ident, how = absent[0]
            return found, f"{ident.label()} is not in the library: {how}"
        return found, f"{idents[0].label()}: found by its id"
    if not trashed_ and not absent:
        return found, f"{len(idents)} ids: found by their ids"
    parts = [f"{len(found)} of the {len(idents)} ids found"]
    if trashed_:
        parts.append(f"in the trash (ctrl+p, {RESTORE_COMMAND}): " + ", ".join(
            f"{ident.label()} (paperreader restore-paper {entry.paper_id})" for ident, entry in trashed_))
    if absent:
        parts.append("not in the library: " + ", ".join(f"{ident.label()} ({how})" for ident, how in absent))
    return found, "; ".join(parts)


def in_named_order(hits: list, named: list[str], key=lambda hit: hit[0]) -> list:
    """A lookup's hits (`(id, ...)`, or ids with key=str) in the order their ids were named
    (pasted), not the index's."""
    rank = {pid: i for i, pid in enumerate(named)}
    return sorted(hits, key=lambda hit: rank.get(key(hit), len(rank)))
