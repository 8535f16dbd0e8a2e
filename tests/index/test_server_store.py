"""The same indexing and retrieval against a real Chroma server (`chroma run`), started and stopped here."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from index.catalog import Catalog
from index.errors import IndexChangedError
from index.indexer import run_index
from index.models import SearchFilters
from index.retriever import HybridRetriever
from index.settings import IndexSettings
from index.store import Store
from tests.factories import write_article, write_markdown
from tests.index.conftest import TrackedEmbedder


def chroma_binary() -> str | None:
    beside_python = Path(sys.executable).with_name("chroma")
    return str(beside_python) if beside_python.exists() else shutil.which("chroma")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class ChromaServer:
    path: Path
    port: int
    log: Path
    process: subprocess.Popen | None = None

    def start(self, timeout: float = 300.0) -> None:  # a bound for a server that never comes up
        binary = chroma_binary()
        assert binary
        self.process = subprocess.Popen(
            [binary, "run", "--path", str(self.path), "--host", "127.0.0.1", "--port", str(self.port)],
            stdout=self.log.open("ab"), stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"`chroma run` exited with {self.process.returncode}:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/v2/heartbeat", timeout=1) as reply:
                    if reply.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        self.stop()
        pytest.fail(f"`chroma run` did not answer its heartbeat within {timeout:.0f}s:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[ChromaServer]:
    if chroma_binary() is None:
        pytest.skip("the `chroma` binary (installed with chromadb) is not on PATH nor next to the interpreter; "
                    "install chromadb into the virtualenv to run the server tests")
    server = ChromaServer(path=tmp_path / "server-data", port=free_port(), log=tmp_path / "chroma-server.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()
    assert server.process.poll() is not None, "the Chroma server is still running"


@pytest.fixture
def settings(make_settings, chroma_server: ChromaServer) -> IndexSettings:
    """In this module `settings` (and so the `cli` fixture) point at the server."""
    return make_settings(chroma_host="127.0.0.1", chroma_port=chroma_server.port)


def test_index_and_retrieve_through_a_chroma_server(settings: IndexSettings, corpus_dir: Path,
                                                    tracked: TrackedEmbedder,
                                                    chroma_server: ChromaServer) -> None:
    write_markdown(corpus_dir, "kremlin.md", front_matter={"title": "Putin hosts ex-hostages", "source": "Times",
                                                            "published_at": "2025-04-30"},
                   body="Russian President Vladimir Putin met freed hostage Sasha Troufanov at the Kremlin.")
    write_markdown(corpus_dir, "flood.md", front_matter={"title": "Harbour floods", "source": "Coast News",
                                                          "published_at": "2025-02-20"},
                   body="The harbour district flooded again after heavy rain on Monday.")
    write_article(corpus_dir, "park.txt", title="Park approved", source="City Times")

    first = run_index(settings, embedder=tracked)

    assert first.ok and len(first.added) == 3
    assert not settings.chroma_path.exists(), "the embedded store was used instead of the server"
    assert any(chroma_server.path.iterdir()), "the server stored nothing"

    store = Store.open(settings)
    assert store.location == f"server 127.0.0.1:{chroma_server.port}"
    store.ensure(tracked.name, tracked.dim)
    assert set(store.article_infos()) == {"kremlin.md", "flood.md", "park.txt"}
    assert store.chunk_count() == 3
    catalog = Catalog.load(store, settings.cache_dir)
    retriever = HybridRetriever(settings, store, tracked, catalog)
    assert retriever.search("Кого Путин принял в Кремле?", k=2, language="ru").hits[0].row.article_id == "kremlin.md"
    filtered = retriever.search("Who met whom?", k=3, language="en",
                                filters=SearchFilters(sources=("Coast News",))).hits
    assert [r.row.article_id for r in filtered] == ["flood.md"]

    tracked.passages.clear()
    second = run_index(settings, embedder=tracked)
    assert len(second.unchanged) == 3 and second.chunks_embedded == 0 and tracked.passages == []

    (corpus_dir / "park.txt").unlink()
    third = run_index(settings, embedder=tracked)
    assert third.deleted == ["park.txt"]
    store = Store.open(settings)
    store.ensure(tracked.name, tracked.dim)
    assert store.chunk_count() == 2


def test_the_server_keeps_the_index_across_a_restart(settings: IndexSettings, corpus_dir: Path,
                                                     tracked: TrackedEmbedder, chroma_server: ChromaServer,
                                                     cli) -> None:
    write_article(corpus_dir, "park.txt", title="Park approved", source="City Times")
    run_index(settings, embedder=tracked)

    chroma_server.stop()
    chroma_server.start()

    result = cli("sources", "--json")
    assert result.status == 0, result.err
    assert [(a["title"], a["source"], a["chunks"]) for a in result.json()] == [("Park approved", "City Times", 1)]
    assert run_index(settings, embedder=tracked).unchanged == ["park.txt"]


def test_a_stopped_server_is_a_clear_error(settings: IndexSettings, corpus_dir: Path,
                                           tracked: TrackedEmbedder, chroma_server: ChromaServer, cli) -> None:
    write_article(corpus_dir, "park.txt")
    chroma_server.stop()

    result = cli("index")

    assert result.status == 1  # a service that did not answer: the same command may work later
    assert f"127.0.0.1:{chroma_server.port}" in result.err and "chroma run" in result.err


def test_reads_of_an_index_rebuilt_on_the_server_raise_index_changed(settings: IndexSettings, corpus_dir: Path,
                                                                    tracked: TrackedEmbedder) -> None:
    write_article(corpus_dir, "park.txt", title="Park approved", source="City Times")
    run_index(settings, embedder=tracked)
    reader = Store.open(settings)
    reader.ensure(tracked.name, tracked.dim)
    before = reader.current_version()

    run_index(settings, embedder=tracked, rebuild=True)

    assert reader.current_version().epoch != before.epoch
    with pytest.raises(IndexChangedError):
        reader.article_bodies(["park.txt"])
    with pytest.raises(IndexChangedError):
        reader.query(tracked.embed_query("park"), 1)
    fresh = reader.reopen()
    fresh.ensure(tracked.name, tracked.dim)
    assert fresh.article_bodies(["park.txt"])
