"""End to end: the real PTB Application, polling the fake Bot API over HTTP."""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from collections.abc import Sequence
from pathlib import Path

import aiohttp
import pytest

from bot.answer.result import AnswerResult, Citation, Turn
from bot.telegram import texts
from bot.telegram.access import ADMIN_ONLY_TEXT, NOT_ALLOWED_TEXT
from bot.telegram.app import build_application, webhook_options
from bot.telegram.render import utf16_len
from index.errors import EmptyIndexError, NewsbotError
from tests.bot.conftest import TOKEN
from tests.bot.engines import KeywordEngine, ScriptedEngine
from tests.bot.factories import (
    ADMIN_ID,
    GROUP_ID,
    USER_ID,
    bot_message,
    make_anonymous_admin_update,
    make_callback_query_update,
    make_channel_post_update,
    make_command_update,
    make_document_update,
    make_edited_message_update,
    make_group_message_update,
    make_message_update,
    mention,
)
from testing.telegram_api import parse_telegram_html

pytestmark = pytest.mark.e2e

QUESTION = "What did Putin say to the freed hostages?"
FOLLOW_UP = "Who else attended the meeting at the Kremlin?"


def _html_ok(text: str) -> str:
    visible, _ = parse_telegram_html(text)
    return visible


# --------------------------------------------------------------------------- conversation


async def test_private_question_is_answered_with_quotes_and_sources(start_bot, fake_api, engine, settings):
    async with start_bot() as bot:
        [reply] = await bot.ask(make_message_update(QUESTION))
    html = reply.params["text"]
    assert reply.params["parse_mode"] == "HTML"
    assert "<blockquote expandable>" in html and "[1]" in html and "<b>Sources</b>" in html
    assert "reply_parameters" not in reply.params  # private chat: a plain message, not a reply
    result = engine.ask(QUESTION)
    assert result.citations and not result.refused
    for c in result.citations:
        article = (Path(settings.corpus_dir) / engine_path(engine, c.article_id)).read_text(encoding="utf-8")
        assert c.quote in article  # quotes are verbatim article text…
        assert c.quote.strip() in reply.visible_text  # …and shown in full
        assert c.title in reply.visible_text.split("Sources")[-1]
        if c.url:
            assert f'<a href="{c.url}' in html
    # "typing…" was shown before the answer
    actions = fake_api.calls("sendChatAction")
    assert actions and actions[0].params["action"] == "typing" and actions[0].at <= reply.at


def engine_path(engine, article_id: str) -> str:
    return next(a.path for a in engine.articles() if a.id == article_id)


async def test_start_and_help_explain_what_the_bot_knows(start_bot, fake_api):
    async with start_bot() as bot:
        [start] = await bot.ask(make_command_update("start"))
        [help_] = await bot.ask(make_command_update("help"))
    for call in (start, help_):
        text = call.visible_text
        assert "1 news article" in text
        assert "/ask" in text and "/sources" in text and "/reset" in text
    commands = fake_api.calls("setMyCommands")
    assert commands and {c["command"] for c in commands[0].params["commands"]} >= {"ask", "sources", "reset", "help"}
    admin_menu = [c for c in commands if c.params.get("scope", {}).get("chat_id") == ADMIN_ID]
    assert admin_menu and "reindex" in {c["command"] for c in admin_menu[0].params["commands"]}


async def test_sources_lists_articles_and_pages(start_bot, fake_api, settings):
    inner = KeywordEngine(sorted(Path(settings.corpus_dir).glob("*.txt")))
    inner.add_synthetic(24)  # 25 articles: 3 pages
    async with start_bot(engine_=inner) as bot:
        [first] = await bot.ask(make_command_update("sources"))
        assert "1–10 of 25" in first.visible_text
        assert "Synthetic story number 23 <b>&</b>" in first.visible_text
        assert "&lt;b&gt;&amp;&lt;/b&gt;" in first.params["text"]
        buttons = [b for row in first.params["reply_markup"]["inline_keyboard"] for b in row]
        assert "sources:1" in [b["callback_data"] for b in buttons]
        message = {**first.result, "chat": {"id": USER_ID, "type": "private", "first_name": "U"}}
        bot.push(make_callback_query_update("sources:1", message))
        edit = await fake_api.wait_for(lambda: fake_api.calls("editMessageText"))
        await fake_api.wait_for(lambda: fake_api.calls("answerCallbackQuery"))
    assert "11–20 of 25" in edit[0].visible_text
    assert edit[0].params["message_id"] == first.result["message_id"]


