"""The one answer object that the bot, the CLI and the evaluator all use."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class SourceRef(BaseModel):
    """Another article telling the same story (a syndicated copy, an update): "also reported by"."""

    article_id: str
    title: str
    source: str = ""
    url: str = ""
    published_at: str = ""


class Citation(BaseModel):
    n: int = Field(description="The [n] marker in the answer text.")
    article_id: str
    title: str
    source: str = ""
    url: str = ""
    published_at: str = ""
    quote: str = Field(description="Exact article text at [start, end) of the article body.")
    chunk_id: str
    start: int
    end: int
    highlights: list[tuple[int, int]] = Field(
        default_factory=list, description="[start, end) offsets in `quote` of the stated answer (shown in bold).")
    also_reported_by: list[SourceRef] = Field(
        default_factory=list, description="Near-duplicate articles of the cited one (not quoted again).")


class DroppedClaim(BaseModel):
    """A sentence of an LLM answer that was not shown, and why (for the evaluator and logs)."""

    text: str
    reason: str


class Passage(BaseModel):
    rank: int
    chunk_id: str
    article_id: str
    title: str
    source: str = ""
    url: str = ""
    published_at: str = ""
    text: str
    start: int
    end: int
    score: float
    dense_rank: int | None = None
    bm25_rank: int | None = None


class AnswerResult(BaseModel):
    question: str
    standalone_question: str
    answer: str = Field(description="Answer text with [n] markers; the refusal message when refused.")
    citations: list[Citation] = []
    refused: bool = False
    passages: list[Passage] = []
    mode: Literal["offline", "llm"] = "offline"
    notice: str | None = Field(None, description="Shown to the user, e.g. that the LLM failed and this is the fallback.")
    language: str = Field("en", description="The language the bot's own words are in (the reply language).")
    question_language: str = Field("", description="The detected language of the question.")
    support: float = Field(0.0, description="How well the evidence supports an answer, 0-1 (the support model).")
    partial: bool = Field(False, description="The evidence meets the question but not one of its constraints.")
    as_of: str = Field("", description="The reference date the question was answered for (ISO).")
    period_uncovered: str = Field("", description="The period the question asks about ('this week': "
                                  "'YYYY-MM-DD..YYYY-MM-DD') when every cited article is older; the answer says so.")
    dropped_claims: list[DroppedClaim] = Field(default_factory=list, description="LLM claims not shown, with reasons.")
    timings_ms: dict[str, float] = {}

    def cited_article_ids(self) -> list[str]:
        seen: list[str] = []
        for c in self.citations:
            if c.article_id not in seen:
                seen.append(c.article_id)
        return seen


class Turn(BaseModel):
    """One exchange of a conversation, kept for follow-up questions."""

    question: str
    standalone_question: str
    answer: str
    article_ids: list[str] = []

    @classmethod
    def from_result(cls, result: AnswerResult) -> "Turn":
        return cls(
            question=result.question,
            standalone_question=result.standalone_question,
            answer=result.answer,
            article_ids=result.cited_article_ids(),
        )
