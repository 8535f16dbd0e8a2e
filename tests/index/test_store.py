"""Tests for index.store and the tables it reads and writes (index.epoch_tables), on a real embedded
Chroma in tmp_path."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import chromadb
import numpy as np
import pytest
from chromadb.api.types import DefaultEmbeddingFunction
from chromadb.config import Settings as ChromaSettings
from chromadb.utils.embedding_functions.onnx_mini_lm_l6_v2 import ONNXMiniLM_L6_V2

import index.epoch_tables
from index.catalog import Catalog
from index.chroma import collection_names, published_day
from index.chunker import Chunker
from index.embedders import Embedder, embedder_name
from index.errors import EmbedderMismatchError, NewsbotError, StoreUnavailableError
from index.indexer import run_index
from index.models import Article, SearchFilters
from index.retriever import HybridRetriever
from index.settings import IndexSettings
from index.store import Store, indexed_articles
from tests.factories import write_article
from testing.openai_server import FakeOpenAI

DIM = 8


def unit(seed: int, dim: int = DIM) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal(dim).astype(np.float32)
    return v / np.linalg.norm(v)


def make_article(n: int, body: str | None = None, **fields: str) -> Article:
    return Article(id=f"a{n}.txt", title=f"Title {n}", body=body or f"Body of article {n}. It has two sentences.",
                   source=fields.pop("source", "Outlet"), published_at=fields.pop("published_at", "2025-04-30"),
                   path=f"a{n}.txt", **fields)


@pytest.fixture
def store(settings: IndexSettings) -> Store:
    s = Store.open(settings)
    s.ensure("test:model", DIM)
    return s


def add_article(store: Store, article: Article, chunk_size: int = 256) -> list:
    chunks = Chunker(chunk_size, 0).chunk(article)
    store.add_chunks(article, chunks, np.vstack([unit(i) for i in range(len(chunks))]))
    store.put_article(article, len(chunks))
    return chunks


# --------------------------------------------------------------------------- Chroma never embeds


def test_adding_documents_without_vectors_raises_our_error(store: Store) -> None:
    with pytest.raises(NewsbotError, match="embeddings to Chroma explicitly"):
        store.chunks.add(ids=["x"], documents=["a text Chroma would have to embed"])
    with pytest.raises(NewsbotError, match="embeddings to Chroma explicitly"):
        store.chunks.query(query_texts=["a question Chroma would have to embed"], n_results=1)
    with pytest.raises(NewsbotError):
        store.articles_collection.upsert(ids=["y"], documents=["another"])
    assert store.chunk_count() == 0


def test_a_collection_reopened_by_another_client_still_refuses_to_embed(settings: IndexSettings,
                                                                         store: Store) -> None:
    """The explicit embedding function is recorded in the collection, not just passed by our code."""
    client = chromadb.PersistentClient(path=str(settings.chroma_path),
                                       settings=ChromaSettings(anonymized_telemetry=False))
    collection = client.get_collection(store.chunks_name)

    with pytest.raises(NewsbotError):
        collection.add(ids=["x"], documents=["text"])
    assert collection.configuration_json["embedding_function"]["name"] == "newsbot-explicit"


@pytest.fixture
def chroma_default_ef_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records any use of Chroma's default embedding function (which would download a model)."""
    calls: list[str] = []

    def triggered(name: str) -> None:
        calls.append(name)
        raise AssertionError(f"Chroma's default embedding function was triggered ({name})")

    # same signatures as the originals: Chroma validates an embedding function's __call__ signature
    def default_call(self, input):
        triggered("DefaultEmbeddingFunction.__call__")

    def onnx_call(self, input):
        triggered("ONNXMiniLM_L6_V2.__call__")

    def onnx_init(self, *args, **kwargs):
        triggered("ONNXMiniLM_L6_V2.__init__")

    monkeypatch.setattr(DefaultEmbeddingFunction, "__call__", default_call)
    monkeypatch.setattr(ONNXMiniLM_L6_V2, "__call__", onnx_call)
    monkeypatch.setattr(ONNXMiniLM_L6_V2, "__init__", onnx_init)
    return calls


def test_the_spy_sees_chromas_default_embedding_function(settings: IndexSettings,
                                                        chroma_default_ef_calls: list[str]) -> None:
    """The check below can fail: a collection created without our embedding function does embed."""
    client = chromadb.PersistentClient(path=str(settings.chroma_path),
                                       settings=ChromaSettings(anonymized_telemetry=False))
    collection = client.create_collection("plain-collection")

    with pytest.raises(AssertionError, match="default embedding function was triggered"):
        collection.add(ids=["x"], documents=["text"])
    assert chroma_default_ef_calls


