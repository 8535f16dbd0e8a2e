"""A fake Telegram Bot API server for end-to-end tests.

It runs an aiohttp server on 127.0.0.1 (a free port) in a background thread with its own
event loop, so the bot under test talks to it over real HTTP exactly as it would to
api.telegram.org. Point the bot at `fake.base_url` / `fake.base_file_url`.

What it does:
- implements the methods newsbot uses: getMe, getUpdates (long polling over a queue the
  test fills with `push_update`), sendMessage, editMessageText, deleteMessage, sendChatAction,
  answerCallbackQuery, setMyCommands, deleteWebhook, setWebhook, getWebhookInfo, getFile and
  file downloads (`add_file`), close/logOut;
- keeps what each chat shows: `sent_messages` (in order), `edits` (every editMessageText of a
  chat, in order), `deleted`, and `shown(chat_id)`: the chat's messages as the user sees them now
  (edits applied, deleted ones gone — also those the user deleted, `delete_by_user`);
- knows which messages exist, as Telegram does: editing or deleting a message that was never sent
  or is gone answers 400 "message to edit not found" / "message to delete not found", an edit
  that changes neither the text, its entities nor the inline keyboard answers 400 "message is not
  modified", and a reply to a deleted message without allow_sending_without_reply answers 400
  "message to be replied not found"; a callback query is answered once, with at most 200 characters;
- checks what real Telegram checks and the bot must get right: the token, non-empty text,
  the 4096 UTF-16 unit limit, and HTML parse mode (allowed tags, balanced nesting, only
  &lt; &gt; &amp; &quot; and numeric entities) — bad markup gets the real 400 "can't parse
  entities" answer;
- records every request on arrival (`calls`): decoded parameters, the status once answered
  (None while in progress, e.g. a long poll) and the visible text of sent messages;
- on demand answers the next N calls of a method with 429 + retry_after, 400 "can't parse
  entities" (only for requests that have a parse_mode), or a 5xx (`fail_next`);
- keeps Telegram's flood control: after a 429, the same method for the same chat gets 429 again
  until its retry_after has passed — so a bot that retries too early is seen in the statuses of
  its calls, not in their times;
- answers every call for a chat that `block`ed the bot with 403 Forbidden, as Telegram does;
- after `migrate(old, new)` (a group upgraded to a supergroup) answers every call for the old id
  with 400 "group chat was upgraded to a supergroup chat" and `parameters.migrate_to_chat_id`;
- waits for the bot without assuming how fast it is: `wait_for(predicate)`, `wait_for_messages`
  (bounded by WAIT_LIMIT, a bound for a hung run) and `settle(activity)`: every pushed update
  fetched and fully handled, every task the bot started finished (see `testing.app_activity`).
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import math
import re
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from testing.app_activity import AppActivity

#: how long the wait helpers wait at most: a bound for a hung run, never an expectation
WAIT_LIMIT = 60.0
BOT_ID = 7_000_001
BOT_USERNAME = "newsbot_test_bot"
BOT_FIRST_NAME = "NewsBot"

_STRING_KEYS = {
    "text", "caption", "parse_mode", "file_id", "callback_query_id", "url", "secret_token",
    "action", "inline_message_id", "description", "short_description", "name", "query",
}
_ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
    "a", "code", "pre", "blockquote", "tg-emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class TelegramHTMLError(ValueError):
    pass


class _TelegramHTML(HTMLParser):
    """Parses Telegram's HTML subset the way the Bot API does (strictly)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.visible: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.spans: list[tuple[str, tuple[tuple[str, str | None], ...], int, int]] = []  # entities
        self._open: list[tuple[int, tuple[tuple[str, str | None], ...]]] = []  # open tags: offset, attributes
        self._size = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _ALLOWED_TAGS:
            raise TelegramHTMLError(f'Unsupported start tag "{tag}"')
        attributes = dict(attrs)
        if tag == "a" and not attributes.get("href"):
            raise TelegramHTMLError('Can\'t find "href" attribute of the "a" tag')
        if tag == "blockquote" and set(attributes) - {"expandable"}:
            raise TelegramHTMLError("Unsupported blockquote attribute")
        self.stack.append(tag)
        self.tags.append((tag, attributes))
        self._open.append((self._size, tuple(sorted(attributes.items()))))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise TelegramHTMLError(f'Unsupported start tag "{tag}/"')

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            raise TelegramHTMLError(f'Can\'t find end tag corresponding to start tag "{tag}"')
        self.stack.pop()
        start, attributes = self._open.pop()
        self.spans.append((tag, attributes, start, self._size))

    def handle_data(self, data: str) -> None:
        if "<" in data or "&" in data:
            raise TelegramHTMLError("Unclosed start tag or unescaped character")
        self._add(data)

    def _add(self, text: str) -> None:
        self.visible.append(text)
        self._size += len(text)

    def handle_entityref(self, name: str) -> None:
        if name not in _NAMED_ENTITIES:
            raise TelegramHTMLError(f'Unsupported HTML entity "&{name};"')
        self._add(_NAMED_ENTITIES[name])

    def handle_charref(self, name: str) -> None:
        try:
            code = int(name[1:], 16) if name.lower().startswith("x") else int(name)
            self._add(chr(code))
        except (ValueError, OverflowError) as exc:
            raise TelegramHTMLError(f"Bad character reference &#{name};") from exc

    def handle_comment(self, data: str) -> None:
        raise TelegramHTMLError("Unsupported comment")

    def handle_decl(self, decl: str) -> None:
        raise TelegramHTMLError("Unsupported declaration")

    def unknown_decl(self, data: str) -> None:
        raise TelegramHTMLError("Unsupported declaration")