async def test_reset_forgets_the_conversation(start_bot, engine):
    async with start_bot() as bot:
        await bot.ask(make_message_update(QUESTION))
        [reset] = await bot.ask(make_command_update("reset"))
        await bot.ask(make_message_update("And what about the hostages released in February?"))
    assert reset.visible_text == texts.RESET_DONE
    assert engine.asked[-1][1] == []  # the question after /reset came without history


async def test_follow_up_uses_the_chat_history(start_bot, engine):
    async with start_bot() as bot:
        await bot.ask(make_message_update(QUESTION))
        [second] = await bot.ask(make_message_update(FOLLOW_UP))
    question, history = engine.asked[-1]
    assert [t.question for t in history] == [QUESTION]
    assert "<blockquote" in second.params["text"]


async def test_history_survives_an_application_restart(start_bot, engine):
    async with start_bot() as bot:
        await bot.ask(make_message_update(QUESTION))
    async with start_bot() as bot:  # a new Application over the same settings (history file)
        await bot.ask(make_message_update(FOLLOW_UP))
    assert [t.question for t in engine.asked[-1][1]] == [QUESTION]


async def test_question_too_long_is_refused_politely(start_bot, engine, settings):
    async with start_bot() as bot:
        [reply] = await bot.ask(make_message_update("why " * settings.max_question_chars))
    assert "I can take up to" in reply.visible_text
    assert engine.asked == []


async def test_per_user_rate_limit_answers_the_excess_politely(start_bot, make_settings, engine):
    async with start_bot(make_settings(questions_per_minute=2)) as bot:
        for _ in range(2):
            await bot.ask(make_message_update(QUESTION))
        [third] = await bot.ask(make_message_update(QUESTION))
        [other_user] = await bot.ask(make_message_update(QUESTION, user_id=USER_ID + 1))
    assert "2 questions a minute" in third.visible_text
    assert len(engine.asked) == 3 and "<blockquote" in other_user.params["text"]


# --------------------------------------------------------------------------- groups


async def test_group_message_without_mention_is_ignored(start_bot, fake_api, engine):
    async with start_bot() as bot:
        bot.push(make_group_message_update("What did Putin say about Hamas?"))
        bot.push(make_group_message_update("@someone_else what did Putin say about Hamas?"))
        await fake_api.settle()
    assert fake_api.sent_messages(GROUP_ID) == [] and engine.asked == []


async def test_group_mention_is_answered_as_a_reply(start_bot, fake_api, engine):
    update = make_group_message_update(mention(QUESTION))
    async with start_bot() as bot:
        [reply] = await bot.ask(update)
    assert reply.params["reply_parameters"]["message_id"] == update["message"]["message_id"]
    assert "<blockquote" in reply.params["text"]
    assert engine.asked[0][0] == QUESTION  # the mention is not part of the question


async def test_group_reply_to_the_bot_and_ask_command_are_answered(start_bot, engine):
    async with start_bot() as bot:
        reply_to_bot = make_group_message_update("And who attended the meeting?", reply_to=bot_message())
        [first] = await bot.ask(reply_to_bot)
        ask = make_command_update("ask", QUESTION, to_bot=True, chat_id=GROUP_ID, chat_type="supergroup")
        [second] = await bot.ask(ask)
    assert first.params["reply_parameters"]["message_id"] == reply_to_bot["message"]["message_id"]
    assert second.params["reply_parameters"]["message_id"] == ask["message"]["message_id"]
    assert [q for q, _ in engine.asked] == ["And who attended the meeting?", QUESTION]


async def test_edited_messages_and_channel_posts_are_ignored(start_bot, fake_api, engine, caplog):
    caplog.set_level(logging.ERROR)
    async with start_bot() as bot:
        bot.push(make_edited_message_update(QUESTION))
        bot.push(make_channel_post_update(mention(QUESTION)))
        await fake_api.settle()
    assert fake_api.sent_messages() == [] and engine.asked == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


# --------------------------------------------------------------------------- rendering and faults


