"""Chat histories in SQLite, for follow-up questions.

A conversation is identified by `(chat_id, user_id)`:
- in a private chat the user *is* the chat, so it is one conversation per chat;
- in a group each member has their own conversation, so one person's follow-up is not
  resolved against somebody else's question (the bot may answer many people in one group).
Callers pass the ids they have; `HistoryStore` does not care which kind of chat it is.

Each conversation keeps only its last `max_turns` turns (older rows are deleted on write);
`max_turns == 0` disables history. Turns are stored as pydantic JSON (`Turn`), so the file
survives restarts and model changes that add fields with defaults.

Thread safety: one connection (`check_same_thread=False`) guarded by a lock; every method
is short and may be called from the event loop or from worker threads. WAL journal mode
lets a second process (e.g. `newsbot chat`) read the same file.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from pathlib import Path

from pydantic import ValidationError

from bot.answer.result import Turn
from bot.sqlite_transactions import write_transaction

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS turns (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id    INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    created_at REAL    NOT NULL,
    turn       TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS turns_by_conversation ON turns (chat_id, user_id, id);
"""


class HistoryStore:
    def __init__(self, path: Path | str, max_turns: int) -> None:
        if max_turns < 0:
            raise ValueError("max_turns must be >= 0")
        self.path = Path(path)
        self.max_turns = max_turns
        self._lock = threading.Lock()
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn: sqlite3.Connection | None = sqlite3.connect(
            str(path), check_same_thread=False, timeout=10.0, isolation_level=None
        )
        with self._lock:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.executescript(_SCHEMA)

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise RuntimeError("history store is closed")
        return self._conn

    def get(self, chat_id: int, user_id: int) -> list[Turn]:
        """The conversation's last turns, oldest first."""
        if self.max_turns == 0:
            return []
        with self._lock:
            rows = self._db().execute(
                "SELECT turn FROM turns WHERE chat_id = ? AND user_id = ? ORDER BY id DESC LIMIT ?",
                (chat_id, user_id, self.max_turns),
            ).fetchall()
        turns: list[Turn] = []
        for (raw,) in reversed(rows):
            try:
                turns.append(Turn.model_validate_json(raw))
            except ValidationError:
                log.warning("Skipping an unreadable history turn in chat %s", chat_id)
        return turns

    def add(self, chat_id: int, user_id: int, turn: Turn) -> None:
        """Append a turn and drop the ones beyond `max_turns`."""
        if self.max_turns == 0:
            return
        with self._lock:
            db = self._db()
            with write_transaction(db):
                db.execute(
                    "INSERT INTO turns (chat_id, user_id, created_at, turn) VALUES (?, ?, ?, ?)",
                    (chat_id, user_id, time.time(), turn.model_dump_json()),
                )
                db.execute(
                    """DELETE FROM turns WHERE chat_id = ? AND user_id = ? AND id NOT IN (
                           SELECT id FROM turns WHERE chat_id = ? AND user_id = ? ORDER BY id DESC LIMIT ?)""",
                    (chat_id, user_id, chat_id, user_id, self.max_turns),
                )

    def clear(self, chat_id: int, user_id: int) -> int:
        """Forget one conversation; returns how many turns were deleted."""
        with self._lock:
            cur = self._db().execute("DELETE FROM turns WHERE chat_id = ? AND user_id = ?", (chat_id, user_id))
            return cur.rowcount

    def clear_chat(self, chat_id: int) -> int:
        """Forget every conversation of a chat (e.g. when the bot is removed from a group)."""
        with self._lock:
            cur = self._db().execute("DELETE FROM turns WHERE chat_id = ?", (chat_id,))
            return cur.rowcount

    def move_chat(self, old_chat_id: int, new_chat_id: int) -> int:
        """The group `old_chat_id` became the supergroup `new_chat_id`: its conversations move there
        (merged with any the new chat has, each still bounded to `max_turns`); returns the turns moved."""
        if old_chat_id == new_chat_id:
            return 0
        with self._lock:
            db = self._db()
            with write_transaction(db):
                moved = db.execute("UPDATE turns SET chat_id = ? WHERE chat_id = ?", (new_chat_id, old_chat_id)).rowcount
                db.execute(
                    """DELETE FROM turns WHERE chat_id = ? AND id NOT IN (
                           SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY id DESC) AS n
                                           FROM turns WHERE chat_id = ?) WHERE n <= ?)""",
                    (new_chat_id, new_chat_id, self.max_turns),
                )
        return moved

    def conversations(self) -> int:
        with self._lock:
            row = self._db().execute("SELECT COUNT(*) FROM (SELECT DISTINCT chat_id, user_id FROM turns)").fetchone()
        return int(row[0])

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> "HistoryStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
