"""Hybrid retrieval: dense (Chroma) + BM25, fused by weighted reciprocal rank fusion.

Why not llama-index's `QueryFusionRetriever`: its reciprocal-rank mode takes no
per-retriever weights, and the BM25 weight must depend on the question's
language (BM25 adds noise for questions in a language the articles are not
in). The fusion here is the same RRF formula with weights; BM25 is bm25s, the
engine under llama-index's `BM25Retriever`, over the catalogue's snapshot.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import numpy as np

from index.catalog import Catalog, ChunkRow
from index.embedders import Embedder
from index.models import SearchFilters
from index.settings import IndexSettings
from index.store import Store

_RECENT = re.compile(
    r"\b(latest|most recent|newest|recent(ly)?|last|current(ly)?|now|today)\b|"
    r"последн|новейш|свеж|недавн|neueste|letzte|aktuell|dernier|récent|último|reciente|האחרון|לאחרונה",
    re.IGNORECASE,
)

#: share of the English BM25 weight used for questions in another language, where
#: only names and numbers (transliterated, fuzzy-matched) take part
OTHER_LANGUAGE_BM25 = 0.5


@dataclass(frozen=True)
class Retrieved:
    row: ChunkRow
    score: float
    dense_rank: int | None
    bm25_rank: int | None
    similarity: float  # cosine similarity of the question and the chunk (0 if not among dense hits)


class HybridRetriever:
    def __init__(self, settings: IndexSettings, store: Store, embedder: Embedder, catalog: Catalog) -> None:
        self.settings = settings
        self.store = store
        self.embedder = embedder
        self.catalog = catalog

    def retrieve(self, question: str, *, k: int, language: str, filters: SearchFilters | None = None,
                 timings: dict[str, float] | None = None) -> list[Retrieved]:
        timings = timings if timings is not None else {}
        catalog = self.catalog
        if not len(catalog):
            return []
        depth = max(4 * k, 20)
        mask = catalog.mask(filters)

        t0 = time.perf_counter()
        vector = self.embedder.embed_query(question)
        t1 = time.perf_counter()
        dense = self._dense(vector, depth, filters)
        t2 = time.perf_counter()
        weight = self.settings.bm25_weight * (1.0 if language == "en" else OTHER_LANGUAGE_BM25)
        lexical = self._lexical(question, language, depth, mask) if weight > 0 else []
        t3 = time.perf_counter()
        timings.update(embed=(t1 - t0) * 1000, dense=(t2 - t1) * 1000, bm25=(t3 - t2) * 1000)

        fused: dict[int, list] = {}
        for rank, (pos, sim) in enumerate(dense, 1):
            fused[pos] = [self.settings.dense_weight / (self.settings.rrf_k + rank), rank, None, sim]
        for rank, pos in enumerate(lexical, 1):
            entry = fused.setdefault(pos, [0.0, None, None, 0.0])
            entry[0] += weight / (self.settings.rrf_k + rank)
            entry[2] = rank
        if _RECENT.search(question):
            self._prefer_recent(fused)
        ranked = sorted(fused.items(), key=lambda item: -item[1][0])[:k]
        return [Retrieved(catalog.rows[pos], score, d, b, sim) for pos, (score, d, b, sim) in ranked]

    def _dense(self, vector: np.ndarray, depth: int, filters: SearchFilters | None) -> list[tuple[int, float]]:
        where = _where(filters)
        hits = self.store.query(vector, depth, where)
        out = []
        for hit in hits:
            pos = self.catalog.position.get(hit.chunk_id)
            if pos is not None:  # stale chunks (an interrupted run) are not in the catalogue
                out.append((pos, 1.0 - hit.distance))
        return out

    def _lexical(self, question: str, language: str, depth: int, mask: np.ndarray | None) -> list[int]:
        terms = self.catalog.lexical.query_terms(question, language)
        if not terms:
            return []
        scores = self.catalog.lexical.scores(terms)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        depth = min(depth, len(scores))
        top = np.argpartition(-scores, depth - 1)[:depth]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [int(i) for i in top if scores[i] > 0]

    def _prefer_recent(self, fused: dict[int, list]) -> None:
        days = {pos: int(self.catalog.days[pos]) for pos in fused}
        known = sorted({d for d in days.values() if d})
        if len(known) < 2:
            return
        bonus = self.settings.dense_weight / (self.settings.rrf_k + 1)
        for pos, entry in fused.items():
            if days[pos]:
                entry[0] += bonus * known.index(days[pos]) / (len(known) - 1)


def _where(filters: SearchFilters | None) -> dict | None:
    if filters is None or filters.empty:
        return None
    from index.store import published_day

    clauses: list[dict] = []
    if filters.sources:
        clauses.append({"source": {"$in": list(filters.sources)}})
    if filters.since:
        clauses.append({"published_day": {"$gte": published_day(filters.since)}})
    if filters.until:
        clauses.append({"published_day": {"$lte": published_day(filters.until)}})
        clauses.append({"published_day": {"$gt": 0}})
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}
