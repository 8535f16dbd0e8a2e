"""The composition root: `build_engine(settings)` builds every service once and wires them.

`Engine` implements `bot.engine_api.EngineAPI`, the contract the bot, the CLI, the evaluator and the
benchmarks rely on; nothing here is created at import time.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
from collections.abc import Sequence
from datetime import datetime, time as dtime, timezone
from pathlib import Path

from bot.answer import background, wording
from bot.answer.alignment import ClaimAligner
from bot.answer.condense import Condenser
from bot.answer.extractive import ExtractiveAnswerer
from bot.answer.llm import LLMClient
from bot.answer.model import AnswerModel
from bot.answer.llm_mode import LLMMode
from bot.answer.modes import Asked, ExtractiveMode
from bot.answer.prompts import Prompts
from bot.answer.result import AnswerResult, Turn
from bot.answer.time_scope import resolve_time_scope, time_sensitive
from bot.engine_api import AsOf, IndexInfo, Progress, ProgressCallback
from bot.i18n import reply_language, texts
from bot.settings import Settings
from index.catalog import Catalog
from index.embedders import Embedder, build_embedder
from index.indexer import run_index
from index.language import guess_language
from index.models import ArticleInfo, IndexReport, SearchFilters
from index.retriever import HybridRetriever
from index.store import Store
from index.textclean import clean_text

__all__ = ["Engine", "IndexInfo", "build_engine"]

log = logging.getLogger(__name__)


class Engine:
    """Answers questions over the index. Build it with `build_engine(settings)`."""

    def __init__(self, settings: Settings, embedder: Embedder, store: Store, prompts: Prompts,
                 model: AnswerModel) -> None:
        self.settings = settings
        self.embedder = embedder
        self.store = store
        self.prompts = prompts
        self.model = model
        self.llm = LLMClient(settings) if settings.effective_mode == "llm" else None
        self._lock = threading.RLock()
        # CPU-bound steps run at most one per core: many answer threads (the bot runs ANSWER_THREADS, so that
        # slow LLM calls don't queue the rest) would otherwise fight over the GIL and the event loop
        self._cpu = threading.BoundedSemaphore(os.cpu_count() or 1)
        self._bodies: dict[str, str] = {}
        self._load()

    # --- wiring -----------------------------------------------------------------
    def _load(self) -> None:
        catalog = Catalog.load(self.store, self.settings.cache_dir)
        generic = background.vectors(self.embedder, catalog.main_language(), self.settings.cache_dir)
        extractive = ExtractiveMode(self.article_text, ExtractiveAnswerer(catalog, self.model))
        mode = LLMMode(self.article_text, self.llm, self.prompts, extractive,
                       ClaimAligner(self.embedder, catalog, self.article_text, self.settings.claim_min_similarity),
                       self.settings.answer_deadline) if self.llm else extractive
        with self._lock:
            self.catalog = catalog
            self.retriever = HybridRetriever(self.settings, self.store, self.embedder, catalog, generic)
            self.mode = mode
            self.extractive = extractive  # `ask(offline=True)`: the same answer without the LLM
            self.condenser = Condenser(self.prompts, self.llm)
            self.offline_condenser = Condenser(self.prompts, None) if self.llm else self.condenser
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
            k: int | None = None, as_of: AsOf | None = None, user_language: str | None = None,
            on_progress: ProgressCallback | None = None, offline: bool = False) -> AnswerResult:
        started = time.perf_counter()
        timings: dict[str, float] = {}
        question = clean_text(question).strip()
        use_llm = self.llm is not None and not offline
        with self._lock:
            retriever = self.retriever
            mode, condenser = (self.mode, self.condenser) if use_llm else (self.extractive, self.offline_condenser)
        reference = reference_time(as_of)
        if not question:
            tr = texts(reply_language(None, user_language))
            return AnswerResult(question="", standalone_question="", answer=wording.empty_question(tr), refused=True,
                                language=tr.language, as_of=reference.date().isoformat())
        guessed = guess_language(question)  # None: too short or mixed to tell (then the user's language)
        language = guessed or "en"
        tr = texts(reply_language(guessed, user_language))
        t0 = time.perf_counter()
        # one deadline for everything this answer waits for the LLM: condensing, answering, retries
        deadline = self.llm.deadline(self.settings.answer_deadline) if self.llm is not None else None
        standalone = condenser.condense(question, list(history)[-self.settings.history_turns:]
                                        if self.settings.history_turns else [], deadline=deadline)
        timings["condense"] = (time.perf_counter() - t0) * 1000
        filters = _as_of(self._canonical(filters), reference, retriever.catalog.newest)
        scope = resolve_time_scope(standalone, reference, guessed)  # "this week" → a period before `reference`
        asked = Asked(question, standalone, language, tr,
                      as_of=reference.date().isoformat() if time_sensitive(standalone, language) else None,
                      deadline=deadline)
        with self._cpu:
            search = retriever.search(standalone, k=k or self.settings.top_k, language=language,
                                      filters=filters, time_scope=scope, timings=timings)
            t1 = time.perf_counter()
            if not use_llm:
                result = mode.answer(asked, search)
        if use_llm:  # waits on the network: outside the CPU gate
            if on_progress is not None and search.hits:
                on_progress(Progress("writing", articles=len({r.row.article_id for r in search.hits}),
                                     passages=len(search.hits)))
            result = mode.answer(asked, search)
        timings["answer"] = (time.perf_counter() - t1) * 1000
        timings["total"] = (time.perf_counter() - started) * 1000
        result.timings_ms = {k: round(v, 2) for k, v in timings.items()}
        result.as_of = reference.date().isoformat()
        return result

    async def ask_async(self, question: str, history: Sequence[Turn] = (), *,
                        filters: SearchFilters | None = None, k: int | None = None, as_of: AsOf | None = None,
                        user_language: str | None = None, on_progress: ProgressCallback | None = None,
                        offline: bool = False) -> AnswerResult:
        return await asyncio.to_thread(self.ask, question, history, filters=filters, k=k, as_of=as_of,
                                       user_language=user_language, on_progress=on_progress, offline=offline)

    def _canonical(self, filters: SearchFilters | None) -> SearchFilters | None:
        """Match source names case-insensitively to the names stored in the index."""
        if filters is None or not filters.sources:
            return filters
        known = {a.source.casefold(): a.source for a in self.catalog.articles.values() if a.source}
        sources = tuple(known.get(s.casefold(), s) for s in filters.sources)
        return SearchFilters(sources=sources, since=filters.since, until=filters.until,
                             article_ids=filters.article_ids, as_of=filters.as_of)

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
            generation=self.catalog.generation,
        )

    def reindex(self, paths: Sequence[Path] | None = None, *, rebuild: bool = False,
                progress: bool = False) -> IndexReport:
        report = run_index(self.settings, paths, rebuild=rebuild, progress=progress,
                           embedder=self.embedder, store=self.store)
        self.reload(reopen=False)
        return report


def reference_time(as_of: AsOf | None) -> datetime:
    """The question's reference time, timezone-aware: now, or the end of the day `as_of` names."""
    if as_of is None:
        return datetime.now(timezone.utc)
    if isinstance(as_of, datetime):
        return as_of if as_of.tzinfo else as_of.replace(tzinfo=timezone.utc)
    return datetime.combine(as_of, dtime(23, 59, 59), tzinfo=timezone.utc)


