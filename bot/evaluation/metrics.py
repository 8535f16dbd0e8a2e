"""Scoring: each turn against its expectation, then the metrics overall and per tag.

The metrics and their definitions are in `metric_registry` (docs/evaluation.md shows the same table);
`aggregate` computes exactly those.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np
from pydantic import BaseModel, Field

from bot.answer.result import AnswerResult, Passage
from bot.evaluation.cases import Expectation
from bot.evaluation.metric_registry import NAMES
from bot.evaluation.records import CaseRecord, TurnRecord

ArticleText = Callable[[str], str]

_MARKER_RE = re.compile(r"\[\d+\]")
_ARTICLES = frozenset({"a", "an", "the"})
_TRANSLATE = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"',
                            "–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-", "\u00a0": " "})


# --- text helpers ---------------------------------------------------------------------


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens: NFKC, marks [n] removed, punctuation and symbols as spaces, no a/an/the."""
    text = unicodedata.normalize("NFKC", _MARKER_RE.sub(" ", text)).translate(_TRANSLATE).casefold()
    chars = [" " if unicodedata.category(c)[0] in "PSZC" else c for c in text]
    return [t for t in "".join(chars).split() if t not in _ARTICLES]


def normalize(text: str) -> str:
    return " ".join(tokens(text))


def find_answer(text: str, alternatives: Sequence[str]) -> str | None:
    """The first expected answer contained in `text` (normalised, on word boundaries), if any."""
    hay = f" {normalize(text)} "
    for alt in alternatives:
        needle = normalize(alt)
        if needle and f" {needle} " in hay:
            return alt
    return None


def token_f1(prediction: str, truth: str) -> float:
    pred, gold = tokens(prediction), tokens(truth)
    if not pred or not gold:
        return float(pred == gold)
    common = Counter(pred) & Counter(gold)
    same = sum(common.values())
    if same == 0:
        return 0.0
    precision, recall = same / len(pred), same / len(gold)
    return 2 * precision * recall / (precision + recall)


def _source_key(value: str) -> str:
    return normalize(value)


def _id_stem(article_id: str) -> str:
    name = article_id.replace("\\", "/").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0] if "." in name else name


def source_matches(expected: str, *, article_id: str, title: str = "", url: str = "") -> bool:
    """An expected source names this article by id (or its file stem), title or url."""
    if expected.strip() in (article_id, url) and expected.strip():
        return True
    key = _source_key(expected)
    if not key:
        return False
    candidates = [article_id, _id_stem(article_id), title]
    if url:
        candidates += [url, url.rstrip("/")]
    return any(_source_key(c) == key for c in candidates if c)


def _passage_matches(p: Passage, expected: Sequence[str]) -> bool:
    return any(source_matches(e, article_id=p.article_id, title=p.title, url=p.url) for e in expected)


def retrieval_rank(passages: Sequence[Passage], expected: Sequence[str], k: int) -> int | None:
    """1-based rank of the first passage (in rank order) from an expected source within the top k."""
    ordered = sorted(passages, key=lambda p: p.rank)[:k]
    for i, p in enumerate(ordered, start=1):
        if _passage_matches(p, expected):
            return i
    return None


def answer_haystack(result: AnswerResult) -> str:
    return "\n".join([result.answer, *(c.quote for c in result.citations)])


def stated_text(result: AnswerResult) -> str:
    """The answer text outside the quotes: every citation's quote cut out of it (markers go in `tokens`)."""
    text = result.answer
    for quote in sorted({c.quote for c in result.citations if c.quote.strip()}, key=len, reverse=True):
        text = text.replace(quote, " ")
    return text


def states_an_answer(result: AnswerResult) -> bool:
    """The answer states one: a quote highlights it (the offline mode's stated span, the number an LLM claim
    states)."""
    return not result.refused and any(c.highlights for c in result.citations)


def highlighted_text(result: AnswerResult) -> str:
    """The words the answer's quotes highlight: the stated answer itself, without "As of …" or markers."""
    return " ".join(c.quote[a:b] for c in result.citations for a, b in c.highlights)


def stated_answer_text(result: AnswerResult) -> str:
    """Where a stated answer is judged: an LLM's claims state it in their words, the offline answer in the words
    its quote highlights (never in an "As of" date)."""
    return stated_text(result) if result.mode == "llm" else highlighted_text(result)


