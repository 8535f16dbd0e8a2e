"""Bot API methods on chats and messages: sendMessage, editMessageText, deleteMessage and
sendChatAction, checked as Telegram checks them (text, HTML, length, messages that exist)."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from typing import Any

from testing.telegram_api.state import NOT_MODIFIED, Call, StoredMessage, _ApiError, _State
from testing.telegram_api.telegram_html import TelegramHTMLError, parse_telegram_entities, utf16_len


class _MessageMethods:
    """Mixed into :class:`~testing.telegram_api.FakeTelegramAPI` (its state, lock, message ids and
    ``_bot_user`` from :class:`~testing.telegram_api.bot_methods._BotMethods`)."""

    _state: _State
    _lock: threading.Lock
    _message_ids: itertools.count
    _bot_user: Callable[[], dict[str, Any]]

    def _chat(self, chat_id: Any) -> dict[str, Any]:
        try:
            cid = int(chat_id)
        except (TypeError, ValueError) as exc:
            raise _ApiError(400, "Bad Request: chat not found") from exc
        with self._lock:
            kind = self._state.chat_types.get(cid, "private" if cid > 0 else "supergroup")
        chat: dict[str, Any] = {"id": cid, "type": kind}
        if kind == "private":
            chat["first_name"] = "User"
        else:
            chat["title"] = f"Chat {cid}"
        return chat

    def _visible(self, params: dict[str, Any]) -> str:
        return self._content(params)[0]

    def _content(self, params: dict[str, Any]) -> tuple[str, tuple[Any, ...]]:
        """(visible text, what an edit is compared with: stripped text, entities, inline keyboard)."""
        text = params.get("text")
        if not isinstance(text, str):
            raise _ApiError(400, "Bad Request: message text is empty")
        entities: list[Any] = []
        if (params.get("parse_mode") or "").upper() == "HTML":
            try:
                visible, entities = parse_telegram_entities(text)
            except TelegramHTMLError as exc:
                raise _ApiError(400, f"Bad Request: can't parse entities: {exc}") from exc
        elif params.get("parse_mode"):
            raise _ApiError(400, f"Bad Request: unsupported parse_mode {params['parse_mode']} in the fake")
        else:
            visible = text
        if not visible.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        if utf16_len(visible.strip()) > 4096:
            raise _ApiError(400, "Bad Request: message is too long")
        markup = params.get("reply_markup") or None
        return visible, (visible.strip(), json.dumps(entities), json.dumps(markup, sort_keys=True))

    @staticmethod
    def _message_key(chat_id: Any, message_id: Any) -> tuple[int, int]:
        try:
            return int(chat_id), int(message_id)
        except (TypeError, ValueError) as exc:
            raise _ApiError(400, "Bad Request: message identifier is not specified") from exc

    async def _m_sendMessage(self, params: dict[str, Any], call: Call) -> dict[str, Any]:
        chat = self._chat(params.get("chat_id"))
        visible, content = self._content(params)
        reply = params.get("reply_parameters") or {}
        if isinstance(reply, dict) and reply.get("message_id") and not reply.get("allow_sending_without_reply"):
            target = self._message_key(reply.get("chat_id", chat["id"]), reply["message_id"])
            with self._lock:
                replied = self._state.messages.get(target)
            if replied is not None and replied.deleted:
                raise _ApiError(400, "Bad Request: message to be replied not found")
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": self._bot_user(),
            "text": visible.strip(),
        }
        if params.get("message_thread_id"):
            message["message_thread_id"] = params["message_thread_id"]
        with self._lock:
            self._state.messages[(chat["id"], message["message_id"])] = StoredMessage(by_bot=True, content=content)
        call.visible_text = visible
        return message

    async def _m_editMessageText(self, params: dict[str, Any], call: Call) -> dict[str, Any] | bool:
        visible, content = self._content(params)
        if params.get("inline_message_id"):
            call.visible_text = visible
            return True
        chat = self._chat(params.get("chat_id"))
        key = self._message_key(chat["id"], params.get("message_id"))
        with self._lock:
            stored = self._state.messages.get(key)
            if stored is None or stored.deleted:
                raise _ApiError(400, "Bad Request: message to edit not found")
            if not stored.by_bot:
                raise _ApiError(400, "Bad Request: message can't be edited")
            if stored.content == content:
                raise _ApiError(400, NOT_MODIFIED)
            stored.content = content
        call.visible_text = visible
        return {
            "message_id": key[1],
            "date": int(time.time()),
            "edit_date": int(time.time()),
            "chat": chat,
            "from": self._bot_user(),
            "text": visible.strip(),
        }

    async def _m_deleteMessage(self, params: dict[str, Any], call: Call) -> bool:
        chat = self._chat(params.get("chat_id"))
        if not params.get("message_id"):
            raise _ApiError(400, "Bad Request: message identifier is not specified")
        key = self._message_key(chat["id"], params.get("message_id"))
        with self._lock:
            stored = self._state.messages.get(key)
            if stored is None or stored.deleted:
                raise _ApiError(400, "Bad Request: message to delete not found")
            stored.deleted = True
        return True

    async def _m_sendChatAction(self, params: dict[str, Any], call: Call) -> bool:
        self._chat(params.get("chat_id"))
        return True
