"""The index run's writer thread (index/commits.py): writes in order beside the caller, hands its failures to the
caller, and a failure of the caller lets the write in progress finish cleanly while what waits is dropped."""

from __future__ import annotations

import threading

import pytest

from index.commits import ArticleWriter


def test_items_are_written_in_order_in_another_thread() -> None:
    written: list[tuple[int, str]] = []
    with ArticleWriter(lambda item: written.append((item, threading.current_thread().name))) as writer:
        for i in range(5):
            writer.put(i)
    assert [i for i, _ in written] == [0, 1, 2, 3, 4]
    assert {name for _, name in written} == {"newsbot-index-writer"}


def test_a_failed_write_is_raised_in_the_callers_thread() -> None:
    def write(item: int) -> None:
        raise OSError(f"disk full writing {item}")

    with pytest.raises(OSError, match="disk full writing 0"):
        with ArticleWriter(write) as writer:
            writer.put(0)
            writer.put(1)  # waits for the writer, then gets its failure


def test_the_callers_failure_lets_the_write_in_progress_finish_and_drops_what_waits(monkeypatch) -> None:
    """The write in progress ends only after the caller's failure dropped what waited (deterministic: the
    drop itself releases it); it still commits, without a traceback from the writer thread."""
    from collections import deque

    started, release = threading.Event(), threading.Event()
    written: list[int] = []
    crashes: list[BaseException] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: crashes.append(args.exc_value))

    class Dropping(deque):  # what waits is dropped: then let the write in progress end
        def pop(self):
            item = super().pop()
            release.set()
            return item

        def clear(self):
            super().clear()
            release.set()

    def write(item: int) -> None:
        if item == 0:
            started.set()
            assert release.wait(60)
        written.append(item)

    class EmbeddingFailed(Exception):
        pass

    with pytest.raises(EmbeddingFailed):
        with ArticleWriter(write, capacity=2) as writer:
            writer._waiting = Dropping()
            writer.put(0)
            assert started.wait(60)
            writer.put(1)  # waits behind the group being written
            raise EmbeddingFailed("the next group could not be embedded")

    assert written == [0] and crashes == []