def test_indexing_and_retrieval_never_trigger_chromas_default_embedding_function(
    settings: IndexSettings, corpus_dir: Path, embedder: Embedder, chroma_default_ef_calls: list[str]
) -> None:
    write_article(corpus_dir, "park.txt", title="Park approved", source="City Times")
    write_article(corpus_dir, "rain.txt", title="Storm floods harbour",
                  body="Heavy rain flooded the harbour district overnight.", source="Coast News")

    report = run_index(settings, embedder=embedder)
    store = Store.open(settings)
    store.ensure(embedder.name, embedder.dim)
    catalog = Catalog.load(store, settings.cache_dir)
    hits = HybridRetriever(settings, store, embedder, catalog).search(
        "Where did it flood?", k=2, language="en", filters=SearchFilters(sources=("Coast News",))).hits
    run_index(settings, embedder=embedder, rebuild=True)

    assert report.ok and len(report.added) == 2
    assert hits and hits[0].row.article_id == "rain.txt"
    assert chroma_default_ef_calls == []


# --------------------------------------------------------------------------- embedder of the index


def test_the_collection_records_the_embedding_model_and_dimension(store: Store) -> None:
    assert store.embedder_of_index() == ("test:model", DIM)
    assert store.chunks.metadata["hnsw:space"] == "cosine"


@pytest.mark.parametrize(("model", "dim"), [("local:all-MiniLM-L6-v2", DIM), ("test:model", 384)])
def test_opening_with_another_embedder_fails_with_the_rebuild_hint(settings: IndexSettings, store: Store,
                                                                   model: str, dim: int) -> None:
    add_article(store, make_article(1))

    with pytest.raises(EmbedderMismatchError) as caught:
        Store.open(settings).ensure(model, dim)
    message = str(caught.value)
    assert "`newsbot index --rebuild`" in message
    assert "test:model (8 dimensions)" in message and f"{model} ({dim} dimensions)" in message
    assert Store.open(settings).embedder_of_index() == ("test:model", DIM)  # the index is untouched


def test_indexed_articles_are_listed_newest_first_without_a_model(settings: IndexSettings) -> None:
    store = Store.open(settings)
    store.ensure(embedder_name(settings), DIM)  # the configured model's name; no model is loaded
    for n, day in ((1, "2025-03-01"), (2, "2025-04-30"), (3, ""), (4, "2025-04-30")):
        add_article(store, make_article(n, published_at=day))

    listed = indexed_articles(settings)

    assert [(a.id, a.published_at) for a in listed] == [
        ("a4.txt", "2025-04-30"), ("a2.txt", "2025-04-30"), ("a1.txt", "2025-03-01"), ("a3.txt", "")]


def test_indexed_articles_refuse_another_embedders_index_and_no_index(settings: IndexSettings, store: Store) -> None:
    add_article(store, make_article(1))

    with pytest.raises(EmbedderMismatchError) as caught:
        indexed_articles(settings)
    assert "test:model" in str(caught.value) and embedder_name(settings) in str(caught.value)
    store.drop()
    with pytest.raises(NewsbotError, match="There is no index"):
        indexed_articles(settings)


def test_indexing_with_another_embedder_fails_until_rebuild(settings: IndexSettings, corpus_dir: Path,
                                                           embedder: Embedder) -> None:
    write_article(corpus_dir, "park.txt")
    run_index(settings, embedder=embedder)

    with FakeOpenAI() as fake:
        other = OpenAIFake(fake)
        with pytest.raises(EmbedderMismatchError, match=r"newsbot index --rebuild"):
            run_index(settings, embedder=other)
        assert Store.open(settings).embedder_of_index() == (embedder.name, embedder.dim)

        report = run_index(settings, embedder=other, rebuild=True)

    assert report.added == ["park.txt"]
    assert Store.open(settings).embedder_of_index() == ("openai:fake-embedding", 384)


def OpenAIFake(fake: FakeOpenAI) -> Embedder:
    from index.embedders import OpenAIEmbedder

    return OpenAIEmbedder("fake-embedding", fake.base_url, "k")


# --------------------------------------------------------------------------- records


def test_state_starts_empty_and_merges_changes(store: Store) -> None:
    fresh = store.state()
    assert (fresh["generation"], fresh["dirty"], fresh["updated_at"], fresh["epoch"]) == (0, 0, "", store.epoch)
    store.set_state(dirty=1)
    store.set_state(generation=3)

    state = store.state()
    assert (state["generation"], state["dirty"], state["updated_at"], state["epoch"]) == (3, 1, "", store.epoch)
    assert store.article_infos() == {}


