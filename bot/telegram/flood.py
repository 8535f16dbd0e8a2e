"""Telegram's flood limits: PTB's `AIORateLimiter`, with a 429 that pauses only its own chat.

PTB's `AIORateLimiter` keeps the limits Telegram documents (30 messages a second overall, 20 a minute
per group) with `aiolimiter`, and that part is used as it is. On a 429 (`RetryAfter`) it pauses
*every* request of the bot until the wait has passed: one flooded group stops the answers of every
other chat. Telegram's 429s come per chat (a group that gets too many messages), so here a 429
pauses that chat's requests only — later requests for it wait out the same pause before they are
sent — and the others go on. A pause longer than `MAX_RETRY_AFTER` is not waited in a handler: the
request fails at once (as do that chat's next requests until the pause ends), and the error is
logged by the bot's error handler.

"Typing…" (`sendChatAction`) passes straight through: AIORateLimiter would count it against the
group's 20 messages a minute, and a slow answer refreshes it every few seconds, so chat actions would
use up the budget and hold back the answers themselves. A chat action is not a message, and it is
cosmetic: one refused with 429 is skipped (`send.typing`), never retried.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import warnings
from collections.abc import Hashable
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.warnings import PTBDeprecationWarning
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)

#: retries of one request after a 429
RATE_LIMIT_RETRIES = 3
#: the longest 429 pause (seconds) a request waits out; a longer one fails the request at once
MAX_RETRY_AFTER = 60.0
#: what a 429 adds to Telegram's retry_after (seconds), as PTB does: a retry exactly on time can be early
RETRY_MARGIN = 0.1


class _NoRetryLogFilter(logging.Filter):
    """PTB's limiter, built with no retries of its own, logs every 429 as "retries exhausted": the retries
    are made here, which logs them itself."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Rate limit hit after maximum of")


class NewsRateLimiter(AIORateLimiter):
    """AIORateLimiter's overall and per-group limits; 429s retried per chat (module docstring)."""

    def __init__(self, *, max_retries: int = RATE_LIMIT_RETRIES, max_retry_after: float = MAX_RETRY_AFTER,
                 **kwargs: Any) -> None:
        super().__init__(max_retries=0, **kwargs)  # its retries pause every chat: they are made here
        self._retries = max_retries
        self._max_retry_after = max_retry_after
        self._paused: dict[Hashable, float] = {}  # chat id (None: requests of no chat) → loop time it ends
        ptb_log = logging.getLogger("telegram.ext.AIORateLimiter")
        if not any(isinstance(f, _NoRetryLogFilter) for f in ptb_log.filters):
            ptb_log.addFilter(_NoRetryLogFilter())

    async def process_request(self, callback: Any, args: Any, kwargs: dict[str, Any], endpoint: str,
                              data: dict[str, Any], rate_limit_args: int | None) -> Any:
        if endpoint == "sendChatAction":
            return await callback(*args, **kwargs)
        chat = _chat_key(data.get("chat_id"))
        retries = rate_limit_args or self._retries
        for attempt in itertools.count():
            await self._wait_out(chat)
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data, None)
            except RetryAfter as exc:
                asked = _seconds(exc)
                wait = self._pause(chat, asked)
                if attempt >= retries or wait > self._max_retry_after:
                    log.warning("Telegram refused %s for chat %s with 429: %.0f s to wait, not retried",
                                endpoint, chat, asked)
                    raise
                log.info("Telegram refused %s for chat %s with 429: retrying in %.1f s", endpoint, chat, wait)

    def paused(self, chat_id: Any) -> float:
        """Seconds that `chat_id`'s requests still wait (0: none)."""
        until = self._paused.get(_chat_key(chat_id))
        return max(0.0, until - asyncio.get_running_loop().time()) if until is not None else 0.0

    async def _wait_out(self, chat: Hashable) -> None:
        wait = self.paused(chat)
        if wait > self._max_retry_after:
            raise RetryAfter(int(wait) + 1)  # the chat is flooded for long: fail now, as Telegram would
        if wait > 0:
            await asyncio.sleep(wait)

    def _pause(self, chat: Hashable, retry_after: float) -> float:
        """Pause `chat` for `retry_after` (+ the margin); returns the seconds to wait. Ended pauses are forgotten,
        so the table holds only chats that are flooded now."""
        now = asyncio.get_running_loop().time()
        for key in [k for k, until in self._paused.items() if until <= now]:
            del self._paused[key]
        wait = retry_after + RETRY_MARGIN
        self._paused[chat] = max(self._paused.get(chat, now), now + wait)
        return self._paused[chat] - now


def _chat_key(chat_id: Any) -> Hashable:
    """One key per chat, whether its id came as an int or a string ("-100…" or "@channel")."""
    if isinstance(chat_id, str):
        try:
            return int(chat_id)
        except ValueError:
            return chat_id.lower()
    return chat_id


def _seconds(exc: RetryAfter) -> float:
    """The wait a 429 asks for, in seconds (`retry_after` is an int or, with PTB_TIMEDELTA, a timedelta; reading
    the int warns of that change)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
