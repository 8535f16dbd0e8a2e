"""Follows through the real Application and the fake Bot API: /follow, /following, /unfollow; alerts
about new articles after a feed poll (real engine, local news site) and after an upload; once per
article; the hourly cap; a blocked bot and a bot removed from a group forget the chat's follows."""

from __future__ import annotations

import pytest

from bot.follows import MAX_FOLLOWS
from bot.i18n import texts
from bot.telegram import replies
from bot.telegram.alerts import notify_followers
from bot.telegram.context import NewsContext
from index.models import ArticleInfo, IndexReport
from tests.bot.engines import KeywordEngine
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
from testing.telegram_updates import (
    ADMIN_ID,
    GROUP_ID,
    USER_ID,
    make_command_update,
    make_document_update,
    make_my_chat_member_update,
)

pytestmark = pytest.mark.e2e
EN, RU = texts("en"), texts("ru")
READER, OTHER = USER_ID, 3003


@pytest.fixture
def settings(make_settings):
    return feed_settings(make_settings)


def follow(topic: str, user_id: int = READER, **kwargs) -> dict:
    return make_command_update("follow", topic, user_id=user_id, **kwargs)


async def subscribe(bot, site) -> None:
    await started_polling(bot.app)
    await bot.ask(make_command_update("addfeed", site.url("/feed.xml"), user_id=ADMIN_ID), timeout=WAIT)


async def test_follow_list_and_unfollow(start_bot, fake_api):
    async with start_bot() as bot:
        [usage] = await bot.ask(follow(""))
        [added] = await bot.ask(follow("  airport tram line "))
        [second] = await bot.ask(follow("Who won the city marathon?"))
        [again] = await bot.ask(follow("Airport tram LINE"))
        [too_long] = await bot.ask(follow("tram " * 60))
        [listed] = await bot.ask(make_command_update("following", user_id=READER))
        [bad] = await bot.ask(make_command_update("unfollow", "first", user_id=READER))
        [missing] = await bot.ask(make_command_update("unfollow", "7", user_id=READER))
        [removed] = await bot.ask(make_command_update("unfollow", "1", user_id=READER))
        [left] = await bot.ask(make_command_update("following", user_id=READER))
        [others] = await bot.ask(make_command_update("following", user_id=OTHER))
        for n in range(MAX_FOLLOWS):
            await bot.ask(follow(f"topic number {n}", user_id=OTHER))
        [full] = await bot.ask(follow("one topic too many", user_id=OTHER))
    assert usage.visible_text == replies.follow_usage(EN)
    assert added.visible_text == replies.follow_added(EN, "airport tram line", 1)
    assert second.visible_text == replies.follow_added(EN, "Who won the city marathon?", 2)
    assert again.visible_text == replies.follow_exists(EN, 1)
    assert "at most 200 characters" in too_long.visible_text
    assert "1. airport tram line\n2. Who won the city marathon?" in listed.visible_text
    assert bad.visible_text == replies.unfollow_usage(EN) and missing.visible_text == replies.unfollow_unknown(EN, 7)
    assert removed.visible_text == replies.unfollowed(EN, "airport tram line")
    assert "1. Who won the city marathon?" in left.visible_text and "tram" not in left.visible_text
    assert others.visible_text == replies.following_lines(EN, [])[0]
    assert full.visible_text == replies.follow_full(EN, MAX_FOLLOWS)


async def test_one_alert_for_a_new_matching_article_none_for_an_unrelated_one(start_bot, fake_api, site, engine):
    site.publish([])
    async with start_bot() as bot:
        await subscribe(bot, site)
        await bot.ask(follow(TRAM_QUESTION, language_code="ru"))
        await bot.ask(follow("Who won the city marathon?", user_id=OTHER))
        urls = site.publish([TRAM])
        first = await poll(bot.app)
        alerts_after_tram = list(fake_api.sent_messages(READER))
        edited = (TRAM[0], "Airport tram line opens on 1 September", [*TRAM[2], "The first trams run on 1 September."])
        site.publish([BAKERY, edited])
        second = await poll(bot.app)  # a new unrelated story, and the tram story edited (its feed entry too)
        third = await poll(bot.app)  # nothing changed
        alerts = services(bot.app).alerts
    assert first is not None and first.index is not None and len(first.index.added) == 1
    assert second is not None and second.index is not None
    assert len(second.index.added) == 1 and len(second.index.updated) == 1
    assert third is not None and third.index is None

    [alert] = fake_api.sent_messages(READER)[-1:]
    assert len(fake_api.sent_messages(READER)) == len(alerts_after_tram) == 2  # the reply to /follow, one alert
    text, html = alert.visible_text, alert.params["text"]
    assert text.startswith("🔔 " + RU.gettext("New on “{topic}”", topic=TRAM_QUESTION))  # the reader's language
    assert TRAM[1] in text and "City News" in text and RU.date("2024-05-02") in text
    assert "212 million euros" in text and f'href="{urls["tram"]}"' in html and "<blockquote" in html
    assert fake_api.sent_messages(OTHER)[1:] == []  # after the reply to /follow: nothing
    assert alerts.completed == 2 and alerts.last.sent == 0  # the second run matched nothing new
    assert all(offline for q, offline in zip(engine.asked, engine.offline) if q[0] in (TRAM_QUESTION,
                                                                                    "Who won the city marathon?"))


