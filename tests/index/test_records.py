"""Tests for index.records: the record formats round-trip what the index and the catalogue read back."""

from __future__ import annotations

import numpy as np

from index.chroma import published_day
from index.models import Article, Chunk
from index.records import article_info, article_metadata, chunk_records, sentence_vectors


def make_article(body: str = "First sentence here. Second one there.", **fields: str) -> Article:
    return Article(id=fields.pop("id", "a1.txt"), title=fields.pop("title", "A title"), body=body,
                   source=fields.pop("source", "Outlet"), published_at=fields.pop("published_at", "2025-04-30"),
                   url=fields.pop("url", "https://example.org/a1"), **fields)


def test_article_metadata_reads_back_as_the_same_info():
    article = make_article()
    meta = article_metadata(article, 3, "2026-01-02T03:04:05+00:00")
    info = article_info(article.id, meta)
    assert (info.id, info.title, info.source, info.url, info.published_at) == (
        article.id, article.title, article.source, article.url, article.published_at)
    assert info.chunks == 3 and info.content_hash == article.content_hash
    assert info.indexed_at == "2026-01-02T03:04:05+00:00"
    assert info.story == article.id, "an article without a story group is its own story"
    assert meta["published_day"] == published_day("2025-04-30") and "generation" not in meta


def test_article_metadata_carries_the_story_and_the_commit_generation():
    article = make_article()
    meta = article_metadata(article, 1, "now", {"story": "s-42"}, generation=7)
    assert meta["generation"] == 7
    assert article_info(article.id, meta).story == "s-42"


def test_chunk_records_keep_each_sentence_vector_readable_by_its_text():
    article = make_article()
    body = article.body
    split = body.index("Second")
    chunks = [Chunk("c0", article.id, 0, body, 0, len(body), ((0, split - 1), (split, len(body))))]
    embeddings = np.eye(4, dtype=np.float32)[:1]
    per_sentence = [np.array([[1, 0, 0, 0], [0, 1, 0, 0]], dtype=np.float32)]
    records = chunk_records([(article, chunks, embeddings, per_sentence)])
    assert records.ids == ["c0"] and records.documents == [body] and records.vectors.shape == (1, 4)
    meta = records.metadatas[0]
    assert (meta["article_id"], meta["article_hash"], meta["start"], meta["end"]) == (
        article.id, article.content_hash, 0, len(body))
    found = sentence_vectors(records.documents, records.metadatas, 4)
    assert set(found) == {"First sentence here.", "Second one there."}
    np.testing.assert_allclose(found["Second one there."], [0, 1, 0, 0], atol=1e-2)


def test_chunk_records_default_each_sentence_to_its_chunk_vector_and_skip_empty_articles():
    article = make_article()
    chunks = [Chunk("c0", article.id, 0, article.body, 0, len(article.body), ((0, 20), (21, len(article.body))))]
    vector = np.array([[0.6, 0.8, 0, 0]], dtype=np.float32)
    records = chunk_records([(article, chunks, vector, None), (make_article(id="empty.txt"), [], np.zeros((0, 4)), None)])
    assert records.ids == ["c0"], "an article without chunks writes no chunk record"
    found = sentence_vectors(records.documents, records.metadatas, 4)
    assert len(found) == 2 and all(np.allclose(v, vector[0], atol=1e-2) for v in found.values())


def test_no_chunks_at_all_make_no_vectors():
    assert chunk_records([]).vectors is None
