"""The bot's own words, in the reader's language (English and the Russian catalogue)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from bot.answer.result import AnswerResult, Citation, Turn
from bot.engine_api import IndexInfo
from bot.i18n import texts
from bot.telegram import replies
from bot.telegram.access import admin_only_text, not_allowed_text
from bot.telegram.services import BotStats
from index.models import ArticleInfo, IndexReport, LoadFailure
from tests.bot.engines import KeywordEngine, ScriptedEngine
from testing.telegram_updates import USER_ID, make_command_update, make_message_update

EN, RU = texts("en"), texts("ru")
INFO = IndexInfo(articles=21, chunks=140, sources=["CNN", "BBC", "AP", "Reuters", "NYT"], first_date="2025-04-16",
                 last_date="2026-01-08T10:00:00Z", updated_at="2026-01-08T10:00:00+00:00", embed_model="e5",
                 answer_mode="offline", location="embedded data/chroma")


def test_help_in_english_and_russian():
    en = " ".join(replies.help_lines(EN, INFO, "newsbot_test_bot", in_group=False))
    assert "I answer questions about 21 news articles." in en
    assert "CNN, BBC, AP, and 2 more outlets" in en and "/ask — Ask a question about the news" in en
    ru = " ".join(replies.help_lines(RU, INFO, "newsbot_test_bot", in_group=True))
    assert "Я отвечаю на вопросы по 21 новостной статье." in ru
    assert "ещё 2 издания" in ru and "@newsbot_test_bot" in ru and "/ask — Задать вопрос о новостях" in ru
    assert "2025" in ru and "2026" in ru and "янв" in ru  # dates in the Russian format


def test_one_article_and_a_huge_outlet_name():
    info = IndexInfo(articles=1, chunks=1, sources=["S" * 200_000], first_date="2025-04-16", last_date="2025-04-16")
    lines = replies.help_lines(EN, info, None, in_group=False)
    assert "I answer questions about 1 news article." in lines[1]
    assert len("\n".join(lines)) < 1500


def test_stats_lines():
    stats = BotStats(started_at=time.time() - 7200, questions=5, refused=1, failed=2, rate_limited=3)
    lines = replies.stats_lines(EN, INFO, stats, conversations=4)
    joined = "\n".join(lines)
    assert "Articles: 21 · chunks: 140 · outlets: 5" in joined and "Answer mode: offline" in joined
    assert "2 hours" in joined and "errors: 2" in joined and "Conversations with history: 4" in joined
    assert "Статей: 21" in "\n".join(replies.stats_lines(RU, INFO, stats, 4))


def _article(article_id: str, title: str) -> ArticleInfo:
    return ArticleInfo(article_id, title, "CNN", "", "2026-01-08", f"{article_id}.txt", 1, "h", "")


def test_reports_are_bounded():
    report = IndexReport()
    report.added = [f"a{i}" for i in range(25)]
    report.failed = [LoadFailure(Path(f"bad{i}.txt"), "x" * 100_000) for i in range(12)]
    known = {f"a{i}": _article(f"a{i}", "T" * 500_000) for i in range(25)}
    lines = replies.report_lines(EN, report, known, "corpus/")
    assert lines[0].startswith("Indexed corpus/ in")
    assert "Added: … and 15 more" in lines and "Failed: … and 2 more" in lines
    assert len(lines) == 1 + 11 + 11 and max(len(line) for line in lines) < 400
    ru = replies.report_lines(RU, report, known, "corpus/")
    assert ru[1].startswith("Добавлено: «T") and "… и ещё 15" in ru[11]


def test_an_upload_that_was_not_kept():
    assert replies.upload_not_kept(EN, "x.txt", False, []) == [
        "I couldn't index x.txt, so I didn't add it to the corpus.", "Reason: I found no article in it."]
    assert replies.upload_not_kept(RU, "x.txt", True, ["binary"])[0].startswith("Не удалось проиндексировать x.txt")


# --------------------------------------------------------------------------- through Telegram


@pytest.mark.e2e
async def test_a_russian_user_gets_help_and_commands_in_russian(start_bot):
    async with start_bot() as bot:
        [help_] = await bot.ask(make_command_update("help", language_code="ru"))
        [reset] = await bot.ask(make_command_update("reset", language_code="ru-RU"))
        [unknown] = await bot.ask(make_command_update("frobnicate", language_code="ru"))
    assert help_.visible_text.startswith("newsbot — ответы по новостям, с доказательствами")
    assert "Я отвечаю на вопросы по 1 новостной статье." in help_.visible_text
    assert "/sources — Список проиндексированных статей" in help_.visible_text
    assert reset.visible_text == replies.reset_done(RU) != replies.reset_done(EN)
    assert unknown.visible_text == "Я не знаю такой команды. /help покажет, что я умею."


@pytest.mark.e2e
async def test_a_russian_user_is_refused_in_russian(start_bot, make_settings):
    async with start_bot(make_settings(allowed_user_ids=frozenset({USER_ID}))) as bot:
        [refused] = await bot.ask(make_message_update("Кто освобождён?", user_id=999, language_code="ru"))
        [not_admin] = await bot.ask(make_command_update("reindex", language_code="ru"))
    assert refused.visible_text == not_allowed_text(RU) == "Извините, это закрытый бот, и у вас нет к нему доступа."
    assert not_admin.visible_text == admin_only_text(RU)


@pytest.mark.e2e
async def test_an_answer_in_russian_has_russian_headings_and_dates(start_bot, settings):
    def russian(question: str, history: Sequence[Turn]) -> AnswerResult:
        quote = "Putin met the freed hostages."
        return AnswerResult(
            question=question, standalone_question=question, answer="Путин встретился с ними [1].", language="ru",
            citations=[Citation(n=1, article_id="a1", title="Kremlin meeting", source="CNN", url="https://x.example/a",
                                published_at="2026-01-08", quote=quote, chunk_id="a1:0", start=0, end=len(quote))],
        )

    engine = ScriptedEngine(russian, sorted(Path(settings.corpus_dir).glob("*.txt")))
    async with start_bot(engine_=engine) as bot:
        [answer] = await bot.ask(make_message_update("С кем встретился Путин?"))
    assert "<b>Источники</b>" in answer.params["text"]
    assert f"CNN · {RU.date('2026-01-08')}" in answer.visible_text and "янв" in answer.visible_text


@pytest.mark.e2e
async def test_sources_buttons_in_russian(start_bot, settings):
    engine = KeywordEngine(sorted(Path(settings.corpus_dir).glob("*.txt")))
    engine.add_synthetic(12)
    async with start_bot(engine_=engine) as bot:
        [page] = await bot.ask(make_command_update("sources", language_code="ru"))
    assert page.visible_text.startswith("Проиндексированные статьи: 1–10 из 13")
    assert "Дальше ▶" in [b["text"] for row in page.params["reply_markup"]["inline_keyboard"] for b in row]
