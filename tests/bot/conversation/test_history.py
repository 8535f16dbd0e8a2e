from __future__ import annotations

import threading
from pathlib import Path

import pytest

from bot.answer.result import Turn
from bot.conversation.history import HistoryStore


def turn(i: int) -> Turn:
    return Turn(question=f"q{i}", standalone_question=f"sq{i}", answer=f"a{i} <b>&</b>", article_ids=[f"art{i}"])


def test_turns_round_trip_oldest_first(tmp_path: Path):
    with HistoryStore(tmp_path / "h.sqlite3", 5) as store:
        for i in range(3):
            store.add(1, 1, turn(i))
        assert store.get(1, 1) == [turn(0), turn(1), turn(2)]


def test_history_is_bounded(tmp_path: Path):
    with HistoryStore(tmp_path / "h.sqlite3", 3) as store:
        for i in range(10):
            store.add(1, 1, turn(i))
        assert [t.question for t in store.get(1, 1)] == ["q7", "q8", "q9"]
        rows = store._db().execute("SELECT COUNT(*) FROM turns").fetchone()[0]
        assert rows == 3  # old rows are deleted, not just hidden


def test_conversations_are_separate_per_chat_and_per_user(tmp_path: Path):
    with HistoryStore(tmp_path / "h.sqlite3", 5) as store:
        store.add(-100, 1, turn(1))
        store.add(-100, 2, turn(2))
        store.add(1, 1, turn(3))
        assert store.get(-100, 1) == [turn(1)] and store.get(-100, 2) == [turn(2)] and store.get(1, 1) == [turn(3)]
        assert store.conversations() == 3
        assert store.clear(-100, 1) == 1
        assert store.get(-100, 1) == [] and store.get(-100, 2) == [turn(2)]
        assert store.clear_chat(-100) == 1 and store.get(1, 1) == [turn(3)]


def test_history_survives_a_restart(tmp_path: Path):
    path = tmp_path / "sub" / "h.sqlite3"
    with HistoryStore(path, 4) as store:
        store.add(7, 7, turn(1))
    with HistoryStore(path, 4) as store:
        assert store.get(7, 7) == [turn(1)]
        store.clear(7, 7)
    with HistoryStore(path, 4) as store:
        assert store.get(7, 7) == []


def test_zero_turns_disables_history(tmp_path: Path):
    with HistoryStore(tmp_path / "h.sqlite3", 0) as store:
        store.add(1, 1, turn(1))
        assert store.get(1, 1) == []


def test_unreadable_rows_are_skipped(tmp_path: Path):
    with HistoryStore(tmp_path / "h.sqlite3", 5) as store:
        store.add(1, 1, turn(1))
        store._db().execute("INSERT INTO turns (chat_id, user_id, created_at, turn) VALUES (1, 1, 0, '{bad')")
        assert store.get(1, 1) == [turn(1)]


def test_safe_from_many_threads(tmp_path: Path):
    store = HistoryStore(tmp_path / "h.sqlite3", 50)
    errors: list[BaseException] = []

    def work(user: int) -> None:
        try:
            for i in range(20):
                store.add(1, user, turn(i))
                store.get(1, user)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(u,)) for u in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert all(len(store.get(1, u)) == 20 for u in range(8))
    store.close()
    with pytest.raises(RuntimeError, match="closed"):
        store.get(1, 1)
