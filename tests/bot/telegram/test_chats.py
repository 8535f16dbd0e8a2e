"""Groups, conversations and whether a message is meant for the bot."""

from __future__ import annotations

from telegram import Message, Update

from bot.telegram.chats import addressed_question, command_argument, command_name, conversation_key, is_addressed, is_group
from testing.telegram_api import BOT_ID, BOT_USERNAME
from testing.telegram_updates import (
    GROUP_ID,
    bot_message,
    make_anonymous_admin_update,
    make_callback_query_update,
    make_channel_post_update,
    make_command_update,
    make_edited_message_update,
    make_group_message_update,
    make_message_update,
    mention,
)


def update_of(data: dict) -> Update:
    return Update.de_json({"update_id": 1, **data}, None)


def message_of(data: dict) -> Message:
    return update_of(data).message


def test_one_definition_of_a_group():
    assert is_group(message_of(make_group_message_update("x")).chat)
    assert is_group(message_of(make_message_update("x", chat_id=-5, chat_type="group")).chat)
    assert not is_group(message_of(make_message_update("x")).chat)
    assert not is_group(update_of(make_channel_post_update("x")).effective_chat)
    assert not is_group(None)


def test_private_text_is_a_question():
    assert addressed_question(message_of(make_message_update("  What happened?  ")), BOT_USERNAME, BOT_ID) == "What happened?"


def test_group_text_needs_a_mention_or_a_reply():
    m = message_of(make_group_message_update("What happened?"))
    assert addressed_question(m, BOT_USERNAME, BOT_ID) is None
    m = message_of(make_group_message_update("@other_bot What happened?"))
    assert addressed_question(m, BOT_USERNAME, BOT_ID) is None
    m = message_of(make_group_message_update(mention("What happened?")))
    assert addressed_question(m, BOT_USERNAME, BOT_ID) == "What happened?"
    m = message_of(make_group_message_update("And then?", reply_to=bot_message()))
    assert addressed_question(m, BOT_USERNAME, BOT_ID) == "And then?"


def test_mention_removal_counts_utf16_offsets():
    text = f"🇮🇱😀 Hey @{BOT_USERNAME.upper()} what now? 😀"
    m = message_of(make_group_message_update(text))
    assert addressed_question(m, BOT_USERNAME, BOT_ID) == "🇮🇱😀 Hey  what now? 😀"


def test_forum_topic_root_is_not_a_reply_to_the_bot():
    root = bot_message(message_id=77)
    m = message_of(make_group_message_update("chatter", reply_to=root, thread_id=77))
    assert addressed_question(m, BOT_USERNAME, BOT_ID) is None


def test_command_argument_keeps_line_breaks_and_drops_the_bot_mention():
    m = message_of(make_message_update(f"/ask@{BOT_USERNAME} first line\nsecond line"))
    assert command_argument(m, BOT_USERNAME) == "first line\nsecond line"
    m = message_of(make_message_update("/ask"))
    assert command_argument(m, BOT_USERNAME) == ""


def test_command_names_for_this_bot_only():
    assert command_name(message_of(make_command_update("Reindex")), BOT_USERNAME) == "/reindex"
    assert command_name(message_of(make_command_update("stats", to_bot=True)), BOT_USERNAME) == "/stats"
    assert command_name(message_of(make_message_update("/stats@other_bot")), BOT_USERNAME) is None
    assert command_name(message_of(make_message_update("no command")), BOT_USERNAME) is None


def test_what_the_bot_is_addressed_by():
    def addressed(data: dict) -> bool:
        return is_addressed(update_of(data), BOT_USERNAME, BOT_ID)

    assert addressed(make_message_update("anything in private"))
    assert addressed(make_group_message_update(mention("a question")))
    assert addressed(make_group_message_update("a reply", reply_to=bot_message()))
    assert addressed(make_command_update("help", chat_id=GROUP_ID, chat_type="supergroup"))
    assert addressed(make_callback_query_update("sources:1", bot_message()))
    assert not addressed(make_group_message_update("chatter"))
    assert not addressed(make_message_update("/help@other_bot", chat_id=GROUP_ID, chat_type="supergroup"))
    assert not addressed(make_edited_message_update("an edit"))
    assert not addressed(make_channel_post_update(mention("a post")))


def test_conversation_keys():
    assert conversation_key(update_of(make_message_update("x", user_id=5))) == (5, 5)
    assert conversation_key(update_of(make_group_message_update("x", user_id=5))) == (GROUP_ID, 5)
    assert conversation_key(update_of(make_anonymous_admin_update("x"))) == (GROUP_ID, GROUP_ID)