def test_article_records_round_trip(store: Store) -> None:
    article = make_article(1, url="https://example.com/1", author="A. Writer", category="world")
    chunks = add_article(store, article)

    (info,) = store.article_infos().values()
    assert (info.id, info.title, info.source, info.url, info.published_at, info.path) == (
        "a1.txt", "Title 1", "Outlet", "https://example.com/1", "2025-04-30", "a1.txt")
    assert info.chunks == len(chunks) == 1
    assert info.content_hash == article.content_hash
    assert info.indexed_at.startswith("20")
    assert store.article_bodies(["a1.txt", "missing"]) == {"a1.txt": article.body}


def test_chunk_metadata_carries_offsets_and_sentences(store: Store) -> None:
    article = make_article(1, body="First sentence here. Second one follows.\n\nA new paragraph.")
    chunks = add_article(store, article, chunk_size=32)

    got = store.chunks.get(ids=[chunks[0].id], include=["metadatas", "documents"])
    meta = got["metadatas"][0]
    assert got["documents"][0] == chunks[0].text == article.body[meta["start"]:meta["end"]]
    assert meta["article_id"] == "a1.txt" and meta["article_hash"] == article.content_hash
    assert meta["published_day"] == 20250430 and meta["chunk_index"] == 0
    assert [tuple(s) for s in json.loads(meta["sentences"])] == list(chunks[0].sentences)


def test_delete_stale_chunks_keeps_only_the_committed_version(store: Store) -> None:
    old = make_article(1, body="The old text of the article.")
    new = make_article(1, body="The new text of the article, rewritten.")
    add_article(store, old)
    new_chunks = add_article(store, new)

    assert store.chunk_count() == 2
    assert store.orphan_chunk_ids({"a1.txt": new.content_hash}) != []
    assert store.delete_stale_chunks("a1.txt", new.content_hash) == 1
    assert store.chunks.get(include=[])["ids"] == [c.id for c in new_chunks]
    assert store.orphan_chunk_ids({"a1.txt": new.content_hash}) == []
    assert store.delete_stale_chunks("a1.txt", None) == 1
    assert store.chunk_count() == 0


def test_paging_reads_every_record(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index.epoch_tables, "_PAGE", 2)
    articles = [make_article(n) for n in range(5)]
    for a in articles:
        add_article(store, a)

    ids = [i for page_ids, _, _ in store.all_chunks() for i in page_ids]
    assert len(ids) == len(set(ids)) == 5
    assert set(store.article_infos()) == {a.id for a in articles}
    assert len(store.orphan_chunk_ids({})) == 5
    store.delete_chunk_ids(store.orphan_chunk_ids({}))
    assert store.chunk_count() == 0


def test_query_returns_cosine_distances_and_honours_where(store: Store) -> None:
    a = make_article(1, source="Alpha", published_at="2025-01-10")
    b = make_article(2, source="Beta", published_at="2025-03-10")
    ca, cb = Chunker().chunk(a), Chunker().chunk(b)
    store.add_chunks(a, ca, unit(1)[None, :])
    store.add_chunks(b, cb, unit(2)[None, :])

    hits = store.query(unit(1), 10)
    assert [h.chunk_id for h in hits] == [ca[0].id, cb[0].id]
    assert hits[0].distance == pytest.approx(0.0, abs=1e-5)
    assert hits[1].distance == pytest.approx(1 - float(unit(1) @ unit(2)), abs=1e-4)
    assert [h.chunk_id for h in store.query(unit(1), 10, {"source": {"$in": ["Beta"]}})] == [cb[0].id]
    assert [h.chunk_id for h in store.query(unit(1), 10, {"published_day": {"$gte": 20250201}})] == [cb[0].id]


def test_drop_removes_every_collection(settings: IndexSettings, store: Store) -> None:
    add_article(store, make_article(1))
    assert store.exists()

    store.drop()

    assert not store.exists() and collection_names(store._client) == set()
    assert Store.open(settings).embedder_of_index() is None
    with pytest.raises(NewsbotError, match="newsbot index"):
        store.chunks


@pytest.mark.parametrize(
    ("value", "day"),
    [("2025-04-30", 20250430), ("2025-04-30T12:00:00+00:00", 20250430), ("", 0), ("April 2025", 0)],
)
def test_published_day(value: str, day: int) -> None:
    assert published_day(value) == day


def test_an_unreachable_chroma_server_is_a_clear_error(make_settings) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = make_settings(chroma_host="127.0.0.1", chroma_port=port)

    with pytest.raises(StoreUnavailableError) as caught:
        Store.open(settings)
    assert f"127.0.0.1:{port}" in str(caught.value)
    assert "chroma run" in str(caught.value) and "CHROMA_HOST" in str(caught.value)
