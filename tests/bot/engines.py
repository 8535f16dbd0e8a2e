"""Stand-in engines implementing `bot.engine_api.EngineAPI`, for bot tests (tests/bot/test_engine_contract.py
checks them against the Protocol, signature by signature).

- `KeywordEngine`: a tiny but honest engine over real article files: retrieves the sentences
  sharing the most words with the (history-expanded) question and quotes them verbatim with
  their offsets (only from `filters.article_ids` when given; `support` is the share of the
  question's words the best sentence has); refuses when nothing matches. `reindex(paths)` reads
  new files.
- `ScriptedEngine`: returns whatever AnswerResult a function builds (long answers, hostile
  markup, failures).
- `GatedEngine`: reports scripted `Progress`, then holds the answer until the test sets
  `release`: a slow answer whose timing the test controls (no sleeps).
- `RecordingEngine`: wraps any engine and records ask()/reindex() calls (works with the real one).
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.answer.result import AnswerResult, Citation, Passage, Turn
from bot.engine_api import AsOf, IndexInfo, Progress, ProgressCallback
from index.models import ArticleInfo, IndexReport, LoadFailure, SearchFilters

_STOP = set(
    "a an the and or of to in on at for with by from is are was were be been what who whom whose which when "
    "where why how did do does he she it they them his her its their this that these those about say said tell "
    "told me you i we us our your as not no yes can could would should will".split()
)
_WORD = re.compile(r"[\w’']+", re.UNICODE)
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?[”\"]?", re.UNICODE)


def _words(text: str) -> set[str]:
    return {w.lower().strip("’'") for w in _WORD.findall(text)} - _STOP


@dataclass
class _Article:
    info: ArticleInfo
    body: str
    sentences: list[tuple[int, int]] = field(default_factory=list)


def read_article(path: Path, root: Path | None = None) -> tuple[str, str]:
    """(title, body) of a .txt/.md file: first non-empty line is the title."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    title = next((ln.strip().lstrip("# ") for ln in lines if ln.strip()), path.stem)
    body_start = text.find(title) + len(title) if title in text else 0
    return title, text[body_start:]


