"""The feed registry: subscriptions, what each feed listed, and the articles fetched (SQLite).

Tables (DATA_DIR/feeds.sqlite3):

* `feeds` — url, identity key, name, slug, added_at, HTTP validators (etag, last_modified),
  last_polled, last_success, last_error;
* `items` — one row per entry of a feed (feed, guid, link, the feed entry's fingerprint, the
  article it gave, attempts and last error); removed with their feed;
* `articles` — one row per fetched article, keyed by its identity (canonical URL): link, corpus
  path, content hash, the page's validators, fetched_at, whether the index has it. Articles stay
  when their feed is removed — so do their files.

Each call opens its own short connection, so the registry can be used from any thread.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from index.feeds.errors import FeedRegistryError

MAX_NAME_CHARS = 100

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feeds (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    slug TEXT NOT NULL UNIQUE,
    added_at TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    last_polled TEXT,
    last_success TEXT,
    last_error TEXT
);
CREATE TABLE IF NOT EXISTS articles (
    key TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    path TEXT NOT NULL UNIQUE,
    content_hash TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    fetched_at TEXT NOT NULL,
    indexed INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS items (
    id INTEGER PRIMARY KEY,
    feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    guid TEXT NOT NULL,
    link TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    article_key TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    seen_at TEXT NOT NULL,
    UNIQUE (feed_id, guid)
);
"""


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Feed:
    id: int
    url: str
    name: str
    slug: str
    added_at: str
    etag: str | None = None
    last_modified: str | None = None
    last_polled: str | None = None
    last_success: str | None = None
    last_error: str | None = None
    items: int = 0  # articles this feed gave

    def to_dict(self) -> dict:
        data = asdict(self)
        del data["id"], data["etag"], data["last_modified"]
        return data


@dataclass(frozen=True)
class ItemRecord:
    feed_id: int
    guid: str
    link: str
    fingerprint: str
    article_key: str | None = None
    attempts: int = 0
    last_error: str | None = None


@dataclass(frozen=True)
class ArticleRecord:
    key: str
    url: str
    path: str  # relative to CORPUS_DIR
    content_hash: str
    etag: str | None = None
    last_modified: str | None = None
    fetched_at: str = ""
    indexed: bool = False


