"""OpenAI's HTTP API as the fake speaks it: the paths, the error JSON and the responses
(JSON, a :class:`~testing.openai_server.replies.Fail`, garbage, a dropped connection)
that the chat, embeddings and models endpoints share.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, Optional

from aiohttp import web

from testing.openai_server.replies import Fail, Garbage

_JSON_KEY = web.RequestKey("fake_openai_json", object)  # the parsed request body
_CHAT_PATH = "/v1/chat/completions"
_EMBEDDINGS_PATH = "/v1/embeddings"


def _error_json(message: str, type_: str, code: Optional[str] = None, param: Optional[str] = None) -> dict:
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}


def _default_error(status: int) -> dict:
    if status == 401:
        return _error_json("Incorrect API key provided.", "invalid_request_error", "invalid_api_key")
    if status == 429:
        return _error_json("Rate limit reached (fake server).", "requests", "rate_limit_exceeded")
    if status == 503:
        return _error_json("The server is overloaded or not ready yet.", "server_error")
    if status >= 500:
        return _error_json("The server had an error while processing your request (fake).", "server_error")
    return _error_json(f"Request failed with status {status} (fake).", "invalid_request_error")


_SHUTTING_DOWN = Fail(503, _error_json("Fake server shutting down.", "server_error"))


def _json_response(data: Any, status: int = 200, headers: Optional[dict] = None) -> web.Response:
    return web.Response(
        status=status, text=json.dumps(data), content_type="application/json", headers=headers or {}
    )


def _count_tokens(text: str) -> int:
    return len(text.split())


def _fail_response(fail: Fail) -> web.Response:
    headers = dict(fail.headers)
    if fail.retry_after is not None:
        headers["Retry-After"] = f"{fail.retry_after:g}"
    body = fail.body if fail.body is not None else _default_error(fail.status)
    if isinstance(body, str):
        try:
            json.loads(body)
            ctype = "application/json"
        except ValueError:
            ctype = "text/plain"
        return web.Response(status=fail.status, text=body, content_type=ctype, headers=headers)
    return _json_response(body, status=fail.status, headers=headers)


def _garbage_text(g: Garbage) -> str:
    return g.text if isinstance(g.text, str) else json.dumps(g.text)


async def _drop_connection(request: web.Request) -> web.StreamResponse:
    if request.transport is not None:
        request.transport.close()
    # Nothing can be sent any more; aiohttp discards the response of a
    # handler whose client has gone.
    raise asyncio.CancelledError()
