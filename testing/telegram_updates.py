"""Builders of Bot API update objects (as Telegram sends them), for the fake server
(`testing.telegram_api`): used by the tests and the benchmarks.

Entities are derived from the text unless given: a leading `/command[@bot]` becomes a
`bot_command` entity and every `@username` a `mention`, with offsets and lengths in UTF-16
code units as Telegram counts them.
"""

from __future__ import annotations

import itertools
import re
import time
from typing import Any

from testing.telegram_api import BOT_FIRST_NAME, BOT_ID, BOT_USERNAME

USER_ID = 1001
ADMIN_ID = 4242
GROUP_ID = -1001234567890
GROUP_ANONYMOUS_BOT_ID = 1087968824

_message_ids = itertools.count(1)


def _u16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def auto_entities(text: str) -> list[dict[str, Any]]:
    entities: list[dict[str, Any]] = []
    command = re.match(r"/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?", text)
    if command:
        entities.append({"type": "bot_command", "offset": 0, "length": _u16(command.group(0))})
    for match in re.finditer(r"(?<![\w/])@[A-Za-z0-9_]{5,32}", text):
        if command and match.start() < command.end():
            continue
        entities.append({"type": "mention", "offset": _u16(text[: match.start()]), "length": _u16(match.group(0))})
    return entities


def make_user(user_id: int = USER_ID, *, first_name: str | None = None, username: str | None = None,
              is_bot: bool = False, language_code: str | None = None) -> dict[str, Any]:
    user: dict[str, Any] = {"id": user_id, "is_bot": is_bot, "first_name": first_name or f"User{user_id}"}
    if username:
        user["username"] = username
    if language_code:
        user["language_code"] = language_code
    return user


def make_chat(chat_id: int, chat_type: str = "private") -> dict[str, Any]:
    chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
    if chat_type == "private":
        chat["first_name"] = f"User{chat_id}"
    else:
        chat["title"] = f"Group {chat_id}"
    return chat


def bot_message(text: str = "An earlier answer.", *, chat_id: int = GROUP_ID, chat_type: str = "supergroup",
                message_id: int | None = None) -> dict[str, Any]:
    """A message the bot sent (to reply to)."""
    return {
        "message_id": message_id or next(_message_ids),
        "date": int(time.time()) - 60,
        "chat": make_chat(chat_id, chat_type),
        "from": {"id": BOT_ID, "is_bot": True, "first_name": BOT_FIRST_NAME, "username": BOT_USERNAME},
        "text": text,
    }


def make_message(
    text: str | None = None,
    *,
    chat_id: int | None = None,
    user_id: int = USER_ID,
    chat_type: str = "private",
    entities: list[dict[str, Any]] | None = None,
    reply_to: dict[str, Any] | None = None,
    message_id: int | None = None,
    sender_chat: dict[str, Any] | None = None,
    document: dict[str, Any] | None = None,
    caption: str | None = None,
    thread_id: int | None = None,
    username: str | None = None,
    language_code: str | None = None,
) -> dict[str, Any]:
    if chat_id is None:
        chat_id = user_id if chat_type == "private" else GROUP_ID
    message: dict[str, Any] = {
        "message_id": message_id or next(_message_ids),
        "date": int(time.time()),
        "chat": make_chat(chat_id, chat_type),
        "from": make_user(user_id, username=username, language_code=language_code),
    }
    if text is not None:
        message["text"] = text
        ents = auto_entities(text) if entities is None else entities
        if ents:
            message["entities"] = ents
    if caption is not None:
        message["caption"] = caption
        ents = auto_entities(caption)
        if ents:
            message["caption_entities"] = ents
    if reply_to is not None:
        message["reply_to_message"] = reply_to
    if sender_chat is not None:
        message["sender_chat"] = sender_chat
    if document is not None:
        message["document"] = document
    if thread_id is not None:
        message["message_thread_id"] = thread_id
        message["is_topic_message"] = True
    return message


