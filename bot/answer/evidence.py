"""The evidence for an answer: candidate sentences of the retrieved passages and what they share
with the question — words (in any script), constraints (years, numbers, names, quoted phrases) and
similarity normalised per question.

`Evidence.build(...)` collects the sentences of the top passages; `sentence_features()` describes each
for the learned sentence ranker; `support_features()` describes the chosen quote for the learned
support judgment. The feature names are part of the model file's contract (`bot.answer.model`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz, process

from bot.answer.question import Constraint, Question, fold, number_forms
from bot.answer.spans import STOPWORDS as EN_STOPWORDS
from index.catalog import Catalog
from index.lexical import index_terms
from index.language import detect_language
from index.retriever import Retrieved, Search

PASSAGES = 5
MIN_WORDS = 3
#: archive sentences (other articles) from which the archive's own background counts fully
ARCHIVE_FULL = 200  # shorter "sentences" are fragments ("1455–1536).") that match everything
HARD = ("year", "number", "quote", "entity")
#: hard constraints that are values: the evidence may hold another value of the same kind (partial support)
VALUES = ("year", "number")
#: constraints the cited passage must meet for any answer, whatever the model says: a year, or a quoted phrase
#: of a question in the passage's own language, that the passage lacks means it reports something else ("Who won
#: Wimbledon in 2018?" over the 2022 final). Other numbers ("the 70's", "Super Bowl 49" for "XLIX") and names
#: (spelt, inflected and translated many ways) are left to the model.
EXACT = ("year", "quote")

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_NUMBER = re.compile(r"\d{1,3}(?:[,.\u00a0 ]\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")
_SEMITIC = re.compile(r"[\u0590-\u05ff\u0600-\u06ff]")
_CLITICS = re.compile(r"^(?:[והבלמשכ]{1,2}|ال|وال|بال|لل|فال|[وفبلك])(?=\w{3,})")
_SUPERLATIVE = re.compile(r"\b(?:most|least|first|last|only|\w{2,}est|best|worst|record|largest|biggest|highest|lowest)\b",
                          re.IGNORECASE)
_NEGATION = re.compile(r"\b(?:not|never|no|none|without|n't|cannot|nor)\b|n't", re.IGNORECASE)


@lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    from index.lexical import IRREGULAR, _stemmer

    return _stemmer().stemWord(IRREGULAR.get(word, word))


def word_keys(text: str) -> set[str]:
    """Matching keys of the content words of `text`, in any script: English stems for Latin words,
    clitic-stripped forms for Hebrew/Arabic, five-letter prefixes for long inflected words,
    character bigrams for Chinese/Japanese/Thai."""
    keys: set[str] = set()
    for word in _WORD.findall(fold(text)):
        if word in EN_STOPWORDS or (len(word) < 2 and not _CJK.search(word)):
            continue
        if _CJK.search(word):
            chars = [c for c in word if _CJK.match(c)]
            keys.update(a + b for a, b in zip(chars, chars[1:]))
            continue
        if word.isascii():
            keys.add(_stem(word))
            continue
        keys.add(word)
        if _SEMITIC.match(word):
            keys.add(_CLITICS.sub("", word))
        elif len(word) >= 6:
            keys.add(word[:5])
    return keys


@dataclass(frozen=True)
class Candidate:
    passage: int  # rank of its passage (0-based)
    sentence: int  # index of the sentence in the passage
    start: int  # offsets in the passage text
    end: int
    similarity: float


class Evidence:
    """The candidate sentences for one question and the question's matching keys and weights."""

    def __init__(self, question: Question, search: Search, catalog: Catalog, extra_keys: list[str]) -> None:
        self.question = question
        self.retrieved = search.hits
        self.catalog = catalog
        self.mu, self.sd = search.background
        self.archive_mu, self.archive_sd = search.archive_background
        #: 0 for a one-article archive; the archive's own background is then not used
        self.archive_weight = min(search.archive_size / ARCHIVE_FULL, 1.0)
        self.keys = word_keys(question.text) | set(extra_keys)
        self.weights = {k: self._idf(k) for k in self.keys}
        self.total = sum(self.weights.values()) or 1.0
        self.candidates = self._candidates()
        self._sentence_keys: dict[tuple[int, int], set[str]] = {}
        #: candidate spans and their features per quote (see ExtractiveAnswerer._span)
        self.spans: dict[tuple, tuple[list, np.ndarray]] = {}

    @classmethod
    def build(cls, question: Question, search: Search, catalog: Catalog) -> "Evidence":
        # the archive's words the question's names and numbers were matched to across scripts ("Труфанов" →
        # "troufanov"); its own words are keys already
        extra = catalog.lexical.query_terms(question.text, question.language, own=False) \
            if question.language != "en" else []
        return cls(question, search, catalog, extra)

    def _idf(self, key: str) -> float:
        vocab = self.catalog.lexical.vocab
        tid = vocab.get(key)
        if tid is not None or key.isascii():  # an English stem is no word to stem again ("earli" → "ear")
            df = self.catalog.document_frequency(tid) if tid is not None else 0
        else:  # another script's key the index keeps in another form: "кибуца" as its stem "кибуц"
            df = max((self.catalog.document_frequency(vocab[t]) for t in index_terms(key) if t in vocab), default=0)
        return math.log(1 + len(self.catalog) / (1 + df))

    def _candidates(self) -> list[Candidate]:
        out = []
        for rank, hit in enumerate(self.retrieved[:PASSAGES]):
            spans = hit.row.sentences or ((0, len(hit.row.text)),)
            sims = hit.sentence_similarities or (hit.similarity,) * len(spans)
            for i, ((start, end), sim) in enumerate(zip(spans, sims)):
                if len(_WORD.findall(hit.row.text[start:end])) >= MIN_WORDS:
                    out.append(Candidate(rank, i, start, end, float(sim)))
        return out

    # --- text of candidates and neighbours ------------------------------------------------
    def text(self, c: Candidate) -> str:
        return self.retrieved[c.passage].row.text[c.start:c.end]

    def neighbour(self, c: Candidate) -> tuple[int, int] | None:
        """The more similar of the sentences before and after `c` in its passage (offsets)."""
        hit = self.retrieved[c.passage]
        spans = hit.row.sentences
        sims = hit.sentence_similarities
        if not spans or len(sims) != len(spans):
            return None
        options = [j for j in (c.sentence - 1, c.sentence + 1) if 0 <= j < len(spans)]
        if not options:
            return None
        j = max(options, key=lambda j: sims[j])
        return spans[j]

    def quote_span(self, c: Candidate) -> tuple[int, int]:
        """The quote shown for `c`: the sentence with its more similar neighbour (one verbatim passage)."""
        other = self.neighbour(c)
        return (min(c.start, other[0]), max(c.end, other[1])) if other else (c.start, c.end)

    def keys_of(self, passage: int, start: int, end: int) -> set[str]:
        key = (passage, start, end)
        if key not in self._sentence_keys:
            self._sentence_keys[key] = word_keys(self.retrieved[passage].row.text[start:end])
        return self._sentence_keys[key]

    def coverage(self, passage: int, start: int, end: int) -> float:
        found = self.keys & self.keys_of(passage, start, end)
        return sum(self.weights[k] for k in found) / self.total

    def anchors(self, text: str) -> list[tuple[int, int]]:
        """Offsets in `text` of the words it shares with the question."""
        out = []
        for m in _WORD.finditer(text):
            if word_keys(m.group(0)) & self.keys:
                out.append((m.start(), m.end()))
        return out

    def z(self, similarity: float) -> float:
        """The similarity in standard deviations above the question's similarity to generic sentences."""
        return (similarity - self.mu) / max(self.sd, 1e-3)

    def z_archive(self, similarity: float) -> float:
        """The same against the archive's other articles, weighted by how many there are (0 for one article)."""
        return self.archive_weight * (similarity - self.archive_mu) / max(self.archive_sd, 1e-3)

    # --- features -------------------------------------------------------------------------
    def sentence_features(self) -> np.ndarray:
        """One row per candidate (SENTENCE_FEATURES)."""
        cands = self.candidates
        out = np.zeros((len(cands), len(SENTENCE_FEATURES)), dtype=np.float32)
        if not cands:
            return out
        best_z = self.z(max(c.similarity for c in cands))
        top_score = self.retrieved[0].score or 1.0
        qtype_fit = _type_fit_fn(self.question)
        for i, c in enumerate(cands):
            hit = self.retrieved[c.passage]
            text = self.text(c)
            quote = self.quote_span(c)
            cons = constraint_report(self.question.constraints, text)
            cons_quote = constraint_report(self.question.constraints, hit.row.text[quote[0]:quote[1]])
            z = self.z(c.similarity)
            out[i] = (
                z, z - best_z, self.z_archive(c.similarity), self.archive_weight,
                hit.score / top_score if top_score else 0.0, 1.0 / (1 + c.passage),
                self.coverage(c.passage, c.start, c.end), self.coverage(c.passage, *quote),
                qtype_fit(text), cons.met_share, cons_quote.met_share, float(bool(self.question.constraints)),
                math.log(len(_WORD.findall(text)) + 1),
                self.z(max((s for j, s in enumerate(hit.sentence_similarities) if abs(j - c.sentence) == 1),
                           default=c.similarity)) - z,
            )
        return out

    def support_features(self, best: int, scores: np.ndarray, span_score: float) -> np.ndarray:
        """The support judgment's features for the chosen candidate (`best`) given every candidate's score."""
        c = self.candidates[best]
        hit = self.retrieved[c.passage]
        quote = self.quote_span(c)
        quote_text = hit.row.text[quote[0]:quote[1]]
        cons = constraint_report(self.question.constraints, quote_text)
        wide = constraint_report(self.question.constraints, f"{hit.row.title}\n{hit.row.text}")
        others = [s for j, s in enumerate(scores) if self.candidates[j].passage != c.passage]
        sims = sorted((x.similarity for x in self.candidates), reverse=True)
        return np.array([
            float(scores[best]), float(scores[best] - max(others, default=scores[best] - 5.0)),
            self.z(c.similarity), self.z(sims[0]), self.z(sims[0]) - self.z(sims[min(4, len(sims) - 1)]),
            self.z_archive(c.similarity), self.z_archive(sims[0]) - self.z_archive(sims[min(4, len(sims) - 1)]),
            self.archive_weight, _article_share(self.retrieved),
            self.coverage(c.passage, *quote), self.coverage(c.passage, 0, len(hit.row.text)),
            cons.met_share, float(cons.hard_unmet), wide.met_share, float(wide.hard_unmet),
            float(len(self.question.constraints)), _type_fit_fn(self.question)(quote_text), span_score,
            float(self.question.language != detect_language(quote_text[:400])),
            math.log(len(_WORD.findall(self.question.text)) + 1), float(len(self.keys) == 0),
            float(self.question.language == "en"),
        ], dtype=np.float32)


