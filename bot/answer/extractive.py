"""Offline answers: pick the one to three sentences that best answer the question.

Each candidate sentence of the top passages is scored on
- coverage of the question's terms, weighted by rarity (IDF over the chunks),
- fit to the question's type (who → names, when → dates, how many → numbers, where → places, why → causes),
  in the question's language (English, Russian, German, French, Spanish, Italian, Portuguese, Hebrew),
- the passage's retrieval rank.
The support score (term coverage and the question–passage similarity) decides
whether the articles answer the question at all; below `MIN_SUPPORT` the bot refuses.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from index.catalog import Catalog
from index.lexical import terms as index_terms
from index.retriever import Retrieved

MAX_QUOTES = 3
PASSAGES_CONSIDERED = 4

_TYPES: dict[str, re.Pattern] = {
    "number": re.compile(
        r"\bhow (many|much|long|old|far|often|big|large|tall|high)\b|\bwhat (percentage|percent|number|amount)\b|"
        r"сколько|скольк|wie (viele?|lange|alt|oft|weit)|combien|cu[aá]nt[oa]s?|quant[oi]|כמה", re.I),
    "date": re.compile(
        r"\bwhen\b|\bwhat (year|date|day|month|time)\b|\bin which year\b|когда|в каком году|какого числа|wann|"
        r"\bin welchem jahr|quand|en quelle ann[ée]e|cu[aá]ndo|quando|מתי|באיזו שנה", re.I),
    "person": re.compile(r"\bwho(m|se)?\b|\bкто\b|\bкого\b|\bкому\b|\bчей\b|\bчья\b|\bwer\b|\bwem\b|\bqui\b|"
                         r"qui[eé]n|\bquem\b|\bchi\b|(^|\s)מי(\s|$)", re.I),
    "place": re.compile(r"\bwhere\b|\bwhich (city|country|place)\b|\bгде\b|\bкуда\b|\bоткуда\b|\bwo(hin|her)?\b|"
                        r"\boù\b|d[oó]nde|\bonde\b|\bdove\b|איפה|היכן|לאן|מאיפה", re.I),
    "reason": re.compile(r"\bwhy\b|почему|зачем|warum|pourquoi|por qu[eé]|perch[eé]|למה|מדוע", re.I),
}
_NUMBER = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|"
    r"thousand|million|billion|dozen|half)\b", re.I)
_DATE = re.compile(
    r"\b(1[5-9]\d\d|20\d\d)\b|\b(january|february|march|april|may|june|july|august|september|october|november|"
    r"december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|century|decade)\b", re.I)
_PLACE = re.compile(r"\b(in|at|from|near|to)\s+(the\s+)?[A-Z][a-z]")
_REASON = re.compile(r"\b(because|due to|since|as a result|in order to|so that|after|caused|led to)\b", re.I)
_CAPITALISED = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+")


@dataclass(frozen=True)
class Pick:
    retrieved: Retrieved
    start: int  # offsets in the chunk text
    end: int
    score: float


@dataclass(frozen=True)
class Draft:
    picks: list[Pick]
    support: float
    question_type: str | None


def question_type(question: str) -> str | None:
    for name, pattern in _TYPES.items():
        if pattern.search(question):
            return name
    return None


class ExtractiveAnswerer:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        indptr = np.asarray(catalog.lexical.model.scores["indptr"])
        self._df = np.diff(indptr)
        self._n = max(len(catalog), 1)

    def _idf(self, term: str) -> float:
        tid = self.catalog.lexical.vocab.get(term)
        df = int(self._df[tid]) if tid is not None and tid < len(self._df) else 0
        return math.log(1 + self._n / (1 + df))

    def draft(self, question: str, language: str, retrieved: list[Retrieved]) -> Draft:
        if not retrieved:
            return Draft([], 0.0, None)
        qtype = question_type(question)
        qterms = set(self.catalog.lexical.query_terms(question, language))
        weights = {t: self._idf(t) for t in qterms}
        total = sum(weights.values())
        question_words = {w.lower() for w in re.findall(r"\w+", question)}
        english = language == "en"
        top_score = retrieved[0].score or 1.0

        candidates: list[Pick] = []
        best_coverage = 0.0
        for rank, hit in enumerate(retrieved[:PASSAGES_CONSIDERED]):
            prior = (hit.score / top_score) * (1.0 - 0.08 * rank)
            for start, end in hit.row.sentences or ((0, len(hit.row.text)),):
                sentence = hit.row.text[start:end]
                if len(sentence) < 15:
                    continue
                coverage = sum(weights[t] for t in qterms & set(index_terms(sentence))) / total if total else 0.0
                best_coverage = max(best_coverage, coverage)
                fit = _type_fit(qtype, sentence, question_words)
                if english:
                    score = 0.55 * coverage + 0.2 * fit + 0.25 * prior
                else:
                    score = 0.3 * coverage + 0.2 * fit + 0.5 * prior
                candidates.append(Pick(hit, start, end, score))
        candidates.sort(key=lambda p: -p.score)
        picks: list[Pick] = []
        for pick in candidates:
            if len(picks) == MAX_QUOTES or (picks and pick.score < 0.8 * picks[0].score):
                break
            if not any(p.retrieved.row.id == pick.retrieved.row.id and p.start == pick.start for p in picks):
                picks.append(pick)
        similarity = max(h.similarity for h in retrieved)
        return Draft(picks, support_score(best_coverage, similarity, english, bool(qterms)), qtype)


def support_score(coverage: float, similarity: float, english: bool, has_terms: bool) -> float:
    """How well the passages support an answer, 0–1 (calibrated in docs/answers.md)."""
    closeness = min(max((similarity - 0.78) / 0.1, 0.0), 1.0)  # e5: unrelated ≈ 0.75, on-topic ≥ 0.85
    if english and has_terms:
        return 0.6 * coverage + 0.4 * closeness
    if has_terms:
        return 0.3 * coverage + 0.7 * closeness
    return closeness


def _type_fit(qtype: str | None, sentence: str, question_words: set[str]) -> float:
    if qtype is None:
        return 0.0
    if qtype == "number":
        return 1.0 if _NUMBER.search(sentence) else 0.0
    if qtype == "date":
        return 1.0 if _DATE.search(sentence) else 0.0
    if qtype == "place":
        return 1.0 if _PLACE.search(sentence) else 0.0
    if qtype == "reason":
        return 1.0 if _REASON.search(sentence) else 0.0
    names = [w for w in _CAPITALISED.findall(sentence) if w.lower() not in question_words]
    return min(len(names) / 2, 1.0)
