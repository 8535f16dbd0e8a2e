"""How the fake waits before answering: ``Delay``, ``Hold`` and callable replies resolved
without blocking other requests, and cut short when the server stops."""

from __future__ import annotations

import asyncio
from typing import Any, Optional

from testing.openai_server.protocol import _SHUTTING_DOWN
from testing.openai_server.replies import DEFAULT_REPLY, Delay, Hold
from testing.openai_server.responders import Responder


class _ReplyWaits:
    """Mixed into :class:`~testing.openai_server.FakeOpenAI` (its ``default`` responder and
    ``_closing`` event), under the chat and embeddings endpoints."""

    default: Responder
    _closing: Optional[asyncio.Event]

    async def _sleep(self, seconds: float) -> bool:
        """Sleep without blocking other requests; ``False`` if the server is
        shutting down meanwhile."""
        assert self._closing is not None
        try:
            await asyncio.wait_for(self._closing.wait(), timeout=seconds)
            return False
        except asyncio.TimeoutError:
            return True

    async def _held(self, hold: Hold) -> bool:
        """Wait until ``hold`` is released; ``False`` if the server is shutting down meanwhile."""
        assert self._closing is not None
        loop = asyncio.get_running_loop()
        released = loop.create_future()
        hold._enter(loop, released)
        closing = asyncio.ensure_future(self._closing.wait())
        try:
            await asyncio.wait({released, closing}, return_when=asyncio.FIRST_COMPLETED)
            return not self._closing.is_set()
        finally:
            closing.cancel()
            hold._leave(released)

    async def _resolve(self, reply: Any, body: dict) -> Any:
        """Run callables, ``Delay``s and ``Hold``s until a concrete reply remains."""
        loop = asyncio.get_running_loop()
        asked_default = reply is self.default
        while True:
            if isinstance(reply, (Delay, Hold)):
                waited = await (self._held(reply) if isinstance(reply, Hold) else self._sleep(reply.seconds))
                if not waited:
                    return _SHUTTING_DOWN
                if reply.then is not None:
                    reply = reply.then
                elif asked_default:  # the default itself said Delay/Hold: don't loop forever
                    reply = DEFAULT_REPLY
                else:
                    reply, asked_default = self.default, True
                continue
            if callable(reply) and not isinstance(reply, type):
                reply = await loop.run_in_executor(None, reply, body)
                continue
            return reply
