"""Fixtures for the index tests: settings in a temporary folder, one shared embedder, helpers.

Everything is real: files in `tmp_path`, an embedded Chroma under `tmp_path/data/chroma`,
the offline e5 embedder (loaded once per session). Keep corpora small: embedding
dominates the run time.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from index.crashpoints import ENV as CRASH_ENV
from index.embedders import Embedder
from index.settings import IndexSettings

REPO = Path(__file__).resolve().parents[2]
FIRST_ARTICLE = REPO / "corpus" / "putin-hosts-ex-hostages.txt"


def clear_chroma_cache() -> None:
    """Forget Chroma's per-path client cache, so the next client re-reads what another process wrote.

    An embedded Chroma client keeps its vector index in memory: after a subprocess
    changed the store, a cached client would still answer queries from the old state.
    """
    if "chromadb" not in sys.modules:
        return
    from chromadb.api.shared_system_client import SharedSystemClient

    if SharedSystemClient._identifier_to_system:
        SharedSystemClient.clear_system_cache()
        gc.collect()


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No setting leaks in from the developer's environment; Chroma clients do not leak between tests."""
    names = set(IndexSettings.model_fields)
    for name in list(os.environ):
        if name.lower() in names:
            monkeypatch.delenv(name)
    monkeypatch.delenv(CRASH_ENV, raising=False)
    yield
    clear_chroma_cache()


@pytest.fixture(scope="session")
def embedder(e5_embedder: Embedder) -> Embedder:
    """The default offline embedder (multilingual e5), shared by the whole run."""
    return e5_embedder


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    return folder


@pytest.fixture
def make_settings(tmp_path: Path, corpus_dir: Path) -> Callable[..., IndexSettings]:
    """IndexSettings rooted in tmp_path (no `.env`, no environment); keyword overrides win."""

    def make(**overrides: Any) -> IndexSettings:
        values: dict[str, Any] = {
            "corpus_dir": corpus_dir,
            "data_dir": tmp_path / "data",
            "chroma_path": tmp_path / "data" / "chroma",
            "chroma_host": None,
            "embed_backend": "local",
            "embed_model": "multilingual-e5-small",
        }
        values.update(overrides)
        return IndexSettings(_env_file=None, **values)

    return make


@pytest.fixture
def settings(make_settings: Callable[..., IndexSettings]) -> IndexSettings:
    return make_settings()


@pytest.fixture
def first_article(corpus_dir: Path) -> Path:
    """The first article of the real corpus, copied into the tmp corpus."""
    target = corpus_dir / FIRST_ARTICLE.name
    shutil.copy(FIRST_ARTICLE, target)
    return target


def cli_env(settings: IndexSettings, **extra: str) -> dict[str, str]:
    """Environment for a `newsbot` subprocess using `settings`' folders (nothing inherited from the outer env)."""
    env = {k: v for k, v in os.environ.items() if k.lower() not in IndexSettings.model_fields and k != CRASH_ENV}
    env.update({
        "CORPUS_DIR": str(settings.corpus_dir),
        "DATA_DIR": str(settings.data_dir),
        "CHROMA_PATH": str(settings.chroma_path),
        "EMBED_BACKEND": settings.embed_backend,
        "EMBED_MODEL": settings.embed_model,
        "CHUNK_SIZE": str(settings.chunk_size),
        "CHUNK_OVERLAP": str(settings.chunk_overlap),
        "PYTHONPATH": str(REPO) + os.pathsep + env.get("PYTHONPATH", ""),
        "LOG_LEVEL": "WARNING",
        "INDEX_NICE": "0",  # a test's subprocess runs at the test's priority (on a busy machine, niced ones crawl)
    })
    if settings.chroma_host:
        env["CHROMA_HOST"] = settings.chroma_host
        env["CHROMA_PORT"] = str(settings.chroma_port)
    env.update(extra)
    return env


def newsbot_command() -> list[str]:
    """The installed console script if present, else the same entry point through the interpreter."""
    script = Path(sys.executable).with_name("newsbot")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "bot.cli"]