def _as_of(filters: SearchFilters | None, reference: datetime, newest: str) -> SearchFilters | None:
    """Articles published after the reference day don't exist for the question (undated ones do).

    No filter when every article is older anyway: the common case costs nothing.
    """
    day = reference.date().isoformat()
    if not newest or newest[:10] <= day:
        return filters
    base = filters or SearchFilters()
    return SearchFilters(sources=base.sources, since=base.since, until=base.until, article_ids=base.article_ids,
                         as_of=min(day, base.as_of) if base.as_of else day)


def build_engine(settings: Settings, *, embedder: Embedder | None = None) -> Engine:
    """The composition root: every service built once from `settings`."""
    prompts = Prompts.load(settings.prompts_dir)
    model = AnswerModel.load(settings.answer_model)
    if settings.support_threshold is not None:
        model = model.with_support_threshold(settings.support_threshold)
    embedder = embedder or build_embedder(settings)
    store = Store.open(settings)
    store.ensure(embedder.name, embedder.dim)  # fails clearly on another embedder's index
    engine = Engine(settings, embedder, store, prompts, model)
    embedder.embed_query("warm-up")  # the first question should not pay for the model's first run
    log.info("engine ready: %s, %d articles, %d chunks, %s mode", store.location,
             len(engine.catalog.articles), len(engine.catalog), settings.effective_mode)
    return engine
