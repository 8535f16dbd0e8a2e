"""Readers' follows in Telegram: /follow TOPIC, /following, /unfollow N, and the bot's membership.

- A follow belongs to the conversation (`chats.conversation_key`: the private chat, or one member
  in a group); alerts go to the chat it was made in. The topic is a few words or a question
  (MIN_TOPIC_CHARS to MAX_TOPIC_CHARS characters), at most MAX_FOLLOWS per conversation; the
  user's Telegram language_code is stored with it, and alerts are worded in that language. A follow
  made inside a forum topic keeps the topic (`message_thread_id`): its alerts go there.
- `my_chat_member` updates (in `handlers.ALLOWED_UPDATES`): when the bot is blocked in a private
  chat or removed from a group (status left or kicked), every follow of that chat is removed.
  Sending an alert that Telegram refuses with Forbidden does the same (`alerts`).
- A group upgraded to a supergroup gets a new chat id: the service messages (`migrate_to_chat_id` in
  the old group, `migrate_from_chat_id` in the new supergroup; `filters.StatusUpdate.MIGRATE`) move
  the group's follows and chat histories to the new id (`migrate_chat`). They are handled before the
  access guard (an allow-list may name only one of the two ids) and never answered.
- The alerts themselves: `bot.telegram.alerts`.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import ChatMember, Update
from telegram.ext import Application, ChatMemberHandler, CommandHandler, MessageHandler, filters

from bot.follows import MAX_FOLLOWS, MAX_TOPIC_CHARS, AlreadyFollowing, TooManyFollows, TopicEmpty, TopicTooLong
from bot.telegram import replies
from bot.telegram.access import GUARD_GROUP
from bot.telegram.chats import command_argument, conversation_key
from bot.telegram.context import NewsContext
from bot.telegram.send import say, say_lines

log = logging.getLogger(__name__)

#: the bot's own status in a chat after which the chat gets no more alerts
GONE = frozenset({ChatMember.LEFT, ChatMember.BANNED})


async def cmd_follow(update: Update, context: NewsContext) -> None:
    message = update.effective_message
    assert message is not None
    tr = context.tr
    chat_id, user_id = conversation_key(update)
    topic = command_argument(message, context.bot.username)
    thread_id = message.message_thread_id if message.is_topic_message else None
    try:
        number, follow = await asyncio.to_thread(context.services.follows.add, chat_id, user_id, topic,
                                                 context.user_language, MAX_FOLLOWS, thread_id=thread_id)
    except TopicEmpty:
        await say(context, message, replies.follow_usage(tr))
        return
    except TopicTooLong as exc:
        await say(context, message, replies.follow_too_long(tr, MAX_TOPIC_CHARS, exc.length))
        return
    except AlreadyFollowing as exc:
        await say(context, message, replies.follow_exists(tr, exc.number))
        return
    except TooManyFollows:
        await say(context, message, replies.follow_full(tr, MAX_FOLLOWS))
        return
    log.info("User %s follows a topic in chat %s (%d characters)", user_id, chat_id, len(follow.topic))
    await say(context, message, replies.follow_added(tr, follow.topic, number))


async def cmd_following(update: Update, context: NewsContext) -> None:
    message = update.effective_message
    assert message is not None
    follows = await asyncio.to_thread(context.services.follows.of, *conversation_key(update))
    lines = replies.following_lines(context.tr, [f.topic for f in follows])
    await say_lines(context, message, lines, bold_first=bool(follows))


async def cmd_unfollow(update: Update, context: NewsContext) -> None:
    message = update.effective_message
    assert message is not None
    tr = context.tr
    argument = command_argument(message, context.bot.username).strip().lstrip("#")
    if not argument.isdecimal() or len(argument) > 6:
        await say(context, message, replies.unfollow_usage(tr))
        return
    number = int(argument)
    follow = await asyncio.to_thread(context.services.follows.remove, *conversation_key(update), number)
    if follow is None:
        await say(context, message, replies.unfollow_unknown(tr, number))
        return
    await say(context, message, replies.unfollowed(tr, follow.topic))


async def on_my_chat_member(update: Update, context: NewsContext) -> None:
    """The bot was blocked (private chat) or removed from a group: that chat's follows go."""
    change = update.my_chat_member
    if change is None or change.new_chat_member.status not in GONE:
        return
    removed = await asyncio.to_thread(context.services.follows.remove_chat, change.chat.id)
    log.info("The bot is %s in chat %s: removed its %d follow(s)", change.new_chat_member.status, change.chat.id,
             removed)


async def migrate_chat(context: NewsContext, old_chat_id: int, new_chat_id: int) -> int:
    """Move everything the bot keys by chat id from a group to the supergroup it became: follows,
    chat histories and PTB's chat_data. Idempotent; returns how many follows moved."""
    s = context.services
    moved = await asyncio.to_thread(s.follows.move_chat, old_chat_id, new_chat_id)
    turns = await asyncio.to_thread(s.history.move_chat, old_chat_id, new_chat_id)
    if old_chat_id in context.application.chat_data:  # a second call must not overwrite the moved data
        context.application.migrate_chat_data(old_chat_id=old_chat_id, new_chat_id=new_chat_id)
    log.info("Chat %s became supergroup %s: moved %d follow(s) and %d history turn(s)", old_chat_id, new_chat_id,
             moved, turns)
    return moved


async def on_migrate(update: Update, context: NewsContext) -> None:
    """A group became a supergroup (either service message; the second one finds nothing left to move)."""
    message = update.effective_message
    if message is None:
        return
    old_chat_id = message.migrate_from_chat_id or message.chat.id
    new_chat_id = message.migrate_to_chat_id or message.chat.id
    await migrate_chat(context, old_chat_id, new_chat_id)


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    new_messages = filters.UpdateType.MESSAGE
    application.add_handler(CommandHandler("follow", cmd_follow, filters=new_messages))
    application.add_handler(CommandHandler("following", cmd_following, filters=new_messages))
    application.add_handler(CommandHandler("unfollow", cmd_unfollow, filters=new_messages))
    application.add_handler(ChatMemberHandler(on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, on_migrate), group=GUARD_GROUP - 1)
