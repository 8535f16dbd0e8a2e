"""Tests for training.news_items: which news questions count as answerable."""

from __future__ import annotations

import json

from training.news_items import _archive, _held


def write_week(folder, records) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "20250103.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")


def test_an_answer_counts_only_in_articles_the_question_may_read(tmp_path) -> None:
    write_week(tmp_path, [
        {"title": "Storm", "body": "The storm hit Santorini on Wednesday.", "published_at": "2025-02-07"},
        {"title": "Later", "body": "Kabul may run out of water.", "published_at": "2025-07-24"},
        {"title": "Undated", "body": "The Golden Dome plan was announced.", "published_at": ""},
    ])
    archive = _archive(tmp_path)

    assert _held("Santorini", "2025-02-07", archive)
    assert not _held("Santorini", "2025-02-06", archive), "published after the question's day"
    assert not _held("Kabul", "2025-03-01", archive)
    assert _held("“Golden Dome”", "2025-01-01", archive), "undated articles are readable; quotes and case normalised"
    assert not _held("Dome plan was", "2025-01-01", archive.__class__()), "an empty archive holds nothing"


def test_an_answer_must_match_whole_words(tmp_path) -> None:
    write_week(tmp_path, [{"title": "", "body": "The 2018 final was in Paris.", "published_at": "2025-01-01"}])

    assert not _held("201", "2025-02-01", _archive(tmp_path))
    assert not _held("", "2025-02-01", _archive(tmp_path)), "an empty answer is never held"

