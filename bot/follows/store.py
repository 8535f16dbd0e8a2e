"""Readers' follows in SQLite (FOLLOWS_DB, default DATA_DIR/follows.sqlite3): they survive restarts.

Tables:

* `follows` — one row per followed topic: the chat alerts go to, the user who follows, the topic
  as written (and its case-folded key: one user follows a topic once per chat), the user's
  Telegram language_code (alerts are worded in it), the forum topic it was made in (`thread_id`,
  where its alerts go; NULL outside forum topics) and when it was added;
* `alerted` — one row per (follow, article) ever matched: an article is announced to a follow at
  most once, also across restarts, re-indexing and edits of the article (removed with the follow);
* `deliveries` — when each chat got an alert, for the hourly cap (rows older than an hour are
  pruned on write).

A follow belongs to a conversation `(chat_id, user_id)`, like the chat history: in a private chat
the user is the chat; in a group each member has their own follows and the alerts go to the group.
Numbers (`/unfollow N`) are positions in the conversation's list, oldest first.

Schema versions (`PRAGMA user_version`): 0 — the first layout; 1 — `follows.thread_id` added
(existing rows keep NULL: alerts to the chat, as before). Opening a file migrates it.
When a group becomes a supergroup its follows move to the new chat id (`move_chat`).

Thread safety: one connection (`check_same_thread=False`) guarded by a lock; each method is short
and is called from worker threads (`asyncio.to_thread`).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from bot.sqlite_transactions import write_transaction
from index.textclean import clean_text

#: a topic is a few words or a question: at least this many characters, at most MAX_TOPIC_CHARS
MIN_TOPIC_CHARS = 3
MAX_TOPIC_CHARS = 200
#: follows one user may have in one chat
MAX_FOLLOWS = 20
#: the window of FOLLOW_ALERTS_PER_HOUR, in seconds
HOUR = 3600.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS follows (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id    INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    topic      TEXT    NOT NULL,
    topic_key  TEXT    NOT NULL,
    language   TEXT,
    created_at TEXT    NOT NULL,
    thread_id  INTEGER,
    UNIQUE (chat_id, user_id, topic_key)
);
CREATE INDEX IF NOT EXISTS follows_by_chat ON follows (chat_id, user_id, id);
CREATE TABLE IF NOT EXISTS alerted (
    follow_id  INTEGER NOT NULL REFERENCES follows(id) ON DELETE CASCADE,
    article_id TEXT    NOT NULL,
    at         REAL    NOT NULL,
    PRIMARY KEY (follow_id, article_id)
);
CREATE TABLE IF NOT EXISTS deliveries (
    chat_id INTEGER NOT NULL,
    at      REAL    NOT NULL
);
CREATE INDEX IF NOT EXISTS deliveries_by_chat ON deliveries (chat_id, at);
"""
#: the layout `_SCHEMA` creates (`PRAGMA user_version`); `_migrate` brings older files to it
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Follow:
    id: int
    chat_id: int
    user_id: int
    topic: str
    language: str | None = None
    created_at: str = ""
    thread_id: int | None = None  # the forum topic it was made in: its alerts go there


class FollowRefused(ValueError):
    """A follow that can't be added; the Telegram layer words the reason for the user."""


class TopicEmpty(FollowRefused):
    pass


class TopicTooLong(FollowRefused):
    def __init__(self, length: int) -> None:
        super().__init__(f"a topic is at most {MAX_TOPIC_CHARS} characters; this one has {length}")
        self.length = length


class TooManyFollows(FollowRefused):
    pass


class AlreadyFollowing(FollowRefused):
    def __init__(self, number: int) -> None:
        super().__init__(f"already followed as number {number}")
        self.number = number


def clean_topic(text: str) -> str:
    """The topic as stored: invisible characters dropped, whitespace collapsed; bounds checked."""
    topic = " ".join(clean_text(text or "").split())
    if len(topic) < MIN_TOPIC_CHARS:
        raise TopicEmpty("a topic is a few words or a question")
    if len(topic) > MAX_TOPIC_CHARS:
        raise TopicTooLong(len(topic))
    return topic


