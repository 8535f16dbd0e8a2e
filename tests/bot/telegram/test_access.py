"""Who may ask and who may administer: the policy, the one guard before every handler, and the
admin-only decorator, through the real Application."""

from __future__ import annotations

import logging

import pytest
from telegram import Update

from bot.i18n import texts
from bot.telegram.access import AccessPolicy, admin_only_text, not_allowed_text
from testing.telegram_updates import (
    ADMIN_ID,
    GROUP_ID,
    USER_ID,
    bot_message,
    make_anonymous_admin_update,
    make_callback_query_update,
    make_command_update,
    make_document_update,
    make_group_message_update,
    make_message_update,
    mention,
)

QUESTION = "What did Putin say to the freed hostages?"
SECRET_WORDS = "my-private-question-words"
EN = texts("en")


def update_of(data: dict) -> Update:
    return Update.de_json({"update_id": 1, **data}, None)


# --------------------------------------------------------------------------- the policy


def test_admins_and_anonymous_admins():
    policy = AccessPolicy(admin_user_ids=frozenset({ADMIN_ID, 1087968824, GROUP_ID}))
    assert policy.update_is_admin(update_of(make_message_update("/stats", user_id=ADMIN_ID)))
    assert not policy.update_is_admin(update_of(make_message_update("/stats", user_id=USER_ID)))
    assert not policy.update_is_admin(update_of(make_anonymous_admin_update("/stats")))


def test_allow_lists_are_a_union_and_admins_always_pass():
    open_policy = AccessPolicy()
    assert open_policy.update_is_allowed(update_of(make_message_update("hi", user_id=5)))
    policy = AccessPolicy(admin_user_ids=frozenset({ADMIN_ID}), allowed_user_ids=frozenset({USER_ID}),
                          allowed_chat_ids=frozenset({GROUP_ID}))
    assert policy.update_is_allowed(update_of(make_message_update("hi", user_id=USER_ID)))
    assert policy.update_is_allowed(update_of(make_message_update("hi", user_id=ADMIN_ID)))
    assert policy.update_is_allowed(update_of(make_group_message_update("hi", user_id=77)))  # allowed group
    assert not policy.update_is_allowed(update_of(make_message_update("hi", user_id=77)))
    assert not policy.update_is_allowed(update_of(make_group_message_update("hi", user_id=77, chat_id=-55)))


# --------------------------------------------------------------------------- the guard


@pytest.mark.e2e
async def test_allow_lists_refuse_everyone_else_before_any_handler(start_bot, make_settings, engine, caplog):
    caplog.set_level(logging.WARNING)
    settings = make_settings(allowed_user_ids=frozenset({USER_ID}))
    stranger = 999
    async with start_bot(settings) as bot:
        [ok] = await bot.ask(make_message_update(QUESTION))
        [refused] = await bot.ask(make_message_update(f"{QUESTION} {SECRET_WORDS}", user_id=stranger))
        [help_refused] = await bot.ask(make_command_update("help", user_id=stranger))
        [sticker_refused] = await bot.ask(make_message_update(None, user_id=stranger))
        [admin_ok] = await bot.ask(make_message_update(QUESTION, user_id=ADMIN_ID))
    assert "<blockquote" in ok.params["text"] and "<blockquote" in admin_ok.params["text"]
    assert refused.visible_text == help_refused.visible_text == sticker_refused.visible_text == not_allowed_text(EN)
    assert [q for q, _ in engine.asked] == [QUESTION, QUESTION]  # the stranger's never reached the engine
    refusals = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Refused")]
    assert len(refusals) == 3 and all(f"user={stranger}" in r for r in refusals)
    assert "Refused /help" in refusals[1] and "Refused question" in refusals[0]
    assert SECRET_WORDS not in caplog.text  # the refusal is logged without the message text


@pytest.mark.e2e
async def test_the_guard_stays_silent_about_group_chatter(start_bot, make_settings, fake_api, engine):
    settings = make_settings(allowed_chat_ids=frozenset({-42}))
    async with start_bot(settings) as bot:
        bot.push(make_group_message_update("just chatting, not for the bot"))
        [refused] = await bot.ask(make_group_message_update(mention(QUESTION)))
        await bot.settle()
    assert refused.visible_text == not_allowed_text(EN)
    assert len(fake_api.sent_messages(GROUP_ID)) == 1 and engine.asked == []


@pytest.mark.e2e
async def test_a_refused_button_press_gets_an_alert(start_bot, make_settings, fake_api):
    settings = make_settings(allowed_user_ids=frozenset({USER_ID}))
    async with start_bot(settings) as bot:
        bot.push(make_callback_query_update("sources:1", bot_message(chat_id=999, chat_type="private"), user_id=999))
        [alert] = await fake_api.wait_for(lambda: fake_api.calls("answerCallbackQuery"))
    assert alert.params["show_alert"] is True and alert.params["text"] == not_allowed_text(EN)
    assert not fake_api.calls("editMessageText")


# --------------------------------------------------------------------------- admins


@pytest.mark.e2e
async def test_non_admin_commands_and_uploads_are_refused_and_logged(start_bot, engine, fake_api, settings, caplog):
    caplog.set_level(logging.WARNING)
    file_id = fake_api.add_file(b"Title\n\nBody.", "x.txt")
    async with start_bot() as bot:
        [reply] = await bot.ask(make_command_update("reindex"))
        [stats] = await bot.ask(make_command_update("stats"))
        [anon] = await bot.ask(make_anonymous_admin_update("/reindex"))
        [upload] = await bot.ask(make_document_update(file_id, "x.txt", 12, user_id=USER_ID))
    assert reply.visible_text == stats.visible_text == anon.visible_text == upload.visible_text == admin_only_text(EN)
    assert engine.reindexed == [] and not fake_api.calls("getFile")
    assert not (settings.corpus_dir / "x.txt").exists()
    refusals = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Refused")]
    assert len(refusals) == 4 and f"user={USER_ID}" in refusals[0] and "Refused document upload" in refusals[3]


@pytest.mark.e2e
async def test_anonymous_group_admin_is_not_an_admin(start_bot, make_settings, engine):
    settings = make_settings(admin_user_ids=frozenset({ADMIN_ID, 1087968824, GROUP_ID}))
    async with start_bot(settings) as bot:
        [reply] = await bot.ask(make_anonymous_admin_update("/reindex"))
    assert reply.visible_text == admin_only_text(EN) and engine.reindexed == []
