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
import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.answer.condense import Condenser
from bot.answer.extractive import ExtractiveAnswerer
from bot.answer.llm import LLMClient
from bot.answer.modes import ExtractiveMode, LLMMode
from bot.answer.prompts import Prompts
from bot.answer.result import AnswerResult, Turn
from bot.settings import Settings
from index.catalog import Catalog
from index.embedders import Embedder, build_embedder
from index.indexer import run_index
from index.language import detect_language
from index.models import ArticleInfo, IndexReport, SearchFilters
from index.retriever import HybridRetriever
from index.store import Store
from index.textclean import clean_text

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


class Engine:
    """Answers questions over the index. Build it with `build_engine(settings)`."""

    def __init__(self, settings: Settings, embedder: Embedder, store: Store, prompts: Prompts) -> None:
        self.settings = settings
        self.embedder = embedder
        self.store = store
        self.prompts = prompts
        self.llm = LLMClient(settings) if settings.effective_mode == "llm" else None
        self._lock = threading.RLock()
        # CPU-bound steps run at most one per core: many answer threads (the bot runs 32, so that
        # slow LLM calls don't queue the rest) would otherwise fight over the GIL and the event loop
        self._cpu = threading.BoundedSemaphore(os.cpu_count() or 1)
        self._bodies: dict[str, str] = {}
        self._load()

    # --- wiring -----------------------------------------------------------------
    def _load(self) -> None:
        catalog = Catalog.load(self.store, self.settings.cache_dir)
        extractive = ExtractiveMode(self.article_text, ExtractiveAnswerer(catalog, self.embedder.calibration),
                                    self.settings.min_support)
        mode = LLMMode(self.article_text, self.llm, self.prompts, extractive) if self.llm else extractive
        with self._lock:
            self.catalog = catalog
            self.retriever = HybridRetriever(self.settings, self.store, self.embedder, catalog)
            self.mode = mode
            self.condenser = Condenser(self.prompts, self.llm)
            self._bodies = {}

    def reload(self, *, reopen: bool = True) -> None:
        """Serve the index as it is now. `reopen` re-opens the store to see another process's writes."""
        if reopen:
            store = self.store.reopen()
            store.ensure(self.embedder.name, self.embedder.dim)
            self.store = store
        self._load()

    def close(self) -> None:
        self._bodies = {}

    # --- questions --------------------------------------------------------------
    def ask(self, question: str, history: Sequence[Turn] = (), *, filters: SearchFilters | None = None,
            k: int | None = None) -> AnswerResult:
        started = time.perf_counter()
        timings: dict[str, float] = {}
        question = clean_text(question).strip()
        with self._lock:
            retriever, mode, condenser = self.retriever, self.mode, self.condenser
        if not question:
            return AnswerResult(question="", standalone_question="", answer="Please ask a question.", refused=True)
        language = detect_language(question)
        t0 = time.perf_counter()
        standalone = condenser.condense(question, list(history)[-self.settings.history_turns:]
                                        if self.settings.history_turns else [])
        timings["condense"] = (time.perf_counter() - t0) * 1000
        with self._cpu:
            retrieved = retriever.retrieve(standalone, k=k or self.settings.top_k, language=language,
                                           filters=self._canonical(filters), timings=timings)
            t1 = time.perf_counter()
            if self.llm is None:
                result = mode.answer(question, standalone, language, retrieved)
        if self.llm is not None:  # waits on the network: outside the CPU gate
            result = mode.answer(question, standalone, language, retrieved)
        timings["answer"] = (time.perf_counter() - t1) * 1000
        timings["total"] = (time.perf_counter() - started) * 1000
        result.timings_ms = {k: round(v, 2) for k, v in timings.items()}
        return result

    async def ask_async(self, question: str, history: Sequence[Turn] = (), *,
                        filters: SearchFilters | None = None, k: int | None = None) -> AnswerResult:
        return await asyncio.to_thread(self.ask, question, history, filters=filters, k=k)

    def _canonical(self, filters: SearchFilters | None) -> SearchFilters | None:
        """Match source names case-insensitively to the names stored in the index."""
        if filters is None or not filters.sources:
            return filters
        known = {a.source.casefold(): a.source for a in self.catalog.articles.values() if a.source}
        sources = tuple(known.get(s.casefold(), s) for s in filters.sources)
        return SearchFilters(sources=sources, since=filters.since, until=filters.until)

    # --- the index --------------------------------------------------------------
    def article_text(self, article_id: str) -> str:
        body = self._bodies.get(article_id)
        if body is None:
            body = self.store.article_bodies([article_id]).get(article_id, "")
            if len(self._bodies) > 2048:
                self._bodies.clear()
            self._bodies[article_id] = body
        return body

    def articles(self) -> list[ArticleInfo]:
        return sorted(self.catalog.articles.values(), key=lambda a: (a.published_at or "", a.title), reverse=True)

    def index_info(self) -> IndexInfo:
        articles = self.catalog.articles.values()
        dates = sorted(a.published_at[:10] for a in articles if a.published_at)
        return IndexInfo(
            articles=len(self.catalog.articles), chunks=len(self.catalog),
            sources=sorted({a.source for a in articles if a.source}),
            first_date=dates[0] if dates else "", last_date=dates[-1] if dates else "",
            updated_at=self.catalog.updated_at, embed_model=self.embedder.name,
            answer_mode=self.settings.effective_mode, location=self.store.location,
        )

    def reindex(self, paths: Sequence[Path] | None = None, *, rebuild: bool = False,
                progress: bool = False) -> IndexReport:
        report = run_index(self.settings, paths, rebuild=rebuild, progress=progress,
                           embedder=self.embedder, store=self.store)
        self.reload(reopen=False)
        return report


def build_engine(settings: Settings, *, embedder: Embedder | None = None) -> Engine:
    """The composition root: every service built once from `settings`."""
    prompts = Prompts.load(settings.prompts_dir)
    embedder = embedder or build_embedder(settings)
    store = Store.open(settings)
    store.ensure(embedder.name, embedder.dim)  # fails clearly on another embedder's index
    engine = Engine(settings, embedder, store, prompts)
    embedder.embed_query("warm-up")  # the first question should not pay for the model's first run
    log.info("engine ready: %s, %d articles, %d chunks, %s mode", store.location,
             len(engine.catalog.articles), len(engine.catalog), settings.effective_mode)
    return engine
