"""The scripted replies a test queues on :class:`~testing.openai_server.FakeOpenAI`.

:class:`Reply`, :class:`Fail`, :class:`Delay`, :class:`Hold`, :class:`Garbage`,
:class:`Empty` and :class:`Disconnect` for chat requests (most of them for
embedding requests too), :data:`NORMAL` for "answer this embedding request
normally", and :data:`DEFAULT_REPLY`, what the built-in default responder says.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from typing import Any, Literal, Optional, Union

DEFAULT_REPLY = "This is a fake reply."
"""What the built-in default responder answers to every chat request."""


@dataclass(frozen=True)
class Reply:
    """An assistant message with explicit ``finish_reason`` (a plain ``str`` reply
    is shorthand for ``Reply(text)``)."""

    content: str
    finish_reason: Literal["stop", "length", "content_filter", "tool_calls", "function_call"] = "stop"


@dataclass(frozen=True)
class Fail:
    """Answer with an HTTP error.

    ``body``: ``None`` gives OpenAI's error JSON (``{"error": {"message", "type",
    "param", "code"}}``) with a message fitting ``status``; a ``dict``/``list`` is
    sent as JSON; a ``str`` is sent verbatim. ``retry_after`` (seconds, may be a
    float) sets the ``Retry-After`` header. ``headers`` adds any other headers
    (e.g. ``{"x-should-retry": "false"}``).

    The openai client maps 400/401/403/404/409/422/429/>=500 to
    ``BadRequestError``/``AuthenticationError``/.../``RateLimitError``/
    ``InternalServerError`` (all ``openai.APIStatusError``).
    """

    status: int = 500
    body: Union[str, dict, list, None] = None
    retry_after: Optional[float] = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Delay:
    """Sleep ``seconds`` (asynchronously: other requests proceed), then answer
    ``then`` -- any reply, or ``None`` to ask the default responder (or, when
    the default responder itself returned this ``Delay``, :data:`DEFAULT_REPLY`)."""

    seconds: float
    then: Any = None


class Hold:
    """Hold the requests that get this reply until :meth:`release` (asynchronously: other
    requests proceed), then answer ``then`` as :class:`Delay` does. One ``Hold`` may hold many
    requests at once (enqueue it several times, or return it from the default responder).

    ``wait_held(n)`` returns ``True`` once ``n`` requests are held at the same time: the test
    knows a request is in flight without sleeping. A stopped server cuts a hold short (503).
    Released, a ``Hold`` lets every later request through at once.
    """

    def __init__(self, then: Any = None) -> None:
        self.then = then
        self._changed = threading.Condition()
        self._held = 0
        self._released = False
        self._waiters: list[tuple[asyncio.AbstractEventLoop, asyncio.Future]] = []

    def __repr__(self) -> str:
        return f"Hold(then={self.then!r}, held={self.held}, released={self._released})"

    @property
    def held(self) -> int:
        """How many requests this hold holds now."""
        with self._changed:
            return self._held

    def wait_held(self, count: int = 1, timeout: float = 60.0) -> bool:
        """Block until ``count`` requests are held at once; ``False`` after ``timeout`` seconds
        (a bound for a hung run, not an expectation)."""
        with self._changed:
            return self._changed.wait_for(lambda: self._held >= count, timeout)

    def release(self) -> None:
        """Let every held request (and every later one) through."""
        with self._changed:
            self._released = True
            waiters, self._waiters = self._waiters, []
        for loop, future in waiters:
            loop.call_soon_threadsafe(_resolve_future, future)

    def _enter(self, loop: asyncio.AbstractEventLoop, future: asyncio.Future) -> None:
        with self._changed:
            self._held += 1
            if self._released:
                future.set_result(None)
            else:
                self._waiters.append((loop, future))
            self._changed.notify_all()

    def _leave(self, future: asyncio.Future) -> None:
        with self._changed:
            self._held -= 1
            self._waiters = [(lp, f) for lp, f in self._waiters if f is not future]
            self._changed.notify_all()


def _resolve_future(future: asyncio.Future) -> None:
    if not future.done():
        future.set_result(None)


@dataclass(frozen=True)
class Garbage:
    """HTTP 200 with a body that is not what the client expects.

    ``text`` is sent verbatim (a ``dict``/``list`` is JSON-encoded first, to send
    valid JSON of the wrong shape). With the default ``application/json``
    content type and invalid JSON the openai client raises
    ``json.JSONDecodeError``; with another content type it returns the raw
    ``str`` instead of a ``ChatCompletion``. For streaming requests the garbage
    is sent as one SSE ``data:`` event, followed by ``data: [DONE]``.
    """

    text: Union[str, dict, list] = "<html>502 Bad Gateway</html>"
    content_type: str = "application/json"


@dataclass(frozen=True)
class Empty:
    """HTTP 200 with nothing useful in it.

    ``kind="content"``: one choice whose content is ``""``;
    ``kind="null"``: one choice whose content is ``null``;
    ``kind="choices"``: ``"choices": []`` (for embeddings: ``"data": []``).
    """

    kind: Literal["content", "null", "choices"] = "content"


@dataclass(frozen=True)
class Disconnect:
    """Close the connection instead of answering properly.

    Non-streaming: no response at all (``openai.APIConnectionError`` once the
    client's retries are exhausted). Streaming: the role chunk and
    ``after_chunks`` content chunks are sent, then the connection is dropped
    mid-body (the client raises while iterating).
    """

    after_chunks: int = 0


class _Normal:
    def __repr__(self) -> str:
        return "NORMAL"


NORMAL: Any = _Normal()
"""Embedding-queue entry meaning "answer this request normally"."""
