"""Questions and user commands end to end: the real PTB Application polling the fake Bot API."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Sequence
from pathlib import Path

import pytest

from bot.answer.result import AnswerResult, Citation, Turn
from bot.i18n import texts
from bot.telegram import handlers, replies
from bot.telegram.fragments import utf16_len
from bot.telegram.render import render_answer
from index.errors import NewsbotError
from index.models import ArticleInfo
from tests.bot.engines import KeywordEngine, ScriptedEngine
from testing.telegram_api import BOT_USERNAME, parse_telegram_html
from testing.telegram_updates import (
    GROUP_ID,
    USER_ID,
    bot_message,
    make_callback_query_update,
    make_channel_post_update,
    make_command_update,
    make_edited_message_update,
    make_group_message_update,
    make_message_update,
    mention,
)

pytestmark = pytest.mark.e2e

QUESTION = "What did Putin say to the freed hostages?"
FOLLOW_UP = "Who else attended the meeting at the Kremlin?"
EN = texts("en")


def corpus_files(settings) -> list[Path]:
    return sorted(Path(settings.corpus_dir).glob("*.txt"))


# --------------------------------------------------------------------------- conversation


async def test_private_question_is_answered_with_quotes_and_sources(start_bot, fake_api, engine, settings):
    async with start_bot() as bot:
        [reply] = await bot.ask(make_message_update(QUESTION))
    html = reply.params["text"]
    assert reply.params["parse_mode"] == "HTML"  # from PTB's Defaults
    assert reply.params["link_preview_options"] == {"is_disabled": True}
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
    order = fake_api.calls()  # in order of arrival
    assert actions and actions[0].params["action"] == "typing" and order.index(actions[0]) < order.index(reply)


def engine_path(engine, article_id: str) -> str:
    return next(a.path for a in engine.articles() if a.id == article_id)


async def test_the_users_language_reaches_the_engine(start_bot, engine):
    async with start_bot() as bot:
        await bot.ask(make_message_update(QUESTION, language_code="pt-BR"))
    assert engine.user_languages == ["pt-BR"]


async def test_start_and_help_explain_what_the_bot_knows(start_bot, fake_api):
    async with start_bot() as bot:
        [start] = await bot.ask(make_command_update("start"))
        [help_] = await bot.ask(make_command_update("help"))
    for call in (start, help_):
        text = call.visible_text
        assert "1 news article." in text
        assert "/ask" in text and "/sources" in text and "/reset" in text
        assert "/reindex" not in text


async def test_sources_lists_articles_and_pages(start_bot, fake_api, settings):
    inner = KeywordEngine(corpus_files(settings))
    inner.add_synthetic(24)  # 25 articles: 3 pages
    async with start_bot(engine_=inner) as bot:
        [first] = await bot.ask(make_command_update("sources"))
        assert "1–10 of 25" in first.visible_text
        assert "Synthetic story number 23 <b>&</b>" in first.visible_text
        assert "&lt;b&gt;&amp;&lt;/b&gt;" in first.params["text"]
        buttons = [b for row in first.params["reply_markup"]["inline_keyboard"] for b in row]
        assert "sources:1" in [b["callback_data"] for b in buttons] and "Next ▶" in [b["text"] for b in buttons]
        message = {**first.result, "chat": {"id": USER_ID, "type": "private", "first_name": "U"}}
        bot.push(make_callback_query_update("sources:1", message))
        edit = await fake_api.wait_for(lambda: fake_api.calls("editMessageText"))
        await fake_api.wait_for(lambda: fake_api.calls("answerCallbackQuery"))
    assert "11–20 of 25" in edit[0].visible_text
    assert edit[0].params["message_id"] == first.result["message_id"]


async def test_buttons_are_always_answered(start_bot, fake_api, settings):
    """The current page's own button (an edit that changes nothing: Telegram's "message is not
    modified") and a button no handler knows (an old keyboard) are answered, and nobody is told of
    an error."""
    inner = KeywordEngine(corpus_files(settings))
    inner.add_synthetic(24)
    async with start_bot(engine_=inner) as bot:
        [first] = await bot.ask(make_command_update("sources"))
        message = {**first.result, "chat": {"id": USER_ID, "type": "private", "first_name": "U"}}
        same_page = make_callback_query_update("sources:0", message)
        old_button = make_callback_query_update("vote:up", message)
        bot.push(same_page)
        bot.push(old_button)
        await bot.settle()
    answered = [c.params["callback_query_id"] for c in fake_api.calls("answerCallbackQuery") if c.ok]
    assert sorted(answered) == sorted([same_page["callback_query"]["id"], old_button["callback_query"]["id"]])
    assert [c.status for c in fake_api.calls("editMessageText")] == [400]  # not modified: ignored
    assert len(fake_api.sent_messages(USER_ID)) == 1  # no error message


async def test_reset_forgets_the_conversation(start_bot, engine):
    async with start_bot() as bot:
        await bot.ask(make_message_update(QUESTION))
        [reset] = await bot.ask(make_command_update("reset"))
        await bot.ask(make_message_update("And what about the hostages released in February?"))
    assert reset.visible_text == replies.reset_done(EN)
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


async def test_unknown_commands_and_non_text_get_a_hint(start_bot):
    async with start_bot() as bot:
        [unknown] = await bot.ask(make_command_update("frobnicate"))
        [non_text] = await bot.ask(make_message_update(None))
    assert unknown.visible_text == replies.unknown_command(EN)
    assert non_text.visible_text == replies.non_text_hint(EN)


# --------------------------------------------------------------------------- groups


async def test_group_message_without_mention_is_ignored(start_bot, fake_api, engine):
    async with start_bot() as bot:
        bot.push(make_group_message_update("What did Putin say about Hamas?"))
        bot.push(make_group_message_update("@someone_else what did Putin say about Hamas?"))
        await bot.settle()
    assert fake_api.sent_messages(GROUP_ID) == [] and engine.asked == []


async def test_group_mention_is_answered_as_a_reply(start_bot, fake_api, engine):
    update = make_group_message_update(mention(QUESTION))
    async with start_bot() as bot:
        [reply] = await bot.ask(update)
    assert reply.params["reply_parameters"]["message_id"] == update["message"]["message_id"]
    assert reply.params["reply_parameters"]["allow_sending_without_reply"] is True  # from Defaults
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


async def test_group_commands_for_other_bots_and_stickers_are_ignored(start_bot, fake_api, engine, caplog):
    caplog.set_level(logging.ERROR)
    sticker = make_group_message_update("x")
    del sticker["message"]["text"]
    sticker["message"]["sticker"] = {"file_id": "s1", "file_unique_id": "us1", "type": "regular", "width": 512,
                                     "height": 512, "is_animated": False, "is_video": False}
    async with start_bot() as bot:
        bot.push(make_group_message_update(f"/ask@other_news_bot {QUESTION}"))
        bot.push(make_group_message_update("/help@other_news_bot"))
        bot.push(sticker)
        await bot.settle()
        assert fake_api.sent_messages(GROUP_ID) == [] and engine.asked == []
        [reply] = await bot.ask(make_group_message_update(f"/ask@{BOT_USERNAME.upper()} {QUESTION}"))
    assert engine.asked[0][0] == QUESTION and "<blockquote" in reply.params["text"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_user_who_blocked_the_bot_does_not_hold_up_others(start_bot, fake_api, caplog):
    caplog.set_level(logging.ERROR)
    fake_api.block(USER_ID)
    async with start_bot() as bot:
        bot.push(make_message_update(QUESTION))
        [reply] = await bot.ask(make_message_update(QUESTION, user_id=USER_ID + 1))
        await bot.settle()
    assert "<blockquote" in reply.params["text"]
    assert [c.status for c in fake_api.calls("sendMessage") if c.params["chat_id"] == USER_ID] == [403]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]  # logged, not an error


async def test_forum_topic_questions_are_answered_in_their_topic(start_bot, engine):
    update = make_group_message_update(mention(QUESTION), thread_id=55)
    async with start_bot() as bot:
        [reply] = await bot.ask(update)
    assert reply.params["message_thread_id"] == 55
    assert reply.params["reply_parameters"]["message_id"] == update["message"]["message_id"]


async def test_edited_messages_and_channel_posts_are_ignored(start_bot, fake_api, engine, caplog):
    caplog.set_level(logging.ERROR)
    async with start_bot() as bot:
        bot.push(make_edited_message_update(QUESTION))
        bot.push(make_channel_post_update(mention(QUESTION)))
        await bot.settle()
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
    engine = ScriptedEngine(_long_result, corpus_files(settings))
    async with start_bot(engine_=engine) as bot:
        bot.push(make_message_update("Tell me everything"))
        await bot.fake.wait_for_messages(USER_ID, 3)
        await bot.settle()
        sent = bot.fake.sent_messages(USER_ID)
    assert len(sent) >= 3
    for call in sent:
        assert utf16_len(call.params["text"]) <= 4096
        visible, _ = parse_telegram_html(call.params["text"])  # valid Telegram HTML: no cut tag or entity
        assert visible.strip()
    joined = "\n".join(c.visible_text for c in sent)
    for i in range(10):  # nothing lost, order kept
        assert f"{i}:11 Troufanov & Cohen said <nothing>" in joined
    assert joined.index("0:0 ") < joined.index("9:11 ") < joined.index("Sources")
    # paragraphs are kept whole when they fit
    assert all(not c.visible_text.startswith(tuple(f"{i}:{j} " for i in range(10) for j in range(1, 12))) for c in sent)


def _huge_result(question: str, history: Sequence[Turn]) -> AnswerResult:
    quote = "Putin met the freed hostages at the Kremlin."
    return AnswerResult(
        question=question, standalone_question=question, answer="x " * 1_000_000 + "[1]",  # a 2 MB reply
        citations=[Citation(n=1, article_id="a1", title="T" * 500_000, source="S" * 200_000,
                            url="https://x.example/a", published_at="2025-04-16", quote=quote, chunk_id="a1:0",
                            start=0, end=len(quote))],
    )


async def test_a_huge_answer_or_help_is_a_bounded_number_of_messages(start_bot, make_settings, settings, fake_api):
    engine = ScriptedEngine(_huge_result, corpus_files(settings))
    engine.add_article(ArticleInfo("huge", "T" * 500_000, "S" * 200_000, "https://x.example/h", "2025-04-16",
                                   "huge.txt", 1, "h", ""))
    async with start_bot(make_settings(answer_max_messages=4), engine_=engine) as bot:
        bot.push(make_message_update("Tell me everything"))
        await fake_api.wait_for_messages(USER_ID, 4)
        [help_] = await bot.ask(make_command_update("help"))
        [sources] = await bot.ask(make_command_update("sources"))
    answer = fake_api.sent_messages(USER_ID)[:4]
    assert "was shortened" in "".join(c.visible_text for c in answer)
    assert "Sources" in answer[-1].visible_text  # the sources survive the cut
    assert len(help_.visible_text) < 2000 and len(sources.visible_text) < 4096


async def test_another_chat_is_answered_while_a_huge_answer_renders(start_bot, settings, fake_api, monkeypatch):
    """The render of chat A is held (in its thread) until chat B has its answer: B can only be
    answered if A's render is not on the event loop's thread."""
    engine = ScriptedEngine(lambda q, h: _huge_result(q, h) if q == "huge" else _long_result(q, h),
                            corpus_files(settings))
    entered, release = threading.Event(), threading.Event()
    render_threads: list[threading.Thread] = []

    def held_render(result: AnswerResult, **kwargs):
        if result.question == "huge":
            render_threads.append(threading.current_thread())
            entered.set()
            release.wait(120)  # a bound for a hung run
        return render_answer(result, **kwargs)

    monkeypatch.setattr(handlers, "render_answer", held_render)
    other = USER_ID + 1
    async with start_bot(engine_=engine) as bot:
        bot.push(make_message_update("huge"))
        assert await asyncio.to_thread(entered.wait, 60)
        bot.push(make_message_update("small", user_id=other))
        await fake_api.wait_for_messages(other, 1)
        assert fake_api.sent_messages(USER_ID) == []  # A's render is still held…
        release.set()
        await fake_api.wait_for_messages(USER_ID, 1)  # …and A is answered once it ends
    assert render_threads[0] is not threading.main_thread()
    assert render_threads[0].name.startswith("newsbot-render")


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
        await fake_api.wait_for_messages(USER_ID, 1)
        await bot.settle()
    calls = fake_api.calls("sendMessage")
    # the fake answers a retry that comes before retry_after with 429 again, as Telegram does: one
    # 429 then 200 means the bot waited, judged by the order of outcomes, not by a measured gap
    assert [c.status for c in calls] == [429, 200]
    assert calls[0].params["text"] == calls[1].params["text"]


async def test_engine_failure_tells_the_user_once_and_logs(start_bot, fake_api, settings, caplog):
    def boom(question: str, history: Sequence[Turn]) -> AnswerResult:
        raise RuntimeError("model exploded")

    engine = ScriptedEngine(boom, corpus_files(settings))
    caplog.set_level(logging.INFO)
    async with start_bot(engine_=engine) as bot:
        bot.push(make_message_update(QUESTION))
        await fake_api.wait_for_messages(USER_ID, 1)
        await bot.settle()
    assert fake_api.texts(USER_ID) == [replies.generic_error(EN)]
    assert any(r.exc_info and "model exploded" in str(r.exc_info[1]) for r in caplog.records)


async def test_user_facing_engine_errors_are_shown(start_bot, fake_api, settings):
    def busy(question: str, history: Sequence[Turn]) -> AnswerResult:
        raise NewsbotError("The answer service is down; try again in a minute.")

    engine = ScriptedEngine(busy, corpus_files(settings))
    async with start_bot(engine_=engine) as bot:
        [reply] = await bot.ask(make_message_update(QUESTION))
    assert reply.visible_text == "The answer service is down; try again in a minute."


async def test_network_error_while_polling_is_survived(start_bot, fake_api, caplog):
    caplog.set_level(logging.WARNING)
    async with start_bot() as bot:
        fake_api.fail_next("getUpdates", kind="5xx")
        await fake_api.wait_for(lambda: [c for c in fake_api.calls("getUpdates") if c.status == 502])
        [reply] = await bot.ask(make_message_update(QUESTION))
    assert "<blockquote" in reply.params["text"]


async def test_thirty_users_at_once_are_all_answered_exactly_once(start_bot, fake_api):
    users = [USER_ID + i for i in range(30)]
    async with start_bot() as bot:
        for user in users:
            bot.push(make_message_update(QUESTION, user_id=user))

        def all_answered() -> bool:
            return all(fake_api.sent_messages(u) for u in users)

        await fake_api.wait_for(all_answered)
        await bot.settle()
    for user in users:
        assert len(fake_api.sent_messages(user)) == 1


async def test_messages_of_one_chat_are_answered_in_order(start_bot, fake_api):
    questions = [f"{QUESTION} ({i})" for i in range(5)]
    async with start_bot() as bot:
        for q in questions:
            bot.push(make_message_update(q))
        await fake_api.wait_for_messages(USER_ID, 5)
    # one conversation is served in arrival order (and each question saw the previous turns)
    asked = bot.app.bot_data.engine.asked
    assert [q for q, _ in asked] == questions
    assert [len(history) for _, history in asked] == [0, 1, 2, 3, 4]
