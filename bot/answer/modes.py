"""Answer modes: one interface (`AnswerMode.answer`), an extractive and an LLM implementation.

`answer()` does the shared work: the passages list, verifying every quote
against the stored article text (unverifiable quotes are dropped, never
shown), dropping `[n]` markers that have no verified source, renumbering, and
the refusal. Each mode implements `_compose()`: which quotes to claim and the
answer text.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.answer.extractive import ExtractiveAnswerer
from bot.answer.llm import LLMClient, LLMError
from bot.answer.prompts import Prompts
from bot.answer.quotes import locate_quote
from bot.answer.result import AnswerResult, Citation, Passage
from index.retriever import Retrieved

log = logging.getLogger(__name__)

REFUSAL = "I couldn't find this in the indexed articles."
FALLBACK_NOTICE = "The language model is unavailable right now, so this answer quotes the articles directly."
_MARKER = re.compile(r"\[(\d{1,2})\]")


@dataclass
class Claim:
    """A quote a mode wants to show: from passage `passage` (0-based), citation number `n`."""

    n: int
    passage: int
    quote: str
    # exact offsets in the article body, when the mode already knows them
    start: int | None = None
    end: int | None = None


@dataclass
class Composition:
    answer: str
    claims: list[Claim] = field(default_factory=list)
    refused: bool = False
    notice: str | None = None
    mode: str = "offline"


class AnswerMode(ABC):
    name: str

    def __init__(self, article_text: Callable[[str], str]) -> None:
        self.article_text = article_text

    def answer(self, question: str, standalone: str, language: str, retrieved: list[Retrieved]) -> AnswerResult:
        passages = [_passage(i, r) for i, r in enumerate(retrieved, 1)]
        composition = self._compose(standalone, language, retrieved) if retrieved else \
            Composition(REFUSAL, refused=True, mode=self.name)
        citations, answer = ([], composition.answer) if composition.refused else \
            self._verified(composition, retrieved)
        refused = composition.refused or not citations
        return AnswerResult(
            question=question, standalone_question=standalone,
            answer=REFUSAL if refused and not composition.refused else answer,
            citations=[] if refused else citations, refused=refused, passages=passages,
            mode=composition.mode, notice=composition.notice, language=language,
        )

    def _verified(self, composition: Composition, retrieved: list[Retrieved]) -> tuple[list[Citation], str]:
        kept: dict[int, int] = {}  # claimed n → shown n
        citations: list[Citation] = []
        for claim in composition.claims:
            if not 0 <= claim.passage < len(retrieved):
                continue
            row = retrieved[claim.passage].row
            body = self.article_text(row.article_id)
            if claim.start is not None and body[claim.start:claim.end] == claim.quote:
                span = (claim.start, claim.end)
            else:
                span = locate_quote(claim.quote, body)
            if span is None:
                log.info("dropped an unverifiable quote for passage %d", claim.passage + 1)
                continue
            if claim.n not in kept:
                kept[claim.n] = len(kept) + 1
            citations.append(Citation(
                n=kept[claim.n], article_id=row.article_id, title=row.title, source=row.source, url=row.url,
                published_at=row.published_at, quote=body[span[0]:span[1]], chunk_id=row.id,
                start=span[0], end=span[1],
            ))

        def renumber(match: re.Match) -> str:
            n = int(match.group(1))
            return f"[{kept[n]}]" if n in kept else ""

        answer = re.sub(r"\s+([.,;:!?])", r"\1", _MARKER.sub(renumber, composition.answer)).strip()
        return citations, answer

    @abstractmethod
    def _compose(self, question: str, language: str, retrieved: list[Retrieved]) -> Composition:
        """Choose the quotes and write the answer text (with [n] markers)."""


class ExtractiveMode(AnswerMode):
    name = "offline"

    def __init__(self, article_text: Callable[[str], str], extractive: ExtractiveAnswerer, min_support: float) -> None:
        super().__init__(article_text)
        self.extractive = extractive
        self.min_support = min_support

    def _compose(self, question: str, language: str, retrieved: list[Retrieved]) -> Composition:
        draft = self.extractive.draft(question, language, retrieved)
        if not draft.picks or draft.support < self.min_support:
            return Composition(REFUSAL, refused=True)
        numbers: dict[str, int] = {}
        claims: list[Claim] = []
        for pick in draft.picks:
            row = pick.retrieved.row
            n = numbers.setdefault(row.article_id, len(numbers) + 1)
            passage = next(i for i, r in enumerate(retrieved) if r.row.id == row.id)
            claims.append(Claim(n=n, passage=passage, quote=row.text[pick.start:pick.end],
                                start=row.start + pick.start, end=row.start + pick.end))
        return Composition(_lead(retrieved, claims, numbers), claims)


def _lead(retrieved: list[Retrieved], claims: list[Claim], numbers: dict[str, int]) -> str:
    outlets: list[str] = []
    for article_id, n in numbers.items():
        row = next(r.row for r in retrieved if r.row.article_id == article_id)
        outlets.append(f"{row.source or row.title} [{n}]")
    joined = outlets[0] if len(outlets) == 1 else ", ".join(outlets[:-1]) + " and " + outlets[-1]
    return f"According to {joined}:"


class LLMMode(AnswerMode):
    name = "llm"

    def __init__(self, article_text: Callable[[str], str], llm: LLMClient, prompts: Prompts,
                 fallback: ExtractiveMode) -> None:
        super().__init__(article_text)
        self.llm = llm
        self.prompts = prompts
        self.fallback = fallback

    def _compose(self, question: str, language: str, retrieved: list[Retrieved]) -> Composition:
        nonce = secrets.token_hex(8)
        messages = [
            {"role": "system", "content": self.prompts.system},
            {"role": "user", "content": self.prompts.answer.format(
                passages=render_passages(retrieved, nonce), question=question.replace(nonce, ""), nonce=nonce)},
        ]
        try:
            reply = self.llm.complete(messages, json_mode=True)
            composition = parse_reply(reply, len(retrieved))
        except LLMError as exc:
            log.warning("LLM answer failed, falling back to the offline answer: %s", exc)
            return self._fallback(question, language, retrieved)
        if composition.refused:
            return composition
        if not any(self._verifies(c, retrieved) for c in composition.claims):
            log.warning("LLM answer had no verifiable quote, falling back to the offline answer")
            return self._fallback(question, language, retrieved)
        return composition

    def _verifies(self, claim: Claim, retrieved: list[Retrieved]) -> bool:
        if not 0 <= claim.passage < len(retrieved):
            return False
        return locate_quote(claim.quote, self.article_text(retrieved[claim.passage].row.article_id)) is not None

    def _fallback(self, question: str, language: str, retrieved: list[Retrieved]) -> Composition:
        composition = self.fallback._compose(question, language, retrieved)
        composition.notice = FALLBACK_NOTICE
        composition.mode = "offline"
        return composition


def render_passages(retrieved: list[Retrieved], nonce: str) -> str:
    blocks = []
    for i, hit in enumerate(retrieved, 1):
        row = hit.row
        text = row.text.replace(nonce, "")
        meta = f"title: {row.title.replace(nonce, '')}; source: {row.source}; published: {row.published_at or 'unknown'}"
        blocks.append(f"<<<PASSAGE {i} {nonce}>>>\n{meta}\n{text}\n<<<END PASSAGE {i} {nonce}>>>")
    return "\n\n".join(blocks)


def parse_reply(reply: str, passages: int) -> Composition:
    """The model's JSON → a Composition; anything else is an LLMError."""
    text = reply.strip()
    fenced = re.search(r"\{.*\}", text, re.DOTALL)
    if not fenced:
        raise LLMError("the reply is not JSON")
    try:
        data = json.loads(fenced.group(0))
    except json.JSONDecodeError as exc:
        raise LLMError(f"the reply is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise LLMError("the reply is not a JSON object")
    if data.get("supported") is False:
        return Composition(REFUSAL, refused=True, mode="llm")
    answer = data.get("answer")
    quotes = data.get("quotes")
    if not isinstance(answer, str) or not answer.strip() or not isinstance(quotes, list):
        raise LLMError("the reply lacks an answer or quotes")
    claims = []
    for item in quotes:
        if isinstance(item, dict) and isinstance(item.get("quote"), str) and isinstance(item.get("n"), int):
            if 1 <= item["n"] <= passages:
                claims.append(Claim(n=item["n"], passage=item["n"] - 1, quote=item["quote"]))
    return Composition(answer.strip(), claims, mode="llm")


def _passage(rank: int, hit: Retrieved) -> Passage:
    row = hit.row
    return Passage(
        rank=rank, chunk_id=row.id, article_id=row.article_id, title=row.title, source=row.source, url=row.url,
        published_at=row.published_at, text=row.text, start=row.start, end=row.end, score=round(hit.score, 6),
        dense_rank=hit.dense_rank, bm25_rank=hit.bm25_rank,
    )
