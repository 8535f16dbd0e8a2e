"""Quote verification: find a quote in the article body and return the exact source text.

Matching tolerates what models and users change (whitespace, curly vs straight
quote marks, dashes, case, a few characters via rapidfuzz), but never a different
number, name or date: a fuzzy match is accepted only when every number and every
capitalised word of the quote occurs, exactly, in the article text it matched
("41 million … March" does not verify against "14 million … May"). What is shown
is always `body[start:end]`, the article's own text at the verified offsets.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

_FOLD = str.maketrans({
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "`": "'", "´": "'",
    "“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"', "″": '"',
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-",
    "\u00a0": " ", "…": ".",
})
_NUMBER = re.compile(r"\d+")
_WORD = re.compile(r"[^\W_]+")
#: minimum rapidfuzz similarity (0–100) for a quote that is not found literally
FUZZY_MIN = 92.0


def _normalised(text: str) -> tuple[str, list[int]]:
    """Folded, whitespace-collapsed, lower-cased text and, per character, its index in `text`."""
    out: list[str] = []
    index: list[int] = []
    last_space = True
    for i, ch in enumerate(text.translate(_FOLD)):
        if ch.isspace():
            if not last_space:
                out.append(" ")
                index.append(i)
            last_space = True
            continue
        out.append(ch.lower())
        index.append(i)
        last_space = False
    return "".join(out), index


def locate_quote(quote: str, body: str) -> tuple[int, int] | None:
    """[start, end) of `quote` in `body`, or None when it is not there."""
    quote = quote.strip().strip('"“”«»').strip()
    if len(quote) < 3:
        return None
    found = body.find(quote)
    if found >= 0:
        return found, found + len(quote)
    norm_body, index = _normalised(body)
    norm_quote, _ = _normalised(quote)
    norm_quote = norm_quote.strip(" .")
    if not norm_quote:
        return None
    found = norm_body.find(norm_quote)
    if found >= 0:
        return index[found], index[found + len(norm_quote) - 1] + 1
    if len(norm_quote) < 20:
        return None
    alignment = fuzz.partial_ratio_alignment(norm_quote, norm_body, score_cutoff=FUZZY_MIN)
    if alignment is None:
        return None
    start, end = alignment.dest_start, alignment.dest_end
    if end - start < 0.9 * len(norm_quote):
        return None
    span = _snap(body, index[start], index[end - 1] + 1)
    return span if _same_facts(quote, body[span[0]:span[1]]) else None


def _same_facts(quote: str, matched: str) -> bool:
    """Every number and capitalised word of the quote is in the matched article text, exactly (case aside)."""
    numbers = _NUMBER.findall(matched)
    for n in _NUMBER.findall(quote):
        if n not in numbers:
            return False
        numbers.remove(n)
    words = {w.casefold() for w in _WORD.findall(matched)}
    return all(w.casefold() in words for w in _WORD.findall(quote) if w[0].isupper())


def _snap(body: str, start: int, end: int) -> tuple[int, int]:
    """Widen a fuzzy match to whole words."""
    while start > 0 and body[start - 1].isalnum():
        start -= 1
    while end < len(body) and body[end].isalnum():
        end += 1
    return start, end
