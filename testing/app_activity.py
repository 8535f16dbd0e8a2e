"""The work a running python-telegram-bot `Application` still has in flight, for tests and benchmarks.

`AppActivity(application)` — made before the application starts — follows two things:

- the update queue: PTB's updater (or webhook) puts each update on `application.update_queue`, and
  the application calls `update_queue.task_done()` only once every handler of that update has
  finished, so `update_queue.join()` returns when no update is being handled;
- the tasks started with `application.create_task`: PTB runs concurrent updates and non-blocking
  handlers that way, and the bot starts its background work that way too (a re-index, follow
  alerts, feed polls, status refreshes). `AppActivity` wraps the application's `create_task` to
  count them.

`await activity.idle()` returns once both are done (repeatedly: a task may start another) — a
deterministic "the bot has settled", never a quiet period. Its timeout is a bound for a hung run,
not an expectation. Not covered: JobQueue jobs that are due later (they have not started yet).
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from telegram.ext import Application

#: how long `idle` waits at most (a bound for a stuck bot, not a timing)
IDLE_LIMIT = 60.0


class AppActivity:
    def __init__(self, application: Application) -> None:
        if application.running:
            raise RuntimeError("AppActivity must watch the application before it starts")
        self.application = application
        self._tasks: set[asyncio.Task[Any]] = set()
        self.started = 0  # tasks started with create_task so far
        create_task = application.create_task

        def counted_create_task(coroutine: Coroutine[Any, Any, Any], update: object | None = None, *,
                                name: str | None = None) -> asyncio.Task[Any]:
            task = create_task(coroutine, update, name=name)
            self.started += 1
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            return task

        application.create_task = counted_create_task  # type: ignore[method-assign]

    @property
    def tasks_in_flight(self) -> int:
        """Tasks started with `create_task` that have not finished yet."""
        return len(self._tasks)

    async def idle(self, timeout: float = IDLE_LIMIT) -> None:
        """Return once no update is queued or being handled and every counted task has finished."""
        waiting_for = "the updates to be handled"
        try:
            async with asyncio.timeout(timeout):
                while True:
                    waiting_for = "the updates to be handled"
                    await self.application.update_queue.join()
                    if not self._tasks:
                        return
                    waiting_for = f"the tasks {sorted(t.get_name() for t in self._tasks)}"
                    await asyncio.wait(set(self._tasks))
        except TimeoutError:
            raise AssertionError(f"the bot did not settle within {timeout} s (a bound for a hung run): "
                                 f"still waiting for {waiting_for}") from None