async def test_an_upload_alerts_its_followers(start_bot, fake_api, settings):
    content = (b"Lighthouse keepers strike in Brittany\n\nThe lighthouse keepers of Brittany went on strike on "
               b"Monday over pay. Their union said the strike would last a week.\n")
    file_id = fake_api.add_file(content, "strike.txt")
    async with start_bot() as bot:
        await bot.ask(follow("Why did the lighthouse keepers of Brittany strike?"))
        await bot.ask(make_document_update(file_id, "strike.txt", len(content)), timeout=WAIT)
        await services(bot.app).alerts.wait(lambda m: m.completed >= 1, WAIT)
    [alert] = fake_api.sent_messages(READER)[1:]
    assert "Lighthouse keepers strike in Brittany" in alert.visible_text
    assert "went on strike on Monday over pay" in alert.visible_text


def keyword_articles(*stories: tuple[str, str, str]) -> KeywordEngine:
    engine = KeywordEngine()
    for article_id, title, body in stories:
        engine.add_article(ArticleInfo(article_id, title, "City News", f"https://news.example/{article_id}",
                                       "2024-05-02", f"{article_id}.md", 1, article_id, "2024-05-02"), body)
    return engine


async def test_the_hourly_cap_drops_the_excess(start_bot, fake_api, make_settings):
    engine = keyword_articles(("tram", "Tram opens", "The airport tram line opens in September."),
                              ("crane", "Crane falls", "A harbour crane collapsed in the storm."),
                              ("bakery", "Bakery closes", "The historic bakery closes after 130 years."))
    async with start_bot(settings_=feed_settings(make_settings, follow_alerts_per_hour=2), engine_=engine) as bot:
        for topic in ("airport tram line", "harbour crane storm", "historic bakery closes"):
            await bot.ask(follow(topic))
        context = NewsContext(bot.app)
        summary = await notify_followers(context, IndexReport(added=["tram", "crane", "bakery"]))
        again = await notify_followers(context, IndexReport(updated=["tram", "crane", "bakery"]))
    assert summary is not None and (summary.matches, summary.sent, summary.dropped) == (3, 2, 1)
    assert again is not None and (again.matches, again.sent) == (0, 0)  # once per article, dropped ones too
    assert len(fake_api.sent_messages(READER)) == 3 + 2


async def test_a_reader_who_blocked_the_bot_loses_their_follows(start_bot, fake_api, site, engine):
    site.publish([])
    async with start_bot() as bot:
        await subscribe(bot, site)
        await bot.ask(follow(TRAM_QUESTION))
        await bot.ask(follow("Who won the city marathon?"))
        store = services(bot.app).follows
        fake_api.block(READER)
        site.publish([TRAM])
        await poll(bot.app)
        summary = services(bot.app).alerts.last
        assert store.of(READER, READER) == []
    assert summary.removed_chats == [READER]
    assert [c.status for c in fake_api.calls("sendMessage") if c.params.get("chat_id") == READER][-1] == 403


async def test_removing_the_bot_from_a_group_removes_the_groups_follows(start_bot, fake_api, make_settings, engine):
    restricted = feed_settings(make_settings, allowed_chat_ids=frozenset({GROUP_ID}))  # the remover isn't allowed
    async with start_bot(settings_=restricted) as bot:
        store = services(bot.app).follows
        for user in (READER, OTHER):
            await bot.ask(follow("airport tram line", user_id=user, chat_id=GROUP_ID, chat_type="supergroup"))
        store.add(READER, READER, "harbour crane", None)  # the reader's private follow stays
        bot.push(make_my_chat_member_update("member", chat_id=GROUP_ID, old_status="left"))  # added again: kept
        bot.push(make_my_chat_member_update("kicked", chat_id=GROUP_ID, user_id=9999))
        await fake_api.wait_for(lambda: not store.of(GROUP_ID, READER) and not store.of(GROUP_ID, OTHER), WAIT)
        await bot.settle()
        assert [f.topic for f in store.all()] == ["harbour crane"]
    assert fake_api.sent_messages(9999) == []  # membership changes are never answered


async def test_a_private_chat_that_blocks_the_bot_loses_its_follows(start_bot, fake_api, engine):
    async with start_bot() as bot:
        store = services(bot.app).follows
        await bot.ask(follow("airport tram line"))
        bot.push(make_my_chat_member_update("kicked", chat_id=READER, chat_type="private", user_id=READER))
        await fake_api.wait_for(lambda: not store.of(READER, READER), WAIT)
        assert store.count() == 0
