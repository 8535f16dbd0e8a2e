"""Hand-built AnswerResults and records about the first article, for scoring and report tests."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from bot.answer.result import AnswerResult, Citation, Passage
from bot.evaluation.cases import Case
from bot.evaluation.records import CaseRecord, TurnRecord

ROOT = Path(__file__).resolve().parents[3]
ARTICLE_ID = "putin-hosts-ex-hostages.txt"
TITLE = "Putin hosts ex-hostages at Kremlin, hails Hamas for ‘humanitarian act’ of freeing them"
BODY = (ROOT / "corpus" / ARTICLE_ID).read_text(encoding="utf-8")
OTHER_ID = "weather.txt"
OTHER_BODY = "Heavy rain is expected in Moscow on Thursday, forecasters said."
TEXTS = {ARTICLE_ID: BODY, OTHER_ID: OTHER_BODY}


def article_text(article_id: str) -> str:
    return TEXTS[article_id]


def passage(quote: str, article_id: str = ARTICLE_ID, rank: int = 1, score: float = 0.8) -> Passage:
    body = TEXTS.get(article_id, "")
    start = max(body.find(quote), 0)
    return Passage(
        rank=rank, chunk_id=f"{article_id}:{rank}", article_id=article_id,
        title=TITLE if article_id == ARTICLE_ID else "Rain in Moscow", source="The Times of Israel",
        text=quote, start=start, end=start + len(quote), score=score,
    )


def citation(quote: str, article_id: str = ARTICLE_ID, n: int = 1) -> Citation:
    body = TEXTS.get(article_id, "")
    start = max(body.find(quote), 0)
    return Citation(
        n=n, article_id=article_id, title=TITLE if article_id == ARTICLE_ID else "Rain in Moscow",
        source="The Times of Israel", url="https://www.timesofisrael.com/example", quote=quote,
        chunk_id=f"{article_id}:0", start=start, end=start + len(quote),
    )


def answered(question: str, quotes: Sequence[str], *, article_id: str = ARTICLE_ID,
             passages: Sequence[Passage] | None = None, total_ms: float = 40.0, lead: str = "From the article:",
             highlight: str | None = None) -> AnswerResult:
    """An answer quoting `quotes`; `highlight`: words of the first quote shown as the stated answer."""
    cites = [citation(q, article_id, n=i) for i, q in enumerate(quotes, start=1)]
    if highlight is not None:
        at = cites[0].quote.index(highlight)
        cites[0].highlights = [(at, at + len(highlight))]
    text = lead + " " + " ".join(f"“{q}” [{c.n}]" for q, c in zip(quotes, cites))
    return AnswerResult(
        question=question, standalone_question=question, answer=text, citations=cites,
        passages=list(passages) if passages is not None else [passage(q, article_id, rank=i) for i, q in enumerate(quotes, 1)],
        timings_ms={"total": total_ms},
    )


def refused(question: str, total_ms: float = 20.0, passages: Sequence[Passage] = ()) -> AnswerResult:
    return AnswerResult(
        question=question, standalone_question=question, answer="I couldn't find this in the indexed articles.",
        refused=True, passages=list(passages), timings_ms={"total": total_ms},
    )


def case(**fields) -> Case:
    return Case.model_validate(fields)


def record(c: Case, *results: AnswerResult | None, error: str = "boom") -> CaseRecord:
    turns = [
        TurnRecord(question=q, expectation=e, result=r, error=None if r is not None else error, latency_ms=1.0)
        for q, e, r in zip(c.questions(), c.expectations(), results, strict=True)
    ]
    return CaseRecord(case=c, turns=turns)