def topic_key(topic: str) -> str:
    return topic.casefold().strip(" ?!.")


class FollowStore:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn: sqlite3.Connection | None = sqlite3.connect(
            str(path), check_same_thread=False, timeout=10.0, isolation_level=None)
        with self._lock:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._conn.executescript(_SCHEMA)
            _migrate(self._conn)

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise RuntimeError("the follow store is closed")
        return self._conn

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    # --- a conversation's follows ---------------------------------------------------
    def add(self, chat_id: int, user_id: int, text: str, language: str | None,
            max_follows: int = MAX_FOLLOWS, *, thread_id: int | None = None) -> tuple[int, Follow]:
        """Follow `text` in this conversation: (its number in /following, the follow).

        Raises TopicEmpty, TopicTooLong, AlreadyFollowing (the same topic, case-insensitively) or
        TooManyFollows (`max_follows` already)."""
        topic = clean_topic(text)
        key = topic_key(topic)
        with self._lock:
            db = self._db()
            with write_transaction(db):
                keys = [row[0] for row in db.execute(
                    "SELECT topic_key FROM follows WHERE chat_id = ? AND user_id = ? ORDER BY id", (chat_id, user_id))]
                if key in keys:
                    raise AlreadyFollowing(keys.index(key) + 1)
                if len(keys) >= max_follows:
                    raise TooManyFollows(f"at most {max_follows} follows")
                now = datetime.now(timezone.utc).isoformat(timespec="seconds")
                cursor = db.execute(
                    "INSERT INTO follows (chat_id, user_id, topic, topic_key, language, created_at, thread_id) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)", (chat_id, user_id, topic, key, language, now, thread_id))
        return len(keys) + 1, Follow(int(cursor.lastrowid), chat_id, user_id, topic, language, now, thread_id)

    def of(self, chat_id: int, user_id: int) -> list[Follow]:
        """The conversation's follows, oldest first (their numbers are positions in this list)."""
        with self._lock:
            rows = self._db().execute(_SELECT + " WHERE chat_id = ? AND user_id = ? ORDER BY id",
                                      (chat_id, user_id)).fetchall()
        return [Follow(*row) for row in rows]

    def remove(self, chat_id: int, user_id: int, number: int) -> Follow | None:
        """Stop following the conversation's follow number `number` (1-based); None if there is none."""
        follows = self.of(chat_id, user_id)
        if not 1 <= number <= len(follows):
            return None
        follow = follows[number - 1]
        with self._lock:
            self._db().execute("DELETE FROM follows WHERE id = ?", (follow.id,))
        return follow

    def remove_chat(self, chat_id: int) -> int:
        """Forget every follow whose alerts go to `chat_id` (blocked, or removed from the group)."""
        with self._lock:
            db = self._db()
            cursor = db.execute("DELETE FROM follows WHERE chat_id = ?", (chat_id,))
            db.execute("DELETE FROM deliveries WHERE chat_id = ?", (chat_id,))
        return cursor.rowcount

    def move_chat(self, old_chat_id: int, new_chat_id: int) -> int:
        """The group `old_chat_id` became the supergroup `new_chat_id`: its follows (with what they were
        alerted about) and its hourly count move there; returns how many follows moved.

        Safe to repeat, and when the new chat has follows already: a member's topic that is followed in
        both (the same topic key) is kept once — the new chat's follow, which also takes over the old
        one's alerted articles, so nothing is announced twice. No other follow is dropped: a member can end
        with up to twice `max_follows` (both chats full); `add` refuses new topics until they are under it."""
        if old_chat_id == new_chat_id:
            return 0
        with self._lock:
            db = self._db()
            with write_transaction(db):
                moved = 0
                rows = db.execute("SELECT id, user_id, topic_key FROM follows WHERE chat_id = ? ORDER BY id",
                                  (old_chat_id,)).fetchall()
                for follow_id, user_id, key in rows:
                    twin = db.execute("SELECT id FROM follows WHERE chat_id = ? AND user_id = ? AND topic_key = ?",
                                      (new_chat_id, user_id, key)).fetchone()
                    if twin is None:
                        db.execute("UPDATE follows SET chat_id = ? WHERE id = ?", (new_chat_id, follow_id))
                        moved += 1
                        continue
                    db.execute("INSERT OR IGNORE INTO alerted (follow_id, article_id, at) "
                               "SELECT ?, article_id, at FROM alerted WHERE follow_id = ?", (twin[0], follow_id))
                    db.execute("DELETE FROM follows WHERE id = ?", (follow_id,))
                db.execute("UPDATE deliveries SET chat_id = ? WHERE chat_id = ?", (new_chat_id, old_chat_id))
        return moved

    # --- matching and alerts --------------------------------------------------------
    def all(self) -> list[Follow]:
        with self._lock:
            rows = self._db().execute(_SELECT + " ORDER BY id").fetchall()
        return [Follow(*row) for row in rows]

    def count(self) -> int:
        with self._lock:
            return int(self._db().execute("SELECT count(*) FROM follows").fetchone()[0])

    def claim(self, pairs: Iterable[tuple[int, str]]) -> set[tuple[int, str]]:
        """Record (follow id, article id) pairs as alerted; returns those that were not before.

        Claimed before anything is sent, so an article reaches a follow at most once, whatever
        happens after (a failed or dropped send is not retried)."""
        fresh: set[tuple[int, str]] = set()
        now = time.time()
        with self._lock:
            db = self._db()
            with write_transaction(db):
                for follow_id, article_id in dict.fromkeys(pairs):
                    cursor = db.execute("INSERT OR IGNORE INTO alerted (follow_id, article_id, at) "
                                        "SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM follows WHERE id = ?)",
                                        (follow_id, article_id, now, follow_id))
                    if cursor.rowcount:
                        fresh.add((follow_id, article_id))
        return fresh

    def alerted(self, follow_ids: Sequence[int]) -> set[tuple[int, str]]:
        """The (follow, article) pairs already alerted, for these follows."""
        found: set[tuple[int, str]] = set()
        ids = list(follow_ids)
        for start in range(0, len(ids), _IDS_PER_QUERY):
            batch = ids[start:start + _IDS_PER_QUERY]
            with self._lock:
                rows = self._db().execute(
                    f"SELECT follow_id, article_id FROM alerted WHERE follow_id IN ({','.join('?' * len(batch))})",
                    batch).fetchall()
            found |= {(int(f), str(a)) for f, a in rows}
        return found

    def delivered(self, chat_id: int) -> None:
        """One alert message reached `chat_id` now."""
        now = time.time()
        with self._lock:
            db = self._db()
            db.execute("DELETE FROM deliveries WHERE at <= ?", (now - HOUR,))
            db.execute("INSERT INTO deliveries (chat_id, at) VALUES (?, ?)", (chat_id, now))

    def delivered_last_hour(self, chat_id: int) -> int:
        with self._lock:
            row = self._db().execute("SELECT count(*) FROM deliveries WHERE chat_id = ? AND at > ?",
                                     (chat_id, time.time() - HOUR)).fetchone()
        return int(row[0])


_SELECT = "SELECT id, chat_id, user_id, topic, language, created_at, thread_id FROM follows"
#: ids bound to one `IN (…)` (SQLite limits the variables of a statement)
_IDS_PER_QUERY = 500


def _migrate(db: sqlite3.Connection) -> None:
    """Bring a file written by an older version to SCHEMA_VERSION (existing rows keep working)."""
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    if version >= SCHEMA_VERSION:
        return
    with write_transaction(db):
        columns = {row[1] for row in db.execute("PRAGMA table_info(follows)")}
        if "thread_id" not in columns:  # version 0: follows without their forum topic
            db.execute("ALTER TABLE follows ADD COLUMN thread_id INTEGER")
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
