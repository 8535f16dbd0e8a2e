"""A scriptable fake OpenAI-compatible HTTP server for tests and benchmarks.

It is a real HTTP server (aiohttp, in its own event-loop thread) bound to
``127.0.0.1`` on a free port, so the *real* ``openai`` client -- sync or
async -- and anything else that speaks HTTP can be pointed at it. Requests are
served concurrently: a delayed reply never holds up other requests.

Endpoints (all under ``/v1``):

* ``POST /v1/chat/completions`` -- non-streaming JSON, or SSE when
  ``"stream": true`` (``data: {chunk}`` lines ending with ``data: [DONE]``;
  ``stream_options.include_usage`` is honoured).
* ``POST /v1/embeddings`` -- deterministic, L2-normalised vectors derived from a
  hash of each input text (``input`` may be a string or a list); the request's
  ``dimensions`` overrides the server's ``embedding_dim`` (default 384);
  ``encoding_format`` ``"float"`` and ``"base64"`` (the openai client's default)
  are both supported.
* ``GET /v1/models`` and ``GET /v1/models/{id}``.

Anything else answers 404 in OpenAI's error JSON format.

Scripting chat replies (in the style of simonw/llm's ``MockModel``)::

    from openai import OpenAI
    from testing.openai_server import FakeOpenAI, Fail, Delay

    with FakeOpenAI() as server:
        client = OpenAI(base_url=server.base_url, api_key="test", max_retries=0)
        server.enqueue("first answer", Fail(429, retry_after=1), Delay(0.5, "slow answer"))
        r = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
        assert r.choices[0].message.content == "first answer"
        # ... the next chat request gets a 429 (openai.RateLimitError), the one
        # after that waits 0.5 s and answers "slow answer"; once the queue is
        # empty, ``server.default(request_json)`` answers.
        assert server.chat_requests[0].json["messages"][0]["content"] == "hi"

Replies are consumed in arrival order, one per chat request (note the openai
client retries 408/409/429/5xx twice by default, and each retry consumes a
reply -- pass ``max_retries=0`` to see the first failure). A reply may be:

* ``str`` -- the assistant message content (``finish_reason="stop"``);
* :class:`Reply` -- content plus a custom ``finish_reason`` (e.g. ``"length"``);
* :class:`Fail` -- an HTTP error (OpenAI error JSON unless ``body`` is given),
  optionally with a ``Retry-After`` header;
* :class:`Delay` -- wait (without blocking other requests), then answer
  ``then`` (or ask the default responder when ``then`` is ``None``);
* :class:`Hold` -- wait (without blocking other requests) until the test calls
  ``hold.release()``, then answer like ``Delay``; ``hold.wait_held(n)`` returns
  once ``n`` requests are held at the same time -- an event to synchronise on
  ("the slow request is in flight"), never a sleep;
* :class:`Garbage` -- HTTP 200 whose body is not valid JSON / not the expected
  shape (for streams: one ``data:`` event carrying the garbage);
* :class:`Empty` -- HTTP 200 with empty content, ``null`` content, or no choices;
* :class:`Disconnect` -- the server drops the connection (for streams: after
  ``after_chunks`` content chunks);
* a callable ``f(request_json) -> reply`` -- evaluated (in a worker thread)
  when the request arrives; it may return any of the above.

``server.default`` is the responder used when the queue is empty: a callable
``f(request_json) -> reply`` (normally a ``str``). The built-in default answers
:data:`DEFAULT_REPLY`. :func:`obedient_responder` simulates a naive model that
follows prompt injections -- see its docstring.

Embedding requests have their own queue, :meth:`FakeOpenAI.enqueue_embeddings`,
accepting ``Fail``/``Delay``/``Garbage``/``Empty``/``Disconnect`` (``None`` or
:data:`NORMAL` = answer normally); when it is empty requests are answered
normally.

Every request (including rejected ones) is recorded in ``server.history`` as a
:class:`RecordedRequest` on arrival; ``server.chat_requests`` / ``server.embedding_requests``
filter it, and ``server.wait_for_requests(n)`` returns once ``n`` chat requests have
arrived. ``server.reset()`` clears queues and history and restores the
default responder.

``FakeOpenAI(api_key="k")`` makes the server reject requests without
``Authorization: Bearer k`` with a 401 (``openai.AuthenticationError``).

The server can be used from sync and async tests alike (``with`` works inside a
coroutine: starting/stopping only touches the server's own thread and loop).

The package's modules: :mod:`.replies` (the scripted reply types), :mod:`.responders`
(default and obedient responders, injection finding), :mod:`.embedders` (the fake
embeddings), :mod:`.recorded_request`, :mod:`.server` (:class:`FakeOpenAI`) with its
endpoints :mod:`.chat_completions` and :mod:`.embeddings_and_models`, and what they
share: :mod:`.protocol` (OpenAI's paths, error JSON and responses) and
:mod:`.reply_waits` (``Delay``/``Hold``/callable replies).
"""

from __future__ import annotations

from testing.openai_server.embedders import bag_of_words_embedding, hash_embedding
from testing.openai_server.recorded_request import RecordedRequest
from testing.openai_server.replies import DEFAULT_REPLY, NORMAL, Delay, Disconnect, Empty, Fail, Garbage, Hold, Reply
from testing.openai_server.responders import (
    Responder,
    default_responder,
    find_injected_reply,
    message_texts,
    obedient_responder,
)
from testing.openai_server.server import FakeOpenAI

__all__ = [
    "DEFAULT_REPLY",
    "NORMAL",
    "Delay",
    "Disconnect",
    "Empty",
    "Fail",
    "FakeOpenAI",
    "Garbage",
    "Hold",
    "RecordedRequest",
    "Responder",
    "Reply",
    "bag_of_words_embedding",
    "default_responder",
    "find_injected_reply",
    "hash_embedding",
    "message_texts",
    "obedient_responder",
]