def _long_result(question: str, history: Sequence[Turn]) -> AnswerResult:
    sentence = "Troufanov & Cohen said <nothing> about \"Hamas\" 🇮🇱 — a sentence of news [1]. "
    paragraphs = ["".join(f"{i}:{j} {sentence}" for j in range(12)) for i in range(10)]
    answer = "\n\n".join(paragraphs)
    quote = "Putin told the ex-hostages “the fact that you managed to go free” 😀 & more. " * 30
    return AnswerResult(
        question=question,
        standalone_question=question,
        answer=answer,
        citations=[
            Citation(n=1, article_id="a1", title="Putin <hosts> & hails", source="Times", url="https://x.example/a?b=1&c=2",
                     published_at="2025-04-16T10:00:00Z", quote=quote, chunk_id="a1:0", start=0, end=len(quote)),
        ],
    )


async def test_a_9000_character_answer_is_split_correctly(start_bot, settings):
    result = _long_result("q", [])
    assert len(result.answer) > 9000
    engine = ScriptedEngine(_long_result, sorted(Path(settings.corpus_dir).glob("*.txt")))
    async with start_bot(engine_=engine) as bot:
        bot.push(make_message_update("Tell me everything"))
        sent = await bot.fake.wait_for_messages(USER_ID, 3)
        await bot.fake.settle()
        sent = bot.fake.sent_messages(USER_ID)
    assert len(sent) >= 3
    for call in sent:
        assert utf16_len(call.params["text"]) <= 4096
        visible = _html_ok(call.params["text"])  # valid Telegram HTML: no cut tag or entity
        assert visible.strip()
    joined = "\n".join(c.visible_text for c in sent)
    for i in range(10):  # nothing lost, order kept
        assert f"{i}:11 Troufanov & Cohen said <nothing>" in joined
    assert joined.index("0:0 ") < joined.index("9:11 ") < joined.index("Sources")
    # paragraphs are kept whole when they fit
    assert all(not c.visible_text.startswith(tuple(f"{i}:{j} " for i in range(10) for j in range(1, 12))) for c in sent)


async def test_parse_error_falls_back_to_plain_text(start_bot, fake_api):
    fake_api.fail_next("sendMessage", kind="parse")
    async with start_bot() as bot:
        bot.push(make_message_update(QUESTION))
        sent = await fake_api.wait_for_messages(USER_ID, 1)
    calls = fake_api.calls("sendMessage")
    assert [c.status for c in calls] == [400, 200]
    assert calls[0].params["parse_mode"] == "HTML" and "parse_mode" not in calls[1].params
    plain = sent[0].params["text"]
    assert "<blockquote" not in plain and "<b>" not in plain and "“" in plain and "Sources:" in plain


async def test_429_is_retried_once_after_the_delay(start_bot, fake_api):
    fake_api.fail_next("sendMessage", kind="429", retry_after=1)
    async with start_bot() as bot:
        bot.push(make_message_update(QUESTION))
        await fake_api.wait_for_messages(USER_ID, 1, timeout=10)
        await fake_api.settle()
    calls = fake_api.calls("sendMessage")
    assert [c.status for c in calls] == [429, 200]
    assert calls[1].at - calls[0].at >= 1.0
    assert calls[0].params["text"] == calls[1].params["text"]


async def test_engine_failure_tells_the_user_once_and_logs(start_bot, fake_api, settings, caplog):
    def boom(question: str, history: Sequence[Turn]) -> AnswerResult:
        raise RuntimeError("model exploded")

    engine = ScriptedEngine(boom, sorted(Path(settings.corpus_dir).glob("*.txt")))
    caplog.set_level(logging.INFO)
    async with start_bot(engine_=engine) as bot:
        bot.push(make_message_update(QUESTION))
        await fake_api.wait_for_messages(USER_ID, 1)
        await fake_api.settle()
    assert fake_api.texts(USER_ID) == [texts.GENERIC_ERROR]
    assert any(r.exc_info and "model exploded" in str(r.exc_info[1]) for r in caplog.records)


async def test_user_facing_engine_errors_are_shown(start_bot, fake_api, settings):
    def busy(question: str, history: Sequence[Turn]) -> AnswerResult:
        raise NewsbotError("The answer service is down; try again in a minute.")

    engine = ScriptedEngine(busy, sorted(Path(settings.corpus_dir).glob("*.txt")))
    async with start_bot(engine_=engine) as bot:
        [reply] = await bot.ask(make_message_update(QUESTION))
    assert reply.visible_text == "The answer service is down; try again in a minute."


