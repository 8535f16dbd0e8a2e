"""The :class:`FakeOpenAI` server: its settings, its application (served from a background thread
by :mod:`testing.aiohttp_thread`), addresses, the test's scripting (reply queues) and the request
history. The endpoints are its mixins: :mod:`~testing.openai_server.chat_completions` and
:mod:`~testing.openai_server.embeddings_and_models`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections import deque
from typing import Any, Callable, Iterable, Optional

from aiohttp import web

from testing.aiohttp_thread import ThreadedAiohttpServer
from testing.openai_server.chat_completions import _ChatCompletions
from testing.openai_server.embedders import hash_embedding
from testing.openai_server.embeddings_and_models import _EmbeddingsAndModels
from testing.openai_server.protocol import _CHAT_PATH, _EMBEDDINGS_PATH, _JSON_KEY, _error_json, _json_response
from testing.openai_server.recorded_request import RecordedRequest
from testing.openai_server.responders import Responder, default_responder


class FakeOpenAI(_ChatCompletions, _EmbeddingsAndModels):
    """A fake OpenAI-compatible server; see the package docstring (:mod:`testing.openai_server`).

    Parameters:
        api_key: if set, require ``Authorization: Bearer <api_key>`` (else 401).
        embedding_dim: default embedding size (a request's ``dimensions`` wins).
        embedder: ``f(text, dim) -> list[float]``; default :func:`hash_embedding`.
        models: ids listed by ``GET /v1/models``.
        default: responder used when the chat queue is empty.
        chunk_delay: seconds to sleep between streamed chunks (for time-to-first-
            token style benchmarks); 0 by default.
        host: interface to bind (``127.0.0.1``).
    """

    def __init__(
        self,
        *,
        api_key: Optional[str] = None,
        embedding_dim: int = 384,
        embedder: Callable[[str, int], list[float]] = hash_embedding,
        models: Iterable[str] = ("fake-model", "fake-embedding"),
        default: Responder = default_responder,
        chunk_delay: float = 0.0,
        host: str = "127.0.0.1",
    ) -> None:
        self.api_key = api_key
        self.embedding_dim = embedding_dim
        self.embedder = embedder
        self.models = list(models)
        self.default: Responder = default
        self._initial_default = default
        self.chunk_delay = chunk_delay
        self.host = host

        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)  # notified when a request is recorded
        self._chat_queue: deque[Any] = deque()
        self._embedding_queue: deque[Any] = deque()
        self._history: list[RecordedRequest] = []
        self._ids = itertools.count(1)

        self._closing: Optional[asyncio.Event] = None  # made in the server's loop; set when it stops
        self._server = ThreadedAiohttpServer(self._make_app, name="FakeOpenAI", host=host, backlog=1024)

    # ---- lifecycle -------------------------------------------------------

    def __enter__(self) -> "FakeOpenAI":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def __aenter__(self) -> "FakeOpenAI":
        self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await asyncio.get_running_loop().run_in_executor(None, self.stop)

    def start(self) -> "FakeOpenAI":
        """Bind a free port and start serving in a background thread."""
        self._server.start()
        return self

    def stop(self) -> None:
        """Stop serving; in-flight ``Delay`` and ``Hold`` replies are cut short (503)."""
        self._server.stop()

    def _make_app(self) -> web.Application:
        """The application, made in the server's loop on each start (see :mod:`testing.aiohttp_thread`)."""
        self._closing = asyncio.Event()
        app = web.Application(middlewares=[self._middleware], client_max_size=64 * 1024**2)
        app.router.add_post(_CHAT_PATH, self._handle_chat)
        app.router.add_post(_EMBEDDINGS_PATH, self._handle_embeddings)
        app.router.add_get("/v1/models", self._handle_models)
        app.router.add_get("/v1/models/{model_id:.+}", self._handle_model)
        app.on_shutdown.append(self._on_shutdown)
        return app

    async def _on_shutdown(self, app: web.Application) -> None:
        assert self._closing is not None
        self._closing.set()  # cut Delay and Hold replies short before aiohttp waits for the handlers

    # ---- addresses -------------------------------------------------------

    @property
    def port(self) -> int:
        return self._server.port

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` (no ``/v1``)."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/v1`` -- what ``OpenAI(base_url=...)`` wants."""
        return f"{self.url}/v1"

    # ---- scripting -------------------------------------------------------

    def enqueue(self, *replies: Any) -> "FakeOpenAI":
        """Queue chat replies, consumed one per chat request in arrival order."""
        with self._lock:
            self._chat_queue.extend(replies)
        return self

    def enqueue_embeddings(self, *replies: Any) -> "FakeOpenAI":
        """Queue embedding outcomes: ``Fail``/``Delay``/``Garbage``/``Empty``/
        ``Disconnect``, or ``None``/:data:`NORMAL` for a normal answer."""
        with self._lock:
            self._embedding_queue.extend(replies)
        return self

    @property
    def queued(self) -> int:
        """Number of chat replies still queued."""
        with self._lock:
            return len(self._chat_queue)

    def reset(self) -> None:
        """Clear both queues and the history; restore the constructor's default."""
        with self._lock:
            self._chat_queue.clear()
            self._embedding_queue.clear()
            self._history.clear()
        self.default = self._initial_default

    # ---- history ---------------------------------------------------------

    @property
    def history(self) -> list[RecordedRequest]:
        """A snapshot (copy) of every request received so far, oldest first."""
        with self._lock:
            return list(self._history)

    def wait_for_requests(self, count: int = 1, timeout: float = 60.0) -> bool:
        """Block until ``count`` chat requests have arrived (since the last :meth:`reset`);
        ``False`` after ``timeout`` seconds (a bound for a hung run, not an expectation)."""
        with self._arrived:
            return self._arrived.wait_for(
                lambda: sum(r.path == _CHAT_PATH for r in self._history) >= count, timeout
            )

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        return [r for r in self.history if r.path == _CHAT_PATH]

    @property
    def embedding_requests(self) -> list[RecordedRequest]:
        return [r for r in self.history if r.path == _EMBEDDINGS_PATH]

    # ---- HTTP plumbing ---------------------------------------------------

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Callable) -> web.StreamResponse:
        body = await request.text() if request.can_read_body else ""
        try:
            parsed = json.loads(body) if body else None
        except ValueError:
            parsed = None
        headers = {k.lower(): v for k, v in request.headers.items() if k.lower() != "authorization"}
        auth = request.headers.get("Authorization")
        record = RecordedRequest(
            method=request.method,
            path=request.path,
            headers=headers,
            authorization=auth is not None,
            json=parsed,
            body=body,
            time=time.time(),
        )
        with self._lock:
            self._history.append(record)
            self._arrived.notify_all()
        request[_JSON_KEY] = parsed

        if self.api_key is not None and auth != f"Bearer {self.api_key}":
            return _json_response(
                _error_json(
                    "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.",
                    "invalid_request_error",
                    "invalid_api_key",
                ),
                status=401,
            )
        try:
            return await handler(request)
        except web.HTTPNotFound:
            return _json_response(
                _error_json(f"Invalid URL ({request.method} {request.path})", "invalid_request_error"), status=404
            )
        except web.HTTPMethodNotAllowed:
            return _json_response(
                _error_json(f"Method not allowed ({request.method} {request.path})", "invalid_request_error"),
                status=405,
            )
