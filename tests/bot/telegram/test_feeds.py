"""Feeds in the bot, through the real Application, the fake Bot API and the local news site: the
admins' /addfeed, /feeds, /removefeed (and everyone else's refusal), and the background poll
(indexing with the real engine, one poll at a time, nothing to do without feeds, the JobQueue)."""

from __future__ import annotations

import asyncio

import pytest

from bot.i18n import texts
from bot.telegram.access import admin_only_text
from bot.telegram.context import NewsContext
from bot.telegram.feeds import poll_feeds
from tests.bot.telegram.conftest import (
    BAKERY,
    TRAM,
    TRAM_QUESTION,
    WAIT,
    feed_settings,
    poll,
    services,
    started_polling,
)
from testing.telegram_updates import ADMIN_ID, USER_ID, make_command_update, make_message_update

pytestmark = pytest.mark.e2e
EN = texts("en")


@pytest.fixture
def settings(make_settings):
    return feed_settings(make_settings)


async def test_admins_subscribe_list_and_unsubscribe_others_are_refused(start_bot, fake_api, site, engine):
    urls = site.publish([TRAM, BAKERY])
    site.put("/2024/05/bakery", "gone", status=404)
    feed = site.url("/feed.xml")
    async with start_bot() as bot:
        await started_polling(bot.app)  # the job's first poll, right after start-up: no feeds yet
        [usage] = await bot.ask(make_command_update("addfeed", user_id=ADMIN_ID))
        [added] = await bot.ask(make_command_update("addfeed", f"{feed}  City   Desk", user_id=ADMIN_ID), timeout=WAIT)
        [listed] = await bot.ask(make_command_update("feeds", user_id=ADMIN_ID))
        report = await poll(bot.app)
        [polled] = await bot.ask(make_command_update("feeds", user_id=ADMIN_ID))
        [not_a_feed] = await bot.ask(make_command_update("addfeed", urls["tram"], user_id=ADMIN_ID), timeout=WAIT)
        refusals = [await bot.ask(make_command_update(command, argument, user_id=USER_ID))
                    for command, argument in (("addfeed", feed), ("feeds", ""), ("removefeed", "City Desk"))]
        [unknown] = await bot.ask(make_command_update("removefeed", "Nope", user_id=ADMIN_ID))
        [removed] = await bot.ask(make_command_update("removefeed", "city desk", user_id=ADMIN_ID))
        [empty] = await bot.ask(make_command_update("feeds", user_id=ADMIN_ID))

    assert "/addfeed https://" in usage.visible_text
    assert added.visible_text.startswith("Subscribed to “City Desk”") and feed in added.visible_text
    assert "1 feed, polled every 3,600 s" in listed.visible_text and "City Desk — " + feed in listed.visible_text
    assert "last success: never" in listed.visible_text

    assert report is not None and [i.status for i in report.items()] == ["new", "failed"]
    assert report.index is not None and len(report.index.added) == 1
    assert any(a.url == urls["tram"] for a in engine.articles())
    assert "1 article · last success:" in polled.visible_text and "never" not in polled.visible_text
    assert f"Last error: 1 of 2 item(s) failed, e.g. {urls['bakery']}" in polled.visible_text
    assert "404" in polled.visible_text

    assert not_a_feed.visible_text.startswith("I couldn't subscribe to that feed:") and urls["tram"] in \
        not_a_feed.visible_text
    assert [r.visible_text for [r] in refusals] == [admin_only_text(EN)] * 3
    assert "No feed has the name or address “Nope”" in unknown.visible_text
    assert removed.visible_text == "Unsubscribed from “City Desk”. Its 1 article stays in the archive."
    assert empty.visible_text.startswith("No feeds are subscribed.")
    assert any(a.url == urls["tram"] for a in engine.articles())  # the article stays


async def test_a_poll_without_feeds_does_nothing(start_bot, fake_api, site, engine):
    async with start_bot() as bot:
        await started_polling(bot.app)
        assert await poll(bot.app) is None
        assert services(bot.app).polls.completed == 2
    assert site.hits == [] and engine.reindexed == []


async def test_a_tick_while_a_poll_runs_is_skipped(start_bot, fake_api, site, engine):
    site.publish([TRAM])
    async with start_bot() as bot:
        s = services(bot.app)
        await started_polling(bot.app)
        await bot.ask(make_command_update("addfeed", site.url("/feed.xml"), user_id=ADMIN_ID), timeout=WAIT)
        release = site.hold("/feed.xml")
        first = asyncio.create_task(poll_feeds(NewsContext(bot.app)))
        await fake_api.wait_for(lambda: len(site.hits_for("/feed.xml")) == 2, timeout=WAIT)  # add + this poll
        assert s.polls.running
        skipped = await poll_feeds(NewsContext(bot.app))
        release.set()
        report = await asyncio.wait_for(first, WAIT)
    assert skipped is None and s.polls.skipped == 1
    assert report is not None and len(report.new) == 1
    assert len(site.hits_for("/feed.xml")) == 2 and len(engine.reindexed) == 1


async def test_a_published_story_is_answered_in_the_chat_after_the_jobs_poll(start_bot, fake_api, site, engine,
                                                                          make_settings):
    """The JobQueue polls every FEED_INTERVAL (5 s); publication → a quoted answer in the chat. How long that takes
    is a benchmark's figure (python -m benchmarks.feeds: median 2.8 s); WAIT here only bounds a hung run."""
    site.publish([BAKERY])
    async with start_bot(settings_=feed_settings(make_settings, feed_interval=5.0)) as bot:
        await bot.ask(make_command_update("addfeed", site.url("/feed.xml"), user_id=ADMIN_ID), timeout=WAIT)
        s = services(bot.app)
        await s.polls.wait(lambda m: any(a.title == BAKERY[1] for a in engine.articles()), WAIT)  # the first story
        urls = site.publish([TRAM, BAKERY])
        # every poll-completed event re-checks the index
        await s.polls.wait(lambda m: any(a.url == urls["tram"] for a in engine.articles()), WAIT)
        [answer] = await bot.ask(make_message_update(TRAM_QUESTION), timeout=WAIT)
    assert s.polls.completed >= 2  # polled by the job, not by the test
    assert "212 million euros" in answer.visible_text and urls["tram"] in answer.params["text"]
