"""The fake Bot API's HTTP side: a method call decoded, recorded and answered (token, blocked and
migrated chats, flood control, queued faults, then the method's handler), and file downloads."""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from testing.telegram_api.state import Call, Fault, _ApiError, _State

_STRING_KEYS = {
    "text", "caption", "parse_mode", "file_id", "callback_query_id", "url", "secret_token",
    "action", "inline_message_id", "description", "short_description", "name", "query",
}


class _HttpHandlers:
    """Mixed into :class:`~testing.telegram_api.FakeTelegramAPI` (its token, clock, state and lock;
    the Bot API methods are its ``_m_<method>`` handlers)."""

    token: str
    clock: Callable[[], float]
    _state: _State
    _lock: threading.Lock

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
