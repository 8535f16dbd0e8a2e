"""Flood limits: a 429 pauses its own chat only; long pauses fail at once; chat actions pass freely.

The limiter is driven through PTB's rate-limiter interface (`process_request` with the request's callback
and data), the way PTB's `Bot` calls it; the end-to-end 429 retry through the fake Bot API is in
test_handlers.py. Waits below are bounds for a hung run, never measured.
"""

from __future__ import annotations

import asyncio
import logging

import pytest
from telegram.error import RetryAfter

from bot.telegram.flood import NewsRateLimiter

CHAT_A, CHAT_B = 1001, 1002
#: a pause no test waits out: a request that had to wait for it would hang until the bound below
LONG = 30
BOUND = 10.0


class Telegram:
    """A stand-in for the Bot API call behind `process_request`: answers 429 for the chats told to, and — as
    Telegram does — again to a call of that chat before its retry_after has passed; records every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[object, str]] = []
        self.refuse: dict[object, list[int]] = {}  # chat id → retry_after of its next calls' 429s
        self.flood_until: dict[int, float] = {}  # chat id → loop time its flood ends

    def request(self, limiter: NewsRateLimiter, chat_id: object, endpoint: str = "sendMessage"):
        async def call() -> dict:
            now = asyncio.get_running_loop().time()
            chat = int(chat_id) if isinstance(chat_id, str) else chat_id
            queued = self.refuse.get(chat_id)
            if endpoint != "sendChatAction" and (queued or now < self.flood_until.get(chat, 0.0)):
                self.calls.append((chat_id, "429"))
                retry_after = queued.pop(0) if queued else max(1, int(self.flood_until[chat] - now))
                self.flood_until[chat] = max(self.flood_until.get(chat, 0.0), now + retry_after)
                raise RetryAfter(retry_after)
            self.calls.append((chat_id, "200"))
            return {"ok": True}

        return limiter.process_request(call, (), {}, endpoint, {"chat_id": chat_id}, None)


async def refused(limiter: NewsRateLimiter, telegram: Telegram, chat_id: int, retry_after: int) -> asyncio.Task:
    """A request of `chat_id` that got a 429 with `retry_after` and now waits it out (a task)."""
    telegram.refuse[chat_id] = [retry_after]
    waiting = asyncio.create_task(telegram.request(limiter, chat_id))
    while not limiter.paused(chat_id):
        await asyncio.sleep(0)
    return waiting


async def test_a_429_pauses_its_own_chat_and_not_the_others() -> None:
    limiter, telegram = NewsRateLimiter(), Telegram()
    waiting = await refused(limiter, telegram, CHAT_A, LONG)
    assert limiter.paused(CHAT_A) > LONG - 1 and limiter.paused(CHAT_B) == 0
    await asyncio.wait_for(telegram.request(limiter, CHAT_B), BOUND)  # PTB's own limiter would hold it LONG s
    assert telegram.calls == [(CHAT_A, "429"), (CHAT_B, "200")] and not waiting.done()
    waiting.cancel()


async def test_the_paused_chat_waits_out_the_pause_then_is_sent() -> None:
    limiter, telegram = NewsRateLimiter(), Telegram()
    first = await refused(limiter, telegram, CHAT_A, 1)
    second = asyncio.create_task(telegram.request(limiter, str(CHAT_A)))  # the same chat, its id as a string
    await asyncio.wait_for(asyncio.gather(first, second), BOUND)
    # the second request was not sent into the pause (the stand-in would have refused it): one 429 only
    assert [status for _, status in telegram.calls] == ["429", "200", "200"]


async def test_a_pause_longer_than_the_limit_fails_at_once_and_so_does_the_chat_until_it_ends(caplog) -> None:
    limiter, telegram = NewsRateLimiter(max_retry_after=5), Telegram()
    telegram.refuse[CHAT_A] = [3600]
    caplog.set_level(logging.INFO)
    with pytest.raises(RetryAfter):
        await asyncio.wait_for(telegram.request(limiter, CHAT_A), BOUND)
    with pytest.raises(RetryAfter):  # not even tried: Telegram would refuse it as well
        await asyncio.wait_for(telegram.request(limiter, CHAT_A), BOUND)
    assert telegram.calls == [(CHAT_A, "429")]
    await asyncio.wait_for(telegram.request(limiter, CHAT_B), BOUND)
    assert telegram.calls[-1] == (CHAT_B, "200")
    assert "429" in caplog.text and "maximum of" not in caplog.text  # PTB's "no retries" record is ours to give


async def test_retries_are_bounded() -> None:
    limiter, telegram = NewsRateLimiter(max_retries=2), Telegram()
    telegram.refuse[CHAT_A] = [0, 0, 0, 0]
    with pytest.raises(RetryAfter):
        await asyncio.wait_for(telegram.request(limiter, CHAT_A), BOUND)
    assert telegram.calls == [(CHAT_A, "429")] * 3  # the call and two retries


async def test_chat_actions_pass_a_paused_chat() -> None:
    limiter, telegram = NewsRateLimiter(), Telegram()
    waiting = await refused(limiter, telegram, CHAT_A, LONG)
    await asyncio.wait_for(telegram.request(limiter, CHAT_A, "sendChatAction"), BOUND)
    assert telegram.calls == [(CHAT_A, "429"), (CHAT_A, "200")]
    waiting.cancel()
