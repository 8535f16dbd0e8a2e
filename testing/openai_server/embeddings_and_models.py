"""``POST /v1/embeddings`` (the fake embedder's vectors, or a queued failure) and
``GET /v1/models`` / ``GET /v1/models/{id}``."""

from __future__ import annotations

import asyncio
import base64
import json
import threading
from collections import deque
from typing import Any, Callable

import numpy as np
from aiohttp import web

from testing.openai_server.protocol import (
    _JSON_KEY,
    _SHUTTING_DOWN,
    _count_tokens,
    _drop_connection,
    _error_json,
    _fail_response,
    _garbage_text,
    _json_response,
)
from testing.openai_server.replies import NORMAL, Delay, Disconnect, Empty, Fail, Garbage, _Normal
from testing.openai_server.reply_waits import _ReplyWaits


class _EmbeddingsAndModels(_ReplyWaits):
    """The embeddings and models endpoints, mixed into :class:`~testing.openai_server.FakeOpenAI`
    (its embedding queue, ``_lock``, ``embedder``, ``embedding_dim`` and ``models``)."""

    embedding_dim: int
    embedder: Callable[[str, int], list[float]]
    models: list[str]
    _lock: threading.Lock
    _embedding_queue: deque[Any]

    async def _handle_embeddings(self, request: web.Request) -> web.StreamResponse:
        body = request[_JSON_KEY]
        if not isinstance(body, dict) or "input" not in body:
            return _json_response(
                _error_json("'input' is a required property (fake server).", "invalid_request_error", None, "input"),
                status=400,
            )
        with self._lock:
            outcome = self._embedding_queue.popleft() if self._embedding_queue else NORMAL
        while isinstance(outcome, Delay):
            outcome = outcome.then if await self._sleep(outcome.seconds) else _SHUTTING_DOWN
        if outcome is None:
            outcome = NORMAL
        if isinstance(outcome, Fail):
            return _fail_response(outcome)
        if isinstance(outcome, Garbage):
            return web.Response(text=_garbage_text(outcome), content_type=outcome.content_type)
        if isinstance(outcome, Disconnect):
            return await _drop_connection(request)
        if not isinstance(outcome, (_Normal, Empty)):
            return _json_response(
                _error_json(f"Fake server cannot serve embedding outcome {outcome!r}", "server_error"), status=500
            )

        raw = body["input"]
        inputs: list[Any] = [raw] if isinstance(raw, str) else list(raw)
        if inputs and all(isinstance(x, int) for x in inputs):  # a single pre-tokenised input
            inputs = [inputs]
        texts = [x if isinstance(x, str) else json.dumps(x) for x in inputs]
        dim = int(body.get("dimensions") or self.embedding_dim)
        b64 = body.get("encoding_format") == "base64"
        data = []
        if not isinstance(outcome, Empty):
            vectors = await asyncio.get_running_loop().run_in_executor(
                None, lambda: [self.embedder(t, dim) for t in texts]
            )
            for i, vec in enumerate(vectors):
                emb: Any = (
                    base64.b64encode(np.asarray(vec, dtype="<f4").tobytes()).decode("ascii") if b64 else list(vec)
                )
                data.append({"object": "embedding", "index": i, "embedding": emb})
        tokens = sum(_count_tokens(t) for t in texts)
        return _json_response(
            {
                "object": "list",
                "data": data,
                "model": body.get("model") or "fake-embedding",
                "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
            }
        )

    # ---- models ----------------------------------------------------------

    def _model_obj(self, model_id: str) -> dict:
        return {"id": model_id, "object": "model", "created": 1700000000, "owned_by": "fake-openai"}

    async def _handle_models(self, request: web.Request) -> web.StreamResponse:
        return _json_response({"object": "list", "data": [self._model_obj(m) for m in self.models]})

    async def _handle_model(self, request: web.Request) -> web.StreamResponse:
        model_id = request.match_info["model_id"]
        if model_id not in self.models:
            return _json_response(
                _error_json(f"The model '{model_id}' does not exist", "invalid_request_error", "model_not_found", "model"),
                status=404,
            )
        return _json_response(self._model_obj(model_id))
