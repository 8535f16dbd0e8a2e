"""Hybrid retrieval: dense (Chroma, then sentence-level re-scoring) + BM25, fused by score.

1. Candidates: the nearest chunks in Chroma (chunk vectors = mean of their sentence
   vectors) and, for English questions, the best BM25 chunks.
2. Each candidate's dense score is its best question–sentence similarity plus a share
   of the question–chunk similarity (sentence vectors live in the catalogue).
3. Fusion: dense score + weight × BM25 score normalised by the best BM25 score.

Why not llama-index's `QueryFusionRetriever` with reciprocal rank fusion: measured on
XQuAD (docs/answers.md), rank fusion loses the score margins that decide hit@1
(English 0.956 with RRF against 0.969 with score fusion), and the BM25 weight must
depend on the question's language (BM25 on a Russian question cost 19 points of
hit@1). BM25 here is bm25s, the engine under llama-index's `BM25Retriever`.
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
from index.chroma import published_day
from index.store import Store

_RECENT = re.compile(
    r"\b(latest|most recent|newest|recent(ly)?|last|current(ly)?|now|today)\b|"
    r"последн|новейш|свеж|недавн|neueste|letzte|aktuell|dernier|récent|último|reciente|האחרון|לאחרונה",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Retrieved:
    row: ChunkRow
    score: float
    dense_rank: int | None
    bm25_rank: int | None
    similarity: float  # best question–sentence cosine similarity
    sentence_similarities: tuple[float, ...] = ()  # one per sentence of the chunk


@dataclass(frozen=True)
class Search:
    """What one search found: the passages, and the question's similarity to background sentences
    (mean, standard deviation), which normalises similarities per question (cross-lingual ones are
    compressed): to a fixed set of generic sentences, and to the archive's sentences from articles
    other than the best match (`archive_size`: how many of those there were; 0 in a one-article archive)."""

    hits: list[Retrieved]
    background: tuple[float, float] = (0.0, 1.0)
    archive_background: tuple[float, float] = (0.0, 1.0)
    archive_size: int = 0


class HybridRetriever:
    def __init__(self, settings: IndexSettings, store: Store, embedder: Embedder, catalog: Catalog,
                 background: np.ndarray | None = None) -> None:
        self.settings = settings
        self.store = store
        self.embedder = embedder
        self.catalog = catalog
        #: vectors of generic sentences (see bot.answer.background); None: no per-question normalisation
        self.background = background

    def retrieve(self, question: str, *, k: int, language: str, filters: SearchFilters | None = None,
                 timings: dict[str, float] | None = None) -> list[Retrieved]:
        return self.search(question, k=k, language=language, filters=filters, timings=timings).hits

    def search(self, question: str, *, k: int, language: str, filters: SearchFilters | None = None,
               timings: dict[str, float] | None = None) -> Search:
        timings = timings if timings is not None else {}
        catalog = self.catalog
        if not len(catalog):
            return Search([])
        depth = max(self.settings.candidates, k)
        mask = catalog.mask(filters)
        if mask is not None and not mask.any():
            return Search([])

        t0 = time.perf_counter()
        vector = self.embedder.embed_query(question)
        generic = _stats(self.background @ vector) if self.background is not None else (0.0, 1.0)
        t1 = time.perf_counter()
        dense = self._dense(vector, depth, filters)
        t2 = time.perf_counter()
        weight = self.settings.bm25_weight if language == "en" else self.settings.bm25_weight_other
        lexical = self._lexical(question, language, depth, mask) if weight > 0 else {}
        t3 = time.perf_counter()

        candidates = list(dict.fromkeys(dense + list(lexical)))
        if mask is not None:
            candidates = [pos for pos in candidates if mask[pos]]
        if not candidates:
            return Search([], generic)
        best, chunk_sims, per_sentence = self._sentence_scores(vector, candidates)
        dense_scores = best + self.settings.chunk_similarity_weight * chunk_sims
        top_bm25 = max(lexical.values(), default=0.0) or 1.0
        scores = dense_scores + weight * np.array([lexical.get(pos, 0.0) for pos in candidates]) / top_bm25
        if _RECENT.search(question):
            scores = scores + self._recency(candidates)
        dense_order = {pos: rank for rank, pos in enumerate(
            (candidates[i] for i in np.argsort(-dense_scores, kind="stable")), 1)}
        bm25_order = {pos: rank for rank, pos in enumerate(sorted(lexical, key=lambda p: -lexical[p]), 1)}
        order = np.argsort(-scores, kind="stable")[:k]
        timings.update(embed=(t1 - t0) * 1000, dense=(t2 - t1) * 1000, bm25=(t3 - t2) * 1000,
                       rerank=(time.perf_counter() - t3) * 1000)
        hits = [
            Retrieved(catalog.rows[candidates[i]], float(scores[i]), dense_order.get(candidates[i]),
                      bm25_order.get(candidates[i]), float(best[i]), per_sentence[i])
            for i in order
        ]
        sample, owners = catalog.background()
        others = sample[owners != catalog.article_index[hits[0].row.article_id]] if hits else sample
        return Search(hits, generic, _stats(others @ vector) if len(others) > 1 else (0.0, 1.0), len(others))

    def _dense(self, vector: np.ndarray, depth: int, filters: SearchFilters | None) -> list[int]:
        out = []
        for hit in self.store.query(vector, depth, _where(filters)):
            pos = self.catalog.position.get(hit.chunk_id)
            if pos is not None:  # stale chunks (an interrupted run) are not in the catalogue
                out.append(pos)
        return out

    def _lexical(self, question: str, language: str, depth: int, mask: np.ndarray | None) -> dict[int, float]:
        terms = self.catalog.lexical.query_terms(question, language)
        if not terms:
            return {}
        scores = self.catalog.lexical.scores(terms)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        depth = min(depth, len(scores))
        top = np.argpartition(-scores, depth - 1)[:depth]
        return {int(i): float(scores[i]) for i in top if scores[i] > 0}

    def _sentence_scores(self, vector: np.ndarray, candidates: list[int]):
        catalog = self.catalog
        blocks = [np.asarray(catalog.sentence_block(pos), dtype=np.float32) for pos in candidates]
        sizes = [len(b) for b in blocks]
        sims = np.vstack(blocks) @ vector
        best = np.empty(len(candidates), dtype=np.float32)
        chunk_sims = np.empty(len(candidates), dtype=np.float32)
        per_sentence: list[tuple[float, ...]] = []
        start = 0
        for i, (block, size) in enumerate(zip(blocks, sizes)):
            part = sims[start:start + size]
            start += size
            best[i] = part.max()
            mean = block.mean(axis=0)
            chunk_sims[i] = float(mean @ vector) / max(float(np.linalg.norm(mean)), 1e-12)
            per_sentence.append(tuple(float(x) for x in part))
        return best, chunk_sims, per_sentence

    def _recency(self, candidates: list[int]) -> np.ndarray:
        days = self.catalog.days[candidates]
        known = np.unique(days[days > 0])
        if len(known) < 2:
            return np.zeros(len(candidates))
        rank = np.searchsorted(known, days) / (len(known) - 1)
        return np.where(days > 0, self.settings.recency_weight * rank, 0.0)


def _stats(similarities: np.ndarray) -> tuple[float, float]:
    return (float(similarities.mean()), float(similarities.std())) if len(similarities) > 1 else (0.0, 1.0)


def _where(filters: SearchFilters | None) -> dict | None:
    if filters is None or filters.empty:
        return None
    clauses: list[dict] = []
    if filters.sources:
        clauses.append({"source": {"$in": list(filters.sources)}})
    if filters.since:
        clauses.append({"published_day": {"$gte": published_day(filters.since)}})
    if filters.until:
        clauses.append({"published_day": {"$lte": published_day(filters.until)}})
        clauses.append({"published_day": {"$gt": 0}})
    if filters.as_of:
        clauses.append({"published_day": {"$lte": published_day(filters.as_of)}})  # undated (0) stay
    if filters.article_ids:
        clauses.append({"article_id": {"$in": list(filters.article_ids)}})
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}
