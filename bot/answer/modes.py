"""Answer modes: one interface (`AnswerMode.answer`), an extractive and an LLM implementation.

`answer()` does the shared work: the passages list, verifying every quote against the stored article
text (unverifiable quotes are dropped, never shown), dropping `[n]` markers that have no verified source,
renumbering, the highlights of a stated answer, and the refusal. Each mode implements `_compose()`: which
quotes to claim and the answer text, in the reply language (`bot.answer.wording`).
"""

from __future__ import annotations

import logging
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

from bot.answer import wording
from bot.answer.evidence import HARD, values_of
from bot.answer.extractive import Draft, ExtractiveAnswerer
from bot.answer.llm import Deadline
from bot.answer.question import Question, analyse
from bot.answer.quotes import locate_quote
from bot.answer.result import AnswerResult, Citation, DroppedClaim, Passage, SourceRef
from bot.answer.spans import relative_date
from bot.i18n import Texts, texts
from index.language import detect_language
from index.models import ArticleInfo
from index.retriever import Retrieved, Search

log = logging.getLogger(__name__)

FALLBACK_NOTICE = wording.llm_unavailable(texts("en"))
#: soft time scopes that still name a period whose news the question asks about: "recently", "lately", "just"
#: (the last SOFT_DAYS; "latest" and "now" ask for the newest telling, however old)
SOFT_PERIODS = frozenset({"recent"})
_MARKER = re.compile(r"\[(\d{1,3})\]")


@dataclass
class Claim:
    """A quote a mode wants to show: from passage `passage` (0-based), citation number `n`."""

    n: int
    passage: int
    quote: str
    # exact offsets in the article body, when the mode already knows them
    start: int | None = None
    end: int | None = None
    # the stated answer inside the quote (offsets in the article body), shown highlighted
    highlight: tuple[int, int] | None = None
    # near-duplicate articles of the quoted one (the same story elsewhere), not quoted again
    also_reported_by: list[SourceRef] = field(default_factory=list)


@dataclass
class Composition:
    answer: str
    claims: list[Claim] = field(default_factory=list)
    refused: bool = False
    notice: str | None = None
    mode: str = "offline"
    support: float = 0.0
    partial: bool = False
    extractive: bool = False  # the offline answer's words (a stated answer or a lead), whatever the mode
    dropped: list[DroppedClaim] = field(default_factory=list)  # LLM claims not shown, and why


@dataclass(frozen=True)
class Asked:
    """One question as the modes see it."""

    question: str  # as the user wrote it
    standalone: str  # with a follow-up's references resolved
    language: str  # of the question
    tr: Texts  # the bot's words in the reply language
    as_of: str | None = None  # the reference date of a question about the present ("As of" its article's day)
    deadline: Deadline | None = None  # what is left of the time the answer may wait for the LLM

    @property
    def analysis(self) -> Question:
        return analyse(self.standalone, self.language)


