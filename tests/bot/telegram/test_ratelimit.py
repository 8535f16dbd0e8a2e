"""Per-user questions per minute: the window (unit) and the polite reply (end to end)."""

from __future__ import annotations

import pytest

from bot.i18n import texts
from bot.telegram import replies
from bot.telegram.ratelimit import SlidingWindowLimiter
from testing.telegram_updates import USER_ID, make_message_update

pytestmark = pytest.mark.e2e
QUESTION = "What did Putin say to the freed hostages?"


def test_sliding_window():
    now = [0.0]
    limiter = SlidingWindowLimiter(2, 60.0, clock=lambda: now[0])
    assert limiter.check("u") is None
    now[0] = 10
    assert limiter.check("u") is None
    now[0] = 20
    assert limiter.check("u") == pytest.approx(40.0)
    assert limiter.check("other") is None
    now[0] = 60.5  # the first question left the window
    assert limiter.check("u") is None
    assert limiter.check("u") == pytest.approx(9.5)


def test_the_reply_names_the_limit_and_the_wait():
    en = replies.rate_limited(texts("en"), 9.5, 2)
    assert "2 questions a minute" in en and "10 seconds" in en
    assert "1 second." in replies.rate_limited(texts("en"), 0.2, 1) and "1 question a minute" in \
        replies.rate_limited(texts("en"), 0.2, 1)
    ru = replies.rate_limited(texts("ru"), 21, 5)
    assert "5 вопросов в минуту" in ru and "21 секунду" in ru


async def test_per_user_rate_limit_answers_the_excess_politely(start_bot, make_settings, engine):
    async with start_bot(make_settings(questions_per_minute=2)) as bot:
        for _ in range(2):
            await bot.ask(make_message_update(QUESTION))
        [third] = await bot.ask(make_message_update(QUESTION))
        [other_user] = await bot.ask(make_message_update(QUESTION, user_id=USER_ID + 1))
    assert "2 questions a minute" in third.visible_text
    assert len(engine.asked) == 3 and "<blockquote" in other_user.params["text"]
