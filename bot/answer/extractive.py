"""Offline answers: pick the one to three sentences that best answer the question.

The best sentence is quoted together with its more similar neighbour (one verbatim quote).

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


from index.catalog import Catalog
from index.embedders import Calibration
from index.lexical import terms as index_terms
from index.retriever import Retrieved

MAX_SENTENCES = 3
#: weights of (sentence similarity, term coverage, type fit, passage prior), tuned on XQuAD (docs/answers.md)
WEIGHTS_EN = (0.4, 0.35, 0.15, 0.1)
WEIGHTS_OTHER = (0.5, 0.1, 0.1, 0.2)
PASSAGES_CONSIDERED = 4

_TYPES: dict[str, re.Pattern] = {
    "duration": re.compile(
        r"\bhow long\b|\bfor how many (days|weeks|months|years|hours)\b|"
        r"сколько (времени|дней|лет|месяцев|недель|часов|суток)|как долго|wie lange|combien de temps|"
        r"cu[aá]nto tiempo|quanto tempo|per quanto tempo|כמה זמן|כמה ימים|כמה שנים", re.I),
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
_DURATION = re.compile(
    r"\b\d[\d,.]*[\s-]*(days?|weeks?|months?|years?|hours?|minutes?|decades?|centuries)\b|"
    r"\b(one|two|three|four|five|six|seven|eight|nine|ten|several|many|a few)\s+(days|weeks|months|years|hours)\b",
    re.I)
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
    sentences: int = 1


def _with_neighbour(pick: Pick) -> Pick:
    """The best sentence with the more similar of its neighbours in the chunk, as one verbatim quote.

    The answer to a question is often in the sentence next to the one that matches it best
    (XQuAD: the top quote holds the gold answer for 80.9% → 88.6% of English questions and
    66.9% → 75.1% of Russian ones with the neighbour; docs/answers.md).
    """
    spans = list(pick.retrieved.row.sentences)
    sims = pick.retrieved.sentence_similarities
    if (pick.start, pick.end) not in spans or len(sims) != len(spans):
        return pick
    i = spans.index((pick.start, pick.end))
    neighbours = [j for j in (i - 1, i + 1) if 0 <= j < len(spans)]
    if not neighbours:
        return pick
    j = max(neighbours, key=lambda j: sims[j])
    return Pick(pick.retrieved, min(pick.start, spans[j][0]), max(pick.end, spans[j][1]), pick.score, 2)


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
    def __init__(self, catalog: Catalog, calibration: Calibration) -> None:
        self.catalog = catalog
        self.calibration = calibration
        self._df = catalog.lexical.document_frequencies()
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
        top_similarity = max(h.similarity for h in retrieved)
        w = WEIGHTS_EN if english else WEIGHTS_OTHER
        for rank, hit in enumerate(retrieved[:PASSAGES_CONSIDERED]):
            prior = (hit.score / top_score) * (1.0 - 0.08 * rank)
            spans = hit.row.sentences or ((0, len(hit.row.text)),)
            sims = hit.sentence_similarities or (hit.similarity,) * len(spans)
            for (start, end), sim in zip(spans, sims):
                sentence = hit.row.text[start:end]
                if len(sentence) < 15:
                    continue
                coverage = sum(weights[t] for t in qterms & set(index_terms(sentence))) / total if total else 0.0
                best_coverage = max(best_coverage, coverage)
                fit = _type_fit(qtype, sentence, question_words)
                closeness = 1.0 - min((top_similarity - sim) / 0.1, 1.0)
                score = w[0] * closeness + w[1] * coverage + w[2] * fit + w[3] * prior
                candidates.append(Pick(hit, start, end, score))
        candidates.sort(key=lambda p: -p.score)
        picks: list[Pick] = []
        for pick in candidates:
            if sum(p.sentences for p in picks) >= MAX_SENTENCES or (picks and pick.score < 0.8 * picks[0].score):
                break
            if not any(p.retrieved.row.id == pick.retrieved.row.id and p.start <= pick.start < p.end for p in picks):
                picks.append(_with_neighbour(pick) if not picks else pick)
        similarity = max(h.similarity for h in retrieved)
        floor, span = self.calibration.english if english else self.calibration.other
        closeness = min(max((similarity - floor) / span, 0.0), 1.0)
        return Draft(picks, support_score(best_coverage, closeness, english, bool(qterms)), qtype)


def support_score(coverage: float, closeness: float, english: bool, has_terms: bool) -> float:
    """How well the passages support an answer, 0–1; the bot refuses below MIN_SUPPORT (0.65).

    `closeness` is the best question–sentence similarity scaled by the embedder's calibration.
    Calibrated on XQuAD (docs/answers.md): answerable questions against all 48 articles,
    unanswerable ones against an index without their article. e5, English: 4.8% of answerable
    questions refused, 3.4% of unanswerable ones answered; Russian (cross-lingual similarities
    are compressed and there is no lexical overlap): 2.4% refused, 68% of unanswerable ones
    answered — only clearly off-topic questions are refused; the quotes show how weak a match is.
    """
    if english and has_terms:
        return 0.7 * closeness + 0.3 * coverage
    return closeness


def _type_fit(qtype: str | None, sentence: str, question_words: set[str]) -> float:
    if qtype is None:
        return 0.0
    if qtype == "duration":
        return 1.0 if _DURATION.search(sentence) else 0.0
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
