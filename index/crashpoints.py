"""A deterministic crash for tests: `NEWSBOT_TEST_CRASH_AT` makes the process kill itself
(SIGKILL, exactly like `kill -9`) just before a chosen store write.

Values:
- `N` — the Nth store write of the process (1-based);
- `NAME` or `NAME:K` — the first (Kth) write of that kind, one of `WRITES`.

A test sets it in a subprocess's environment (e.g. `NEWSBOT_TEST_CRASH_AT=put_articles:2 newsbot
index`) and expects the process to end by SIGKILL at that point, whatever the machine's load.
Unset, `crash_hook_from_env()` returns None and the store calls nothing: production pays one
`is None` test per write.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections import Counter
from collections.abc import Callable

log = logging.getLogger(__name__)

ENV = "NEWSBOT_TEST_CRASH_AT"
#: the kinds of store writes, in the order an index run may make them
WRITES = ("create_collections", "set_state", "add_chunks", "put_articles", "update_articles", "delete_articles",
          "delete_chunks", "publish", "drop_collections")


class CrashAt:
    """Counts store writes and SIGKILLs the process at the chosen one."""

    def __init__(self, spec: str) -> None:
        name, _, nth = spec.strip().partition(":")
        if name.isdigit() and not nth:
            self.kind, self.nth = None, int(name)
        elif name in WRITES and (not nth or nth.isdigit()):
            self.kind, self.nth = name, int(nth or 1)
        else:
            raise ValueError(f"{ENV}={spec!r}: expected N, NAME or NAME:N with NAME one of {', '.join(WRITES)}")
        self.total = 0
        self.counts: Counter[str] = Counter()

    def __call__(self, kind: str) -> None:
        self.total += 1
        self.counts[kind] += 1
        seen = self.total if self.kind is None else self.counts[kind] if kind == self.kind else 0
        if seen == self.nth:
            print(f"{ENV}: killing the process before write {self.total} ({kind})", file=sys.stderr, flush=True)
            os.kill(os.getpid(), signal.SIGKILL)


def crash_hook_from_env() -> Callable[[str], None] | None:
    spec = os.environ.get(ENV, "")
    return CrashAt(spec) if spec.strip() else None
