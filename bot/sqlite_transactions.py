"""Write transactions on newsbot's own SQLite files (chat history, follows), one way everywhere."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def write_transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A transaction that takes the write lock at once (BEGIN IMMEDIATE: no other writer between its reads and
    writes), committed when the block ends and rolled back when it raises — also for an exception the caller
    raises on purpose (a refused follow). `db` is in autocommit mode (isolation_level=None)."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