class TrackedEmbedder(Embedder):
    """The real shared embedder, recording what it is asked to embed.

    Vectors are memoised per text for the session (the model is deterministic), so
    tests that index the same small corpora repeatedly stay fast; `passages` and
    `queries` still list every text the caller asked for.
    """

    def __init__(self, inner: Embedder, memo: dict[tuple[str, bool], Any]) -> None:
        super().__init__(inner.batch_size, inner.batch_tokens)
        self.name = inner.name
        self.dim = inner.dim
        self.max_tokens = inner.max_tokens  # batched as the real model is
        self.inner = inner
        self._memo = memo
        self.passages: list[str] = []
        self.queries: list[str] = []

    def token_counts(self, texts):
        return self.inner.token_counts(texts)

    def _embed(self, texts: list[str], is_query: bool) -> Any:
        import numpy as np

        (self.queries if is_query else self.passages).extend(texts)
        missing = [t for t in dict.fromkeys(texts) if (t, is_query) not in self._memo]
        if missing:
            vectors = self.inner._embed(missing, is_query)
            for text, vector in zip(missing, np.asarray(vectors, dtype=np.float32)):
                self._memo[(text, is_query)] = vector
        return np.vstack([self._memo[(t, is_query)] for t in texts])


class HashingEmbedder(Embedder):
    """A fast stand-in for tests that write thousands of chunks: a deterministic unit vector per text.

    Similar texts get unrelated vectors, so it is for storage tests, never for retrieval quality.
    """

    name = "test:hashing"
    dim = 16

    def _embed(self, texts: list[str], is_query: bool) -> Any:
        import hashlib

        import numpy as np

        rows = [np.frombuffer(hashlib.sha256(f"{is_query}|{t}".encode()).digest()[:self.dim], dtype=np.uint8)
                for t in texts]
        vectors = np.vstack(rows).astype(np.float32) - 127.5
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@pytest.fixture
def hashing() -> HashingEmbedder:
    return HashingEmbedder()


@pytest.fixture(scope="session")
def _vector_memo() -> dict:
    return {}


@pytest.fixture
def tracked(embedder: Embedder, _vector_memo: dict) -> TrackedEmbedder:
    return TrackedEmbedder(embedder, _vector_memo)


@dataclass
class CliResult:
    status: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, tmp_path: Path,
        settings: IndexSettings) -> Callable[..., CliResult]:
    """Run `newsbot ARGS...` in-process (bot.cli.main) in tmp_path with `settings`' folders in the environment."""
    from bot.cli import main
    from bot.settings import Settings

    def run(*argv: str, **env: str) -> CliResult:
        for name in Settings.model_fields:
            monkeypatch.delenv(name.upper(), raising=False)
        for name, value in cli_env(settings, COLUMNS="250", **env).items():
            monkeypatch.setenv(name, value)
        monkeypatch.chdir(tmp_path)
        capsys.readouterr()
        status = main(list(argv))
        captured = capsys.readouterr()
        return CliResult(status, captured.out, captured.err)

    return run


@dataclass
class Index:
    """A small real index, read-only in the tests of a module, and retrievers over it."""

    settings: IndexSettings
    store: Any
    catalog: Any
    embedder: Embedder

    def retriever(self, **overrides: Any) -> Any:
        """A HybridRetriever over this index; keyword overrides change its settings."""
        from index.retriever import HybridRetriever

        settings = self.settings.model_copy(update=overrides) if overrides else self.settings
        return HybridRetriever(settings, self.store, self.embedder, self.catalog)


def build_index(root: Path, articles: dict[str, tuple[str, str, str, str]], embedder: Embedder,
                **overrides: Any) -> Index:
    """Index markdown articles `name: (title, source, published_at or "", body)` under `root` (e5 settings)."""
    from index.catalog import Catalog
    from index.indexer import run_index
    from index.store import Store
    from tests.factories import write_markdown

    for name, (title, source, day, body) in articles.items():
        front = {"title": title, "source": source} | ({"published_at": day} if day else {})
        write_markdown(root / "corpus", name, body=body, front_matter=front)
    settings = IndexSettings(_env_file=None, corpus_dir=root / "corpus", data_dir=root / "data",
                             chroma_path=root / "data" / "chroma", chroma_host=None, embed_backend="local",
                             embed_model="multilingual-e5-small", **overrides)
    report = run_index(settings, embedder=embedder)
    assert report.ok and len(report.added) == len(articles), report.to_dict()
    store = Store.open(settings)
    store.ensure(embedder.name, embedder.dim)
    return Index(settings, store, Catalog.load(store, settings.cache_dir), embedder)
