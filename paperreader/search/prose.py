"""How a query is read: prose (words, the way people ask), the strict language, or half typed.

A query is *prose* when it uses none of the strict language's syntax: no AND/OR/NOT, no `-word`,
no `field:`, no "quoted phrase", no `word*`, `w?rd` or `word~`. Prose is read as words: punctuation
(a trailing `?`, commas, apostrophes, a stray bracket or quote in a sentence) is only punctuation,
and common function words ("how", "what", "are there") are dropped when other words remain. A
question or a long query (three words or more) is answered even when no paper has every word: the
papers that have them all come first, then the closest partial matches (see search/partial.py).

Anything else is the strict language, which keeps its meaning and its errors. While a query is
being typed (`typing=True`, the search box), a strict query that is only unfinished — a quote or
parenthesis still open, an operator or `field:` at the end — is *incomplete*, not wrong: the box
keeps the last results; an open quote is searched as if closed, its last word a prefix. A prose
query being typed (no space after its last word yet) has its last word as a prefix, whatever the
number of words (`mamba sel` finds "selective", as `mamba sel*` does); a space makes it whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from paperreader.search.schema import FIELD_ALIASES, USER_FIELDS

OPERATOR_WORDS = ("AND", "OR", "NOT", "ANDNOT", "ANDMAYBE")
_OPERATOR = re.compile(r"(?<![^\s(])(?:AND|OR|NOT|ANDNOT|ANDMAYBE)(?![^\s)])")
_FIELD = re.compile(r"(?<![\w:/.@-])([A-Za-z_]+):")
_MINUS = re.compile(r"(?:^|[\s(])-[\w\"(]")
_WILDCARD = re.compile(r"\w[*?]\w|\w\*|(?:^|\s)\*\w|\w~\d*(?=[\s)]|$)|\"~\d*")
_PHRASE = re.compile(r'"[^"]*"')
_WORD = re.compile(r"\w+(?:\.?\w+)*")  # the text analyzer's tokenizer (see schema.text_analyzer)
SENTENCE_WORDS = 4  # a stray quote or bracket in a query this long is punctuation, not syntax
LONG_SENTENCE = 8  # ... and "quotes" in a sentence this long are emphasis, not a phrase
MAX_PROSE = 20_000  # characters of a pasted paragraph read as words
MAX_WORDS = 64  # content words used, the first ones
FILL_WORDS = 3  # a query of this many content words (or a question) gets partial matches too

# Function words of English questions and sentences, beyond the index's own stop list; dropped from
# prose queries only (a query of nothing else keeps them). A general list, not a collection's.
PROSE_STOP_WORDS = frozenset("""
a about above after again against all also am an and any are aren't as at be because been before
being below between both but by can cannot could couldn't did didn't do does doesn't doing don't
done down during each either etc few for from further get gets getting give given gives had has
have having he her here hers herself him himself his how however i if in into is isn't it it's its
itself just let like many may me might more most much must my myself need needs no nor not now of
off on once one only or other others otherwise our ours ourselves out over own per please possible
rather really said same say says she should so some such than that the their theirs them
themselves then there these they this those though through thus to too under until up upon us
very via was way ways we well were what whatever when where whether which while who whom whose
why will with within without would yet you your yours yourself yourselves
""".split())
QUESTION_WORDS = frozenset("how what when where which who whom whose why is are do does did can could should would".split())


@dataclass
class Reading:
    """What a query is: kind is "empty", "prose", "strict" or "incomplete"."""

    kind: str
    text: str  # the text to parse (strict: an open quote closed and its last word a prefix)
    words: list[str] = field(default_factory=list)  # prose: the content words, in order, distinct
    fill: bool = False  # prose: partial matches fill the page when few papers have every word
    hint: str = ""  # incomplete: what is missing, for the status line
    prefix: str = ""  # the last word, half typed, is a prefix (prose: still typed; strict: an open quote closed)


def _strict_syntax(text: str) -> bool:
    """Does the query use the strict language's syntax anywhere?"""
    if any(c.islower() for c in text) and _OPERATOR.search(text):
        return True
    for m in _FIELD.finditer(text):
        name = m.group(1).lower()
        if FIELD_ALIASES.get(name, name) in USER_FIELDS:
            return True
    if _MINUS.search(text) or _WILDCARD.search(text):
        return True
    return bool(_PHRASE.search(text)) and text.count('"') % 2 == 0 and len(_WORD.findall(text)) < LONG_SENTENCE


def _is_sentence(text: str) -> bool:
    return len(_WORD.findall(text)) >= SENTENCE_WORDS


def _balanced(text: str) -> bool:
    depth = 0
    for c in text:
        depth += (c == "(") - (c == ")")
        if depth < 0:
            return False
    return depth == 0 and text.count('"') % 2 == 0


def content_words(text: str, keep) -> list[str]:
    """The words of a prose query that `keep` (the index's analyzer) keeps, distinct, in order;
    common function words go too unless nothing else is left."""
    words = [w for w in _WORD.findall(text) if keep(w)]
    seen: dict[str, str] = {}
    for w in words:
        seen.setdefault(w.lower(), w)
    words = list(seen.values())
    content = [w for w in words if w.lower() not in PROSE_STOP_WORDS]
    return (content or words)[:MAX_WORDS]


