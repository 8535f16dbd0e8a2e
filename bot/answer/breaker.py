"""A circuit breaker for the LLM endpoint: stop calling an endpoint that keeps failing.

closed     calls go through; `failures` failures in a row open it.
open       every call is refused at once (the user gets the offline answer without waiting) for `cooldown` s.
half-open  after the cool-down one call (the probe) goes through, the others are refused while it runs;
           its success closes the breaker, its failure opens it for another cool-down.

The clock is injectable (tests drive it by hand; nothing here sleeps).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


class CircuitBreaker:
    def __init__(self, failures: int, cooldown: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.threshold = max(1, failures)
        self.cooldown = cooldown
        self.clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._probing = False

    @property
    def state(self) -> str:
        with self._lock:
            return self._state()

    def _state(self) -> str:
        if self._opened_at is None:
            return "closed"
        if self._probing or self.clock() - self._opened_at >= self.cooldown:
            return "half-open"
        return "open"

    def allow(self) -> bool:
        """Whether a call may go out now (in half-open: only the one probe)."""
        with self._lock:
            state = self._state()
            if state == "closed":
                return True
            if state == "half-open" and not self._probing:
                self._probing = True
                log.info("LLM circuit breaker half-open: one probe call goes through")
                return True
            return False

    def success(self) -> None:
        with self._lock:
            if self._opened_at is not None:
                log.info("LLM circuit breaker closed: the endpoint answered again")
            self._failures, self._opened_at, self._probing = 0, None, False

    def failure(self) -> None:
        with self._lock:
            self._failures += 1
            if self._probing or self._failures >= self.threshold:
                if self._opened_at is None or self._probing:
                    log.warning("LLM circuit breaker open for %.0f s after %d failed call(s)", self.cooldown,
                                self._failures)
                self._opened_at, self._probing = self.clock(), False

    def cancel(self) -> None:
        """An allowed call was not made after all (no time left): a probe may go out again."""
        with self._lock:
            self._probing = False