def make_message_update(text: str, **kwargs: Any) -> dict[str, Any]:
    return {"message": make_message(text, **kwargs)}


def make_command_update(command: str, argument: str = "", *, to_bot: bool = False, **kwargs: Any) -> dict[str, Any]:
    text = f"/{command}{'@' + BOT_USERNAME if to_bot else ''}"
    if argument:
        text = f"{text} {argument}"
    return make_message_update(text, **kwargs)


def make_group_message_update(text: str, *, user_id: int = USER_ID, chat_id: int = GROUP_ID,
                              **kwargs: Any) -> dict[str, Any]:
    return make_message_update(text, user_id=user_id, chat_id=chat_id, chat_type="supergroup", **kwargs)


def mention(text: str) -> str:
    return f"@{BOT_USERNAME} {text}"


def make_document_update(
    file_id: str,
    file_name: str,
    file_size: int,
    *,
    mime_type: str = "text/plain",
    user_id: int = ADMIN_ID,
    caption: str | None = None,
    **kwargs: Any,
) -> dict[str, Any]:
    document = {
        "file_id": file_id,
        "file_unique_id": f"u-{file_id}",
        "file_name": file_name,
        "mime_type": mime_type,
        "file_size": file_size,
    }
    return {"message": make_message(None, user_id=user_id, document=document, caption=caption, **kwargs)}


def make_edited_message_update(text: str, **kwargs: Any) -> dict[str, Any]:
    message = make_message(text, **kwargs)
    message["edit_date"] = int(time.time())
    return {"edited_message": message}


def make_channel_post_update(text: str, *, chat_id: int = -1009876543210) -> dict[str, Any]:
    return {
        "channel_post": {
            "message_id": next(_message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "channel", "title": "A channel"},
            "sender_chat": {"id": chat_id, "type": "channel", "title": "A channel"},
            "text": text,
            **({"entities": auto_entities(text)} if auto_entities(text) else {}),
        }
    }


def make_anonymous_admin_update(text: str, *, chat_id: int = GROUP_ID) -> dict[str, Any]:
    """A message an anonymous group admin sends: from GroupAnonymousBot, on behalf of the group."""
    message = make_message(text, user_id=GROUP_ANONYMOUS_BOT_ID, chat_id=chat_id, chat_type="supergroup")
    message["from"] = {"id": GROUP_ANONYMOUS_BOT_ID, "is_bot": True, "first_name": "Group", "username": "GroupAnonymousBot"}
    message["sender_chat"] = make_chat(chat_id, "supergroup")
    return {"message": message}


def make_callback_query_update(data: str, message: dict[str, Any], *, user_id: int = USER_ID,
                               language_code: str | None = None) -> dict[str, Any]:
    return {
        "callback_query": {
            "id": f"cq{next(_message_ids)}",
            "from": make_user(user_id, language_code=language_code),
            "chat_instance": "ci-1",
            "message": message,
            "data": data,
        }
    }


def make_my_chat_member_update(status: str, *, chat_id: int = GROUP_ID, chat_type: str = "supergroup",
                               user_id: int = USER_ID, old_status: str = "member") -> dict[str, Any]:
    """The bot's own membership changed (`status`: "kicked" when blocked or removed, "left", "member"…)."""
    bot = {"id": BOT_ID, "is_bot": True, "first_name": BOT_FIRST_NAME, "username": BOT_USERNAME}
    when = int(time.time())

    def member(state: str) -> dict[str, Any]:
        data: dict[str, Any] = {"status": state, "user": bot}
        if state == "kicked":
            data["until_date"] = 0
        return data

    return {
        "my_chat_member": {
            "chat": make_chat(chat_id, chat_type),
            "from": make_user(user_id),
            "date": when,
            "old_chat_member": member(old_status),
            "new_chat_member": member(status),
        }
    }