SENTENCE_FEATURES: tuple[str, ...] = (
    "z", "z_to_best", "z_archive", "archive_weight", "passage_score", "passage_prior", "coverage", "quote_coverage",
    "type_fit", "constraints_met", "quote_constraints_met", "has_constraints", "log_words", "neighbour_gain",
)
SUPPORT_FEATURES: tuple[str, ...] = (
    "sentence_score", "margin", "z", "z_best", "z_spread", "z_archive", "z_archive_spread", "archive_weight",
    "article_share", "quote_coverage", "passage_coverage",
    "constraints_met", "hard_unmet", "passage_constraints_met", "passage_hard_unmet", "constraints",
    "type_fit", "span_score", "cross_lingual", "log_question_words", "no_keys", "english",
)


def _article_share(retrieved: list[Retrieved]) -> float:
    """The share of the top passages that come from the first passage's article (answers concentrate)."""
    top = retrieved[:PASSAGES]
    return sum(1 for h in top if h.row.article_id == top[0].row.article_id) / len(top) if top else 0.0


@dataclass(frozen=True)
class ConstraintReport:
    met: tuple[Constraint, ...]
    unmet: tuple[Constraint, ...]

    @property
    def met_share(self) -> float:
        total = len(self.met) + len(self.unmet)
        return len(self.met) / total if total else 1.0

    @property
    def hard_unmet(self) -> int:
        return sum(1 for c in self.unmet if c.kind in HARD)