def read(text: str, keep, *, typing: bool = False) -> Reading:
    """How to run `text`. `keep(word)` says whether the index would keep a word (not a stop word)."""
    still_typing = typing and text[-1:].isalnum()  # no space yet after the last word
    text = text.strip()
    if not text:
        return Reading("empty", text)
    if typing and re.search(r"(?:^|\s)-$", text):
        return Reading("incomplete", text, hint="finish the query: a word after -")
    strict = len(text) > MAX_PROSE or _strict_syntax(text)
    if not strict and (_balanced(text) or _is_sentence(text)):
        words = content_words(text, keep)
        prefix = ""
        if still_typing:  # the last word, half typed, is a prefix (`mamba sel` finds "selective")
            prefix, words = typed_last(text, words, keep)
        if words:
            question = "?" in text or text.split(None, 1)[0].lower() in QUESTION_WORDS
            fill = len(words) >= FILL_WORDS or (question and len(words) >= 2)
            return Reading("prose", text, words, fill=fill, prefix=prefix)
    if typing:
        return _while_typing(text)
    return Reading("strict", text)


def typed_last(text: str, words: list[str], keep) -> tuple[str, list[str]]:
    """While a prose query's last word is typed (no space after it yet): that word, a prefix, and
    the content words ending with it; or ("", words) when it is not a word being begun.

    Any word count: one word (`transf`), two (`mamba sel`), a question. A one-letter word the index
    is too short for is begun all the same (`deep l`, `t`). A function word the other words go
    without stays dropped as when complete (`state of`: "of" is far likelier than "offline" begun;
    `state offl` is a prefix again); alone, it is begun (`the` -> "theory"). A digit after other
    words stays dropped too (`gpt-4`, `llama 3`: the index keeps no one-character word, and "40"
    is unlikely meant). The letters after an apostrophe are a possessive or a contraction
    (`mamba's`), not a word."""
    tokens = list(_WORD.finditer(text))
    last = tokens[-1]
    if last.end() != len(text) or text[last.start() - 1:last.start()] in ("'", "\u2019"):
        return "", words
    word = last.group()
    lower = word.lower()
    if words and words[-1].lower() == lower:
        return word, words
    if any(w.lower() == lower for w in words):  # typed before (`mamba state mamba`): already a word
        return "", words
    function = lower in PROSE_STOP_WORDS or (len(word) > 1 and not keep(word))  # the index's stop words
    if function and words or word.isdigit() and len(word) == 1 and words:  # `gpt-4`: a digit is whole
        return "", words
    return word, words + [word]


def _while_typing(text: str) -> Reading:
    """A strict query in the search box: incomplete (keep the last results), or runnable."""
    tokens = text.split()
    last = tokens[-1]
    if last in OPERATOR_WORDS:
        return Reading("incomplete", text, hint=f"finish the query after {last}")
    if last == "-" or last.endswith("(") and last.count("(") > last.count(")"):
        return Reading("incomplete", text, hint="finish the query: " + ("a word after -" if last == "-" else "close the ( with )"))
    m = re.fullmatch(r"([A-Za-z_]+):", last)
    if m and FIELD_ALIASES.get(m.group(1).lower(), m.group(1).lower()) in USER_FIELDS:
        return Reading("incomplete", text, hint=f"finish the query: a word after {last}")
    depth = 0
    for c in text:
        depth += (c == "(") - (c == ")")
    if depth > 0:
        return Reading("incomplete", text, hint="finish the query: close the ( with )")
    if text.count('"') % 2:
        return close_quote(text)
    return Reading("strict", text)


def close_quote(text: str) -> Reading:
    """`"state spa` -> `"state spa*"`: the open phrase closed, its last word searched as a prefix."""
    head, _, phrase = text.rpartition('"')
    words = _WORD.findall(phrase)
    if not words:
        return Reading("incomplete", text, hint='finish the query: a word after "')
    if phrase.rstrip() != phrase:  # a space after the last word: that word is whole
        return Reading("strict", f'{head}"{phrase.strip()}"')
    return Reading("strict", f'{head}"{phrase.strip()}"', prefix=words[-1])


def stem_prefix(word: str, stem) -> str:
    """The part of a half-typed word its index terms start with ("models" is indexed "model",
    "happy" as "happi"): the longest common prefix of the word and its stem."""
    lower = word.lower()
    return lower[:_common(lower, _stem(lower, stem))] or lower


def typed_past_stem(word: str, stem, begun: int = 1) -> str:
    """For a half-typed word no term starts with because it runs past its stem (`learnin`:
    "learning" is indexed "learn"; `performa`, `reinforcem`, `natura`): the stem of its
    completion with a suffix it has begun (`begun` letters of it or more; the shortest stem),
    cutting at most one letter before the suffix."""
    lower = word.lower()
    n = len(lower)
    for suffix in SUFFIXES:
        for k in range(begun, len(suffix)):
            if lower.endswith(suffix[:k]):
                n = min(n, max(_common(lower, _stem(lower + suffix[k:], stem)), len(lower) - k - 1))
    return lower[:n] or lower


SUFFIXES = ("ing", "ion", "ation", "ive", "ment", "ance", "ence", "al", "ity", "ness", "ous", "able",
            "ible", "ed", "er", "ly", "ical", "ize", "ise", "ful")  # English suffixes Porter strips


def _stem(lower: str, stem) -> str:
    try:
        return stem(lower) or lower  # "" for a word the index drops (`the`, `l`): as typed
    except ValueError:  # not one token for the analyzer
        return lower


def _common(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n
