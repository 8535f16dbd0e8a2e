"""Writing groups of articles into the store in a thread beside the embedding.

A store write is mostly waiting (an embedded Chroma commits to SQLite on every call: measured ~70% of a
write's time is not CPU), and each write has a fixed cost, so an index run writes a group of articles at a
time (index/article_groups.py): their chunks in one write, their records (the commit) in another. The writer
takes one embedded group at a time from the embedding loop and writes it while the next one is embedded; at
most `capacity` embedded groups are handed to it (the one being written included), so the embedding loop holds
the next one until the writer is free. The order of the writes is that of the groups, one group per
commit, whatever the timing: crash points (`NEWSBOT_TEST_CRASH_AT`) land on the same group every time.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class ArticleWriter(Generic[T]):
    """`with ArticleWriter(write) as writer: writer.put(item)…` — `write(item)` runs in a thread, in order.

    A failure of `write` (anything raised, also BaseException) stops the writer; `put` and the end of
    the `with` block raise it in the caller's thread. Leaving the block with an exception of the
    caller's drops what still waits (those articles are not committed) and waits for the write in
    progress to end (which still commits)."""

    def __init__(self, write: Callable[[T], None], *, capacity: int = 1) -> None:
        self._write = write
        self._capacity = max(1, capacity)
        self._waiting: deque[T] = deque()
        self._changed = threading.Condition()
        self._closed = False
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="newsbot-index-writer", daemon=True)

    def __enter__(self) -> "ArticleWriter[T]":
        self._thread.start()
        return self

    def put(self, item: T) -> None:
        """Hand `item` to the writer; waits while `capacity` items wait already."""
        with self._changed:
            while len(self._waiting) >= self._capacity and self._failure is None:
                self._changed.wait()
            self._raise_failure()
            self._waiting.append(item)
            self._changed.notify_all()

    def __exit__(self, exc_type, exc, tb) -> None:
        with self._changed:
            if exc_type is not None:  # drop what waits; the item being written (the head) stays until it is done
                while len(self._waiting) > 1:
                    self._waiting.pop()
            self._closed = True
            self._changed.notify_all()
        self._thread.join()
        if exc_type is None:
            with self._changed:
                self._raise_failure()

    def _raise_failure(self) -> None:
        if self._failure is not None:
            failure, self._failure = self._failure, None
            self._closed = True
            raise failure

    def _run(self) -> None:
        while True:
            with self._changed:
                while not self._waiting and not self._closed:
                    self._changed.wait()
                if not self._waiting:
                    return
                item = self._waiting[0]
            try:
                self._write(item)
            except BaseException as exc:  # handed to the caller's thread
                with self._changed:
                    self._failure = exc
                    self._waiting.clear()
                    self._changed.notify_all()
                return
            with self._changed:
                self._waiting.popleft()
                self._changed.notify_all()
