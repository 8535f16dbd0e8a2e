"""Per-user question limit: a sliding window of the last minute.

`check(key)` records a question and returns None when it is within the limit, or the number
of seconds until the oldest question in the window expires when it is not (the excess is not
recorded, so a user who keeps trying is not locked out forever).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Hashable


class SlidingWindowLimiter:
    def __init__(self, limit: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("limit must be >= 1 and window > 0")
        self.limit = limit
        self.window = window
        self._clock = clock
        self._events: dict[Hashable, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, key: Hashable) -> float | None:
        now = self._clock()
        with self._lock:
            events = self._events.setdefault(key, deque())
            while events and events[0] <= now - self.window:
                events.popleft()
            if len(events) >= self.limit:
                return max(0.0, events[0] + self.window - now)
            events.append(now)
            self._prune(now)
            return None

    def _prune(self, now: float) -> None:
        # keep memory bounded: drop users whose window is empty (cheap, only when it grows)
        if len(self._events) < 1024:
            return
        stale = [k for k, ev in self._events.items() if not ev or ev[-1] <= now - self.window]
        for k in stale:
            del self._events[k]

    def reset(self, key: Hashable) -> None:
        with self._lock:
            self._events.pop(key, None)
