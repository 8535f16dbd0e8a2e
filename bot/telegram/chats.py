"""What kind of chat a message is in, who is asking, and whether the bot is addressed.

- The one definition of a group: `is_group(chat)` (groups and supergroups). In a group the bot
  answers only when mentioned, replied to, or on a command, and its replies quote the question.
- A conversation is a private chat, or one member in a group (`conversation_key`).
- Mentions and command offsets are in UTF-16 code units, as Telegram counts them.
"""

from __future__ import annotations

from collections.abc import Iterable

from telegram import Chat, Message, MessageEntity, Update


def is_group(chat: Chat | None) -> bool:
    return chat is not None and chat.type in (Chat.GROUP, Chat.SUPERGROUP)


def conversation_key(update: Update) -> tuple[int, int]:
    """(chat id, asker id); the asker is the sender chat for messages sent on behalf of a chat."""
    message = update.effective_message
    chat = update.effective_chat
    assert chat is not None
    if message is not None and message.sender_chat is not None:
        return chat.id, message.sender_chat.id
    user = update.effective_user
    return chat.id, user.id if user is not None else chat.id


def _remove_utf16_spans(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """Remove (offset, length) spans given in UTF-16 code units, as Telegram entities are."""
    encoded = text.encode("utf-16-le")
    out = bytearray()
    pos = 0
    for offset, length in sorted(spans):
        if offset < pos:
            continue
        out += encoded[pos * 2 : offset * 2]
        pos = offset + length
    out += encoded[pos * 2 :]
    return out.decode("utf-16-le", errors="replace")


def _is_reply_to_bot(message: Message, bot_id: int) -> bool:
    replied = message.reply_to_message
    if replied is None or replied.from_user is None or replied.from_user.id != bot_id:
        return False
    # in forum topics every message "replies" to the topic's first message; that's not a reply
    return not (message.is_topic_message and replied.message_id == message.message_thread_id)


def addressed_question(message: Message, bot_username: str, bot_id: int) -> str | None:
    """The question in a text message, or None when a group message isn't meant for the bot."""
    text = message.text or ""
    mention_spans: list[tuple[int, int]] = []
    for entity in message.entities or ():
        if entity.type == MessageEntity.MENTION:
            value = message.parse_entity(entity)
            if bot_username and value.lower() == f"@{bot_username}".lower():
                mention_spans.append((entity.offset, entity.length))
        elif entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot_id:
            mention_spans.append((entity.offset, entity.length))
    if is_group(message.chat) and not mention_spans and not _is_reply_to_bot(message, bot_id):
        return None
    return _remove_utf16_spans(text, mention_spans).strip() if mention_spans else text.strip()


def command_argument(message: Message, bot_username: str) -> str:
    """The text after the leading /command (keeping line breaks), minus mentions of the bot."""
    text = message.text or message.caption or ""
    spans: list[tuple[int, int]] = []
    for entity in message.entities or ():
        if entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
            spans.append((entity.offset, entity.length))
        elif entity.type == MessageEntity.MENTION and bot_username:
            if message.parse_entity(entity).lower() == f"@{bot_username}".lower():
                spans.append((entity.offset, entity.length))
    return _remove_utf16_spans(text, spans).strip()


def command_name(message: Message, bot_username: str) -> str | None:
    """'/reindex' for a message starting with a command meant for this bot ('/x@otherbot' is not)."""
    entities = message.entities if message.text else message.caption_entities
    parse = message.parse_entity if message.text else message.parse_caption_entity
    for entity in entities or ():
        if entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
            name, _, target = parse(entity).partition("@")
            if target and bot_username and target.lower() != bot_username.lower():
                return None
            return name.lower()[:33]
    return None


def is_addressed(update: Update, bot_username: str, bot_id: int) -> bool:
    """Would the bot act on this update? (A button press, anything in a private chat, and in a
    group only a mention, a reply to the bot or a command for it; edits and channel posts never.)"""
    if update.callback_query is not None:
        return True
    message = update.message
    if message is None:
        return False
    if not is_group(message.chat):
        return message.chat.type == Chat.PRIVATE
    if command_name(message, bot_username) is not None:
        return True
    return message.text is not None and addressed_question(message, bot_username, bot_id) is not None
