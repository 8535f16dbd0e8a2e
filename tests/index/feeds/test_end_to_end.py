"""Feeds end to end with the real indexer and engine: publish -> fetch -> ask -> a quote with its URL.

The fake news site serves a feed and article pages on 127.0.0.1; the real FeedService fetches them
(httpx, feedparser, trafilatura), `Engine.reindex` indexes what was written (the offline e5
embedder and embedded Chroma), and `Engine.ask` answers from it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.engine import build_engine
from bot.settings import Settings
from index.indexer import run_index
from testing.news_site import RSS, NewsSite, Story, article_page, rss20
from tests.index.feeds.conftest import PARAGRAPHS, PUBLISHED

pytestmark = pytest.mark.slow

TRAM = [
    "The regional transport authority announced on Thursday that the new tram line to the airport will open in "
    "September.",
    "The line will have eleven stops and trams will run every seven minutes during the day.",
    "Building the airport tram line cost 212 million euros, financed partly by the European Investment Bank.",
]


@pytest.fixture
def engine_settings(tmp_path, corpus_dir) -> Settings:
    return Settings(
        _env_file=None, corpus_dir=corpus_dir, data_dir=tmp_path / "data", chroma_path=tmp_path / "data" / "chroma",
        history_db=tmp_path / "data" / "history.sqlite3", embed_backend="local", embed_model="multilingual-e5-small",
        answer_mode="offline", openai_api_key=None, openai_base_url=None, chroma_host=None,
        feeds_allow_private=True, feed_host_delay=0.0,
    )


def test_a_published_story_becomes_answerable_with_its_url(site: NewsSite, engine_settings, embedder, make_service):
    park = site.url("/2024/05/park")
    site.put("/2024/05/park", article_page("Council approves riverside park", PARAGRAPHS, canonical=park))
    site.put("/feed.xml", rss20("City News", [Story("Council approves riverside park", park + "?utm_source=rss",
                                                    published=PUBLISHED)]), RSS)
    engine = build_engine(engine_settings, embedder=embedder)
    service = make_service(engine_settings)
    service.add_feed(site.url("/feed.xml"))
    assert len(service.fetch_feeds(engine.reindex).new) == 1

    tram = site.url("/2024/05/tram")

    def publish_tram(paragraphs: list[str], updated: timedelta) -> None:
        site.put("/2024/05/tram", article_page("Airport tram line opens in September", paragraphs, canonical=tram))
        site.put("/feed.xml", rss20("City News", [
            Story("Airport tram line opens in September", tram, published=PUBLISHED + updated),
            Story("Council approves riverside park", park + "?utm_source=rss", published=PUBLISHED),
        ]), RSS)

    # a new story is published: the next poll fetches it and the engine answers from it
    publish_tram(TRAM, timedelta(days=1))
    report = service.fetch_feeds(engine.reindex)
    assert [i.status for i in report.items()] == ["new", "unchanged"]
    assert report.index is not None and len(report.index.added) == 1 and not report.index.failed

    answer = engine.ask("How much did the airport tram line cost?")
    assert not answer.refused, answer.answer
    assert answer.citations[0].url == tram
    assert answer.citations[0].source == "City News"
    assert "212 million euros" in " ".join(c.quote for c in answer.citations), answer.citations

    # the page is edited: the article is replaced in the index, not duplicated
    publish_tram(TRAM[:2] + ["Building the airport tram line cost 230 million euros, more than planned."],
                 timedelta(days=1, hours=2))
    edited = service.fetch_feeds(engine.reindex)
    assert [i.status for i in edited.items()] == ["updated", "unchanged"]
    assert edited.index is not None and len(edited.index.updated) == 1 and not edited.index.added
    answer = engine.ask("How much did the airport tram line cost?")
    quotes = " ".join(c.quote for c in answer.citations)
    assert "230 million euros" in quotes and "212 million" not in quotes
    assert len([a for a in engine.articles() if a.url == tram]) == 1

    # `newsbot index --rebuild` reproduces the archive from the files alone
    before = {(a.id, a.title, a.source, a.url, a.published_at) for a in engine.articles()}
    rebuilt = run_index(engine_settings, rebuild=True, embedder=embedder)
    assert not rebuilt.failed and len(rebuilt.added) == 2
    engine.reload()
    assert {(a.id, a.title, a.source, a.url, a.published_at) for a in engine.articles()} == before
    engine.close()
