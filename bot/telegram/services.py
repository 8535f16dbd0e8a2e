"""What the handlers and jobs share besides the engine (reached as `context.services`)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.conversation.history import HistoryStore
from bot.telegram.access import AccessPolicy
from bot.telegram.ratelimit import SlidingWindowLimiter

if TYPE_CHECKING:
    from bot.settings import Settings

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


@dataclass
class BotServices:
    settings: "Settings"
    history: HistoryStore
    access: AccessPolicy
    limiter: SlidingWindowLimiter
    stats: BotStats = field(default_factory=BotStats)
    reindex_running: bool = False
    render_pool: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(RENDER_THREADS, thread_name_prefix="newsbot-render"))

    @classmethod
    def from_settings(cls, settings: "Settings") -> "BotServices":
        return cls(
            settings=settings,
            history=HistoryStore(settings.history_db, settings.history_turns),
            access=AccessPolicy.from_settings(settings),
            limiter=SlidingWindowLimiter(settings.questions_per_minute, 60.0),
        )

    def close(self) -> None:
        self.render_pool.shutdown(wait=False, cancel_futures=True)
        self.history.close()
