"""Quote verification: find a quote in the article body and return the exact source text.

Matching tolerates what models and users change (whitespace, curly vs straight
quote marks, dashes, case, punctuation, accents, a word written apart or joined —
"e-mail"/"email", "don't"/"dont" —, a misspelt word via rapidfuzz), but never a
different word: a fuzzy match is accepted only when the quote has the matched article
text's words in the same order, case and accents aside, where a word may differ only
as a one-letter misspelling of the same lower-case word ("teling" for "telling",
"color" for "colour"; not when one word begins the other: "eight" is not "eighty").
So a number, a name, a month, a magnitude or a currency sign never differs ("41
million … March", "14 billion … march" and "£14 million" do not verify against "$14
million … May"), and no word is dropped or added ("did attend" for "did not attend").
Text without spaces between words (Chinese, Japanese, Thai) has no misspellings
forgiven. What is shown is always `body[start:end]`, the article's own text at the
verified offsets.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

_FOLD = str.maketrans({
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "`": "'", "´": "'",
    "“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"', "″": '"',
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-",
    "\u00a0": " ", "…": ".",
})
#: words, and the signs that change a number's meaning (currencies, per cent)
_WORD = re.compile(r"[^\W_]+|[%‰\u0024\u00a2-\u00a5\u20a0-\u20bf]")
#: minimum rapidfuzz similarity (0–100) for a quote that is not found literally
FUZZY_MIN = 92.0
#: a misspelling: a lower-case word of at least this many letters, at most SPELLING_EDITS edits away
SPELLING_MIN_LETTERS = 5
SPELLING_EDITS = 1


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
    return span if _same_words(quote, body[span[0]:span[1]]) else None


def _same_words(quote: str, matched: str) -> bool:
    """The quote has the matched text's words in order (case aside); a pair may differ only as spellings."""
    said, said_names = _words(quote)
    written, written_names = _words(matched)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, said, written, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        joined = "".join(said[i1:i2])
        if joined == "".join(written[j1:j2]) and joined.isalpha():
            continue  # written apart or joined: "e-mail" / "email", "don't" / "dont"
        if tag != "replace" or i2 - i1 != j2 - j1:
            return False  # a word dropped or added
        if any(said_names[i1:i2]) or any(written_names[j1:j2]):
            return False  # names are exact
        if not all(_spelling(a, b) for a, b in zip(said[i1:i2], written[j1:j2])):
            return False
    return True


def _words(text: str) -> tuple[list[str], list[bool]]:
    """Words and signs, case-folded and without accents; and whether each was capitalised."""
    words = _WORD.findall(text)
    plain = ["".join(c for c in unicodedata.normalize("NFKD", w) if not unicodedata.combining(c)).casefold()
             for w in words]
    return plain, [w[:1].isupper() for w in words]


def _spelling(said: str, written: str) -> bool:
    """Two spellings of one lower-case word (as `_words` gives them): cased letters only (not CJK, where a word is a
    whole clause), the same first letter, one edit apart, neither the beginning of the other."""
    if not (said.isalpha() and written.isalpha() and said.islower() and written.islower()):
        return False  # numbers, signs and uncased scripts are exact
    if said.startswith(written) or written.startswith(said):
        return False  # "eight" / "eighty", "seven" / "seventy"
    return (said[0] == written[0] and min(len(said), len(written)) >= SPELLING_MIN_LETTERS
            and Levenshtein.distance(said, written) <= SPELLING_EDITS)


def _snap(body: str, start: int, end: int) -> tuple[int, int]:
    """Widen a fuzzy match to whole words."""
    while start > 0 and body[start - 1].isalnum():
        start -= 1
    while end < len(body) and body[end].isalnum():
        end += 1
    return start, end
