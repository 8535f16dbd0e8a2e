"""What a run collects: for every case, each turn's question, expectation and the engine's answer."""

from __future__ import annotations

from pydantic import BaseModel

from bot.answer.result import AnswerResult
from bot.evaluation.cases import Case, Expectation


class TurnRecord(BaseModel):
    question: str
    expectation: Expectation | None = None  # None: the turn only sets up the conversation
    result: AnswerResult | None = None
    error: str | None = None  # the engine raised instead of answering
    latency_ms: float = 0.0  # wall time measured by the runner

    @property
    def answer_latency_ms(self) -> float | None:
        """The engine's own total when it reports one, else the runner's wall time."""
        if self.result is None:
            return None
        total = self.result.timings_ms.get("total")
        return float(total) if total is not None else self.latency_ms


class CaseRecord(BaseModel):
    case: Case
    turns: list[TurnRecord]
