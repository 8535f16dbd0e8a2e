"""What a test reads from the fake Bot API (the calls, the messages of a chat as the user sees them
now) and waits for, bounded by :data:`WAIT_LIMIT`."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from testing.telegram_api.state import Call, _State

if TYPE_CHECKING:
    from testing.app_activity import AppActivity

#: how long the wait helpers wait at most: a bound for a hung run, never an expectation
WAIT_LIMIT = 60.0


class _Inspection:
    """Mixed into :class:`~testing.telegram_api.FakeTelegramAPI` (its state and lock)."""

    _state: _State
    _lock: threading.Lock

    def calls(self, method: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self._state.calls if method is None or c.method == method]

    def sent_messages(self, chat_id: int | None = None, *, ok_only: bool = True) -> list[Call]:
        return [
            c
            for c in self.calls("sendMessage")
            if (not ok_only or c.ok) and (chat_id is None or c.params.get("chat_id") == chat_id)
        ]

    def texts(self, chat_id: int | None = None) -> list[str]:
        """Visible texts of the messages delivered to a chat, in order."""
        return [c.visible_text or "" for c in self.sent_messages(chat_id)]

    def edits(self, chat_id: int | None = None, *, ok_only: bool = True) -> list[Call]:
        """Successful editMessageText calls (of a chat), in order."""
        return [
            c
            for c in self.calls("editMessageText")
            if (not ok_only or c.ok) and (chat_id is None or c.params.get("chat_id") == chat_id)
        ]

    def deleted(self, chat_id: int | None = None) -> list[int]:
        """Message ids deleted (in a chat) with deleteMessage."""
        return [
            int(c.params["message_id"])
            for c in self.calls("deleteMessage")
            if c.ok and (chat_id is None or c.params.get("chat_id") == chat_id)
        ]

    def shown(self, chat_id: int) -> list[str]:
        """What the chat shows now: its messages in order, with their latest edits, minus deleted ones."""
        texts: dict[int, str] = {}
        for call in self.calls():
            if not call.ok or call.params.get("chat_id") != chat_id:
                continue
            if call.method == "sendMessage":
                texts[call.result["message_id"]] = call.visible_text or ""
            elif call.method == "editMessageText" and int(call.params.get("message_id") or 0) in texts:
                texts[int(call.params["message_id"])] = call.visible_text or ""
            elif call.method == "deleteMessage":
                texts.pop(int(call.params.get("message_id") or 0), None)
        with self._lock:
            gone = {mid for cid, mid in self._state.user_deleted if cid == chat_id}
        return [text for mid, text in texts.items() if mid not in gone]

    def pending_updates(self) -> int:
        with self._lock:
            return len(self._state.pending)

    @property
    def webhook_url(self) -> str:
        return self._state.webhook_url

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = WAIT_LIMIT,
                       interval: float = 0.01) -> Any:
        """Poll until predicate() is truthy (returning its value); fail after `timeout` s — a bound
        for a hung run, not an expectation (a busy machine is slow, not stuck)."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout} s waiting for {getattr(predicate, '__name__', predicate)}")
            await asyncio.sleep(interval)

    async def wait_for_messages(self, chat_id: int, count: int = 1, timeout: float = WAIT_LIMIT) -> list[Call]:
        def enough() -> list[Call] | None:
            sent = self.sent_messages(chat_id)
            return sent if len(sent) >= count else None

        enough.__name__ = f"{count} message(s) to chat {chat_id}"
        return await self.wait_for(enough, timeout)

    async def settle(self, activity: "AppActivity", timeout: float = WAIT_LIMIT) -> None:
        """Wait until the bot fetched every pushed update and has nothing in flight: each update
        fully handled and every task it started finished (`testing.app_activity`). After it,
        "nothing was sent" means nothing will be — no quiet period is assumed."""

        def all_fetched() -> bool:  # the bot asked for updates past them: they are on its queue
            return self.pending_updates() == 0

        await self.wait_for(all_fetched, timeout)
        await activity.idle(timeout)
