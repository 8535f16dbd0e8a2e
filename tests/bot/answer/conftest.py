"""An engine over the first article, indexed once per session into a temporary folder."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.engine import Engine, build_engine
from bot.settings import Settings
from index.indexer import run_index

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def answer_embedder(e5_embedder):
    return e5_embedder


@pytest.fixture(scope="session")
def indexed_dir(tmp_path_factory: pytest.TempPathFactory, answer_embedder) -> Path:
    root = tmp_path_factory.mktemp("answer-index")
    shutil.copytree(REPO / "corpus", root / "corpus")
    report = run_index(_settings(root), embedder=answer_embedder)
    assert report.ok and report.added
    return root


def _settings(root: Path, **overrides) -> Settings:
    return Settings(_env_file=None, corpus_dir=root / "corpus", data_dir=root / "data",
                    chroma_path=root / "data" / "chroma", prompts_dir=REPO / "prompts", **overrides)


@pytest.fixture(scope="session")
def offline_engine(indexed_dir: Path, answer_embedder) -> Engine:
    return build_engine(_settings(indexed_dir, answer_mode="offline"), embedder=answer_embedder)


@pytest.fixture
def make_engine(indexed_dir: Path, answer_embedder) -> Iterator[Callable[..., Engine]]:
    """An engine with other settings (e.g. LLM mode against a fake server) over the same index."""
    engines: list[Engine] = []

    def make(**overrides) -> Engine:
        engine = build_engine(_settings(indexed_dir, **overrides), embedder=answer_embedder)
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        engine.close()