def constraint_report(constraints: tuple[Constraint, ...], text: str, *, every_word: bool = False) -> ConstraintReport:
    """Which of the question's constraints `text` meets (numbers exactly, names also fuzzily: half of a name's
    words, or with `every_word` all of them)."""
    if not constraints:
        return ConstraintReport((), ())
    folded = fold(text)
    words = _WORD.findall(folded)
    numbers = {f for m in _NUMBER.finditer(text) for f in number_forms(m.group(0))}
    met, unmet = [], []
    for c in constraints:
        if c.kind in ("year", "number"):
            ok = any(f in numbers for f in c.forms)
        elif c.kind == "quote":
            ok = any(f in folded for f in c.forms)
        elif c.kind == "entity":
            hits = sum(1 for f in c.forms if any(a in words or _fuzzy_in(a, words) for a in f.split("|")))
            ok = hits >= (len(c.forms) if every_word else max(1, math.ceil(len(c.forms) / 2)))
        elif c.kind == "superlative":
            ok = bool(_SUPERLATIVE.search(text))
        elif c.kind == "negation":
            ok = bool(_NEGATION.search(text))
        else:
            ok = True
        (met if ok else unmet).append(c)
    return ConstraintReport(tuple(met), tuple(unmet))


def values_of(text: str, kinds: set[str]) -> list[str]:
    """The years (and, when asked for, numbers) in `text`, in order, without repeats."""
    found: list[str] = []
    for m in _NUMBER.finditer(text):
        value = m.group(0)
        is_year = bool(re.fullmatch(r"1[0-9]\d\d|20\d\d|21\d\d", value))
        if ((is_year and "year" in kinds) or (not is_year and "number" in kinds)) and value not in found:
            found.append(value)
    return found


