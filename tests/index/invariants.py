"""What a whole index looks like, checked against real Chroma: shared by the indexer, crash and limit tests."""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np

from index.catalog import Catalog
from index.embedders import Embedder
from index.loaders import load_corpus
from index.settings import IndexSettings
from index.store import Store
from index.stories import Signature, StoryGraph

def open_store(settings: IndexSettings, embedder: Embedder | tuple[str, int]) -> Store:
    name, dim = embedder if isinstance(embedder, tuple) else (embedder.name, embedder.dim)
    store = Store.open(settings)
    store.ensure(name, dim)
    return store


def chunk_records(store: Store) -> list[tuple[str, dict, str]]:
    return [(i, m, d) for ids, metas, docs in store.all_chunks() for i, m, d in zip(ids, metas, docs)]


def corpus_hashes(settings: IndexSettings) -> dict[str, str]:
    articles, _ = load_corpus([settings.corpus_dir], settings.corpus_dir, max_bytes=settings.max_file_bytes)
    return {a.id: a.content_hash for a in articles}


def committed(store: Store) -> dict[str, str]:
    return {i.id: i.content_hash for i in store.article_infos().values()}


def assert_readable(store: Store, settings: IndexSettings) -> Catalog:
    """What a reader sees is whole: every committed article with exactly its committed chunks, no duplicates."""
    infos = store.article_infos()
    catalog = Catalog.load(store, settings.cache_dir)
    ids = [row.id for row in catalog.rows]
    assert len(ids) == len(set(ids)), "duplicate chunks in the catalogue"
    assert {row.article_id for row in catalog.rows} <= set(infos)
    bodies = store.article_bodies(list(infos))
    for row in catalog.rows:
        assert row.text == bodies[row.article_id][row.start:row.end]
    indexes: dict[str, list[int]] = defaultdict(list)
    if ids:
        got = store.chunks.get(ids=ids, include=["metadatas"])
        assert sorted(got["ids"]) == sorted(ids), "catalogued chunks missing from Chroma"
        for chunk_id, meta in zip(got["ids"], got["metadatas"]):
            assert meta["article_hash"] == infos[meta["article_id"]].content_hash, chunk_id
            indexes[meta["article_id"]].append(meta["chunk_index"])
    for article_id, info in infos.items():
        assert sorted(indexes[article_id]) == list(range(info.chunks)), \
            f"{article_id}: chunks {sorted(indexes[article_id])} catalogued, {info.chunks} committed"
    if ids:
        assert store.query(np.ones(store.chunks.metadata["embed_dim"], dtype=np.float32), 3)
    return catalog


def assert_complete(store: Store, settings: IndexSettings) -> None:
    """After a finished run: the index is exactly the corpus, with no orphan chunks in Chroma."""
    infos = store.article_infos()
    assert committed(store) == corpus_hashes(settings)
    records = chunk_records(store)
    assert store.chunk_count() == len(records) == sum(i.chunks for i in infos.values())
    assert store.orphan_chunk_ids(committed(store)) == []
    pairs = Counter((m["article_id"], m["chunk_index"]) for _, m, _ in records)
    assert all(n == 1 for n in pairs.values()), "an article has two chunks with the same index"
    assert store.state()["dirty"] == 0
    catalog = assert_readable(store, settings)
    assert len(catalog) == len(records)
    assert_stories_settled(store, settings)


def assert_stories_settled(store: Store, settings: IndexSettings) -> dict[str, str]:
    """Every article is signed and its record's story group is the one its stored signature gives."""
    records = store.article_metadata()
    graph = StoryGraph(settings.near_duplicate_threshold, settings.near_duplicate_containment)
    for article_id, meta in records.items():
        assert "minhash_v" in meta, f"{article_id}: no story signature"
        graph.add(article_id, Signature.from_metadata(meta), meta.get("published_at", ""))
    expected = graph.all_groups()
    assert {a: m.get("story") for a, m in records.items()} == expected
    return expected
