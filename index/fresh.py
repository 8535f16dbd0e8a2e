"""Dense search over chunks another process committed after this process opened the store.

An embedded Chroma client keeps its vector index (HNSW) in memory: it reads records that another
process wrote (`get` goes to SQLite) but its queries don't find their vectors until the client is
opened anew (chroma-core/chroma#3792), and opening it anew reloads the whole vector index (seconds
at 50k chunks). So a bot that picks up another process's commits (bot/engine.py) keeps the vectors
of the chunks that came in (`Catalog.updated(…, with_vectors=True)`) and `FreshStore.query` searches
them exactly, next to Chroma's own results, until the store is opened anew (a rebuild, a restart).
A Chroma server needs none of this: it sees every write.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from index.chroma import published_day
from index.models import Hit

if TYPE_CHECKING:
    from index.catalog import Added
    from index.store import Store


class FreshChunks:
    """Chunk ids, vectors and the metadata that Chroma filters on (`where`), for an exact search."""

    def __init__(self, ids: Sequence[str] = (), vectors: np.ndarray | None = None, fields: dict | None = None,
                 dim: int = 0) -> None:
        self.ids = np.asarray(list(ids), dtype=object)
        self.vectors = vectors if vectors is not None else np.zeros((0, dim), dtype=np.float32)
        self.fields = fields or {"article_id": np.zeros(0, dtype=object), "source": np.zeros(0, dtype=object),
                                 "published_day": np.zeros(0, dtype=np.int64)}

    def __len__(self) -> int:
        return len(self.ids)

    def plus(self, added: Added) -> "FreshChunks":
        """These chunks and the ones an update brought in (a chunk id is never reused for other content)."""
        if not added.rows or added.vectors is None:
            return self
        rows = added.rows
        fields = {
            "article_id": np.array([r.article_id for r in rows], dtype=object),
            "source": np.array([r.source for r in rows], dtype=object),
            "published_day": np.array([published_day(r.published_at) for r in rows], dtype=np.int64),
        }
        if not len(self):
            return FreshChunks([r.id for r in rows], np.asarray(added.vectors, dtype=np.float32), fields)
        return FreshChunks(
            np.concatenate([self.ids, np.array([r.id for r in rows], dtype=object)]),
            np.vstack([self.vectors, np.asarray(added.vectors, dtype=np.float32)]),
            {k: np.concatenate([self.fields[k], v]) for k, v in fields.items()},
        )

    def search(self, vector: np.ndarray, n: int, where: dict | None = None) -> list[Hit]:
        """The n nearest (cosine distance, as Chroma reports it) among the chunks that pass `where`."""
        if not len(self) or n <= 0:
            return []
        distances = 1.0 - self.vectors @ np.asarray(vector, dtype=np.float32)
        keep = np.flatnonzero(matches(where, self.fields, len(self))) if where else np.arange(len(self))
        if not len(keep):
            return []
        best = keep[np.argsort(distances[keep], kind="stable")[:n]]
        return [Hit(chunk_id=str(self.ids[i]), distance=float(distances[i])) for i in best]


def matches(where: dict, fields: dict[str, np.ndarray], size: int) -> np.ndarray:
    """Rows that pass a Chroma `where` filter ($and, $or, $in, $nin, $eq, $ne, $gt, $gte, $lt, $lte).

    A clause on a field not kept here passes: the retriever filters its candidates by the
    catalogue's own mask afterwards, so this only keeps the n results from being spent on rows
    that would be dropped."""
    keep = np.ones(size, dtype=bool)
    for key, value in where.items():
        if key == "$and":
            for clause in value:
                keep &= matches(clause, fields, size)
        elif key == "$or":
            either = np.zeros(size, dtype=bool)
            for clause in value:
                either |= matches(clause, fields, size)
            keep &= either
        elif key in fields:
            keep &= _compare(fields[key], value if isinstance(value, dict) else {"$eq": value})
    return keep


def _compare(column: np.ndarray, condition: dict) -> np.ndarray:
    keep = np.ones(len(column), dtype=bool)
    for op, operand in condition.items():
        if op == "$in":
            keep &= np.isin(column, list(operand))
        elif op == "$nin":
            keep &= ~np.isin(column, list(operand))
        elif op == "$eq":
            keep &= column == operand
        elif op == "$ne":
            keep &= column != operand
        elif op == "$gt":
            keep &= column > operand
        elif op == "$gte":
            keep &= column >= operand
        elif op == "$lt":
            keep &= column < operand
        elif op == "$lte":
            keep &= column <= operand
    return keep


class FreshStore:
    """The store as the retriever sees it: Chroma's nearest chunks merged with the fresh ones'.

    Everything but `query` is the store's own."""

    def __init__(self, store: Store, fresh: FreshChunks) -> None:
        self.store = store
        self.fresh = fresh

    def query(self, vector: np.ndarray, n: int, where: dict | None = None) -> list[Hit]:
        hits = self.store.query(vector, n, where)
        if not len(self.fresh):
            return hits
        best: dict[str, float] = {}
        for hit in [*hits, *self.fresh.search(vector, n, where)]:
            best[hit.chunk_id] = min(hit.distance, best.get(hit.chunk_id, hit.distance))
        ranked = sorted(best.items(), key=lambda item: item[1])[:n]
        return [Hit(chunk_id=i, distance=d) for i, d in ranked]

    def __getattr__(self, name: str):
        return getattr(self.store, name)
