"""How articles and chunks are stored as Chroma records, and read back.

- An article record: id = the article id, document = the body, metadata = the article's fields plus
  `content_hash` (the commit point: readers trust only chunks with the same `article_hash`), `chunks`,
  `published_day` (an integer YYYYMMDD for date filters), `indexed_at`, and optionally its story
  signature and group and the `generation` of the commit that wrote it.
- A chunk record: id = the chunk id, document = the chunk's text, vector = the chunk's embedding,
  metadata = the article's identity (`article_id`, `article_hash`, title, source, url, dates), the
  chunk's offsets in the body, its sentence spans (JSON) and their vectors (`sv`, encoded).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from index.chroma import decode_vectors, encode_vectors, published_day
from index.models import Article, ArticleInfo, Chunk

#: (article, its chunks, their vectors, per chunk one row per sentence or None: the chunk vector repeated)
ChunkGroup = tuple[Article, Sequence[Chunk], np.ndarray, Sequence[np.ndarray] | None]


def article_metadata(article: Article, chunk_count: int, indexed_at: str,
                     extra: Mapping[str, object] | None = None, generation: int | None = None) -> dict:
    """The metadata of an article's record."""
    stamp = {} if generation is None else {"generation": int(generation)}
    return (article.metadata() | {"content_hash": article.content_hash, "chunks": chunk_count,
                                  "published_day": published_day(article.published_at), "indexed_at": indexed_at}
            | dict(extra or {}) | stamp)


def article_info(article_id: str, m: Mapping) -> ArticleInfo:
    """An article record's metadata as an ArticleInfo (`story`: its group id, or its own id)."""
    return ArticleInfo(
        id=article_id, title=m.get("title", ""), source=m.get("source", ""), url=m.get("url", ""),
        published_at=m.get("published_at", ""), path=m.get("path", ""), chunks=int(m.get("chunks", 0)),
        content_hash=m.get("content_hash", ""), indexed_at=m.get("indexed_at", ""),
        story=str(m.get("story") or article_id),
    )


@dataclass
class ChunkRecords:
    """Chunk records ready for one upsert (or several, in batches)."""

    ids: list[str]
    documents: list[str]
    metadatas: list[dict]
    vectors: np.ndarray | None


def chunk_records(groups: Sequence[ChunkGroup]) -> ChunkRecords:
    ids: list[str] = []
    documents: list[str] = []
    metas: list[dict] = []
    vectors: list[np.ndarray] = []
    for article, chunks, embeddings, sentence_vectors in groups:
        if not chunks:
            continue
        embeddings = np.asarray(embeddings, dtype=np.float32)
        if sentence_vectors is None:
            sentence_vectors = [np.repeat(embeddings[i : i + 1], max(len(c.sentences), 1), axis=0)
                                for i, c in enumerate(chunks)]
        base = {
            "article_id": article.id,
            "article_hash": article.content_hash,
            "title": article.title,
            "source": article.source,
            "url": article.url,
            "published_at": article.published_at,
            "published_day": published_day(article.published_at),
        }
        ids += [c.id for c in chunks]
        documents += [c.text for c in chunks]
        metas += [base | {"chunk_index": c.index, "start": c.start, "end": c.end,
                          "sentences": json.dumps(c.sentences), "sv": encode_vectors(sv)}
                  for c, sv in zip(chunks, sentence_vectors)]
        vectors.append(embeddings)
    return ChunkRecords(ids, documents, metas, np.vstack(vectors) if vectors else None)


def sentence_vectors(documents: Sequence[str], metadatas: Sequence[Mapping], dim: int) -> dict[str, np.ndarray]:
    """sentence text → vector, from chunk records (records without sentence vectors are skipped)."""
    found: dict[str, np.ndarray] = {}
    for text, meta in zip(documents, metadatas):
        if "sv" not in meta:
            continue
        spans = json.loads(meta.get("sentences", "[]")) or [[0, len(text)]]
        vectors = decode_vectors(meta["sv"], dim)
        if len(vectors) == len(spans):
            for (start, end), vector in zip(spans, vectors):
                found[text[start:end]] = vector.astype(np.float32)
    return found
