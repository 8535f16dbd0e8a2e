"""Fixtures for the feeds tests: the fake news site, settings in tmp_path, a service over both.

Everything is real: an HTTP server on 127.0.0.1 (testing/news_site.py), httpx, feedparser,
trafilatura, SQLite, files in tmp_path. The one seam is DNS: `resolver` answers 127.0.0.1 for
a few made-up host names (news.test, www.news.test, amp.news.test, …) so that URL variants of one
site can be fetched from the local server.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from typing import Any

import pytest

from index.feeds.client import Crawler, CrawlerConfig
from index.feeds.service import FeedService
from index.settings import IndexSettings
from testing.news_site import NewsSite

LOCAL_NAMES = frozenset({"news.test", "www.news.test", "amp.news.test", "m.news.test", "feeds.test"})
PARAGRAPHS = [
    "The city council voted on Tuesday to turn the old freight yard into a riverside park, the mayor said.",
    "Construction of the riverside park is expected to start next spring and to last two years.",
    "The council approved a budget of 14 million euros for the park, most of it for cleaning the soil.",
]
PUBLISHED = datetime(2024, 5, 2, 10, 0, tzinfo=timezone.utc)


class StaticResolver:
    """DNS for tests: the names in `table` resolve to the given addresses; others do not resolve."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = table
        self.asked: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        if host in self.table:
            return list(self.table[host])
        try:  # IP literals "resolve" to themselves, as getaddrinfo does
            return [socket.inet_ntop(socket.AF_INET, socket.inet_pton(socket.AF_INET, host))]
        except OSError:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None


@pytest.fixture
def site() -> Iterator[NewsSite]:
    with NewsSite() as server:
        yield server


@pytest.fixture
def resolver() -> StaticResolver:
    return StaticResolver({name: ["127.0.0.1"] for name in LOCAL_NAMES})


@pytest.fixture
def feed_settings(make_settings: Callable[..., IndexSettings]) -> Callable[..., IndexSettings]:
    """Settings for feeds tests: private addresses allowed (the site is on 127.0.0.1), no politeness delay."""

    def make(**overrides: Any) -> IndexSettings:
        values: dict[str, Any] = {"feeds_allow_private": True, "feed_host_delay": 0.0}
        values.update(overrides)
        return make_settings(**values)

    return make


@pytest.fixture
def make_service(feed_settings: Callable[..., IndexSettings],
                 resolver: StaticResolver) -> Iterator[Callable[..., FeedService]]:
    services: list[FeedService] = []

    def make(settings: IndexSettings | None = None, **overrides: Any) -> FeedService:
        settings = settings or feed_settings(**overrides)
        crawler = Crawler(CrawlerConfig.from_settings(settings), resolver=resolver)
        service = FeedService(settings, crawler=crawler)
        services.append(service)
        return service

    yield make
    for service in services:
        service.close()
