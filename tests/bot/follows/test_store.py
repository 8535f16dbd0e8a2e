"""The follow store: a conversation's numbered topics, bounds, once-per-article claims, the hourly
count, removal per chat — in a real SQLite file that survives a restart."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.follows import (
    MAX_TOPIC_CHARS,
    AlreadyFollowing,
    FollowStore,
    TooManyFollows,
    TopicEmpty,
    TopicTooLong,
)

PRIVATE, GROUP, OTHER_USER = 1001, -100777, 2002


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "follows.sqlite3"


def test_follows_are_numbered_per_conversation_and_survive_a_restart(path: Path) -> None:
    store = FollowStore(path)
    assert store.add(PRIVATE, PRIVATE, "  airport   tram\u200b line ", "ru")[0] == 1
    assert store.add(PRIVATE, PRIVATE, "Who won the city marathon?", None)[0] == 2
    assert store.add(GROUP, PRIVATE, "airport tram line", "en")[0] == 1  # another chat: its own list
    assert store.add(GROUP, OTHER_USER, "harbour crane", "de")[0] == 1  # another member: their own list
    store.close()

    again = FollowStore(path)
    mine = again.of(PRIVATE, PRIVATE)
    assert [(f.topic, f.language) for f in mine] == [("airport tram line", "ru"), ("Who won the city marathon?", None)]
    assert [f.topic for f in again.of(GROUP, OTHER_USER)] == ["harbour crane"]
    assert len(again.all()) == again.count() == 4

    removed = again.remove(PRIVATE, PRIVATE, 1)
    assert removed is not None and removed.topic == "airport tram line"
    assert [f.topic for f in again.of(PRIVATE, PRIVATE)] == ["Who won the city marathon?"]  # renumbered
    assert again.remove(PRIVATE, PRIVATE, 2) is None and again.remove(PRIVATE, PRIVATE, 0) is None


def test_topics_are_bounded_and_followed_once(path: Path) -> None:
    store = FollowStore(path)
    with pytest.raises(TopicEmpty):
        store.add(PRIVATE, PRIVATE, " \u200b ", None)
    with pytest.raises(TopicTooLong) as too_long:
        store.add(PRIVATE, PRIVATE, "tram " * 50, None)
    assert too_long.value.length > MAX_TOPIC_CHARS
    store.add(PRIVATE, PRIVATE, "Airport tram line", None)
    with pytest.raises(AlreadyFollowing) as again:
        store.add(PRIVATE, PRIVATE, "airport TRAM line?", None)
    assert again.value.number == 1
    for n in range(2, 4):
        store.add(PRIVATE, PRIVATE, f"topic number {n}", None, max_follows=3)
    with pytest.raises(TooManyFollows):
        store.add(PRIVATE, PRIVATE, "one too many", None, max_follows=3)
    assert store.count() == 3


def test_an_article_is_claimed_once_per_follow_ever(path: Path) -> None:
    store = FollowStore(path)
    _, tram = store.add(PRIVATE, PRIVATE, "airport tram line", None)
    _, crane = store.add(GROUP, OTHER_USER, "harbour crane", None)
    assert store.claim([(tram.id, "a1"), (crane.id, "a1"), (tram.id, "a1")]) == {(tram.id, "a1"), (crane.id, "a1")}
    assert store.claim([(tram.id, "a1"), (tram.id, "a2")]) == {(tram.id, "a2")}
    assert store.claim([(9999, "a3")]) == set()  # a follow removed meanwhile is not claimed for
    store.close()
    again = FollowStore(path)
    assert again.claim([(tram.id, "a1")]) == set()
    assert again.alerted([tram.id]) == {(tram.id, "a1"), (tram.id, "a2")}


def test_removing_a_chat_removes_its_follows_and_claims_only(path: Path) -> None:
    store = FollowStore(path)
    _, mine = store.add(GROUP, PRIVATE, "airport tram line", None)
    store.add(GROUP, OTHER_USER, "harbour crane", None)
    _, private = store.add(PRIVATE, PRIVATE, "airport tram line", None)
    store.claim([(mine.id, "a1"), (private.id, "a1")])
    store.delivered(GROUP)
    assert store.remove_chat(GROUP) == 2
    assert store.of(GROUP, PRIVATE) == [] and store.of(GROUP, OTHER_USER) == []
    assert [f.id for f in store.all()] == [private.id]
    assert store.alerted([mine.id, private.id]) == {(private.id, "a1")}
    assert store.delivered_last_hour(GROUP) == 0


def test_deliveries_are_counted_per_chat(path: Path) -> None:
    store = FollowStore(path)
    for _ in range(3):
        store.delivered(PRIVATE)
    store.delivered(GROUP)
    assert store.delivered_last_hour(PRIVATE) == 3 and store.delivered_last_hour(GROUP) == 1
    assert store.delivered_last_hour(OTHER_USER) == 0


def test_a_merge_drops_no_follow_and_adding_stays_capped_until_under_the_limit(path: Path) -> None:
    store = FollowStore(path)
    old, new = -4002, -1004002
    for i in range(3):
        store.add(old, PRIVATE, f"old topic {i}", None, max_follows=3)
        store.add(new, PRIVATE, f"new topic {i}", None, max_follows=3)
    assert store.move_chat(old, new) == 3
    assert len(store.of(new, PRIVATE)) == 6  # both chats' topics kept: up to twice the limit
    with pytest.raises(TooManyFollows):
        store.add(new, PRIVATE, "one more", None, max_follows=3)


def test_a_group_that_became_a_supergroup_takes_its_follows_along_merged_once(path: Path) -> None:
    store = FollowStore(path)
    old, new = -4001, -1004001
    _, tram = store.add(old, PRIVATE, "airport tram line", "ru")
    store.add(old, PRIVATE, "harbour crane", None)
    store.add(old, OTHER_USER, "airport tram line", "de")
    _, twin = store.add(new, PRIVATE, "Airport Tram Line?", "en")  # followed again after the upgrade
    store.claim([(tram.id, "a1")])
    store.delivered(old)
    assert store.move_chat(old, new) == 2  # the twin is kept once: the supergroup's own follow
    assert store.move_chat(old, new) == 0  # the second service message finds nothing left
    assert store.of(old, PRIVATE) == [] and store.of(old, OTHER_USER) == []
    assert [f.topic for f in store.of(new, PRIVATE)] == ["harbour crane", "Airport Tram Line?"]
    assert [f.topic for f in store.of(new, OTHER_USER)] == ["airport tram line"]
    assert store.alerted([twin.id]) == {(twin.id, "a1")}  # what the old follow was told is not told again
    assert store.delivered_last_hour(new) == 1 and store.delivered_last_hour(old) == 0
    with pytest.raises(AlreadyFollowing):
        store.add(new, PRIVATE, "airport tram line", None)


def test_an_older_file_is_migrated_and_keeps_its_follows(path: Path) -> None:
    import sqlite3

    path.parent.mkdir(parents=True)
    db = sqlite3.connect(path)  # the layout before forum topics (schema version 0)
    db.executescript("""
        CREATE TABLE follows (id INTEGER PRIMARY KEY AUTOINCREMENT, chat_id INTEGER NOT NULL, user_id INTEGER NOT NULL,
            topic TEXT NOT NULL, topic_key TEXT NOT NULL, language TEXT, created_at TEXT NOT NULL,
            UNIQUE (chat_id, user_id, topic_key));
        INSERT INTO follows (chat_id, user_id, topic, topic_key, language, created_at)
            VALUES (-100777, 1001, 'airport tram line', 'airport tram line', 'ru', '2024-05-01T00:00:00+00:00');
    """)
    db.close()
    store = FollowStore(path)
    [old] = store.of(GROUP, PRIVATE)
    assert (old.topic, old.language, old.thread_id) == ("airport tram line", "ru", None)
    store.add(GROUP, PRIVATE, "harbour crane", None, thread_id=77)
    store.close()
    again = FollowStore(path)
    assert [(f.topic, f.thread_id) for f in again.of(GROUP, PRIVATE)] == [("airport tram line", None),
                                                                          ("harbour crane", 77)]
    assert again._db().execute("PRAGMA user_version").fetchone()[0] == 1
    again.close()