def parse_telegram_html(text: str) -> tuple[str, list[tuple[str, dict[str, str | None]]]]:
    """(visible text, tags) of a parse_mode=HTML message, or TelegramHTMLError."""
    parser = _parse(text)
    return "".join(parser.visible), parser.tags


def parse_telegram_entities(text: str) -> tuple[str, list[tuple[str, tuple[tuple[str, str | None], ...], int, int]]]:
    """(visible text, entities) of a parse_mode=HTML message: each entity (tag, attributes, start, end),
    in visible characters; what Telegram compares to tell whether an edit modifies a message."""
    parser = _parse(text)
    return "".join(parser.visible), sorted(parser.spans, key=lambda e: (e[2], -e[3], e[0]))


def _parse(text: str) -> _TelegramHTML:
    # a lone '&' that is not an entity, or '<' not starting a tag, is an error in Telegram
    for match in re.finditer(r"&", text):
        if not re.match(r"&(#\d+|#[xX][0-9a-fA-F]+|[A-Za-z]+);", text[match.start():]):
            raise TelegramHTMLError("Unsupported unescaped '&'")
    parser = _TelegramHTML()
    parser.feed(text)
    parser.close()
    if parser.rawdata:  # leftovers like "<" at the end
        raise TelegramHTMLError("Unclosed start tag")
    if parser.stack:
        raise TelegramHTMLError(f'Can\'t find end tag corresponding to start tag "{parser.stack[-1]}"')
    return parser


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


NOT_MODIFIED = ("Bad Request: message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message")


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


