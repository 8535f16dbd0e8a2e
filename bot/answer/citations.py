"""An LLM answer as claims: its citation markers, and its sentences and clauses with the markers each cites.

`split_claims(answer)` cuts the answer into sentences, and a sentence into clauses where it cites
several passages ("498 days [1], and his mother was freed in 2023 [2]."), each with its `[n]` markers;
words that only introduce a citation ("According to [1], …") go with its markers (`strip_markers`).
What each claim states is bot.answer.claims.facts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.chunker import sentence_spans

MAX_CLAIMS = 12
#: a citation marker as models write it: [1], [12], [123], [1, 2], [1; 3], a range [1-3] / [1–3]; four digits
#: are a year ("[1939–1945]", "[2020]" stay text and facts)
MARKER = re.compile(r"\[\s*(\d{1,3}(?:\s*[,;\-–]\s*\d{1,3})*)\s*\]")
MAX_MARKER_RANGE = 50
_LETTERS = re.compile(r"[^\W\d_]+")
_DIGIT = re.compile(r"\d")


@dataclass
class ClaimText:
    text: str  # as the model wrote it, without markers
    markers: list[int] = field(default_factory=list)  # the [n] it cites, in order


def markers_of(text: str) -> list[int]:
    out: list[int] = []
    for m in MARKER.finditer(text):
        for part in re.split(r"\s*[,;]\s*", m.group(1)):
            ends = [int(x) for x in re.split(r"\s*[-–]\s*", part) if x]
            if ends:
                low, high = ends[0], ends[-1]
                out += list(range(low, high + 1)) if 0 <= high - low < MAX_MARKER_RANGE else sorted({low, high})
    return out


_MARKER_TEXT = MARKER.pattern
_CONJUNCTIONS = ("and", "и", "y", "et", "und", "e")
_AND = "(?:" + "|".join(_CONJUNCTIONS) + ")"
#: markers joined by a comma or a word ("[1] and [2]", "[1], [3]", "[1], [2], and [3]") are one run ("[1][2]")
_JOINED = re.compile(rf"({_MARKER_TEXT})\s*(?:,\s*{_AND}?|{_AND})\s*(?={_MARKER_TEXT})", re.IGNORECASE)
#: words that introduce a source; "based on" only at the start of a clause ("It is based on [1]." keeps it)
_SOURCE_WORDS = ("according to", r"as (?:stated|reported|mentioned|noted|said) in", "согласно", "по данным", "según",
                 "de acuerdo con", "selon", "laut", "secondo", "segundo")
_LEADS = "(?:" + "|".join(_SOURCE_WORDS + ("based on",)) + ")"
_TRAILS = "(?:" + "|".join(_SOURCE_WORDS) + ")"
#: words that only introduce a citation, with its run of markers: at the start of a clause ("According to [1],
#: …", "…, and according to [2] the truce…") or after its comma at the end (", согласно [2]."). They are no
#: part of the claim; elsewhere they are ("The film is based on [1] a novel.", "It is based on [1].").
_CITING = re.compile(
    r"(?:(?<=^)|(?<=^\s)|(?<=[,;:]\s)|" + "|".join(rf"(?<=\b{w}\s)" for w in _CONJUNCTIONS)
    + rf")(?<![^\W\d_]){_LEADS}\s+(?:{_MARKER_TEXT}\s*)+[,:]?\s*"
    rf"|,\s*{_TRAILS}\s+(?:{_MARKER_TEXT}\s*)+(?=[.;!?]|$)",
    re.IGNORECASE)


def strip_markers(text: str) -> str:
    """The text without its citation markers, nor the words that only introduced one."""
    text = _JOINED.sub(r"\1", text)
    bare = MARKER.sub("", _CITING.sub("", text))
    bare = re.sub(r"\s+([.,;:!?])", r"\1", re.sub(r"[ \t]{2,}", " ", bare))
    bare = re.sub(r"[,;:]+(?=[.!?])", "", bare).strip().lstrip(",;: ")
    if bare[:1].islower() and _CITING.match(text.lstrip()):
        bare = bare[:1].upper() + bare[1:]  # "According to [1], the truce…" begins a sentence
    return bare


def split_claims(answer: str) -> list[ClaimText]:
    """Sentences, and clauses of a sentence that cite different passages, each with its markers."""
    claims: list[ClaimText] = []
    for start, end in sentence_spans(answer):
        sentence = _JOINED.sub(r"\1", answer[start:end])
        for clause in _clauses(sentence):
            text = strip_markers(clause)
            if len(_LETTERS.findall(text)) or _DIGIT.search(text):
                claims.append(ClaimText(text, markers_of(clause)))
            if len(claims) >= MAX_CLAIMS:
                return claims
    return claims


def _clauses(sentence: str) -> list[str]:
    """Cut after a marker followed by more words of the same sentence ("A [1], and B [2].")."""
    out: list[str] = []
    last = 0
    leads = [m.span() for m in _CITING.finditer(sentence)]
    for m in MARKER.finditer(sentence):
        rest = sentence[m.end():]
        if MARKER.match(rest.lstrip()):
            continue  # a run of markers ("[1][2]") is cut after its last one
        if any(a <= m.start() < b for a, b in leads):
            continue  # "According to [1], …" cites the words that follow
        if len(_LETTERS.findall(rest)) >= 3 and markers_of(rest):
            cut = m.end()
            out.append(sentence[last:cut])
            last = cut
    out.append(sentence[last:])
    return [c.strip(" ,;") for c in out if c.strip(" ,;.")]
