"""Hybrid retrieval: dense (Chroma, then sentence-level re-scoring) + BM25, fused by score.

1. Candidates: the nearest chunks in Chroma (chunk vectors = mean of their sentence
   vectors) and, for questions in English (or in the archive's own language: BM25_WEIGHT_OWN), the best
   BM25 chunks.
2. Each candidate's dense score is its best question–sentence similarity plus a share
   of the question–chunk similarity (sentence vectors live in the catalogue).
3. Fusion: dense score + weight × BM25 score normalised by the best BM25 score.
4. Time (docs/answers.md): a strict time scope ("this week", "in January") restricts the
   candidates to its period; when the period has nothing relevant, retrieval falls back to
   the whole archive with a bonus for the period (`Search.scope_applied` says which). A soft
   scope ("latest", "recently") adds a bonus for newer articles (RECENCY_WEIGHT).
5. Diversity (index/diversity.py): one article per story group and one of near-identical
   passages; the dropped articles are listed on the kept hit (`Retrieved.duplicates`).

Why not llama-index's `QueryFusionRetriever` with reciprocal rank fusion: measured on
XQuAD (docs/answers.md), rank fusion loses the score margins that decide hit@1
(English 0.956 with RRF against 0.969 with score fusion), and the BM25 weight must
depend on the question's language (BM25 on a Russian question in an English archive cost 19
points of hit@1; in a Russian archive its own words are what BM25 is for). BM25 here is bm25s, the engine under llama-index's `BM25Retriever`.

`HybridRetriever` is a llama-index `BaseRetriever`: `retrieve(query)` returns `NodeWithScore`s
(one `TextNode` per passage), so it plugs into llama-index query engines and evaluators.
newsbot itself calls `search()`, which takes the question's language, filters and time scope
and returns the richer `Search`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import numpy as np
from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeRelationship, NodeWithScore, QueryBundle, RelatedNodeInfo, TextNode

from index import diversity
from index.catalog import Catalog, ChunkRow
from index.chroma import published_day
from index.embedders import Embedder
from index.language import guess_language
from index.models import SearchFilters, TimeWindow
from index.settings import IndexSettings
from index.store import Store

#: the half-life of the recency preference when a soft scope has no length (days)
SOFT_DAYS = 30
#: article bodies a retriever keeps (quotes are located and checked in them); more clears the cache
MAX_BODIES = 2048


@dataclass(frozen=True)
class Retrieved:
    row: ChunkRow
    score: float
    dense_rank: int | None
    bm25_rank: int | None
    similarity: float  # best question–sentence cosine similarity
    sentence_similarities: tuple[float, ...] = ()  # one per sentence of the chunk
    #: articles of the same story (or with a near-identical passage) dropped for this hit, newest first
    duplicates: tuple[str, ...] = ()


@dataclass(frozen=True)
class Search:
    """What one search found: the passages, and the question's similarity to background sentences
    (mean, standard deviation), which normalises similarities per question (cross-lingual ones are
    compressed): to a fixed set of generic sentences, and to the archive's sentences from articles
    other than the best match (`archive_size`: how many of those there were; 0 in a one-article archive).

    `time_scope` is the scope the search was given (the question's TimeScope, or None);
    `scope_applied` is True when a strict scope restricted the hits to its period, False when it
    had nothing relevant there and the hits only prefer the period (or the scope was soft or None)."""

    hits: list[Retrieved]
    background: tuple[float, float] = (0.0, 1.0)
    archive_background: tuple[float, float] = (0.0, 1.0)
    archive_size: int = 0
    time_scope: Any = None
    scope_applied: bool = False


@dataclass
class _Pool:
    """Candidates of one search (catalogue positions) with their BM25 scores."""

    candidates: list[int]
    lexical: dict[int, float]


class HybridRetriever(BaseRetriever):
    def __init__(self, settings: IndexSettings, store: Store, embedder: Embedder, catalog: Catalog,
                 background: np.ndarray | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.store = store
        self.embedder = embedder
        self.catalog = catalog
        #: vectors of generic sentences (see bot.answer.background); None: no per-question normalisation
        self.background = background
        self._bodies: dict[str, str] = {}

    def article_body(self, article_id: str) -> str:
        """The article's text as indexed, "" when the index doesn't hold it: what quotes are located and
        checked in (read from the store this retriever searches, kept for the next questions)."""
        body = self._bodies.get(article_id)
        if body is None:
            body = self.store.article_bodies([article_id]).get(article_id, "")
            if len(self._bodies) >= MAX_BODIES:
                self._bodies.clear()
            self._bodies[article_id] = body
        return body

    def forget_bodies(self) -> None:
        self._bodies.clear()

    # --- llama-index ----------------------------------------------------------------
    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        """llama-index's entry point (`retrieve()`): `search()` with TOP_K and the question's detected language."""
        question = query_bundle.query_str
        found = self.search(question, k=self.settings.top_k, language=guess_language(question) or "en")
        return [_node(hit, self.catalog) for hit in found.hits]

    # --- newsbot --------------------------------------------------------------------
    def search(self, question: str, *, k: int, language: str, filters: SearchFilters | None = None,
               time_scope: TimeWindow | None = None, timings: dict[str, float] | None = None,
               exact: bool = False) -> Search:
        """The k best passages for the question (in `language`) within `filters`, with the time scope's
        restriction or preference (see the module docstring). `exact`: the vector search runs exactly over
        the catalogue instead of the store's vector index (which another process may be rewriting)."""
        timings = timings if timings is not None else {}
        catalog = self.catalog
        if not len(catalog):
            return Search([], time_scope=time_scope)
        mask = catalog.mask(filters)
        if mask is not None and not mask.any():
            return Search([], time_scope=time_scope)

        t0 = time.perf_counter()
        vector = self.embedder.embed_query(question)
        generic = _stats(self.background @ vector) if self.background is not None else (0.0, 1.0)
        t1 = time.perf_counter()
        depth = max(self.settings.candidates, k)
        pool = self._pool(question, vector, language, depth, filters, timings, exact)
        period = _period(filters, time_scope, self.settings.scope_report_days)
        applied = False
        if period is not None:
            inside = self._pool(question, vector, language, depth, period, timings, exact)
            applied = bool(inside.candidates) and self._relevant(vector, inside.candidates, pool.candidates)
            pool = inside if applied else _Pool(list(dict.fromkeys(pool.candidates + inside.candidates)),
                                                pool.lexical | inside.lexical)
        if not pool.candidates:
            return Search([], generic, time_scope=time_scope)
        t3 = time.perf_counter()

        candidates, lexical = pool.candidates, pool.lexical
        best, chunk_sims, per_sentence = self._sentence_scores(vector, candidates)
        dense_scores = best + self.settings.chunk_similarity_weight * chunk_sims
        weight = self._bm25_weight(language)
        top_bm25 = max(lexical.values(), default=0.0) or 1.0
        scores = dense_scores + weight * np.array([lexical.get(pos, 0.0) for pos in candidates]) / top_bm25
        scores = scores + self._preference(candidates, time_scope, applied)
        dense_order = {pos: rank for rank, pos in enumerate(
            (candidates[i] for i in np.argsort(-dense_scores, kind="stable")), 1)}
        bm25_order = {pos: rank for rank, pos in enumerate(sorted(lexical, key=lambda p: -lexical[p]), 1)}
        days = catalog.days[candidates]
        if self.settings.diversify:
            picks = diversity.diversify(catalog, candidates, scores, k, margin=self.settings.newer_duplicate_margin,
                                        threshold=self.settings.near_duplicate_threshold,
                                        containment=self.settings.near_duplicate_containment)
        else:
            picks = diversity.top(scores, days, k)
        timings.update(embed=(t1 - t0) * 1000, rerank=(time.perf_counter() - t3) * 1000)
        hits = [
            Retrieved(catalog.rows[candidates[p.index]], float(scores[p.index]), dense_order.get(candidates[p.index]),
                      bm25_order.get(candidates[p.index]), float(best[p.index]), per_sentence[p.index], p.duplicates)
            for p in picks
        ]
        sample, owners = catalog.background()
        others = sample[owners != catalog.article_index[hits[0].row.article_id]] if hits else sample
        return Search(hits, generic, _stats(others @ vector) if len(others) > 1 else (0.0, 1.0), len(others),
                      time_scope=time_scope, scope_applied=applied)

    def _pool(self, question: str, vector: np.ndarray, language: str, depth: int, filters: SearchFilters | None,
              timings: dict[str, float], exact: bool = False) -> _Pool:
        mask = self.catalog.mask(filters)
        if mask is not None and not mask.any():
            return _Pool([], {})
        t0 = time.perf_counter()
        dense = self._dense(vector, depth, filters, exact)
        t1 = time.perf_counter()
        weight = self._bm25_weight(language)
        lexical = self._lexical(question, language, depth, mask) if weight > 0 else {}
        timings["dense"] = timings.get("dense", 0.0) + (t1 - t0) * 1000
        timings["bm25"] = timings.get("bm25", 0.0) + (time.perf_counter() - t1) * 1000
        candidates = list(dict.fromkeys(dense + list(lexical)))
        if mask is not None:
            candidates = [pos for pos in candidates if mask[pos]]
        return _Pool(candidates, lexical)

    def _relevant(self, vector: np.ndarray, inside: list[int], outside: list[int]) -> bool:
        """Whether the period has something relevant: its best sentence is at most SCOPE_FALLBACK_GAP standard
        deviations (of the question's similarity to the archive's sentences) below the best one outside it."""
        sample, _ = self.catalog.background()
        _, std = _stats(sample @ vector) if len(sample) > 1 else (0.0, 1.0)
        best_inside = float(self._sentence_scores(vector, inside)[0].max())
        best_outside = float(self._sentence_scores(vector, outside)[0].max()) if outside else best_inside
        return best_outside - best_inside <= self.settings.scope_fallback_gap * max(std, 1e-6)

    def _preference(self, candidates: list[int], scope: TimeWindow | None, applied: bool) -> np.ndarray:
        """Score bonus from the time scope: newer articles for a soft one, the period for a strict one
        that had nothing relevant (none when it restricted the candidates)."""
        if scope is None or applied or (scope.strict and scope.start is None and scope.end is None):
            return np.zeros(len(candidates))
        if not scope.strict:
            return self._recency(candidates, scope)
        days = self.catalog.days[candidates]
        first = published_day(scope.start.isoformat()) if scope.start else 1
        end = _reported_until(scope, self.settings.scope_report_days)
        last = published_day(end.isoformat()) if end else 99_999_999
        return np.where((days >= first) & (days <= last), self.settings.recency_weight, 0.0)

    def _dense(self, vector: np.ndarray, depth: int, filters: SearchFilters | None, exact: bool) -> list[int]:
        if exact:
            return self.catalog.nearest(vector, depth, self.catalog.mask(filters))
        out = []
        for hit in self.store.query(vector, depth, _where(filters)):
            pos = self.catalog.position.get(hit.chunk_id)
            if pos is not None:  # stale chunks (an interrupted run) are not in the catalogue
                out.append(pos)
        return out

    def _bm25_weight(self, language: str) -> float:
        """BM25_WEIGHT for a question in English; BM25_WEIGHT_OWN for one in the archive's own language (a Russian
        question in a Russian archive: its words stemmed as the articles' are); BM25_WEIGHT_OTHER for one in
        another language than the archive's, whose words the articles don't share (docs/answers.md, section 2)."""
        if language == "en":
            return self.settings.bm25_weight
        if language == self.catalog.main_language():
            return self.settings.bm25_weight_own
        return self.settings.bm25_weight_other

    def _lexical(self, question: str, language: str, depth: int, mask: np.ndarray | None) -> dict[int, float]:
        # another language's question: its own words only; names matched across scripts by transliteration are
        # too loose to rank with (docs/answers.md, section 2)
        terms = self.catalog.lexical.query_terms(question, language, across=language == "en")
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

    def _recency(self, candidates: list[int], scope: TimeWindow) -> np.ndarray:
        """RECENCY_WEIGHT for the newest dated candidate, halved for every scope length (30 days for
        "latest") it is older than that one (so a stale archive still prefers its newest); undated: 0."""
        days = self.catalog.days[candidates]
        if not (days > 0).any():
            return np.zeros(len(candidates))
        ordinals = np.array([_ordinal(int(d)) for d in days])
        newest = ordinals[days > 0].max()
        span = (scope.end - scope.start).days if scope.start and scope.end else SOFT_DAYS
        decay = 0.5 ** ((newest - ordinals) / max(span, 1))
        return np.where(days > 0, self.settings.recency_weight * decay, 0.0)


def _ordinal(day: int) -> int:
    """20250430 → its proleptic Gregorian ordinal (0 for an unknown day)."""
    try:
        return date(day // 10000, day // 100 % 100, day % 100).toordinal()
    except ValueError:
        return 0


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


def _reported_until(scope: TimeWindow, report_days: int) -> date | None:
    """The last publication day of the articles of a period: its end plus the days news takes to report it."""
    return scope.end + timedelta(days=report_days) if scope.end else None


def _period(filters: SearchFilters | None, scope: TimeWindow | None, report_days: int) -> SearchFilters | None:
    """The filters narrowed to the articles of a strict scope's period: published in it or up to `report_days`
    after it (an event is reported after it happens; the reference day still bounds it through `as_of`).
    Undated articles are outside every period."""
    if scope is None or not scope.strict or (scope.start is None and scope.end is None):
        return None
    base = filters or SearchFilters()
    since = scope.start.isoformat() if scope.start else None
    end = _reported_until(scope, report_days)
    until = end.isoformat() if end else None
    if since and base.since:
        since = max(since, base.since[:10])
    if until and base.until:
        until = min(until, base.until[:10])
    return replace(base, since=since or base.since, until=until or base.until)


def _node(hit: Retrieved, catalog: Catalog) -> NodeWithScore:
    """A passage as llama-index sees it: a TextNode (id = chunk id) whose source is its article."""
    row = hit.row
    node = TextNode(
        id_=row.id, text=row.text,
        metadata={"article_id": row.article_id, "title": row.title, "source": row.source, "url": row.url,
                  "published_at": row.published_at, "start": row.start, "end": row.end,
                  "story": catalog.story(row.article_id), "duplicates": list(hit.duplicates)},
        excluded_embed_metadata_keys=["article_id", "start", "end", "story", "duplicates"],
        excluded_llm_metadata_keys=["article_id", "start", "end", "story", "duplicates"],
        relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=row.article_id)},
    )
    return NodeWithScore(node=node, score=hit.score)
