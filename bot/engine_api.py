"""The engine's contract: what the bot, the CLI, the evaluator and the benchmarks may call.

`bot.engine.Engine` implements it, and so do the test stand-ins (tests/bot/engines.py); a test
checks both against this Protocol, signature by signature, so they cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time as dtime, timezone
from pathlib import Path
from typing import Literal, Protocol, runtime_checkable

from bot.answer.result import AnswerResult, Turn
from index.models import ArticleInfo, IndexReport, SearchFilters


@dataclass(frozen=True)
class IndexInfo:
    articles: int
    chunks: int
    sources: list[str] = field(default_factory=list)
    first_date: str = ""
    last_date: str = ""
    updated_at: str = ""
    embed_model: str = ""
    answer_mode: str = "offline"
    location: str = ""  # e.g. "embedded data/chroma" or "server 127.0.0.1:8000"
    generation: int = 0  # bumped by every index run that changed something


@dataclass(frozen=True)
class Progress:
    """Where a slow answer is, for a status line ("Reading 3 articles…"): reported from a worker thread."""

    stage: Literal["reading", "writing"]
    articles: int = 0
    passages: int = 0


ProgressCallback = Callable[[Progress], None]
AsOf = date | datetime


def reference_time(as_of: AsOf | None) -> datetime:
    """The question's reference time, timezone-aware: now, or the end of the day `as_of` names."""
    if as_of is None:
        return datetime.now(timezone.utc)
    if isinstance(as_of, datetime):
        return as_of if as_of.tzinfo else as_of.replace(tzinfo=timezone.utc)
    return datetime.combine(as_of, dtime(23, 59, 59), tzinfo=timezone.utc)


@runtime_checkable
class EngineAPI(Protocol):
    def ask(self, question: str, history: Sequence[Turn] = (), *, filters: SearchFilters | None = None,
            k: int | None = None, as_of: AsOf | None = None, user_language: str | None = None,
            on_progress: ProgressCallback | None = None, offline: bool = False) -> AnswerResult:
        """Answer one question (blocking, thread-safe).

        `as_of` is the question's reference time (default: now): later articles don't exist for it,
        and "this week", "yesterday"… are resolved against it. `user_language` (Telegram's
        language_code) decides the reply language when the question's own can't be told.
        `offline` answers extractively even when an LLM is configured: no LLM call (follow matching
        runs many questions in the background and needs only the support judgment and a quote).
        """

    async def ask_async(self, question: str, history: Sequence[Turn] = (), *,
                        filters: SearchFilters | None = None, k: int | None = None, as_of: AsOf | None = None,
                        user_language: str | None = None, on_progress: ProgressCallback | None = None,
                        offline: bool = False) -> AnswerResult:
        """`ask` in a worker thread."""

    def article_text(self, article_id: str) -> str:
        """The stored body of an article ("" when unknown): what quotes are verified against."""

    def articles(self) -> list[ArticleInfo]:
        """Every indexed article, newest first."""

    def index_info(self) -> IndexInfo:
        """Counts, outlets, date range, embedder, answer mode, index generation."""

    def reindex(self, paths: Sequence[Path] | None = None, *, rebuild: bool = False,
                progress: bool = False) -> IndexReport:
        """Index `paths` (default: the corpus) under the index lock, then serve the new index."""

    def reload(self) -> None:
        """Serve the index as it is now (after another process changed it)."""

    def close(self) -> None:
        """Release what the engine holds."""
