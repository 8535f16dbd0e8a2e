"""Bot API methods about the bot itself and its updates: getMe, getUpdates (long polling),
answerCallbackQuery, the commands, the webhook, getFile, close and logOut."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from testing.telegram_api.state import BOT_FIRST_NAME, Call, _ApiError, _State


class _BotMethods:
    """Mixed into :class:`~testing.telegram_api.FakeTelegramAPI` (its bot id and username, state,
    lock, event loop and long-poll wake-up)."""

    bot_id: int
    username: str
    _state: _State
    _lock: threading.Lock
    _loop: asyncio.AbstractEventLoop | None
    _wakeup: asyncio.Event | None
    _closing: bool

    def _bot_user(self) -> dict[str, Any]:
        return {"id": self.bot_id, "is_bot": True, "first_name": BOT_FIRST_NAME, "username": self.username}

    async def _m_getMe(self, params: dict[str, Any], call: Call) -> dict[str, Any]:
        return {
            **self._bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _m_getUpdates(self, params: dict[str, Any], call: Call) -> list[dict[str, Any]]:
        assert self._loop is not None and self._wakeup is not None
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        deadline = self._loop.time() + timeout
        while True:
            with self._lock:
                self._state.pending = [u for u in self._state.pending if u["update_id"] >= offset]
                if self._state.pending:
                    return [dict(u) for u in self._state.pending[:limit]]
                self._wakeup.clear()
            remaining = deadline - self._loop.time()
            if remaining <= 0 or self._closing:
                return []
            try:
                await asyncio.wait_for(self._wakeup.wait(), remaining)
            except asyncio.TimeoutError:
                return []

    async def _m_answerCallbackQuery(self, params: dict[str, Any], call: Call) -> bool:
        if len(str(params.get("text") or "")) > 200:
            raise _ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        with self._lock:
            query = str(params.get("callback_query_id"))
            if query in self._state.answered_queries:
                raise _ApiError(400, "Bad Request: query is too old and response timeout expired or query ID is "
                                     "invalid")
            self._state.answered_queries.add(query)
        return True

    async def _m_setMyCommands(self, params: dict[str, Any], call: Call) -> bool:
        return True

    async def _m_deleteMyCommands(self, params: dict[str, Any], call: Call) -> bool:
        return True

    async def _m_setWebhook(self, params: dict[str, Any], call: Call) -> bool:
        with self._lock:
            self._state.webhook_url = str(params.get("url") or "")
        return True

    async def _m_deleteWebhook(self, params: dict[str, Any], call: Call) -> bool:
        with self._lock:
            self._state.webhook_url = ""
        return True

    async def _m_getWebhookInfo(self, params: dict[str, Any], call: Call) -> dict[str, Any]:
        return {"url": self._state.webhook_url, "has_custom_certificate": False, "pending_update_count": 0}

    async def _m_getFile(self, params: dict[str, Any], call: Call) -> dict[str, Any]:
        with self._lock:
            stored = self._state.files.get(str(params.get("file_id")))
        if stored is None:
            raise _ApiError(400, "Bad Request: invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": stored.file_path,
        }

    async def _m_close(self, params: dict[str, Any], call: Call) -> bool:
        return True

    async def _m_logOut(self, params: dict[str, Any], call: Call) -> bool:
        return True
