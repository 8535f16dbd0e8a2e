"""Catalogue rows read from the store: a stored chunk record as a row (`ChunkRow`) with its term ids and sentence
vectors, built into segments (index/segments.py) — every live chunk (`store_segments`, a full read) or the chunks
of some articles (`read_rows`, an update, in `slices` of about a segment's rows each)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from index.chroma import decode_vectors, vector_bytes
from index.lexical import term_ids
from index.models import ArticleInfo
from index.segments import PackedVectors, Segment
from index.store import Store


@dataclass(frozen=True)
class ChunkRow:
    id: str
    article_id: str
    title: str
    source: str
    url: str
    published_at: str
    start: int
    end: int
    sentences: tuple[tuple[int, int], ...]
    text: str


def chunk_row(chunk_id: str, meta: dict, text: str) -> ChunkRow:
    """A stored chunk record as a catalogue row."""
    return ChunkRow(
        id=chunk_id, article_id=meta["article_id"], title=meta.get("title", ""), source=meta.get("source", ""),
        url=meta.get("url", ""), published_at=meta.get("published_at", ""), start=int(meta["start"]),
        end=int(meta["end"]), sentences=tuple(tuple(s) for s in json.loads(meta.get("sentences", "[]"))), text=text,
    )


@dataclass
class Added:
    """The rows an update brought in and, when asked for, their chunk vectors: the normalised mean of their
    stored sentence vectors, as the indexer derives them (`index.indexer.chunk_vector`; here from the
    float16 copies, since a client cannot read vectors its own vector index has not loaded)."""

    rows: list[ChunkRow] = field(default_factory=list)
    vectors: np.ndarray | None = None


def store_segments(store: Store, articles: dict[str, ArticleInfo], vocab: dict[str, int],
                   size: int) -> Iterator[Segment]:
    """Every live chunk of the store, in the store's order, as segments of `size` rows (extending
    `vocab`), one built at a time."""
    live = {a.id: a.content_hash for a in articles.values()}
    rows: list[ChunkRow] = []
    ids: list[np.ndarray] = []
    blocks = PackedVectors(store.dim)
    for page_ids, metas, docs in store.all_chunks():
        for id_, m, text in zip(page_ids, metas, docs):
            if live.get(m.get("article_id")) != m.get("article_hash"):
                continue  # left by an interrupted run, or an older version
            row = chunk_row(id_, m, text)
            rows.append(row)
            ids.append(term_ids(f"{row.title}\n{row.text}", vocab))
            blocks.append(vector_bytes(m["sv"]))
            if len(rows) >= size:
                yield Segment.build(rows, ids, blocks, len(vocab), store.dim)
                rows, ids, blocks = [], [], PackedVectors(store.dim)
    if rows:
        yield Segment.build(rows, ids, blocks, len(vocab), store.dim)


def slices(wanted: dict[str, str], articles: dict[str, ArticleInfo], rows: int) -> Iterator[dict[str, str]]:
    """`wanted` (article id → content hash) in parts of about `rows` chunks each (by the articles' chunk counts;
    an article is never split)."""
    part: dict[str, str] = {}
    count = 0
    for article_id, content_hash in wanted.items():
        chunks = max(articles[article_id].chunks, 1)
        if part and count + chunks > rows:
            yield part
            part, count = {}, 0
        part[article_id] = content_hash
        count += chunks
    if part:
        yield part


def read_rows(store: Store, wanted: dict[str, str], vocab: dict[str, int], with_vectors: bool):
    """The stored chunks of the `wanted` articles (id → the committed content hash) as rows, their term ids
    (extending `vocab`), sentence vectors and, when asked, chunk vectors."""
    rows: list[ChunkRow] = []
    ids: list[np.ndarray] = []
    blocks: list[np.ndarray] = []
    vectors: list[np.ndarray] = []
    for page_ids, metas, docs in store.chunks_of(list(wanted)):
        for id_, m, text in zip(page_ids, metas, docs):
            if wanted.get(m.get("article_id")) != m.get("article_hash"):
                continue  # another version of the article
            row = chunk_row(id_, m, text)
            rows.append(row)
            ids.append(term_ids(f"{row.title}\n{row.text}", vocab))
            blocks.append(decode_vectors(m["sv"], store.dim))
            if with_vectors:
                mean = blocks[-1].astype(np.float32).mean(axis=0)
                vectors.append((mean / max(float(np.linalg.norm(mean)), 1e-12))[None, :])
    order = sorted(range(len(rows)), key=lambda i: (rows[i].article_id, rows[i].start))
    return ([rows[i] for i in order], [ids[i] for i in order], [blocks[i] for i in order],
            [vectors[i] for i in order] if vectors else [])