class KeywordEngine:
    def __init__(self, paths: Sequence[Path] = (), *, answer_mode: str = "offline") -> None:
        self._lock = threading.Lock()
        self._articles: dict[str, _Article] = {}
        self.answer_mode = answer_mode
        self.updated_at = "2025-01-01T00:00:00+00:00"
        self.reindex_gate: threading.Event | None = None  # set by tests to hold a reindex
        for p in paths:
            self._load(Path(p))

    def _load(self, path: Path, source: str = "Test Times", published_at: str = "2025-04-16") -> str:
        title, body = read_article(path)
        article_id = path.stem
        sentences = [(m.start(), m.end()) for m in _SENTENCE.finditer(body) if body[m.start() : m.end()].strip()]
        sentences = [(s + len(body[s:e]) - len(body[s:e].lstrip()), e) for s, e in sentences]
        info = ArticleInfo(
            id=article_id, title=title, source=source, url=f"https://news.example/{article_id}",
            published_at=published_at, path=str(path), chunks=max(1, len(body) // 1000),
            content_hash=str(hash(body)), indexed_at="2025-01-01T00:00:00+00:00",
        )
        with self._lock:
            existed = article_id in self._articles
            self._articles[article_id] = _Article(info, body, sentences)
        return "updated" if existed else "added"

    def add_article(self, info: ArticleInfo, body: str = "Nothing to see here.") -> None:
        with self._lock:
            self._articles[info.id] = _Article(info, body, [(0, len(body))])

    def add_synthetic(self, n: int) -> None:
        with self._lock:
            for i in range(n):
                aid = f"synthetic-{i:03d}"
                info = ArticleInfo(aid, f"Synthetic story number {i} <b>&</b>", "Wire", f"https://news.example/{aid}",
                                   f"2024-01-{1 + i % 28:02d}", f"{aid}.txt", 1, "h", "2025-01-01")
                self._articles[aid] = _Article(info, "Nothing to see here.", [(0, 20)])

    # ---- Engine contract -------------------------------------------------------

    def ask(self, question: str, history: Sequence[Turn] = (), *, filters: SearchFilters | None = None,
            k: int | None = None, as_of: AsOf | None = None, user_language: str | None = None,
            on_progress: ProgressCallback | None = None, offline: bool = False) -> AnswerResult:
        standalone = f"{history[-1].standalone_question} {question}" if history else question
        wanted = _words(standalone)
        scored: list[tuple[int, _Article, tuple[int, int]]] = []
        with self._lock:
            articles = list(self._articles.values())
        if filters is not None and filters.article_ids:
            articles = [a for a in articles if a.info.id in filters.article_ids]
        for art in articles:
            for span in art.sentences:
                overlap = len(wanted & _words(art.body[span[0] : span[1]]))
                if overlap:
                    scored.append((overlap, art, span))
        scored.sort(key=lambda t: -t[0])
        best = [t for t in scored if t[0] >= max(1, (scored[0][0] if scored else 0) - 1)][:2]
        if not best or best[0][0] < 2 and len(wanted) > 2:
            return AnswerResult(
                question=question, standalone_question=standalone, refused=True,
                answer="The articles I have don't answer that.",
            )
        citations, passages, parts = [], [], []
        for n, (score, art, (start, end)) in enumerate(best, start=1):
            quote = art.body[start:end]
            info = art.info
            citations.append(Citation(n=n, article_id=info.id, title=info.title, source=info.source, url=info.url,
                                      published_at=info.published_at, quote=quote, chunk_id=f"{info.id}:0",
                                      start=start, end=end))
            passages.append(Passage(rank=n, chunk_id=f"{info.id}:0", article_id=info.id, title=info.title,
                                    text=quote, start=start, end=end, score=float(score)))
            parts.append(f"{quote.strip()} [{n}]")
        support = min(1.0, best[0][0] / max(1, len(wanted)))  # the share of the question's words quoted
        return AnswerResult(question=question, standalone_question=standalone, answer=" ".join(parts),
                            citations=citations, passages=passages, mode="offline", support=support)

    async def ask_async(self, question: str, history: Sequence[Turn] = (), *,
                        filters: SearchFilters | None = None, k: int | None = None, as_of: AsOf | None = None,
                        user_language: str | None = None, on_progress: ProgressCallback | None = None,
                        offline: bool = False) -> AnswerResult:
        return await asyncio.to_thread(self.ask, question, history, filters=filters, k=k, as_of=as_of,
                                       user_language=user_language, on_progress=on_progress, offline=offline)

    def article_text(self, article_id: str) -> str:
        with self._lock:
            article = self._articles.get(article_id)
        return article.body if article else ""

    def index_info(self) -> IndexInfo:
        with self._lock:
            infos = [a.info for a in self._articles.values()]
        dates = sorted(i.published_at for i in infos if i.published_at)
        return IndexInfo(
            articles=len(infos), chunks=sum(i.chunks for i in infos),
            sources=sorted({i.source for i in infos if i.source}),
            first_date=dates[0] if dates else "", last_date=dates[-1] if dates else "",
            updated_at=self.updated_at, embed_model="keyword-fake", answer_mode=self.answer_mode,
            location="memory",
        )

    def articles(self) -> list[ArticleInfo]:
        with self._lock:
            return [a.info for a in self._articles.values()]

    def reindex(self, paths: Sequence[Path] | None = None, *, rebuild: bool = False,
                progress: bool = False) -> IndexReport:
        if self.reindex_gate is not None and not self.reindex_gate.wait(120):  # a bound for a hung test
            raise TimeoutError("the test never opened the reindex gate")
        started = time.monotonic()
        report = IndexReport()
        if paths is None:
            with self._lock:
                report.unchanged = list(self._articles)
        for p in paths or ():
            p = Path(p)
            try:
                kind = self._load(p)
            except (OSError, UnicodeDecodeError) as exc:
                report.failed.append(LoadFailure(p, str(exc)))
                continue
            getattr(report, kind).append(p.stem)
            report.chunks_embedded += 1
        report.seconds = time.monotonic() - started
        self.updated_at = "2025-01-02T00:00:00+00:00"
        return report

    def reload(self) -> None:
        pass

    def close(self) -> None:
        pass


class ScriptedEngine(KeywordEngine):
    """Answers with `respond(question, history)`; which may also raise."""

    def __init__(self, respond: Callable[[str, Sequence[Turn]], AnswerResult], paths: Sequence[Path] = ()) -> None:
        super().__init__(paths)
        self.respond = respond

    def ask(self, question: str, history: Sequence[Turn] = (), *, filters: SearchFilters | None = None,
            k: int | None = None, as_of: AsOf | None = None, user_language: str | None = None,
            on_progress: ProgressCallback | None = None, offline: bool = False) -> AnswerResult:
        return self.respond(question, history)


class GatedEngine(KeywordEngine):
    """Reports `progress` through `on_progress` (from the worker thread, as the real engine does),
    sets `waiting`, then answers (with `respond`, if given) only once the test sets `release`."""

    def __init__(self, paths: Sequence[Path] = (), progress: Sequence[Progress] = (),
                 respond: Callable[[str, Sequence[Turn]], AnswerResult] | None = None) -> None:
        super().__init__(paths)
        self.progress = list(progress)
        self.respond = respond  # the answer once released (default: the keyword engine's)
        self.last_progress_callback: ProgressCallback | None = None
        self.waiting = threading.Event()
        self.release = threading.Event()

    def ask(self, question: str, history: Sequence[Turn] = (), *, filters: SearchFilters | None = None,
            k: int | None = None, as_of: AsOf | None = None, user_language: str | None = None,
            on_progress: ProgressCallback | None = None, offline: bool = False) -> AnswerResult:
        self.last_progress_callback = on_progress
        for step in self.progress:
            if on_progress is not None:
                on_progress(step)
        self.waiting.set()
        if not self.release.wait(120):  # a bound for a hung test, not an expectation
            raise TimeoutError("the test never released the answer")
        if self.respond is not None:
            return self.respond(question, history)
        return super().ask(question, history, filters=filters, k=k, as_of=as_of, user_language=user_language,
                           on_progress=on_progress, offline=offline)


class RecordingEngine:
    """Delegates to `inner` and records the calls (usable around the real engine)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.asked: list[tuple[str, list[Turn]]] = []
        self.user_languages: list[str | None] = []
        self.offline: list[bool] = []  # the `offline` flag of each ask, in order
        self.reindexed: list[Any] = []
        self._lock = threading.Lock()

    def ask(self, question: str, history: Sequence[Turn] = (), *, filters: SearchFilters | None = None,
            k: int | None = None, as_of: AsOf | None = None, user_language: str | None = None,
            on_progress: ProgressCallback | None = None, offline: bool = False) -> AnswerResult:
        with self._lock:
            self.asked.append((question, list(history)))
            self.user_languages.append(user_language)
            self.offline.append(offline)
        return self.inner.ask(question, history, filters=filters, k=k, as_of=as_of, user_language=user_language,
                              on_progress=on_progress, offline=offline)

    async def ask_async(self, question: str, history: Sequence[Turn] = (), *,
                        filters: SearchFilters | None = None, k: int | None = None, as_of: AsOf | None = None,
                        user_language: str | None = None, on_progress: ProgressCallback | None = None,
                        offline: bool = False) -> AnswerResult:
        return await asyncio.to_thread(self.ask, question, history, filters=filters, k=k, as_of=as_of,
                                       user_language=user_language, on_progress=on_progress, offline=offline)

    def reindex(self, paths: Sequence[Path] | None = None, *, rebuild: bool = False,
                progress: bool = False) -> IndexReport:
        with self._lock:
            self.reindexed.append(paths)
        return self.inner.reindex(paths, rebuild=rebuild, progress=progress)

    def article_text(self, article_id: str) -> str:
        return self.inner.article_text(article_id)

    def articles(self) -> list[ArticleInfo]:
        return self.inner.articles()

    def index_info(self) -> IndexInfo:
        return self.inner.index_info()

    def reload(self) -> None:
        self.inner.reload()

    def close(self) -> None:
        self.inner.close()

    def __getattr__(self, name: str) -> Any:  # test-only extras of the inner engine (e.g. reindex_gate)
        return getattr(self.inner, name)
