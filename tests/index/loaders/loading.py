"""Loading a corpus folder in the loader tests: `load`, `load_one`, `ids`, and the good file loaded beside a bad one."""

from __future__ import annotations

from pathlib import Path

from index.loaders import load_corpus
from index.models import Article, LoadFailure

MAX_BYTES = 100_000
GOOD = "good.txt"


def load(root: Path, *paths: Path, max_bytes: int = MAX_BYTES) -> tuple[list[Article], list[LoadFailure]]:
    return load_corpus(list(paths) or [root], root, max_bytes=max_bytes)


def load_one(root: Path, *paths: Path) -> Article:
    articles, failures = load(root, *paths)
    assert failures == []
    assert len(articles) == 1
    return articles[0]


def ids(articles: list[Article]) -> list[str]:
    return [a.id for a in articles]
