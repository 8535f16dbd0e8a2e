"""Building and running the Application: typed context, ordering, menus, start-up, webhook, logs."""

from __future__ import annotations

import asyncio
import logging
import socket

import aiohttp
import pytest
from telegram import Update

from bot.telegram.app import ConversationOrderedProcessor, build_application, file_url_for, webhook_options
from bot.telegram.context import BotData, NewsContext
from bot.telegram.services import BotServices
from index.errors import EmptyIndexError
from tests.bot.conftest import TOKEN
from tests.bot.engines import KeywordEngine
from testing.app_activity import AppActivity
from testing.telegram_updates import ADMIN_ID, GROUP_ID, USER_ID, make_command_update, make_message_update

QUESTION = "What did Putin say to the freed hostages?"


def update_of(data: dict) -> Update:
    return Update.de_json({"update_id": 1, **data}, None)


def test_file_url_for():
    assert file_url_for("http://127.0.0.1:8081/bot") == "http://127.0.0.1:8081/file/bot"
    assert file_url_for("https://api.telegram.org/bot/") == "https://api.telegram.org/file/bot"
    assert file_url_for("http://h/prefix/bot{token}/test") == "http://h/prefix/bot{token}/file/test"


async def test_processor_orders_one_conversation_and_overlaps_others():
    processor = ConversationOrderedProcessor(16)
    events: list[str] = []
    b1_done = asyncio.Event()

    async def work(name: str, wait_for: asyncio.Event | None = None, done: asyncio.Event | None = None) -> None:
        events.append(f"start {name}")
        if wait_for is not None:  # a1 ends only after b1 (another conversation) has run
            await asyncio.wait_for(wait_for.wait(), 60)  # a bound for a hung run
        events.append(f"end {name}")
        if done is not None:
            done.set()

    a1 = update_of(make_message_update("1", user_id=1))
    a2 = update_of(make_message_update("2", user_id=1))
    b1 = update_of(make_message_update("3", user_id=2))
    async with processor:
        await asyncio.gather(
            processor.process_update(a1, work("a1", wait_for=b1_done)),
            processor.process_update(a2, work("a2")),
            processor.process_update(b1, work("b1", done=b1_done)),
        )
    assert events.index("end a1") < events.index("start a2")  # same chat: in order
    assert events.index("end b1") < events.index("end a1")  # other chat: didn't wait
    assert processor._locks == {}  # no leak


async def test_a_conversation_with_many_queued_updates_does_not_hold_up_other_chats():
    """One user sends several questions at once while their first is still being answered: the ones
    queued behind it must not take the concurrency slots that other chats' updates need."""
    processor = ConversationOrderedProcessor(2)
    release = asyncio.Event()
    order: list[str] = []

    async def work(name: str, held: bool = False) -> None:
        if held:
            await release.wait()
        order.append(name)

    async with processor:
        flood = [asyncio.create_task(processor.process_update(update_of(make_message_update(str(i), user_id=1)),
                                                              work(f"a{i}", held=i == 0))) for i in range(4)]
        other = asyncio.create_task(processor.process_update(update_of(make_message_update("b", user_id=2)),
                                                             work("b")))
        done, _ = await asyncio.wait({other}, timeout=60)  # a bound for a hung run, not a timing
        assert other in done, "another chat waited for a flooding conversation"
        release.set()
        await asyncio.gather(*flood)
    assert order == ["b", "a0", "a1", "a2", "a3"]  # the flooding conversation still in its own order
    assert processor._locks == {}


async def test_typing_does_not_use_up_a_groups_message_budget(settings):
    """"typing…" is refreshed every few seconds while an answer is prepared; counted against a group's
    20 messages a minute, it would hold back the answers. Here the group's budget is one message an
    hour: three chat actions and then the message must all go through at once."""
    application = build_application(settings, KeywordEngine())
    limiter = type(application.bot.rate_limiter)(group_max_rate=1, group_time_period=3600, max_retries=0)
    posted: list[str] = []

    async def post(endpoint: str, data: dict) -> bool:
        posted.append(endpoint)
        return True

    async def request(endpoint: str) -> object:
        data = {"chat_id": GROUP_ID, "action": "typing"}
        return await limiter.process_request(post, (endpoint, data), {}, endpoint, data, None)

    await limiter.initialize()
    try:
        work = asyncio.ensure_future(asyncio.gather(*(request("sendChatAction") for _ in range(3))))
        done, _ = await asyncio.wait({work}, timeout=60)  # a bound for a hung run, not a timing
        assert work in done, "chat actions waited for the group's message budget"
        await asyncio.wait_for(request("sendMessage"), 60)  # the budget is still there for the answer
        work.result()
    finally:
        work.cancel()
        await limiter.shutdown()
    assert posted == ["sendChatAction"] * 3 + ["sendMessage"]