def percentile(values: Sequence[float], q: float) -> float | None:
    """numpy's linear-interpolated percentile (q in 0..100); None for no values."""
    return float(np.percentile(values, q)) if len(values) else None


# --- per-turn scores ------------------------------------------------------------------


class TurnScore(BaseModel):
    question: str
    scored: bool
    passed: bool
    reasons: list[str] = Field(default_factory=list)
    has_result: bool = False
    refused: bool = False
    expect_refusal: bool = False
    hit: bool | None = None
    first_hit: bool | None = None  # the first retrieved passage is from an expected source
    reciprocal_rank: float | None = None
    contains: bool | None = None
    matched_answer: str | None = None
    stated: bool | None = None  # the answer text itself (outside the quotes) holds an expected answer
    stated_right: bool | None = None  # the answer states one (a highlighted quote): is it expected? (None: states none)
    f1: float | None = None
    quotes: int = 0
    quotes_verbatim: int = 0
    bad_quotes: list[int] = Field(default_factory=list, description="[n] of quotes not found verbatim.")
    citation_precision: float | None = None
    latency_ms: float | None = None


class CaseScore(BaseModel):
    id: str
    tags: list[str]
    passed: bool
    turns: list[TurnScore]

    @property
    def reasons(self) -> list[str]:
        out: list[str] = []
        for i, t in enumerate(self.turns, start=1):
            prefix = f"turn {i}: " if len(self.turns) > 1 else ""
            out += [prefix + r for r in t.reasons]
        return out


class QuoteChecker:
    """Checks citation quotes against article texts, fetching each article once."""

    def __init__(self, article_text: ArticleText | None):
        self._article_text = article_text
        self._cache: dict[str, str | None] = {}

    @property
    def enabled(self) -> bool:
        return self._article_text is not None

    def text(self, article_id: str) -> str | None:
        if article_id not in self._cache:
            try:
                self._cache[article_id] = self._article_text(article_id) if self._article_text else None
            except Exception:  # an unknown article: its quotes can't be verified
                self._cache[article_id] = None
        return self._cache[article_id]

    def verbatim(self, quote: str, article_id: str) -> bool:
        body = self.text(article_id)
        return bool(quote) and body is not None and quote in body


