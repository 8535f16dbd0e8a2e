"""The SQLite feed registry: subscriptions, duplicates, removal, persistence."""

from __future__ import annotations

import pytest

from index.feeds.errors import FeedRegistryError
from index.feeds.registry import ArticleRecord, FeedRegistry, ItemRecord


def test_feeds_persist_and_refuse_duplicates(tmp_path):
    registry = FeedRegistry(tmp_path / "feeds.sqlite3")
    feed = registry.add_feed("https://news.test/feed", "news.test/feed", "City News", "city-news")
    with pytest.raises(FeedRegistryError, match="already subscribed, as “City News”"):
        registry.add_feed("https://www.news.test/feed/", "news.test/feed", "Other", "other")
    with pytest.raises(FeedRegistryError, match="already named"):
        registry.add_feed("https://other.test/feed", "other.test/feed", "city news", "city-news")
    second = registry.add_feed("https://other.test/feed", "other.test/feed", "City News!", "city-news")
    assert second.slug == "city-news-2"
    again = FeedRegistry(tmp_path / "feeds.sqlite3")
    assert [f.name for f in again.feeds()] == ["City News", "City News!"]
    assert again.find_feed(name="CITY NEWS").id == feed.id


def test_removing_a_feed_forgets_its_items_but_keeps_its_articles(tmp_path):
    registry = FeedRegistry(tmp_path / "feeds.sqlite3")
    feed = registry.add_feed("https://news.test/feed", "news.test/feed", "City News", "city-news")
    registry.save_article(ArticleRecord("news.test/park", "https://news.test/park", "feeds/city-news/park.md", "h"))
    registry.save_item(ItemRecord(feed.id, "g1", "https://news.test/park", "f", article_key="news.test/park"))
    assert registry.feeds()[0].items == 1
    registry.remove_feed(feed.id)
    assert registry.feeds() == [] and registry.item(feed.id, "g1") is None
    assert registry.article("news.test/park").path == "feeds/city-news/park.md"


def test_poll_outcomes_are_recorded(tmp_path):
    registry = FeedRegistry(tmp_path / "feeds.sqlite3")
    feed = registry.add_feed("https://news.test/feed", "news.test/feed", "City News", "city-news")
    registry.record_poll(feed.id, read=True, error=None, etag='"v1"', last_modified="Wed, 01 May 2024 00:00:00 GMT")
    ok = registry.feeds()[0]
    assert ok.etag == '"v1"' and ok.last_success and ok.last_error is None
    registry.record_poll(feed.id, read=False, error="the server answered HTTP 500")
    failed = registry.feeds()[0]
    assert failed.last_error == "the server answered HTTP 500" and failed.last_success == ok.last_success
    assert failed.etag is None  # the next poll reads the feed in full


def test_unindexed_articles_are_remembered(tmp_path):
    registry = FeedRegistry(tmp_path / "feeds.sqlite3")
    registry.save_article(ArticleRecord("k1", "u1", "feeds/a/1.md", "h"))
    registry.save_article(ArticleRecord("k2", "u2", "feeds/a/2.md", "h", indexed=True))
    assert registry.unindexed_paths() == ["feeds/a/1.md"]
    registry.mark_indexed(["feeds/a/1.md"])
    assert registry.unindexed_paths() == []
