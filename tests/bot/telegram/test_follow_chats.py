"""Follows and the shape of a chat, through the real Application and the fake Bot API: a group upgraded to a
supergroup (the migration service messages, and an alert answered with ChatMigrated) keeps its follows and
histories under the new id; a follow made in a forum topic is alerted in that topic, and in the chat when the
topic is gone."""

from __future__ import annotations

import pytest

from bot.answer.result import Turn
from bot.telegram.alerts import notify_followers
from bot.telegram.context import NewsContext
from index.models import IndexReport
from tests.bot.telegram.conftest import WAIT, feed_settings, services
from tests.bot.telegram.test_follows import keyword_articles
from tests.factories import make_migrate_updates
from testing.telegram_updates import GROUP_ID, USER_ID, make_command_update

pytestmark = pytest.mark.e2e
READER, OTHER = USER_ID, 3003
OLD, NEW = -4001, -1004001  # a basic group, and the supergroup it became
TOPIC = 77  # a forum topic's message_thread_id


@pytest.fixture
def engine():
    """Keyword matching (no answer model needed): the tests here are about chats, not about matching."""
    return keyword_articles(("tram", "Tram opens", "The airport tram line opens in September."),
                            ("crane", "Crane falls", "A harbour crane collapsed in the storm."))


def follow(topic: str, user_id: int = READER, *, chat_id: int = OLD, chat_type: str = "group", **kwargs) -> dict:
    return make_command_update("follow", topic, user_id=user_id, chat_id=chat_id, chat_type=chat_type, **kwargs)


def headline(call) -> str:
    """The article an alert announces (its second line: "Title — Outlet · date")."""
    return call.visible_text.split("\n")[1].split(" — ")[0]


def turn(question: str) -> Turn:
    return Turn(question=question, standalone_question=question, answer="An answer.")


async def test_the_migration_service_messages_move_the_groups_follows_and_histories(start_bot, fake_api,
                                                                                   make_settings):
    async with start_bot(settings_=feed_settings(make_settings)) as bot:
        s = services(bot.app)
        await bot.ask(follow("airport tram line"))
        await bot.ask(follow("harbour crane storm", user_id=OTHER))
        s.history.add(OLD, READER, turn("When does the tram open?"))
        for update in make_migrate_updates(OLD, NEW, user_id=READER):
            bot.push(update)
        await fake_api.wait_for(lambda: len(s.follows.of(NEW, READER)) == 1, WAIT)
        await bot.settle()
        assert s.follows.of(OLD, READER) == [] and s.follows.of(OLD, OTHER) == []
        assert [f.topic for f in s.follows.of(NEW, OTHER)] == ["harbour crane storm"]
        assert s.history.get(OLD, READER) == [] and s.history.get(NEW, READER) == [turn("When does the tram open?")]
        sent_before = len(fake_api.sent_messages(OLD))
        summary = await notify_followers(NewsContext(bot.app), IndexReport(added=["tram", "crane"]))
    assert summary is not None and summary.sent == 2 and summary.failed == 0
    assert len(fake_api.sent_messages(OLD)) == sent_before == 2  # the replies to /follow; the upgrade is not answered
    assert sorted(headline(c) for c in fake_api.sent_messages(NEW)) == ["Crane falls", "Tram opens"]


async def test_an_alert_answered_with_chat_migrated_moves_the_follows_and_is_sent_to_the_new_chat(
        start_bot, fake_api, make_settings):
    async with start_bot(settings_=feed_settings(make_settings)) as bot:
        s = services(bot.app)
        await bot.ask(follow("airport tram line"))
        await bot.ask(follow("harbour crane storm"))
        s.follows.add(NEW, READER, "Airport tram line", None)  # followed again in the supergroup: merged, once
        fake_api.migrate(OLD, NEW)
        context = NewsContext(bot.app)
        first = await notify_followers(context, IndexReport(added=["tram", "crane"]))
        calls_to_old = [c.status for c in fake_api.calls("sendMessage") if c.params.get("chat_id") == OLD]
        again = await notify_followers(context, IndexReport(updated=["tram", "crane"]))
        assert [f.topic for f in s.follows.of(NEW, READER)] == ["harbour crane storm", "Airport tram line"]
        assert s.follows.of(OLD, READER) == []
    assert first is not None and first.migrated_chats == {OLD: NEW}
    assert (first.sent, first.failed, first.removed_chats) == (2, 0, [])
    assert calls_to_old == [200, 200, 400]  # the replies to /follow, then one refused alert: not tried there again
    alerts = fake_api.sent_messages(NEW)
    assert sorted(headline(c) for c in alerts) == ["Crane falls", "Tram opens"]  # each once
    assert again is not None and (again.matches, again.sent) == (0, 0)  # the moved follows remember what they got


async def test_a_follow_made_in_a_forum_topic_is_alerted_in_that_topic(start_bot, fake_api, make_settings):
    async with start_bot(settings_=feed_settings(make_settings)) as bot:
        forum = {"chat_id": GROUP_ID, "chat_type": "supergroup"}
        await bot.ask(follow("airport tram line", thread_id=TOPIC, **forum))
        await bot.ask(follow("harbour crane storm", user_id=OTHER, **forum))  # in General
        [mine] = services(bot.app).follows.of(GROUP_ID, READER)
        summary = await notify_followers(NewsContext(bot.app), IndexReport(added=["tram", "crane"]))
    assert mine.thread_id == TOPIC
    assert summary is not None and summary.sent == 2
    threads = {headline(c): c.params.get("message_thread_id") for c in fake_api.sent_messages(GROUP_ID)
               if "🔔" in c.visible_text}
    assert threads == {"Tram opens": TOPIC, "Crane falls": None}


@pytest.mark.parametrize("gone", ["Bad Request: message thread not found", "Bad Request: TOPIC_CLOSED"])
async def test_an_alert_whose_topic_is_gone_goes_to_the_chat_once(start_bot, fake_api, make_settings, gone):
    async with start_bot(settings_=feed_settings(make_settings)) as bot:
        await bot.ask(follow("airport tram line", thread_id=TOPIC, chat_id=GROUP_ID, chat_type="supergroup"))
        in_topic = lambda p: p.get("message_thread_id") == TOPIC  # noqa: E731
        fake_api.fail_next("sendMessage", kind="400", description=gone, when=in_topic)
        context = NewsContext(bot.app)
        summary = await notify_followers(context, IndexReport(added=["tram"]))
        other = "Bad Request: not enough rights to send text messages to the chat"
        fake_api.fail_next("sendMessage", kind="400", description=other, when=in_topic)
        refused = await notify_followers(context, IndexReport(added=["crane"]))  # no match: nothing sent
        services(bot.app).follows.add(GROUP_ID, READER, "harbour crane storm", None, thread_id=TOPIC)
        failed = await notify_followers(context, IndexReport(updated=["crane"]))
    assert summary is not None and (summary.sent, summary.failed) == (1, 0)
    alerts = [c for c in fake_api.calls("sendMessage") if "🔔" in c.params.get("text", "")]
    assert [(c.status, c.params.get("message_thread_id")) for c in alerts] == [(400, TOPIC), (200, None), (400, TOPIC)]
    assert refused is not None and refused.sent == 0
    assert failed is not None and (failed.sent, failed.failed) == (0, 1)  # another error is not sent without the topic
