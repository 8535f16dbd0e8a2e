"""`.json` / `.jsonl` records (index.loaders.records): the MultiHop-RAG schema, aliases, bad records failing alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories import DROP, multihop_record, write_article, write_json, write_jsonl, write_text
from tests.index.loaders.loading import GOOD, ids, load, load_one


def test_json_list_of_multihop_records(tmp_path: Path) -> None:
    records = [multihop_record(1), multihop_record(2), multihop_record(3, url=DROP)]
    write_json(tmp_path, "data/corpus.json", records)

    articles, failures = load(tmp_path)

    assert failures == []
    assert ids(articles) == [
        "url:https://news.example.com/articles/1",
        "url:https://news.example.com/articles/2",
        "data/corpus.json#2",
    ]
    first = articles[0]
    assert first.title == "Tech giant unveils model number 1"
    assert first.body == records[0]["body"]
    assert (first.source, first.author, first.category) == ("Example Tech News", "Alex Writer", "technology")
    assert first.published_at == "2023-11-27T08:45:59+00:00"
    assert first.path == "data/corpus.json"


def test_json_single_record_and_field_aliases(tmp_path: Path) -> None:
    record = multihop_record(body=DROP, url=DROP, published_at=DROP, text="Aliased body.", date="2024-01-02")
    write_json(tmp_path, "one.json", record)

    article = load_one(tmp_path)

    assert (article.id, article.body, article.published_at) == ("one.json", "Aliased body.", "2024-01-02")


def test_json_bad_records_fail_alone(tmp_path: Path) -> None:
    write_json(tmp_path, "news.json", [multihop_record(1), 42, {"title": "No text"}, multihop_record(4)])

    articles, failures = load(tmp_path)

    assert ids(articles) == ["url:https://news.example.com/articles/1", "url:https://news.example.com/articles/4"]
    assert [f.path for f in failures] == [tmp_path / "news.json"] * 2
    assert failures[0].reason.startswith("record 1: expected a JSON object")
    assert failures[1].reason.startswith('record 2: no "body" or "text" field')


def test_jsonl_records_and_bad_lines(tmp_path: Path) -> None:
    lines = [
        multihop_record(1),
        '{"title": "broken", ',
        "",
        {"title": "No body here"},
        multihop_record(5, url=DROP),
    ]
    write_jsonl(tmp_path, "news.jsonl", lines)

    articles, failures = load(tmp_path)

    assert ids(articles) == ["url:https://news.example.com/articles/1", "news.jsonl#5"]
    assert [str(f) for f in failures] == [
        f"{tmp_path / 'news.jsonl'}: {failures[0].reason}",
        f"{tmp_path / 'news.jsonl'}: {failures[1].reason}",
    ]
    assert failures[0].reason.startswith("line 2: not valid JSON")
    assert failures[1].reason.startswith('line 4: no "body" or "text" field')


@pytest.mark.parametrize("name", ["deep.json", "deep.jsonl"])
def test_deeply_nested_json_is_a_named_failure(tmp_path: Path, name: str) -> None:
    deep = write_text(tmp_path, name, "[" * 40_000 + "]" * 40_000 + "\n")
    write_article(tmp_path, GOOD)

    articles, failures = load(tmp_path)

    assert ids(articles) == [GOOD] and [f.path for f in failures] == [deep]
    assert "nested too deeply" in failures[0].reason and "unexpected error" not in failures[0].reason


def test_nested_values_in_a_record_are_ignored(tmp_path: Path) -> None:
    nested: object = "deep"
    for _ in range(500):
        nested = [nested]
    write_jsonl(tmp_path, "a.jsonl", [multihop_record(1, author=nested, category=["world", ["x"], {"a": 1}])])

    article = load_one(tmp_path)

    assert (article.author, article.category) == ("", "world")
