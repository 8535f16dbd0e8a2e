"""What a test makes the fake Bot API do: queue updates, serve files, delete a message as the user,
block the bot, upgrade a group, fail the next calls of a method."""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

from testing.telegram_api.state import Fault, StoredFile, StoredMessage, _State


class _TestControls:
    """Mixed into :class:`~testing.telegram_api.FakeTelegramAPI` (its state, lock, id counters,
    event loop and long-poll wake-up)."""

    _state: _State
    _lock: threading.Lock
    _update_ids: itertools.count
    _file_ids: itertools.count
    _loop: asyncio.AbstractEventLoop | None
    _wakeup: asyncio.Event | None

    def push_update(self, update: dict[str, Any]) -> int:
        """Queue an update for getUpdates; returns its update_id."""
        update = dict(update)
        update.setdefault("update_id", next(self._update_ids))
        message = (update.get("message") or update.get("edited_message") or update.get("channel_post")
                   or update.get("my_chat_member"))
        with self._lock:
            if message and "chat" in message:
                self._state.chat_types[message["chat"]["id"]] = message["chat"]["type"]
                if "message_id" in message:
                    self._state.messages.setdefault((int(message["chat"]["id"]), int(message["message_id"])),
                                                    StoredMessage(by_bot=False))
            self._state.pending.append(update)
        if self._loop is not None and self._wakeup is not None:
            self._loop.call_soon_threadsafe(self._wakeup.set)
        return update["update_id"]

    def add_file(self, content: bytes, file_name: str = "file.txt") -> str:
        """Make a file downloadable through getFile; returns its file_id."""
        n = next(self._file_ids)
        stored = StoredFile(f"FILE{n:04d}", f"U{n:04d}", f"documents/file_{n}_{file_name}", content)
        with self._lock:
            self._state.files[stored.file_id] = stored
        return stored.file_id

    def delete_by_user(self, chat_id: int, message_id: int) -> None:
        """The user deletes a message (e.g. the bot's status message) in their Telegram app: from now on
        it can't be edited, deleted or replied to (without allow_sending_without_reply), as in Telegram."""
        with self._lock:
            key = (int(chat_id), int(message_id))
            self._state.messages.setdefault(key, StoredMessage(by_bot=False)).deleted = True
            self._state.user_deleted.add(key)

    def block(self, chat_id: int) -> None:
        """From now on every call for `chat_id` gets 403, as when a user blocked the bot or removed it
        from a group ("Forbidden: bot was blocked by the user" / "…bot was kicked…")."""
        with self._lock:
            self._state.blocked.add(int(chat_id))

    def migrate(self, old_chat_id: int, new_chat_id: int) -> None:
        """The group `old_chat_id` was upgraded to the supergroup `new_chat_id`: from now on every call
        for the old id gets Telegram's 400 with `parameters.migrate_to_chat_id`."""
        with self._lock:
            self._state.migrated[int(old_chat_id)] = int(new_chat_id)
            self._state.chat_types[int(new_chat_id)] = "supergroup"

    def fail_next(
        self,
        method: str,
        count: int = 1,
        *,
        kind: str = "429",
        retry_after: int = 1,
        description: str = "",
        when: Callable[[dict[str, Any]], bool] | None = None,
    ) -> None:
        """Answer the next `count` matching calls of `method` with an error of `kind`."""
        with self._lock:
            queue = self._state.faults.setdefault(method, deque())
            for _ in range(count):
                queue.append(Fault(kind, retry_after, description, when))
