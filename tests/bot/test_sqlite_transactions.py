"""One write transaction (bot.sqlite_transactions): all of its writes, or none of them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.sqlite_transactions import write_transaction


def test_a_block_that_ends_commits_and_one_that_raises_leaves_nothing(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "t.sqlite3", isolation_level=None)
    db.execute("CREATE TABLE t (x INTEGER)")
    with write_transaction(db):
        db.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(ValueError), write_transaction(db):
        db.execute("INSERT INTO t VALUES (2)")
        raise ValueError("refused")
    other = sqlite3.connect(tmp_path / "t.sqlite3")  # what another connection sees
    assert [row[0] for row in other.execute("SELECT x FROM t")] == [1]
    assert not db.in_transaction