def _short(text: str, n: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def score_turn(record: TurnRecord, k: int, quotes: QuoteChecker) -> TurnScore:
    exp: Expectation | None = record.expectation
    s = TurnScore(question=record.question, scored=exp is not None, passed=True)
    s.expect_refusal = bool(exp and exp.expect_refusal)
    result = record.result
    if result is None:
        s.passed = False
        s.reasons.append(f"engine error: {record.error or 'no answer'}")
        if exp is not None:
            if exp.expected_sources and not exp.expect_refusal:
                s.hit, s.first_hit, s.reciprocal_rank = False, False, 0.0
            if exp.expected_answers:
                s.contains, s.stated, s.f1 = False, False, 0.0
        return s

    s.has_result = True
    s.refused = result.refused
    s.latency_ms = record.answer_latency_ms

    if quotes.enabled:
        for c in result.citations:
            s.quotes += 1
            if quotes.verbatim(c.quote, c.article_id):
                s.quotes_verbatim += 1
            else:
                s.passed = False
                s.bad_quotes.append(c.n)
                s.reasons.append(f"quote [{c.n}] not found verbatim in article {c.article_id!r}: “{_short(c.quote, 80)}”")

    if exp is None:
        return s

    if exp.expected_sources and not exp.expect_refusal:
        rank = retrieval_rank(result.passages, exp.expected_sources, k)
        s.hit, s.first_hit, s.reciprocal_rank = rank is not None, rank == 1, (1.0 / rank if rank else 0.0)
        cited = result.citations
        if cited:
            ids = result.cited_article_ids()
            good = [
                a for a in ids
                if any(_citation_matches(result, a, e) for e in exp.expected_sources)
            ]
            s.citation_precision = len(good) / len(ids)

    if exp.expected_answers:
        alternatives = exp.alternatives()
        if result.refused:
            s.contains, s.stated, s.f1 = False, False, 0.0
        else:
            s.matched_answer = find_answer(answer_haystack(result), alternatives)
            s.contains = s.matched_answer is not None
            s.stated = find_answer(stated_text(result), alternatives) is not None
            shown = [result.answer, *(c.quote for c in result.citations)]
            s.f1 = max(token_f1(text, a) for text in shown for a in alternatives)

    if states_an_answer(result):
        if exp.expect_refusal:
            s.stated_right = False
        elif exp.expected_answers:
            s.stated_right = find_answer(stated_answer_text(result), exp.alternatives()) is not None

    if exp.expect_refusal:
        if not result.refused:
            s.passed = False
            s.reasons.append(f"expected a refusal, got an answer: “{_short(result.answer)}”")
        return s

    if result.refused:
        s.passed = False
        s.reasons.append(f"refused: “{_short(result.answer)}”")
        return s
    if exp.expected_answers and not s.contains:
        s.passed = False
        s.reasons.append("none of the expected answers is in the answer or its quotes")
    if exp.expected_sources and not (s.citation_precision and s.citation_precision > 0):
        s.passed = False
        cited = ", ".join(result.cited_article_ids()) or "nothing"
        s.reasons.append(f"no expected source is cited (cited: {cited})")
    return s


def _citation_matches(result: AnswerResult, article_id: str, expected: str) -> bool:
    c = next(c for c in result.citations if c.article_id == article_id)
    return source_matches(expected, article_id=c.article_id, title=c.title, url=c.url)


def score_case(record: CaseRecord, k: int, quotes: QuoteChecker) -> CaseScore:
    turns = [score_turn(t, k, quotes) for t in record.turns]
    return CaseScore(id=record.case.id, tags=list(record.case.tags), passed=all(t.passed for t in turns), turns=turns)


# --- aggregation ------------------------------------------------------------------------


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def aggregate(cases: Sequence[CaseScore]) -> dict[str, float | None]:
    """The registry's metrics of some cases, in its order; None where nothing was measurable."""
    turns = [t for c in cases for t in c.turns]
    scored = [t for t in turns if t.scored]
    answered = [t for t in scored if t.has_result]
    quotes = sum(t.quotes for t in turns)
    tp = sum(1 for t in answered if t.refused and t.expect_refusal)
    refusals = sum(1 for t in answered if t.refused)
    expected_refusals = sum(1 for t in scored if t.expect_refusal)
    latencies = [t.latency_ms for t in turns if t.latency_ms is not None]
    values = {
        "pass_rate": _mean([float(c.passed) for c in cases]),
        "hit@1": _mean([float(t.first_hit) for t in scored if t.first_hit is not None]),
        "hit@k": _mean([float(t.hit) for t in scored if t.hit is not None]),
        "mrr@k": _mean([t.reciprocal_rank for t in scored if t.reciprocal_rank is not None]),
        "answer_contains": _mean([float(t.contains) for t in scored if t.contains is not None]),
        "answer_stated": _mean([float(t.stated) for t in scored if t.stated is not None]),
        "stated_precision": _mean([float(t.stated_right) for t in scored if t.stated_right is not None]),
        "answer_f1": _mean([t.f1 for t in scored if t.f1 is not None]),
        "quote_fidelity": (sum(t.quotes_verbatim for t in turns) / quotes) if quotes else None,
        "citation_precision": _mean([t.citation_precision for t in scored if t.citation_precision is not None]),
        "refusal_precision": tp / refusals if refusals else None,
        "refusal_recall": tp / expected_refusals if expected_refusals else None,
        "latency_p50_ms": percentile(latencies, 50),
        "latency_p95_ms": percentile(latencies, 95),
    }
    return {name: values[name] for name in NAMES}


class Evaluation(BaseModel):
    k: int
    quotes_checked: bool
    metrics: dict[str, float | None]
    per_tag: dict[str, dict[str, float | None]]
    tag_counts: dict[str, int]
    cases: list[CaseScore]

    @property
    def failed(self) -> list[CaseScore]:
        return [c for c in self.cases if not c.passed]


def evaluate(records: Sequence[CaseRecord], k: int, article_text: ArticleText | None) -> Evaluation:
    """Score every case and compute the metrics overall and per tag."""
    checker = QuoteChecker(article_text)
    scores = [score_case(r, k, checker) for r in records]
    tags = sorted({t for c in scores for t in c.tags})
    per_tag = {tag: aggregate([c for c in scores if tag in c.tags]) for tag in tags}
    counts = {tag: sum(1 for c in scores if tag in c.tags) for tag in tags}
    return Evaluation(
        k=k, quotes_checked=checker.enabled, metrics=aggregate(scores), per_tag=per_tag, tag_counts=counts, cases=scores
    )
