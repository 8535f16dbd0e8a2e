"""What the handlers and jobs share besides the engine (reached as `context.services`)."""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from bot.conversation.history import HistoryStore
from bot.follows import FollowStore
from bot.telegram.access import AccessPolicy
from bot.telegram.ratelimit import SlidingWindowLimiter
from index.feeds import FeedService

if TYPE_CHECKING:
    from bot.settings import Settings

T = TypeVar("T")

#: threads that render messages: rendering never runs on the event loop's thread, and has its own
#: threads so that answers waiting for a slow LLM (in the default executor) can't hold it up
RENDER_THREADS = 4


@dataclass
class BotStats:
    started_at: float = field(default_factory=time.time)
    questions: int = 0  # answers sent (including "the articles don't say")
    refused: int = 0  # of which: the articles did not support an answer
    failed: int = 0  # questions that ended in an error message
    rate_limited: int = 0


class Milestones:
    """Counters of background work (feed polls, alert runs) that tests and benchmarks can wait on.

    `await m.wait(lambda m: m.completed >= 2, timeout)` returns when the condition holds — an
    event to synchronise on, never a sleep."""

    def __init__(self) -> None:
        self.running = False
        self.started_at = 0.0  # time.perf_counter() when the last run began
        self.completed = 0
        self.skipped = 0
        self.last: Any = None  # the last run's outcome (a FetchReport, an AlertSummary)
        self._changed = asyncio.Condition()

    def begin(self) -> None:
        self.running = True
        self.started_at = time.perf_counter()

    async def finish(self, outcome: Any) -> None:
        self.running = False
        async with self._changed:
            self.completed += 1
            self.last = outcome
            self._changed.notify_all()

    async def wait(self, predicate: Callable[["Milestones"], bool], timeout: float) -> None:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: predicate(self)), timeout)


@dataclass
class BotServices:
    settings: "Settings"
    history: HistoryStore
    access: AccessPolicy
    limiter: SlidingWindowLimiter
    feeds: FeedService
    follows: FollowStore
    stats: BotStats = field(default_factory=BotStats)
    reindex_running: bool = False
    #: background feed polls (`bot.telegram.feeds`); their `last` is the last FetchReport
    polls: Milestones = field(default_factory=Milestones)
    #: follow-alert runs (`bot.telegram.alerts`), one at a time under `alerts_lock`
    alerts: Milestones = field(default_factory=Milestones)
    alerts_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    render_pool: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(RENDER_THREADS, thread_name_prefix="newsbot-render"))
    #: the one thread the FeedService is used from (its crawler paces requests per host)
    feed_worker: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(1, thread_name_prefix="newsbot-feeds"))

    @classmethod
    def from_settings(cls, settings: "Settings") -> "BotServices":
        return cls(
            settings=settings,
            history=HistoryStore(settings.history_db, settings.history_turns),
            access=AccessPolicy.from_settings(settings),
            limiter=SlidingWindowLimiter(settings.questions_per_minute, 60.0),
            feeds=FeedService(settings),
            follows=FollowStore(settings.follows_db),
        )

    async def in_feed_worker(self, fn: Callable[..., T], /, *args: Any) -> T:
        """`fn(*args)` on the feed worker thread: FeedService calls run there, one at a time."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.feed_worker, functools.partial(fn, *args))

    def close(self) -> None:
        self.render_pool.shutdown(wait=False, cancel_futures=True)
        self.feed_worker.shutdown(wait=True, cancel_futures=True)  # a running poll ends before its client closes
        self.feeds.close()
        self.follows.close()
        self.history.close()