class FakeTelegramAPI:
    def __init__(self, token: str, *, bot_id: int = BOT_ID, username: str = BOT_USERNAME,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.token = token
        self.clock = clock  # for flood control (retry_after) only
        self.bot_id = bot_id
        self.username = username
        self.port = 0
        self._state = _State()
        self._lock = threading.Lock()
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(10_000)
        self._file_ids = itertools.count(1)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._wakeup: asyncio.Event | None = None
        self._ready = threading.Event()
        self._startup_error: BaseException | None = None
        self._closing = False

    # ------------------------------------------------------------------ lifecycle

    @property
    def root_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.root_url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.root_url}/file/bot"

    def start(self) -> "FakeTelegramAPI":
        self._thread = threading.Thread(target=self._run, name="fake-telegram-api", daemon=True)
        self._thread.start()
        if not self._ready.wait(WAIT_LIMIT):
            raise RuntimeError(f"fake Telegram API did not start within {WAIT_LIMIT} s")
        if self._startup_error:
            raise self._startup_error
        return self

    def stop(self) -> None:
        if self._loop is None:
            return
        fut = asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop)
        fut.result(WAIT_LIMIT)
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread:
            self._thread.join(WAIT_LIMIT)
        self._loop = None

    def __enter__(self) -> "FakeTelegramAPI":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        try:
            loop.run_until_complete(self._startup())
        except BaseException as exc:  # noqa: BLE001 - reported to start()
            self._startup_error = exc
            self._ready.set()
            return
        self._ready.set()
        loop.run_forever()
        loop.close()

    async def _startup(self) -> None:
        self._wakeup = asyncio.Event()
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        site = web.SockSite(self._runner, sock)
        await site.start()

    async def _shutdown(self) -> None:
        self._closing = True
        if self._wakeup is not None:
            self._wakeup.set()  # release pending long polls at once
        if self._runner is not None:
            await self._runner.cleanup()

    # ------------------------------------------------------------------ test controls

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

    # ------------------------------------------------------------------ HTTP handlers

    @staticmethod
    def _decode(raw: dict[str, str]) -> dict[str, Any]:
        params: dict[str, Any] = {}
        for key, value in raw.items():
            if key in _STRING_KEYS or not isinstance(value, str):
                params[key] = value
                continue
            try:
                params[key] = json.loads(value)
            except ValueError:
                params[key] = value
        return params

    async def _read_params(self, request: web.Request) -> dict[str, Any]:
        raw: dict[str, Any] = dict(request.query)
        if request.method == "POST":
            if request.content_type == "application/json":
                body = await request.json()
                return {**raw, **(body or {})}
            form = await request.post()
            for key, value in form.items():
                raw[key] = value if isinstance(value, str) else value.file.read()
        return self._decode(raw)

    async def _handle_method(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._read_params(request)
        call = Call(method=method, params=params, at=time.monotonic())
        with self._lock:
            self._state.calls.append(call)  # recorded on arrival; status set when answered
        if request.match_info["token"] != self.token:
            return self._finish(call, 401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        blocked = self._blocked(params.get("chat_id"))
        if blocked:
            return self._finish(call, 403, {"ok": False, "error_code": 403, "description": blocked})
        migrated = self._migrated_to(params.get("chat_id"))
        if migrated is not None:
            return self._finish(call, 400, {"ok": False, "error_code": 400,
                                            "description": "Bad Request: group chat was upgraded to a supergroup chat",
                                            "parameters": {"migrate_to_chat_id": migrated}})
        flood_wait = self._flood_wait(method, params)
        if flood_wait:
            return self._finish(call, *self._fault_response(Fault("429", retry_after=flood_wait)))
        fault = self._take_fault(method, params)
        if fault is not None:
            if fault.kind == "429":
                with self._lock:
                    self._state.flood_until[(method, params.get("chat_id"))] = self.clock() + fault.retry_after
            return self._finish(call, *self._fault_response(fault))
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return self._finish(call, 404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"})
        try:
            result = await handler(params, call)
        except _ApiError as exc:
            return self._finish(call, exc.code, {"ok": False, "error_code": exc.code, "description": exc.description})
        return self._finish(call, 200, {"ok": True, "result": result})

    def _finish(self, call: Call, status: int, body: dict[str, Any]) -> web.Response:
        call.result = body.get("result", body)
        call.status = status
        return web.json_response(body, status=status)

    def _blocked(self, chat_id: Any) -> str:
        """The Bot API's 403 description when `chat_id` blocked the bot or removed it, else ""."""
        try:
            cid = int(chat_id)
        except (TypeError, ValueError):
            return ""
        with self._lock:
            if cid not in self._state.blocked:
                return ""
        return ("Forbidden: bot was blocked by the user" if cid > 0
                else "Forbidden: bot was kicked from the supergroup chat")

    def _migrated_to(self, chat_id: Any) -> int | None:
        try:
            cid = int(chat_id)
        except (TypeError, ValueError):
            return None
        with self._lock:
            return self._state.migrated.get(cid)

    def _flood_wait(self, method: str, params: dict[str, Any]) -> int:
        """Whole seconds this method must still wait for this chat after a 429 (0: none)."""
        with self._lock:
            until = self._state.flood_until.get((method, params.get("chat_id")))
        left = until - self.clock() if until is not None else 0.0
        return math.ceil(left) if left > 0 else 0

    def _take_fault(self, method: str, params: dict[str, Any]) -> Fault | None:
        with self._lock:
            queue = self._state.faults.get(method)
            if queue and queue[0].applies(params):
                return queue.popleft()
        return None

    @staticmethod
    def _fault_response(fault: Fault) -> tuple[int, dict[str, Any]]:
        if fault.kind == "429":
            return 429, {
                "ok": False,
                "error_code": 429,
                "description": f"Too Many Requests: retry after {fault.retry_after}",
                "parameters": {"retry_after": fault.retry_after},
            }
        if fault.kind == "parse":
            return 400, {
                "ok": False,
                "error_code": 400,
                "description": fault.description
                or "Bad Request: can't parse entities: Unsupported start tag \"blockquote\" at byte offset 0",
            }
        if fault.kind == "5xx":
            return 502, {"ok": False, "error_code": 502, "description": fault.description or "Bad Gateway"}
        return 400, {"ok": False, "error_code": 400, "description": fault.description or "Bad Request: test fault"}

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        path = request.match_info["path"]
        with self._lock:
            self._state.calls.append(Call(method="<download>", params={"path": path}, at=time.monotonic()))
            stored = next((f for f in self._state.files.values() if f.file_path == path), None)
        if stored is None:
            return web.Response(status=404)
        return web.Response(body=stored.content)

    # ------------------------------------------------------------------ Bot API methods

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


class _ApiError(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


def unescape_visible(text: str) -> str:
    """Helper for tests comparing rendered HTML with plain text."""
    return html.unescape(text)