async def test_network_error_while_polling_is_survived(start_bot, fake_api, caplog):
    caplog.set_level(logging.WARNING)
    async with start_bot() as bot:
        fake_api.fail_next("getUpdates", kind="5xx")
        await fake_api.wait_for(lambda: [c for c in fake_api.calls("getUpdates") if c.status == 502], timeout=5)
        [reply] = await bot.ask(make_message_update(QUESTION), timeout=10)
    assert "<blockquote" in reply.params["text"]


async def test_thirty_users_at_once_are_all_answered_exactly_once(start_bot, fake_api):
    users = [USER_ID + i for i in range(30)]
    async with start_bot() as bot:
        for user in users:
            bot.push(make_message_update(QUESTION, user_id=user))

        def all_answered() -> bool:
            return all(fake_api.sent_messages(u) for u in users)

        await fake_api.wait_for(all_answered, timeout=20)
        await fake_api.settle()
    for user in users:
        assert len(fake_api.sent_messages(user)) == 1


async def test_messages_of_one_chat_are_answered_in_order(start_bot, fake_api):
    questions = [f"{QUESTION} ({i})" for i in range(5)]
    async with start_bot() as bot:
        for q in questions:
            bot.push(make_message_update(q))
        await fake_api.wait_for_messages(USER_ID, 5)
    # one conversation is served in arrival order (and each question saw the previous turns)
    asked = bot.app.bot_data["engine"].asked
    assert [q for q, _ in asked] == questions
    assert [len(history) for _, history in asked] == [0, 1, 2, 3, 4]


# --------------------------------------------------------------------------- access and admin


async def test_non_admin_reindex_is_refused_and_logged(start_bot, engine, caplog):
    caplog.set_level(logging.WARNING)
    async with start_bot() as bot:
        [reply] = await bot.ask(make_command_update("reindex"))
        [stats] = await bot.ask(make_command_update("stats"))
        [anon] = await bot.ask(make_anonymous_admin_update("/reindex"))
    assert reply.visible_text == stats.visible_text == anon.visible_text == ADMIN_ONLY_TEXT
    assert engine.reindexed == []
    refusals = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Refused")]
    assert len(refusals) == 3 and f"user={USER_ID}" in refusals[0]


async def test_anonymous_group_admin_is_not_an_admin(start_bot, make_settings, engine):
    settings = make_settings(admin_user_ids=frozenset({ADMIN_ID, 1087968824, GROUP_ID}))
    async with start_bot(settings) as bot:
        [reply] = await bot.ask(make_anonymous_admin_update("/reindex"))
    assert reply.visible_text == ADMIN_ONLY_TEXT and engine.reindexed == []


async def test_admin_reindex_reports_and_refuses_a_second_run(start_bot, fake_api, settings):
    inner = KeywordEngine(sorted(Path(settings.corpus_dir).glob("*.txt")))
    inner.reindex_gate = threading.Event()
    async with start_bot(engine_=inner) as bot:
        [started] = await bot.ask(make_command_update("reindex", user_id=ADMIN_ID))
        [again] = await bot.ask(make_command_update("reindex", user_id=ADMIN_ID))
        inner.reindex_gate.set()
        await fake_api.wait_for(lambda: any(t.startswith("Indexed") for t in fake_api.texts(ADMIN_ID)))
        await bot.ask(make_command_update("stats", user_id=ADMIN_ID))
    assert "Re-indexing" in started.visible_text
    assert again.visible_text == texts.ALREADY_REINDEXING
    texts_sent = fake_api.texts(ADMIN_ID)
    assert any(t.startswith("Indexed") for t in texts_sent)
    assert any("Articles: 1" in t and "Answer mode: offline" in t for t in texts_sent)


