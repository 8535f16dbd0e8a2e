"""The composition root: `build_engine(settings)` builds every service once and wires them.

Two kinds of service, each built in one place: the long-lived ones (prompts, the answer model, the
embedder, the store, the LLM client) in `build_engine`, from settings and passed in explicitly; what
belongs to one version of the index (the catalogue, the retriever over it, the answer modes, the
condensers, the article texts they verify quotes against) in `Engine._serve`, as one `Serving` that a
reload replaces whole. `Engine` implements `bot.engine_api.EngineAPI`, the contract the bot, the CLI,
the evaluator and the benchmarks rely on; nothing here is created at import time.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

from bot.answer import background, wording
from bot.answer.answer_check import AnswerCheck
from bot.answer.alignment import ClaimAligner
from bot.answer.condense import Condenser
from bot.answer.extractive import ExtractiveAnswerer
from bot.answer.llm import LLMClient
from bot.answer.model import AnswerModel
from bot.answer.llm_mode import LLMMode
from bot.answer.modes import AnswerMode, Asked, ExtractiveMode
from bot.answer.prompts import Prompts
from bot.answer.result import AnswerResult, Turn
from bot.answer.time_scope import TimeScope, resolve_time_scope, time_sensitive
from bot.engine_api import AsOf, IndexInfo, Progress, ProgressCallback, reference_time
from bot.i18n import reply_language, texts
from bot.settings import Settings
from index.catalog import Catalog
from index.embedders import Embedder, build_embedder
from index.errors import IndexChangedError, NewsbotError, StaleVectorIndexError
from index.fresh import FreshChunks, FreshStore
from index.index_memo import IndexMemo
from index.indexer import run_index
from index.language import guess_language
from index.models import ArticleInfo, IndexReport, SearchFilters
from index.retriever import HybridRetriever, Search
from index.snapshots import SnapshotSchedule
from index.store import Store
from index.textclean import clean_text

__all__ = ["Engine", "IndexInfo", "build_engine"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Serving:
    """What answers questions for one version of the index: made off to the side, then swapped in whole,
    so a question runs on one consistent version even while a newer one is being loaded."""

    store: Store  # the client that reads this version
    catalog: Catalog
    fresh: FreshChunks  # chunks this client's vector index has not seen (another process committed them)
    retriever: HybridRetriever
    mode: AnswerMode
    condenser: Condenser
    extractive: ExtractiveMode  # `ask(offline=True)`: the same answer without the LLM
    offline_condenser: Condenser
    generic: np.ndarray | None
    language: str

    def article_text(self, article_id: str) -> str:
        return self.retriever.article_body(article_id)


#: how often at most the engine saves the catalogue it keeps up to date by indexing (see `reindex`); a
#: start after a crash reads what was committed since the last snapshot
CATALOG_SNAPSHOT_SECONDS = 600.0


class Engine:
    """Answers questions over the index. Build it with `build_engine(settings)`.

    It serves the index as it is: before a question (at most every INDEX_CHECK_SECONDS) it reads the
    index version (`Store.current_version()`, one small read) and, when another process changed it, the
    question that noticed brings the catalogue up to date (reading only the articles committed since;
    other questions meanwhile keep the version they have) or, after a rebuild, opens the new index.
    A question whose collections were replaced under it (IndexChangedError) is asked again, once, on
    the new index.
    """

    def __init__(self, settings: Settings, embedder: Embedder, store: Store, prompts: Prompts,
                 model: AnswerModel, llm: LLMClient | None) -> None:
        self.settings = settings
        self.embedder = embedder
        self.prompts = prompts
        self.model = model
        self.llm = llm  # None: offline answers only
        # CPU-bound steps run at most one per core: many answer threads (the bot runs ANSWER_THREADS, so that
        # slow LLM calls don't queue the rest) would otherwise fight over the GIL and the event loop
        self._cpu = threading.BoundedSemaphore(os.cpu_count() or 1)
        self._reloading = threading.Lock()  # one reload at a time; the others keep answering meanwhile
        self._checked = time.monotonic()
        #: the store whose client's copy of the vector index went stale under another writer (reopened once the
        #: writer is done), or None
        self._stale_store: Store | None = None
        self.reload_total = 0  # reloads since the start (`reloads` keeps the last 100)
        #: how the engine came to serve what it serves (for logs and benchmarks): (kind, seconds)
        self.reloads: list[tuple[str, float]] = []
        #: this process's index runs (`reindex`): what the last one left, and when the catalogue it serves is saved
        self._index_memo = IndexMemo()
        self._snapshots = SnapshotSchedule(settings.cache_dir, CATALOG_SNAPSHOT_SECONDS)
        self._swap(self._serve(store, self._load_catalog(store), FreshChunks(dim=store.dim)))

    # --- wiring -----------------------------------------------------------------
    def _serve(self, store: Store, catalog: Catalog, fresh: FreshChunks, previous: Serving | None = None) -> Serving:
        language = catalog.main_language()
        generic = previous.generic if previous is not None and previous.language == language \
            else background.vectors(self.embedder, language, self.settings.cache_dir)
        search_store = FreshStore(store, fresh) if len(fresh) else store
        retriever = HybridRetriever(self.settings, search_store, self.embedder, catalog, generic)
        article_text = retriever.article_body  # quotes are checked in the bodies of the index that was searched
        extractive = ExtractiveMode(article_text, ExtractiveAnswerer(catalog, self.model))
        mode = LLMMode(article_text, self.llm, self.prompts, extractive,
                       ClaimAligner(self.embedder, catalog, article_text, self.settings.claim_min_similarity),
                       self.settings.answer_deadline,
                       AnswerCheck(self.llm, self.prompts) if self.settings.llm_answer_check else None) \
            if self.llm else extractive
        condenser = Condenser(self.prompts, self.llm)
        return Serving(store, catalog, fresh, retriever, mode, condenser, extractive,
                       Condenser(self.prompts, None) if self.llm else condenser, generic, language)

    def _load_catalog(self, store: Store) -> Catalog:
        catalog = Catalog.load(store, self.settings.cache_dir)
        self._snapshots.loaded(catalog)
        return catalog

    def _swap(self, serving: Serving) -> None:
        self._serving = serving
        # the parts, for callers that read them (benchmarks, tests); questions use one Serving throughout
        self.store, self.catalog, self.retriever = serving.store, serving.catalog, serving.retriever
        self.mode, self.condenser = serving.mode, serving.condenser

    def _current(self) -> Serving:
        """What to answer with: the serving version, brought up to date first when the index changed."""
        serving = self._serving
        now = time.monotonic()
        if self.settings.index_check_seconds and now - self._checked < self.settings.index_check_seconds:
            return serving
        self._checked = now
        try:
            version = serving.store.current_version()
        except NewsbotError as exc:  # the store is unreadable now: answer with what we have
            log.warning("could not read the index version: %s", exc)
            return serving
        stale = self._stale_store
        if stale is not None and stale is not serving.store:
            self._stale_store = None  # reopened meanwhile (a rebuild, a reload)
        elif stale is not None and not self._being_written(serving):  # the writer is done: a fresh client reads
            refreshed = self._refresh(serving, wait=False, reopen=True)  # the whole vector index again
            if refreshed.store is not stale:
                self._stale_store = None
            return refreshed
        if version is None or version == serving.catalog.version:
            return serving
        return self._refresh(serving, wait=False)

    @staticmethod
    def _being_written(serving: Serving) -> bool:
        try:
            return bool(serving.store.state().get("dirty"))
        except NewsbotError:
            return True

    def _refresh(self, seen: Serving, *, wait: bool, reopen: bool = False) -> Serving:
        """Bring what `seen` serves up to date. Without `wait`, a question that finds another reload
        running goes on with the version it has."""
        if not self._reloading.acquire(blocking=wait):
            return self._serving
        try:
            serving = self._serving
            if serving is not seen:  # another question reloaded meanwhile
                return serving
            started = time.perf_counter()
            kind = "update"
            try:
                if reopen:
                    raise IndexChangedError(serving.store.location)
                catalog, added = serving.catalog.updated(serving.store, with_vectors=True)
                fresh = serving.fresh.plus(added)
                new = serving if catalog is serving.catalog else self._serve(serving.store, catalog, fresh, serving)
            except IndexChangedError:  # a rebuild went live: open the new index
                kind = "reopen"
                store = serving.store.reopen()
                store.ensure(self.embedder.name, self.embedder.dim)
                new = self._serve(store, self._load_catalog(store), FreshChunks(dim=store.dim),
                                  serving)
            seconds = time.perf_counter() - started
            self.reloads.append((kind, seconds))
            self.reload_total += 1
            del self.reloads[:-100]
            log.info("index %s: generation %d, %d chunks (%s in %.2fs)", kind, new.catalog.generation,
                     len(new.catalog), kind, seconds)
            self._swap(new)
            return new
        finally:
            self._reloading.release()

    def reload(self, *, reopen: bool = True) -> None:
        """Serve the index as it is now. `reopen` opens the store anew (whatever changed); without it, the
        store this engine wrote through (`reindex`) is read again and its own vector index has everything."""
        with self._reloading:
            serving = self._serving
            if reopen:
                store = serving.store.reopen()
                store.ensure(self.embedder.name, self.embedder.dim)
                catalog = self._load_catalog(store)
            else:
                store = serving.store
                version = store.current_version()
                try:
                    catalog = serving.catalog.updated(store)[0] if version and version.epoch == serving.catalog.epoch \
                        else self._load_catalog(store)
                except IndexChangedError:
                    catalog = self._load_catalog(store)
            self._swap(self._serve(store, catalog, FreshChunks(dim=store.dim), serving))

    def close(self) -> None:
        serving = self._serving
        self._snapshots.save(serving.store, serving.catalog)  # what this process indexed since the last one
        serving.retriever.forget_bodies()

    # --- questions --------------------------------------------------------------
    def ask(self, question: str, history: Sequence[Turn] = (), *, filters: SearchFilters | None = None,
            k: int | None = None, as_of: AsOf | None = None, user_language: str | None = None,
            on_progress: ProgressCallback | None = None, offline: bool = False) -> AnswerResult:
        started = time.perf_counter()
        timings: dict[str, float] = {}
        question = clean_text(question).strip()
        serving = self._current()
        reference = reference_time(as_of)
        if not question:
            tr = texts(reply_language(None, user_language))
            return AnswerResult(question="", standalone_question="", answer=wording.empty_question(tr), refused=True,
                                language=tr.language, as_of=reference.date().isoformat())
        guessed = guess_language(question)  # None: too short or mixed to tell (then the user's language)
        language = guessed or "en"
        tr = texts(reply_language(guessed, user_language))
        use_llm = self.llm is not None and not offline
        t0 = time.perf_counter()
        # one deadline for everything this answer waits for the LLM: condensing, answering, retries
        deadline = self.llm.deadline(self.settings.answer_deadline) if use_llm else None
        condenser = serving.condenser if use_llm else serving.offline_condenser
        standalone = condenser.condense(question, list(history)[-self.settings.history_turns:]
                                        if self.settings.history_turns else [], deadline=deadline)
        timings["condense"] = (time.perf_counter() - t0) * 1000
        scope = resolve_time_scope(standalone, reference, guessed)  # "this week" → a period before `reference`
        asked = Asked(question, standalone, language, tr,
                      as_of=reference.date().isoformat() if time_sensitive(standalone, language) else None,
                      deadline=deadline)
        exact = reopened = False  # each remedy is tried once
        while True:
            try:
                result, t1 = self._answer(serving, asked, filters, reference, scope, k, timings, on_progress,
                                          use_llm, exact=exact)
                break
            except StaleVectorIndexError:
                if exact:
                    raise
                # another process is writing the vector index: reopening does not help while it writes (and
                # costs ~1.7 s at 50k chunks); search the catalogue's own vectors exactly, and reopen once the
                # run is done (_current)
                log.info("the vector index is being written; exact search over the catalogue")
                self._stale_store, exact = serving.store, True
            except IndexChangedError:  # a rebuild replaced the collections under this question
                if reopened:
                    raise
                log.info("the index changed under this question; asking again on it reopened")
                serving, reopened = self._refresh(serving, wait=True, reopen=True), True
        timings["answer"] = (time.perf_counter() - t1) * 1000
        timings["total"] = (time.perf_counter() - started) * 1000
        result.timings_ms = {k: round(v, 2) for k, v in timings.items()}
        result.as_of = reference.date().isoformat()
        return result

    def _answer(self, serving: Serving, asked: Asked, filters: SearchFilters | None, reference: datetime,
                scope: TimeScope | None, k: int | None, timings: dict[str, float],
                on_progress: ProgressCallback | None, use_llm: bool, exact: bool = False) -> tuple[AnswerResult, float]:
        mode = serving.mode if use_llm else serving.extractive
        with self._cpu:
            search = self._search(serving, asked.standalone, asked.language, filters, reference, scope, k,
                                  timings, exact)
            t1 = time.perf_counter()
            if not use_llm:
                result = mode.answer(asked, search)
        if use_llm:  # waits on the network: outside the CPU gate
            if on_progress is not None and search.hits:
                on_progress(Progress("writing", articles=len({r.row.article_id for r in search.hits}),
                                     passages=len(search.hits)))
            result = mode.answer(asked, search)
        return result, t1

    def _search(self, serving: Serving, question: str, language: str, filters: SearchFilters | None,
                reference: datetime, scope: TimeScope | None, k: int | None, timings: dict[str, float] | None,
                exact: bool = False) -> Search:
        retriever = serving.retriever
        filters = _as_of(self._canonical(filters, serving.catalog), reference, retriever.catalog.newest)
        return retriever.search(question, k=k or self.settings.top_k, language=language, filters=filters,
                                time_scope=scope, timings=timings, exact=exact)

    def search(self, question: str, *, language: str, as_of: AsOf | None = None, k: int | None = None) -> Search:
        """The passages the offline answer of a standalone `question` reads (as of `as_of`, with its time
        words resolved), without answering: for training and diagnostics (not asked again when the index
        changes under it, as `ask` does)."""
        reference = reference_time(as_of)
        scope = resolve_time_scope(question, reference, guess_language(question))  # as `ask` reads time words
        serving = self._current()
        with self._cpu:
            return self._search(serving, question, language, None, reference, scope, k, None)

    async def ask_async(self, question: str, history: Sequence[Turn] = (), *,
                        filters: SearchFilters | None = None, k: int | None = None, as_of: AsOf | None = None,
                        user_language: str | None = None, on_progress: ProgressCallback | None = None,
                        offline: bool = False) -> AnswerResult:
        return await asyncio.to_thread(self.ask, question, history, filters=filters, k=k, as_of=as_of,
                                       user_language=user_language, on_progress=on_progress, offline=offline)

    def _canonical(self, filters: SearchFilters | None, catalog: Catalog) -> SearchFilters | None:
        """Match source names case-insensitively to the names stored in the index."""
        if filters is None or not filters.sources:
            return filters
        known = {a.source.casefold(): a.source for a in catalog.articles.values() if a.source}
        sources = tuple(known.get(s.casefold(), s) for s in filters.sources)
        return SearchFilters(sources=sources, since=filters.since, until=filters.until,
                             article_ids=filters.article_ids, as_of=filters.as_of)

    # --- the index --------------------------------------------------------------
    def article_text(self, article_id: str) -> str:
        return self._serving.article_text(article_id)

    def articles(self) -> list[ArticleInfo]:
        catalog = self._current().catalog
        return sorted(catalog.articles.values(), key=lambda a: (a.published_at or "", a.title), reverse=True)

    def index_info(self) -> IndexInfo:
        serving = self._current()
        catalog = serving.catalog
        articles = catalog.articles.values()
        dates = sorted(a.published_at[:10] for a in articles if a.published_at)
        return IndexInfo(
            articles=len(catalog.articles), chunks=len(catalog),
            sources=sorted({a.source for a in articles if a.source}),
            first_date=dates[0] if dates else "", last_date=dates[-1] if dates else "",
            updated_at=catalog.updated_at, embed_model=self.embedder.name,
            answer_mode=self.settings.effective_mode, location=serving.store.location,
            generation=catalog.generation,
        )

    def reindex(self, paths: Sequence[Path] | None = None, *, rebuild: bool = False,
                progress: bool = False) -> IndexReport:
        # the run starts from what this engine's last run left, and leaves the snapshot to the engine (below;
        # a rebuild leaves one all the same)
        report = run_index(self.settings, paths, rebuild=rebuild, progress=progress, embedder=self.embedder,
                           store=self._serving.store, memo=self._index_memo, snapshot=False)
        self.reload(reopen=False)
        serving = self._serving  # answering already: the snapshot is for the next start
        self._snapshots.maybe_save(serving.store, serving.catalog)
        return report


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


def build_engine(settings: Settings, *, embedder: Embedder | None = None,
                 answer_model: AnswerModel | None = None) -> Engine:
    """The composition root: every service built once from `settings` (the embedder and the answer model may
    be given instead)."""
    prompts = Prompts.load(settings.prompts_dir)
    model = answer_model if answer_model is not None else AnswerModel.load(settings.answer_model)
    if settings.support_threshold is not None:
        model = model.with_support_threshold(settings.support_threshold)
    embedder = embedder or build_embedder(settings)
    store = Store.open(settings)
    store.ensure(embedder.name, embedder.dim)  # fails clearly on another embedder's index
    llm = LLMClient(settings) if settings.effective_mode == "llm" else None  # no connection until asked
    engine = Engine(settings, embedder, store, prompts, model, llm)
    embedder.embed_query("warm-up")  # the first question should not pay for the model's first run
    log.info("engine ready: %s, %d articles, %d chunks, %s mode", store.location,
             len(engine.catalog.articles), len(engine.catalog), settings.effective_mode)
    return engine
