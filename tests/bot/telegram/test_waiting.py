"""A slow answer shows a status message that is then edited into the answer (deterministic: the
engine holds its answer until the test releases it, and STATUS_AFTER=0 shows the status at once)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

import pytest

from bot.answer.result import AnswerResult, Turn
from bot.engine_api import Progress
from bot.i18n import texts
from bot.telegram import replies
from bot.telegram.waiting import status_text
from index.errors import NewsbotError
from tests.bot.engines import GatedEngine
from testing.telegram_api import WAIT_LIMIT
from testing.telegram_updates import GROUP_ID, USER_ID, make_group_message_update, make_message_update, mention

pytestmark = pytest.mark.e2e
QUESTION = "What did Putin say to the freed hostages?"
READING = Progress("reading", articles=3, passages=5)
EN = texts("en")


def gated(settings, progress: Sequence[Progress] = (READING,), respond=None) -> GatedEngine:
    return GatedEngine(sorted(Path(settings.corpus_dir).glob("*.txt")), progress, respond)


def test_status_texts():
    assert status_text(EN, None) == "Looking through the articles…"
    assert status_text(EN, Progress("reading", articles=1)) == "Reading 1 article…"
    assert status_text(EN, READING) == "Reading 3 articles…"
    assert status_text(EN, Progress("writing", articles=2, passages=4)) == "Writing the answer from 2 articles…"
    assert status_text(texts("ru"), READING) == "Читаю 3 статьи…"


async def _status_shows(fake_api, chat_id: int, text: str) -> None:
    await fake_api.wait_for(lambda: text in fake_api.shown(chat_id))


async def test_a_slow_answer_shows_a_status_that_becomes_the_answer(start_bot, make_settings, settings, fake_api):
    engine = gated(settings)
    async with start_bot(make_settings(status_after=0), engine_=engine) as bot:
        bot.push(make_message_update(QUESTION))
        assert await asyncio.to_thread(engine.waiting.wait, WAIT_LIMIT)
        await _status_shows(fake_api, USER_ID, "Reading 3 articles…")  # sent, or edited in on progress
        engine.release.set()
        await fake_api.wait_for(lambda: any("Sources" in (e.visible_text or "") for e in fake_api.edits(USER_ID)))
        await bot.settle()
    [status] = fake_api.sent_messages(USER_ID)  # one message: the status, edited into the answer
    final = fake_api.edits(USER_ID)[-1]
    assert final.params["message_id"] == status.result["message_id"]
    assert "<blockquote expandable>" in final.params["text"] and final.params["parse_mode"] == "HTML"
    assert fake_api.shown(USER_ID) == [final.visible_text]
    # nothing but status lines and the final answer was ever shown
    statuses = {status_text(EN, None), status_text(EN, READING)}
    seen = [status.visible_text, *(e.visible_text for e in fake_api.edits(USER_ID))]
    assert all(text in statuses for text in seen[:-1]) and seen[-1] == final.visible_text


async def test_progress_after_the_answer_never_overwrites_it(start_bot, make_settings, settings, fake_api):
    engine = gated(settings)
    async with start_bot(make_settings(status_after=0), engine_=engine) as bot:
        bot.push(make_message_update(QUESTION))
        await _status_shows(fake_api, USER_ID, "Reading 3 articles…")
        engine.release.set()
        await fake_api.wait_for(lambda: "Sources" in fake_api.shown(USER_ID)[-1])
        answer, edits = fake_api.shown(USER_ID), len(fake_api.edits(USER_ID))
        late = engine.last_progress_callback
        assert late is not None
        await asyncio.to_thread(late, Progress("writing", articles=9, passages=9))  # from another thread, late
        await bot.settle()
    assert fake_api.shown(USER_ID) == answer and len(fake_api.edits(USER_ID)) == edits


async def test_the_status_speaks_the_language_of_the_question(start_bot, make_settings, settings, fake_api):
    engine = gated(settings, progress=[Progress("writing", articles=21, passages=30)])
    async with start_bot(make_settings(status_after=0), engine_=engine) as bot:
        bot.push(make_message_update("Что Путин сказал освобождённым заложникам?", language_code="en"))
        assert await asyncio.to_thread(engine.waiting.wait, WAIT_LIMIT)
        await _status_shows(fake_api, USER_ID, "Пишу ответ по 21 статье…")
        engine.release.set()
        await fake_api.wait_for(lambda: fake_api.edits(USER_ID) and fake_api.shown(USER_ID)[-1] not in
                                {"Пишу ответ по 21 статье…", "Просматриваю статьи…"})


async def test_a_long_answer_in_a_group_continues_below_the_status(start_bot, make_settings, settings, fake_api):
    def long_answer(question: str, history: Sequence[Turn]) -> AnswerResult:
        answer = "\n\n".join(f"Paragraph {i}. " + "Words of the answer. " * 150 for i in range(4))
        return AnswerResult(question=question, standalone_question=question, answer=answer)

    engine = gated(settings, progress=[], respond=long_answer)
    update = make_group_message_update(mention(QUESTION), thread_id=7)
    async with start_bot(make_settings(status_after=0), engine_=engine) as bot:
        bot.push(update)
        await _status_shows(fake_api, GROUP_ID, "Looking through the articles…")
        engine.release.set()
        await fake_api.wait_for(lambda: len(fake_api.sent_messages(GROUP_ID)) >= 2 and fake_api.edits(GROUP_ID))
        await bot.settle()
    status, *rest = fake_api.sent_messages(GROUP_ID)
    assert status.params["reply_parameters"]["message_id"] == update["message"]["message_id"]
    assert status.params["message_thread_id"] == 7 and all(m.params["message_thread_id"] == 7 for m in rest)
    assert all("reply_parameters" not in m.params for m in rest)  # continuations, not new replies
    shown = fake_api.shown(GROUP_ID)
    assert shown[0].startswith("Paragraph 0.") and shown[-1].rstrip().endswith("Words of the answer.")
    assert len(shown) == len(rest) + 1 >= 2


async def _fail_slowly(start_bot, make_settings, settings, fake_api, error: Exception, shows: str) -> None:
    """A slow answer (status shown at once, with progress) that then raises `error`."""
    def fail(question: str, history: Sequence[Turn]) -> AnswerResult:
        raise error

    engine = gated(settings, respond=fail)
    async with start_bot(make_settings(status_after=0), engine_=engine) as bot:
        bot.push(make_message_update(QUESTION))
        await _status_shows(fake_api, USER_ID, "Reading 3 articles…")
        engine.release.set()
        await _status_shows(fake_api, USER_ID, shows)
        await bot.settle()


async def test_a_failed_slow_answer_removes_the_status(start_bot, make_settings, settings, fake_api):
    await _fail_slowly(start_bot, make_settings, settings, fake_api, RuntimeError("model exploded"),
                       replies.generic_error(EN))
    assert fake_api.deleted(USER_ID) and fake_api.shown(USER_ID) == [replies.generic_error(EN)]


async def test_a_user_facing_error_replaces_the_status(start_bot, make_settings, settings, fake_api):
    down = "The answer service is down; try again in a minute."
    await _fail_slowly(start_bot, make_settings, settings, fake_api, NewsbotError(down), down)
    assert fake_api.shown(USER_ID) == [down]
    assert len(fake_api.sent_messages(USER_ID)) == 1 and not fake_api.deleted(USER_ID)  # the status became it


async def test_a_fast_answer_sends_no_status(start_bot, settings, fake_api):
    engine = gated(settings)
    engine.release.set()  # answers at once; the test settings wait an hour before any status
    async with start_bot(engine_=engine) as bot:
        [answer] = await bot.ask(make_message_update(QUESTION))
        await bot.settle()
    assert "<blockquote" in answer.params["text"]
    assert len(fake_api.sent_messages(USER_ID)) == 1 and fake_api.edits(USER_ID) == []


async def _status_then_answer(start_bot, make_settings, settings, fake_api, meanwhile) -> None:
    """A slow answer whose status is shown; `meanwhile(status_call)` runs before the answer is released."""
    engine = gated(settings)
    async with start_bot(make_settings(status_after=0), engine_=engine) as bot:
        bot.push(make_message_update(QUESTION))
        await _status_shows(fake_api, USER_ID, "Reading 3 articles…")
        meanwhile(fake_api.sent_messages(USER_ID)[0])
        engine.release.set()
        await fake_api.wait_for(lambda: any("Sources" in (c.visible_text or "") for c in fake_api.sent_messages(USER_ID)))
        await bot.settle()


async def test_a_status_the_user_deleted_gives_way_to_a_new_answer(start_bot, make_settings, settings, fake_api):
    await _status_then_answer(start_bot, make_settings, settings, fake_api,
                              lambda status: fake_api.delete_by_user(USER_ID, status.result["message_id"]))
    [answer] = fake_api.shown(USER_ID)
    assert "Sources" in answer and "<blockquote" in fake_api.sent_messages(USER_ID)[-1].params["text"]
    assert [e.status for e in fake_api.calls("editMessageText")] == [400]  # message to edit not found


async def test_a_status_that_cannot_become_the_answer_is_removed(start_bot, make_settings, settings, fake_api):
    """When the final edit fails (here: refused; also a 429 after the retries, a timeout), the answer
    is sent anew and the status does not stay above it saying "Reading 3 articles…"."""
    fake_api.fail_next("editMessageText", kind="400", description="Bad Request: message can't be edited",
                       when=lambda params: "Sources" in str(params.get("text")))
    await _status_then_answer(start_bot, make_settings, settings, fake_api, lambda status: None)
    status = fake_api.sent_messages(USER_ID)[0]
    assert status.result["message_id"] in fake_api.deleted(USER_ID)
    [answer] = fake_api.shown(USER_ID)
    assert "Sources" in answer


async def test_markup_telegram_rejects_in_the_final_edit_falls_back_to_plain_text(start_bot, make_settings, settings,
                                                                                  fake_api):
    fake_api.fail_next("editMessageText", kind="parse", when=lambda params: "Sources" in str(params.get("text")))
    engine = gated(settings)
    async with start_bot(make_settings(status_after=0), engine_=engine) as bot:
        bot.push(make_message_update(QUESTION))
        await _status_shows(fake_api, USER_ID, "Reading 3 articles…")
        engine.release.set()
        await fake_api.wait_for(lambda: "Sources:" in fake_api.shown(USER_ID)[-1])
        await bot.settle()
    [answer] = fake_api.shown(USER_ID)
    final = fake_api.edits(USER_ID)[-1]
    assert "parse_mode" not in final.params and "<blockquote" not in final.params["text"] and "“" in answer