class FeedRegistry:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA foreign_keys=ON")
        try:
            with db:  # one transaction: committed on success, rolled back on error
                yield db
        finally:
            db.close()

    # --- feeds --------------------------------------------------------------------
    def add_feed(self, url: str, key: str, name: str, slug: str) -> Feed:
        """Register a feed; FeedRegistryError if its URL (by identity) or name is taken."""
        with self._connect() as db:
            same_url = db.execute("SELECT name FROM feeds WHERE key = ?", (key,)).fetchone()
            if same_url:
                raise FeedRegistryError(f"{url} is already subscribed, as “{same_url['name']}”.")
            if db.execute("SELECT 1 FROM feeds WHERE name = ?", (name,)).fetchone():
                raise FeedRegistryError(f"A feed is already named “{name}”; choose another name (--name).")
            slug = _free_slug(db, slug)
            db.execute("INSERT INTO feeds (url, key, name, slug, added_at) VALUES (?, ?, ?, ?, ?)",
                       (url, key, name, slug, utc_now()))
        feed = self.find_feed(name=name)
        assert feed is not None
        return feed

    def feeds(self) -> list[Feed]:
        with self._connect() as db:
            rows = db.execute(_FEED_SELECT + " ORDER BY f.name COLLATE NOCASE").fetchall()
        return [Feed(**dict(row)) for row in rows]

    def find_feed(self, *, key: str | None = None, name: str | None = None) -> Feed | None:
        column, value = ("key", key) if key is not None else ("name", name)
        with self._connect() as db:
            row = db.execute(_FEED_SELECT + f" WHERE f.{column} = ?", (value,)).fetchone()
        return Feed(**dict(row)) if row else None

    def remove_feed(self, feed_id: int) -> None:
        """Forget the feed and its item list; its articles (rows and files) stay."""
        with self._connect() as db:
            db.execute("DELETE FROM feeds WHERE id = ?", (feed_id,))

    def record_poll(self, feed_id: int, *, read: bool, error: str | None, etag: str | None = None,
                    last_modified: str | None = None, keep_validators: bool = False) -> None:
        """One poll's outcome. `read`: the feed was fetched and parsed (last_success); `error`: what
        went wrong (the feed itself, or some of its items), None when nothing did. The validators are
        replaced by `etag`/`last_modified` (None: the next poll reads the feed again) unless kept."""
        now = utc_now()
        sets = ["last_polled = ?", "last_error = ?"]
        values: list[object] = [now, error]
        if read:
            sets.append("last_success = ?")
            values.append(now)
        if not keep_validators:
            sets += ["etag = ?", "last_modified = ?"]
            values += [etag if read else None, last_modified if read else None]
        with self._connect() as db:
            db.execute(f"UPDATE feeds SET {', '.join(sets)} WHERE id = ?", (*values, feed_id))

    # --- items --------------------------------------------------------------------
    def item(self, feed_id: int, guid: str) -> ItemRecord | None:
        with self._connect() as db:
            row = db.execute(_ITEM_SELECT + " WHERE feed_id = ? AND guid = ?", (feed_id, guid)).fetchone()
        return ItemRecord(**dict(row)) if row else None

    def save_item(self, item: ItemRecord) -> None:
        with self._connect() as db:
            db.execute(
                "INSERT INTO items (feed_id, guid, link, fingerprint, article_key, attempts, last_error, seen_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (feed_id, guid) DO UPDATE SET link = excluded.link, "
                "fingerprint = excluded.fingerprint, article_key = excluded.article_key, "
                "attempts = excluded.attempts, last_error = excluded.last_error, seen_at = excluded.seen_at",
                (item.feed_id, item.guid, item.link, item.fingerprint, item.article_key, item.attempts,
                 item.last_error, utc_now()),
            )

    # --- articles -----------------------------------------------------------------
    def article(self, key: str) -> ArticleRecord | None:
        with self._connect() as db:
            row = db.execute(_ARTICLE_SELECT + " WHERE key = ?", (key,)).fetchone()
        return _article(row) if row else None

    def save_article(self, article: ArticleRecord, *, replaces: str | None = None) -> None:
        """Insert or update `article`; `replaces` is the key of a row it takes over (same GUID, new URL)."""
        with self._connect() as db:
            if replaces is not None:
                db.execute("DELETE FROM articles WHERE key = ?", (replaces,))
                db.execute("UPDATE items SET article_key = ? WHERE article_key = ?", (article.key, replaces))
            db.execute(
                "INSERT INTO articles (key, url, path, content_hash, etag, last_modified, fetched_at, indexed) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET url = excluded.url, "
                "path = excluded.path, content_hash = excluded.content_hash, etag = excluded.etag, "
                "last_modified = excluded.last_modified, fetched_at = excluded.fetched_at, indexed = excluded.indexed",
                (article.key, article.url, article.path, article.content_hash, article.etag, article.last_modified,
                 article.fetched_at or utc_now(), int(article.indexed)),
            )

    def unindexed_paths(self) -> list[str]:
        """Corpus-relative paths of written articles the index does not have yet."""
        with self._connect() as db:
            return [row["path"] for row in db.execute("SELECT path FROM articles WHERE indexed = 0 ORDER BY path")]

    def mark_indexed(self, paths: list[str]) -> None:
        with self._connect() as db:
            db.executemany("UPDATE articles SET indexed = 1 WHERE path = ?", [(p,) for p in paths])


_FEED_SELECT = (
    "SELECT f.id, f.url, f.name, f.slug, f.added_at, f.etag, f.last_modified, f.last_polled, f.last_success, "
    "f.last_error, (SELECT count(*) FROM items i WHERE i.feed_id = f.id AND i.article_key IS NOT NULL) AS items "
    "FROM feeds f"
)
_ITEM_SELECT = "SELECT feed_id, guid, link, fingerprint, article_key, attempts, last_error FROM items"
_ARTICLE_SELECT = "SELECT key, url, path, content_hash, etag, last_modified, fetched_at, indexed FROM articles"


def _article(row: sqlite3.Row) -> ArticleRecord:
    data = dict(row)
    data["indexed"] = bool(data["indexed"])
    return ArticleRecord(**data)


def _free_slug(db: sqlite3.Connection, slug: str) -> str:
    candidate, number = slug, 1
    while db.execute("SELECT 1 FROM feeds WHERE slug = ?", (candidate,)).fetchone():
        number += 1
        candidate = f"{slug}-{number}"
    return candidate
