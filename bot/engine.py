"""The composition root: `build_engine(settings)` builds every service once and wires them.

Handlers (Telegram, CLI, evaluator) get the engine injected (the bot keeps it in
`application.bot_data["engine"]`); nothing here is created at import time.

Public API (stable; the bot, CLI, evaluator and benchmarks rely on it):

- `Engine.ask(question, history=(), *, filters=None, k=None) -> AnswerResult`  (blocking, thread-safe)
- `await Engine.ask_async(...)`  same, run off the event loop
- `Engine.index_info() -> IndexInfo`    counts, sources, date range, embed model, answer mode
- `Engine.articles() -> list[ArticleInfo]`
- `Engine.reindex(paths=None, rebuild=False, progress=False) -> IndexReport`  (takes the index lock; reloads after)
- `Engine.reload()`   re-read the index (BM25, article table) after an outside re-index
- `Engine.close()`
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.answer.result import AnswerResult, Turn
from bot.settings import Settings
from index.models import ArticleInfo, IndexReport, SearchFilters

log = logging.getLogger(__name__)


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