@pytest.mark.e2e
async def test_handlers_get_a_typed_context(start_bot, engine, settings):
    async with start_bot() as bot:
        app = bot.app
        assert isinstance(app.bot_data, BotData) and app.bot_data.engine is engine
        assert isinstance(app.bot_data.services, BotServices)
        context = NewsContext.from_update(update_of(make_message_update("x", language_code="ru")), app)
        assert isinstance(context, NewsContext)
        assert context.engine is engine and context.services.settings is settings
        assert context.user_language == "ru" and context.tr.language == "ru"
        assert NewsContext.from_update(update_of(make_message_update("x")), app).tr.language == "en"


@pytest.mark.e2e
async def test_command_menus_are_set_per_language_and_for_admins(start_bot, fake_api):
    async with start_bot():
        pass
    menus = {(c.params.get("language_code"), c.params.get("scope", {}).get("chat_id")): c.params["commands"]
             for c in fake_api.calls("setMyCommands")}
    everyone = {c["command"]: c["description"] for c in menus[(None, None)]}
    assert set(everyone) == {"ask", "sources", "follow", "following", "unfollow", "reset", "help"}
    assert everyone["ask"] == "Ask a question about the news"
    assert {c["command"] for c in menus[(None, ADMIN_ID)]} >= {"reindex", "stats", "feeds", "addfeed", "removefeed"}
    russian = {c["command"]: c["description"] for c in menus[("ru", None)]}
    assert russian["ask"] == "Задать вопрос о новостях"
    assert "reindex" in {c["command"] for c in menus[("ru", ADMIN_ID)]}


@pytest.mark.e2e
async def test_refuses_to_start_on_an_empty_index(fake_api, settings, tmp_path):
    app = build_application(settings, KeywordEngine([]))
    await app.initialize()
    try:
        with pytest.raises(EmptyIndexError, match="empty"):
            await app.post_init(app)
    finally:
        await app.shutdown()
        await app.post_shutdown(app)
    assert not fake_api.calls("setMyCommands")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.e2e
async def test_webhook_rejects_a_wrong_secret(fake_api, make_settings, engine):
    port = _free_port()
    settings = make_settings(webhook_secret="s3cret-token_OK", webhook_listen="127.0.0.1", webhook_port=port)
    options = webhook_options(settings, "https://bot.example/telegram/hook")
    assert options["url_path"] == "telegram/hook" and options["secret_token"] == "s3cret-token_OK"
    app = build_application(settings, engine)
    activity = AppActivity(app)
    await app.initialize()
    try:
        await app.post_init(app)
        await app.updater.start_webhook(**options)
        await app.start()
        assert fake_api.calls("setWebhook")[0].params["secret_token"] == "s3cret-token_OK"
        url = f"http://127.0.0.1:{port}/telegram/hook"
        update = make_message_update(QUESTION)
        update["update_id"] = 1
        async with aiohttp.ClientSession() as http:
            async with http.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}) as r:
                assert r.status == 403
            async with http.post(url, json=update) as r:
                assert r.status == 403
            async with http.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-token_OK"}) as r:
                assert r.status == 200
        await fake_api.wait_for_messages(USER_ID, 1)
        await fake_api.settle(activity)
    finally:
        if app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()
        await app.post_shutdown(app)
    # the two refused posts were never processed: one question, one answer
    assert len(fake_api.sent_messages()) == 1 and len(engine.asked) == 1


def test_webhook_needs_a_secret(make_settings):
    from bot.telegram.app import BotConfigError

    with pytest.raises(BotConfigError, match="WEBHOOK_SECRET"):
        webhook_options(make_settings(), "https://bot.example/hook")
    with pytest.raises(BotConfigError, match="letters"):
        webhook_options(make_settings(webhook_secret="has spaces!"), "https://bot.example/hook")


@pytest.mark.e2e
async def test_the_token_never_appears_in_logs(start_bot, fake_api, caplog):
    caplog.set_level(logging.DEBUG)
    fake_api.fail_next("sendMessage", kind="429", retry_after=1)
    async with start_bot() as bot:
        await bot.ask(make_message_update(QUESTION))
        await bot.ask(make_command_update("reindex"))
    assert caplog.records
    assert TOKEN not in caplog.text
    assert all(TOKEN not in r.getMessage() for r in caplog.records)
    assert TOKEN.split(":")[1] not in caplog.text
    assert "<token>" in caplog.text  # PTB logs its base URL at DEBUG: it was redacted, not lost