class AnswerMode(ABC):
    name: str

    def __init__(self, article_text: Callable[[str], str]) -> None:
        self.article_text = article_text

    def answer(self, asked: Asked, search: Search) -> AnswerResult:
        retrieved = search.hits
        passages = [_passage(i, r) for i, r in enumerate(retrieved, 1)]
        composition = self._compose(asked, search) if retrieved else \
            Composition(wording.refusal(asked.tr), refused=True, mode=self.name)
        citations, answer = ([], composition.answer) if composition.refused else \
            self._verified(composition, retrieved)
        refused = composition.refused or not citations
        notice, partial = composition.notice, composition.partial
        missed = None if refused else missed_period(search, citations)
        if missed is not None:
            answer, citations, notice, partial = _older(asked.tr, missed, composition, answer, citations)
        return AnswerResult(
            question=asked.question, standalone_question=asked.standalone,
            answer=wording.refusal(asked.tr) if refused else answer,
            citations=[] if refused else citations, refused=refused, passages=passages,
            mode=composition.mode, notice=notice, language=asked.tr.language,
            question_language=asked.language, support=round(composition.support, 4),
            partial=partial and not refused, dropped_claims=composition.dropped,
            period_uncovered=f"{missed[0].isoformat()}..{missed[1].isoformat()}" if missed else "",
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
            highlights = []
            if claim.highlight and span[0] <= claim.highlight[0] < claim.highlight[1] <= span[1]:
                highlights.append((claim.highlight[0] - span[0], claim.highlight[1] - span[0]))
            citations.append(Citation(
                n=kept[claim.n], article_id=row.article_id, title=row.title, source=row.source, url=row.url,
                published_at=row.published_at, quote=body[span[0]:span[1]], chunk_id=row.id,
                start=span[0], end=span[1], highlights=highlights, also_reported_by=claim.also_reported_by,
            ))

        def renumber(match: re.Match) -> str:
            n = int(match.group(1))
            return f"[{kept[n]}]" if n in kept else ""

        answer = re.sub(r"\s+([.,;:!?])", r"\1", _MARKER.sub(renumber, composition.answer)).strip()
        return citations, answer

    @abstractmethod
    def _compose(self, asked: Asked, search: Search) -> Composition:
        """Choose the quotes and write the answer text (with [n] markers)."""


class ExtractiveMode(AnswerMode):
    name = "offline"

    def __init__(self, article_text: Callable[[str], str], extractive: ExtractiveAnswerer) -> None:
        super().__init__(article_text)
        self.extractive = extractive

    def _compose(self, asked: Asked, search: Search) -> Composition:
        draft = self.extractive.draft(asked.analysis, search)
        return compose_extractive(asked, search.hits, draft, self.extractive.catalog.articles)


def also_reported_by(hit: Retrieved, articles: Mapping[str, ArticleInfo]) -> list[SourceRef]:
    """The articles retrieval dropped as near-duplicates of `hit`'s (the same story elsewhere), newest first."""
    refs = []
    for article_id in hit.duplicates:
        info = articles.get(article_id)
        if info is not None:
            refs.append(SourceRef(article_id=info.id, title=info.title, source=info.source, url=info.url,
                                  published_at=info.published_at))
    return refs


def compose_extractive(asked: Asked, retrieved: list[Retrieved], draft: Draft,
                       articles: Mapping[str, ArticleInfo] | None = None) -> Composition:
    """The offline answer from a draft: stated answer, lead, partial support, or refusal."""
    tr = asked.tr
    if not draft.quotes or not (draft.supported or draft.partial):
        return Composition(wording.refusal(tr), refused=True, support=draft.support)
    quotes = draft.quotes if draft.supported else draft.quotes[:1]
    numbers: dict[str, int] = {}
    claims: list[Claim] = []
    for i, q in enumerate(quotes):
        row = q.retrieved.row
        n = numbers.setdefault(row.article_id, len(numbers) + 1)
        passage = next(j for j, r in enumerate(retrieved) if r.row.id == row.id)
        highlight = None
        if i == 0 and draft.span is not None and draft.supported:
            highlight = (row.start + draft.span[0], row.start + draft.span[1])
        claims.append(Claim(n=n, passage=passage, quote=row.text[q.start:q.end], start=row.start + q.start,
                            end=row.start + q.end, highlight=highlight,
                            also_reported_by=also_reported_by(q.retrieved, articles or {})))
    first = quotes[0].retrieved.row
    if not draft.supported:
        asked_for = [c.text for c in draft.partial.unmet if c.kind in HARD]
        kinds = {c.kind for c in draft.partial.unmet if c.kind in HARD}
        found = values_of(first.text[quotes[0].start:quotes[0].end], kinds)[:3] or values_of(first.text, kinds)[:3]
        return Composition(wording.partial(tr, asked_for, found, 1), claims, support=draft.support, partial=True,
                           extractive=True)
    if draft.span is not None:
        span_text = first.text[draft.span[0]:draft.span[1]]
        as_of = reported_as_of(asked.as_of, first.published_at)
        if as_of is None and relative_date(span_text):  # "last month [1]" needs the day it was written
            as_of = article_day(first.published_at)
        answer = wording.stated(tr, wording.localise_span(tr, span_text, _language_of(first.text)), 1, as_of)
    else:
        labels = []
        for article_id, n in numbers.items():
            row = next(q.retrieved.row for q in quotes if q.retrieved.row.article_id == article_id)
            labels.append((wording.source_label(tr, row.source or row.title, row.published_at), n))
        answer = wording.lead(tr, labels)
    return Composition(answer, claims, support=draft.support, extractive=True)


def reported_as_of(asked_on: str | None, published_at: str) -> str | None:
    """The day a time-sensitive stated answer is true as of: the day its article reported it ("As of 6 Jan 2026:
    Minneapolis"), not the day it is asked — "24 hostages" from an April article is not true as of December. An
    undated article cannot say as of when, so the answer says nothing of the date (its source is cited)."""
    day = article_day(published_at) if asked_on else None
    return min(day, asked_on) if day and asked_on else None


def article_day(published_at: str) -> str | None:
    """The ISO day an article was published, if its date is one."""
    day = published_at[:10]
    try:
        date.fromisoformat(day)
    except ValueError:
        return None
    return day


def missed_period(search: Search, citations: list[Citation]) -> tuple[date, date] | None:
    """The period a question asks about ("this week", "recently", "in February") when every article the answer
    cites is older than it: a strict period retrieval found nothing relevant in (it fell back to the whole
    archive), or the last SOFT_DAYS of "recently". A later article may report on the period (last week's
    event, February's), an undated one may be from it, and a cited story told again in the period (its
    near-duplicates) is from it: no note then."""
    scope = search.time_scope
    if scope is None or scope.start is None or scope.end is None:
        return None
    if not ((scope.strict and not search.scope_applied)
            or (not scope.strict and getattr(scope, "kind", None) in SOFT_PERIODS)):
        return None
    first = scope.start.isoformat()
    days = [d.published_at[:10] for c in citations for d in (c, *c.also_reported_by)]
    return (scope.start, scope.end) if all(day and day < first for day in days) else None


def _older(tr: Texts, period: tuple[date, date], composition: Composition, answer: str,
           citations: list[Citation]) -> tuple[str, list[Citation], str | None, bool]:
    """An answer from articles older than the period the question asks about says so. An extractive answer
    (offline, or the offline words around an LLM's quotes) leads with it instead of stating an answer or
    "According to …" (nothing it would state is from that time); a partial answer keeps its own sentence
    and the language model's verified answer its words, and both get the note."""
    when = tr.period(*period)
    if not composition.extractive or composition.partial:
        note = wording.out_of_period_notice(tr, when)
        return answer, citations, f"{composition.notice} {note}" if composition.notice else note, composition.partial
    labels: dict[int, str] = {}
    for c in citations:
        labels.setdefault(c.n, wording.source_label(tr, c.source or c.title, c.published_at))
    shown = [c.model_copy(update={"highlights": []}) for c in citations]
    return (wording.out_of_period(tr, when, [(label, n) for n, label in labels.items()]), shown,
            composition.notice, True)


def _language_of(text: str) -> str:
    return detect_language(text[:400])


def _passage(rank: int, hit: Retrieved) -> Passage:
    row = hit.row
    return Passage(
        rank=rank, chunk_id=row.id, article_id=row.article_id, title=row.title, source=row.source, url=row.url,
        published_at=row.published_at, text=row.text, start=row.start, end=row.end, score=round(hit.score, 6),
        dense_rank=hit.dense_rank, bm25_rank=hit.bm25_rank,
    )
