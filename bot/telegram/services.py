"""What the handlers share, kept in `application.bot_data` (no module-level state).

- `bot_data["engine"]`   the answer engine (see `bot.engine`)
- `bot_data["services"]` a `BotServices`: settings, history, access policy, rate limiter, counters
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from telegram.ext import Application, ContextTypes

from bot.conversation.history import HistoryStore
from bot.telegram.access import AccessPolicy
from bot.telegram.ratelimit import SlidingWindowLimiter

if TYPE_CHECKING:
    from bot.engine import Engine
    from bot.settings import Settings


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


def services_of(context: ContextTypes.DEFAULT_TYPE | Application[Any, Any, Any, Any, Any, Any]) -> BotServices:
    return context.bot_data["services"]


def engine_of(context: ContextTypes.DEFAULT_TYPE | Application[Any, Any, Any, Any, Any, Any]) -> "Engine":
    return context.bot_data["engine"]