async def test_admin_document_upload_is_indexed_then_answerable(start_bot, fake_api, settings, engine):
    content = (
        "Lighthouse keepers strike in Brittany\n\n"
        "The lighthouse keepers of Brittany went on strike on Monday over pay. "
        "Their union said the strike would last a week.\n"
    ).encode()
    file_id = fake_api.add_file(content, "strike.txt")
    update = make_document_update(file_id, "../../Lighthouse strike (draft).TXT", len(content))
    async with start_bot() as bot:
        await bot.ask(update, count=1, timeout=20)
        saved = Path(settings.corpus_dir) / "Lighthouse-strike-draft.txt"
        assert saved.read_bytes() == content
        [answer] = await bot.ask(make_message_update("Why did the lighthouse keepers of Brittany strike?"))
    report = fake_api.texts(ADMIN_ID)[0]
    assert "Saved Lighthouse-strike-draft.txt" in report and "Added:" in report
    assert engine.reindexed and Path(engine.reindexed[0][0]) == saved
    assert "lighthouse keepers of Brittany went on strike" in answer.visible_text
    assert engine.index_info().articles == 2  # added, nothing else dropped


async def test_non_admin_document_is_refused(start_bot, fake_api, settings):
    file_id = fake_api.add_file(b"Title\n\nBody.", "x.txt")
    async with start_bot() as bot:
        [reply] = await bot.ask(make_document_update(file_id, "x.txt", 12, user_id=USER_ID))
    assert reply.visible_text == ADMIN_ONLY_TEXT
    assert not (Path(settings.corpus_dir) / "x.txt").exists()
    assert not fake_api.calls("getFile")


async def test_admin_upload_of_wrong_type_or_size_is_refused(start_bot, fake_api, make_settings, settings):
    async with start_bot(make_settings(upload_max_bytes=100)) as bot:
        [wrong_type] = await bot.ask(make_document_update("F1", "virus.exe", 10))
        [too_big] = await bot.ask(make_document_update("F2", "big.txt", 5000))
    assert ".txt" in wrong_type.visible_text and "limit" in too_big.visible_text
    assert not fake_api.calls("getFile")


async def test_allow_lists_refuse_everyone_else(start_bot, make_settings, engine):
    settings = make_settings(allowed_user_ids=frozenset({USER_ID}))
    async with start_bot(settings) as bot:
        [ok] = await bot.ask(make_message_update(QUESTION))
        [refused] = await bot.ask(make_message_update(QUESTION, user_id=999))
        [admin_ok] = await bot.ask(make_message_update(QUESTION, user_id=ADMIN_ID))
    assert "<blockquote" in ok.params["text"] and "<blockquote" in admin_ok.params["text"]
    assert refused.visible_text == NOT_ALLOWED_TEXT


# --------------------------------------------------------------------------- start-up, webhook, logs


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


async def test_webhook_rejects_a_wrong_secret(fake_api, make_settings, engine):
    port = _free_port()
    settings = make_settings(webhook_secret="s3cret-token_OK", webhook_listen="127.0.0.1", webhook_port=port)
    options = webhook_options(settings, "https://bot.example/telegram/hook")
    assert options["url_path"] == "telegram/hook" and options["secret_token"] == "s3cret-token_OK"
    app = build_application(settings, engine)
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
            await asyncio.sleep(0.3)
            assert fake_api.sent_messages() == [] and engine.asked == []
            async with http.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-token_OK"}) as r:
                assert r.status == 200
        await fake_api.wait_for_messages(USER_ID, 1)
    finally:
        if app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()
        await app.post_shutdown(app)


def test_webhook_needs_a_secret(make_settings):
    from bot.telegram.app import BotConfigError

    with pytest.raises(BotConfigError, match="WEBHOOK_SECRET"):
        webhook_options(make_settings(), "https://bot.example/hook")
    with pytest.raises(BotConfigError, match="letters"):
        webhook_options(make_settings(webhook_secret="has spaces!"), "https://bot.example/hook")


async def test_the_token_never_appears_in_logs(start_bot, fake_api, caplog):
    caplog.set_level(logging.DEBUG)
    fake_api.fail_next("sendMessage", kind="429", retry_after=1)
    async with start_bot() as bot:
        await bot.ask(make_message_update(QUESTION), timeout=10)
        await bot.ask(make_command_update("reindex"))
    assert caplog.records
    assert TOKEN not in caplog.text
    assert all(TOKEN not in r.getMessage() for r in caplog.records)
    assert TOKEN.split(":")[1] not in caplog.text
    assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING
    assert "<token>" in caplog.text  # PTB logs its base URL at DEBUG: it was redacted, not lost
