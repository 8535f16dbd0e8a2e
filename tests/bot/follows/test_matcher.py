"""Matching followed topics against new articles, with the honest keyword stand-in engine
(tests/bot/engines.py: it quotes only the articles it is restricted to, and its support is the
share of the topic's words the best sentence has). The real engine: tests/bot/telegram/test_follows.py."""

from __future__ import annotations

import pytest

from bot.follows import FollowStore, match_follows
from bot.follows.matcher import ARTICLES_PER_QUESTION
from index.models import ArticleInfo
from tests.bot.engines import KeywordEngine, RecordingEngine

TRAM = "The airport tram line cost 212 million euros and opens in September."
MARATHON = "Grace Wanjiru won the city marathon on Sunday in a course record."


def article(article_id: str, title: str) -> ArticleInfo:
    return ArticleInfo(id=article_id, title=title, source="City News", url=f"https://news.example/{article_id}",
                       published_at="2024-05-02", path=f"{article_id}.md", chunks=1, content_hash=article_id,
                       indexed_at="2024-05-02")


@pytest.fixture
def engine() -> RecordingEngine:
    inner = KeywordEngine()
    inner.add_article(article("old-tram", "Tram plans"), TRAM)
    inner.add_article(article("tram", "Airport tram line opens"), TRAM)
    inner.add_article(article("marathon", "Record at the marathon"), MARATHON)
    return RecordingEngine(inner)


@pytest.fixture
def store(tmp_path) -> FollowStore:
    return FollowStore(tmp_path / "follows.sqlite3")


def test_only_new_articles_that_support_the_topic_match(engine: RecordingEngine, store: FollowStore) -> None:
    _, tram = store.add(1, 1, "airport tram line cost", "ru")
    _, marathon = store.add(2, 2, "city marathon winner record", None)
    _, moon = store.add(3, 3, "moon landing astronauts", None)
    matches = match_follows(engine, store.all(), ["tram", "marathon"], min_support=0.5)
    assert {(m.follow.id, m.article_id) for m in matches} == {(tram.id, "tram"), (marathon.id, "marathon")}
    by_follow = {m.follow.id: m for m in matches}
    assert by_follow[tram.id].citation.quote == TRAM and by_follow[tram.id].citation.url.endswith("/tram")
    assert all(offline for offline in engine.offline)  # no LLM for matching
    assert "ru" in engine.user_languages and moon.id not in by_follow


def test_one_question_per_distinct_topic(engine: RecordingEngine, store: FollowStore) -> None:
    store.add(1, 1, "Airport tram line", None)
    store.add(-100, 2, "airport tram line?", None)
    matches = match_follows(engine, store.all(), ["tram"], min_support=0.5)
    assert len(engine.asked) == 1 and len(matches) == 2


def test_support_below_the_threshold_does_not_match(engine: RecordingEngine, store: FollowStore) -> None:
    store.add(1, 1, "airport tram line strike", None)  # the article has 3 of its 4 words: support 0.75
    assert [m.support for m in match_follows(engine, store.all(), ["tram"], min_support=0.7)] == [0.75]
    assert match_follows(engine, store.all(), ["tram"], min_support=0.8) == []


def test_pairs_alerted_before_are_not_asked_again(engine: RecordingEngine, store: FollowStore) -> None:
    _, tram = store.add(1, 1, "airport tram line cost", None)
    store.claim([(tram.id, "tram")])
    assert match_follows(engine, store.all(), ["tram"], min_support=0.5, already=store.alerted([tram.id])) == []
    assert engine.asked == []


def test_many_new_articles_are_asked_in_bounded_batches(store: FollowStore) -> None:
    inner = KeywordEngine()
    ids = [f"story-{n:03d}" for n in range(ARTICLES_PER_QUESTION + 10)]
    for article_id in ids:
        inner.add_article(article(article_id, "Wire"), "Nothing about trains here." if article_id != ids[-1] else TRAM)
    engine = RecordingEngine(inner)
    store.add(1, 1, "airport tram line cost", None)
    matches = match_follows(engine, store.all(), ids, min_support=0.5)
    assert len(engine.asked) == 2 and [m.article_id for m in matches] == [ids[-1]]
