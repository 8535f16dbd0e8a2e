"""Feeds and follows in the bot: the local news site, and polls the tests control.

The bot's feed job first runs right after start-up (`first=0`); with FEED_INTERVAL at an hour
the tests then poll on demand (`poll`), the same coroutine the job runs, so nothing depends on
timing; the one test of the job itself sets FEED_INTERVAL to a few seconds.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from telegram.ext import Application

from bot.telegram.context import NewsContext
from bot.telegram.feeds import poll_feeds
from bot.telegram.services import BotServices
from index.feeds import FetchReport
from testing.news_site import NewsSite

#: how long a test waits at most for a poll or an alert run (a bound for a stuck run, not a timing)
WAIT = 60.0
TRAM = ("tram", "Airport tram line opens in September", [
    "The regional transport authority said on Thursday that the new tram line to the airport will open in "
    "September, after three years of construction.",
    "Building the airport tram line cost 212 million euros, financed partly by the European Investment Bank.",
])
BAKERY = ("bakery", "Historic bakery closes after 130 years", [
    "The Müller bakery on Market Street, open since 1894, will close at the end of the month, its owners said.",
    "Rising energy prices made the wood-fired ovens of the historic bakery too expensive to run.",
])
TRAM_QUESTION = "How much did the airport tram line cost?"


@pytest.fixture
def site() -> Iterator[NewsSite]:
    with NewsSite() as server:
        yield server


def feed_settings(make_settings, **overrides):
    """The bot's settings with the local site allowed, no politeness delay and polls on demand (a test
    module of feeds or follows overrides its `settings` fixture with these)."""
    return make_settings(**{"feeds_allow_private": True, "feed_host_delay": 0.0, "feed_interval": 3600.0,
                            **overrides})


def services(app: Application) -> BotServices:
    return app.bot_data.services


async def started_polling(app: Application) -> None:
    """The job's first poll (right after start-up) is done."""
    await services(app).polls.wait(lambda m: m.completed >= 1, WAIT)


async def poll(app: Application) -> FetchReport | None:
    """One poll now, as the job runs it (after any poll in progress)."""
    await started_polling(app)
    await services(app).polls.wait(lambda m: not m.running, WAIT)
    return await poll_feeds(NewsContext(app))
