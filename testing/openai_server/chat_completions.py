"""``POST /v1/chat/completions``: a scripted reply served as a completion or as an SSE stream."""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import threading
import time
import traceback
from collections import deque
from typing import Any, Optional

from aiohttp import web

from testing.openai_server.protocol import (
    _JSON_KEY,
    _count_tokens,
    _drop_connection,
    _error_json,
    _fail_response,
    _garbage_text,
    _json_response,
)
from testing.openai_server.replies import Disconnect, Empty, Fail, Garbage, Reply
from testing.openai_server.reply_waits import _ReplyWaits
from testing.openai_server.responders import message_texts


def _split_for_stream(text: str) -> list[str]:
    """Word-sized pieces whose concatenation is exactly ``text``."""
    return re.findall(r"\S+\s*|\s+", text)


class _ChatCompletions(_ReplyWaits):
    """The chat endpoint, mixed into :class:`~testing.openai_server.FakeOpenAI` (its chat
    queue, ``_lock``, completion ids and ``chunk_delay``)."""

    chunk_delay: float
    _lock: threading.Lock
    _chat_queue: deque[Any]
    _ids: itertools.count

    async def _handle_chat(self, request: web.Request) -> web.StreamResponse:
        body = request[_JSON_KEY]
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
            return _json_response(
                _error_json("'messages' is a required property (fake server).", "invalid_request_error", None, "messages"),
                status=400,
            )
        with self._lock:
            reply = self._chat_queue.popleft() if self._chat_queue else self.default
        try:
            reply = await self._resolve(reply, body)
        except Exception:
            return _json_response(
                _error_json("Fake responder raised:\n" + traceback.format_exc(), "server_error"), status=500
            )
        if isinstance(reply, str):
            reply = Reply(reply)
        if isinstance(reply, Fail):
            return _fail_response(reply)
        if not isinstance(reply, (Reply, Garbage, Empty, Disconnect)):
            return _json_response(
                _error_json(f"Fake server cannot serve reply {reply!r}", "server_error"), status=500
            )
        if body.get("stream"):
            return await self._stream_chat(request, body, reply)
        return await self._complete_chat(request, body, reply)

    def _completion_id(self) -> str:
        return f"chatcmpl-fake{next(self._ids):06d}"

    @staticmethod
    def _usage(body: dict, completion_text: str) -> dict:
        prompt = sum(_count_tokens(t) for _, t in message_texts(body))
        completion = _count_tokens(completion_text)
        return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}

    async def _complete_chat(self, request: web.Request, body: dict, reply: Any) -> web.StreamResponse:
        if isinstance(reply, Garbage):
            return web.Response(text=_garbage_text(reply), content_type=reply.content_type)
        if isinstance(reply, Disconnect):
            return await _drop_connection(request)
        if isinstance(reply, Empty) and reply.kind == "choices":
            choices: list[dict] = []
            text = ""
        else:
            if isinstance(reply, Empty):
                content: Optional[str] = None if reply.kind == "null" else ""
                finish = "stop"
            else:
                content, finish = reply.content, reply.finish_reason
            text = content or ""
            choices = [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content, "refusal": None, "annotations": []},
                    "logprobs": None,
                    "finish_reason": finish,
                }
            ]
        return _json_response(
            {
                "id": self._completion_id(),
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body.get("model") or "fake-model",
                "choices": choices,
                "usage": self._usage(body, text),
                "system_fingerprint": "fp_fake",
            }
        )

    async def _stream_chat(self, request: web.Request, body: dict, reply: Any) -> web.StreamResponse:
        resp = web.StreamResponse(
            status=200, headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
        )
        await resp.prepare(request)
        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        cid, created, model = self._completion_id(), int(time.time()), body.get("model") or "fake-model"

        async def send(data: str) -> None:
            await resp.write(f"data: {data}\n\n".encode("utf-8"))

        async def chunk(delta: Optional[dict], finish: Optional[str] = None, usage: Optional[dict] = None) -> None:
            obj: dict[str, Any] = {
                "id": cid,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "system_fingerprint": "fp_fake",
                "choices": []
                if delta is None
                else [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
            }
            if include_usage:
                obj["usage"] = usage
            await send(json.dumps(obj))

        if isinstance(reply, Garbage):
            await send(_garbage_text(reply))
            await send("[DONE]")
            await resp.write_eof()
            return resp
        if isinstance(reply, Empty) and reply.kind == "choices":
            await chunk(None)
            await send("[DONE]")
            await resp.write_eof()
            return resp

        if isinstance(reply, Empty):
            first_content: Optional[str] = None if reply.kind == "null" else ""
            pieces, finish, text = [], "stop", ""
        elif isinstance(reply, Disconnect):
            first_content = ""
            pieces, finish, text = ["partial "] * reply.after_chunks, "stop", ""
        else:
            first_content = ""
            pieces, finish, text = _split_for_stream(reply.content), reply.finish_reason, reply.content

        await chunk({"role": "assistant", "content": first_content, "refusal": None})
        for piece in pieces:
            if self.chunk_delay:
                await asyncio.sleep(self.chunk_delay)
            await chunk({"content": piece})
        if isinstance(reply, Disconnect):
            return await _drop_connection(request)
        await chunk({}, finish)
        if include_usage:
            await chunk(None, usage=self._usage(body, text))
        await send("[DONE]")
        await resp.write_eof()
        return resp
