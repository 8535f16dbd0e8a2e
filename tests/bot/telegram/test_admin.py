"""Admin commands and uploads through the real Application (refusals: test_access.py)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from bot.i18n import texts
from bot.telegram import replies
from tests.bot.engines import KeywordEngine
from testing.telegram_updates import ADMIN_ID, make_command_update, make_document_update, make_message_update

pytestmark = pytest.mark.e2e
EN = texts("en")
BINARY = b"PK\x03\x04\x00\x00binary zip-like bytes\x00\x01\x02"


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
    assert again.visible_text == replies.already_reindexing(EN)
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
        await bot.ask(update, count=1)
        saved = Path(settings.corpus_dir) / "Lighthouse-strike-draft.txt"
        assert saved.read_bytes() == content
        [answer] = await bot.ask(make_message_update("Why did the lighthouse keepers of Brittany strike?"))
    report = fake_api.texts(ADMIN_ID)[0]
    assert "Saved Lighthouse-strike-draft.txt" in report and "Added:" in report
    assert engine.reindexed and Path(engine.reindexed[0][0]) == saved
    assert "lighthouse keepers of Brittany went on strike" in answer.visible_text
    assert engine.index_info().articles == 2  # added, nothing else dropped
    assert sorted(p.name for p in Path(settings.corpus_dir).iterdir() if p.name.startswith(".")) == []


async def test_an_upload_that_fails_to_index_does_not_stay_in_the_corpus(start_bot, fake_api, settings, engine):
    corpus = Path(settings.corpus_dir)
    before = sorted(p.name for p in corpus.iterdir())
    file_id = fake_api.add_file(BINARY, "archive.txt")
    async with start_bot() as bot:
        [reply] = await bot.ask(make_document_update(file_id, "archive.txt", len(BINARY)))
    assert "I couldn't index archive.txt, so I didn't add it to the corpus" in reply.visible_text
    assert "binary" in reply.visible_text  # the loader's reason
    assert sorted(p.name for p in corpus.iterdir()) == before
    assert engine.index_info().articles == 1


async def test_a_failed_replacement_restores_the_previous_file(start_bot, fake_api, settings, engine):
    corpus = Path(settings.corpus_dir)
    [article] = [p for p in corpus.iterdir()]
    original = article.read_bytes()
    file_id = fake_api.add_file(BINARY, article.name)
    async with start_bot() as bot:
        [reply] = await bot.ask(make_document_update(file_id, article.name, len(BINARY)))
        [answer] = await bot.ask(make_message_update("What did Putin say to the freed hostages?"))
    assert f"I couldn't index {article.name}, so I kept the previous version of it." in reply.visible_text
    assert article.read_bytes() == original and sorted(corpus.iterdir()) == [article]
    assert "<blockquote" in answer.params["text"]  # the article is still indexed and answerable


async def test_admin_upload_of_wrong_type_or_size_is_refused(start_bot, fake_api, make_settings):
    async with start_bot(make_settings(upload_max_bytes=100)) as bot:
        [wrong_type] = await bot.ask(make_document_update("F1", "virus.exe", 10))
        [too_big] = await bot.ask(make_document_update("F2", "big.txt", 5000))
    assert ".txt" in wrong_type.visible_text and "limit" in too_big.visible_text
    assert not fake_api.calls("getFile")
