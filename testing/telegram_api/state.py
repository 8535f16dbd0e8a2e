"""What the fake Bot API keeps: the calls it received, the faults a test queued, the files it
serves and the messages of each chat (:class:`_State`, guarded by the server's lock); the bot it plays
and the errors its methods answer with."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: the bot the fake plays by default (getMe, the sender of its messages)
BOT_ID = 7_000_001
BOT_USERNAME = "newsbot_test_bot"
BOT_FIRST_NAME = "NewsBot"

#: the Bot API's error answers that method handlers raise (`_ApiError`, answered by the HTTP handler as
#: {"ok": false, "error_code", "description"})
NOT_MODIFIED = ("Bad Request: message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message")


class _ApiError(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float
    status: int | None = None  # None while the request is in progress (e.g. a long poll)
    result: Any = None
    visible_text: str | None = None  # sendMessage/editMessageText: what the user sees

    @property
    def ok(self) -> bool:
        return self.status == 200


@dataclass
class Fault:
    kind: str  # "429" | "parse" | "5xx" | "400"
    retry_after: int = 1
    description: str = ""
    when: Callable[[dict[str, Any]], bool] | None = None

    def applies(self, params: dict[str, Any]) -> bool:
        if self.kind == "parse" and not params.get("parse_mode"):
            return False
        return self.when is None or self.when(params)


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes


@dataclass
class StoredMessage:
    """A message as Telegram keeps it: who sent it, and what an edit is compared with."""

    by_bot: bool
    content: tuple[Any, ...] = ()  # (visible text, entities, inline keyboard)
    deleted: bool = False


@dataclass
class _State:
    calls: list[Call] = field(default_factory=list)
    pending: list[dict[str, Any]] = field(default_factory=list)
    faults: dict[str, deque[Fault]] = field(default_factory=dict)
    files: dict[str, StoredFile] = field(default_factory=dict)
    chat_types: dict[int, str] = field(default_factory=dict)
    blocked: set[int] = field(default_factory=set)
    migrated: dict[int, int] = field(default_factory=dict)  # old group id → its supergroup's id
    flood_until: dict[tuple[str, Any], float] = field(default_factory=dict)  # (method, chat_id) → clock()
    messages: dict[tuple[int, int], StoredMessage] = field(default_factory=dict)  # (chat_id, message_id)
    user_deleted: set[tuple[int, int]] = field(default_factory=set)
    answered_queries: set[str] = field(default_factory=set)
    webhook_url: str = ""