def _fuzzy_in(form: str, words: list[str]) -> bool:
    if len(form) < 4:
        return False
    similar = [w for w in words if abs(len(w) - len(form)) <= 3 and w[:1] == form[:1]]
    return bool(similar) and process.extractOne(form, similar, scorer=fuzz.ratio, score_cutoff=80) is not None


_PERSONISH = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+")
_DATEISH = re.compile(r"\b(?:1[5-9]\d\d|20\d\d)\b|\b(?:january|february|march|april|may|june|july|august|september|"
                      r"october|november|december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
                      r"yesterday|today|century|decade)\b", re.IGNORECASE)
_DURATIONISH = re.compile(r"\b\d[\d,.]*[\s-]*(?:days?|weeks?|months?|years?|hours?|minutes?|decades?|centuries)\b|"
                          r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|several|many|a few)\s+"
                          r"(?:days|weeks|months|years|hours)\b", re.IGNORECASE)
_NUMBERISH = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
                        r"forty|fifty|hundred|thousand|million|billion|dozen|half)\b", re.IGNORECASE)
_PLACEISH = re.compile(r"\b(?:in|at|from|near|to)\s+(?:the\s+)?[A-Z][a-z]")
_REASONISH = re.compile(r"\b(?:because|due to|since|as a result|in order to|so that|after|caused|led to)\b", re.I)


def _type_fit_fn(question: Question):
    patterns = {"date": _DATEISH, "duration": _DURATIONISH, "number": _NUMBERISH, "place": _PLACEISH,
                "reason": _REASONISH, "person": _PERSONISH, "which": _PERSONISH}
    pattern = patterns.get(question.qtype or "")
    if pattern is None:
        return lambda text: 0.0
    return lambda text: float(bool(pattern.search(text)))
