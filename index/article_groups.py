"""The articles of an index run in groups: a few are embedded together, then written and committed together.

An index run plans each article (its distinct sentence texts: the vectors it can reuse, the texts still to
embed), collects up to GROUP_ARTICLES articles or GROUP_TEXTS texts to embed, embeds the group's texts in one
call (the embedder sorts them by length into calls with little padding), and hands the group to the writer
thread, which writes all its chunks, then commits all its articles in one write (index/indexer.py). So at most
two groups are in memory (the one being written, and the one being embedded, which waits for the writer), and
a kill loses at most those two. A group also closes at GROUP_CHUNKS chunks (articles whose vectors are all
reused embed nothing but still make records). Measured: docs/indexing.md.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from index.embedders import Embedder
from index.models import Article, ArticleInfo, Chunk

log = logging.getLogger(__name__)

#: articles embedded and committed together (at most this many, or until they have this many texts to embed, or
#: this many chunks to write: the records of a group are built in memory before they are written in batches)
GROUP_ARTICLES = 8
GROUP_TEXTS = 256
GROUP_CHUNKS = 512


def sentence_texts(chunk: Chunk) -> list[str]:
    """The texts embedded for a chunk: its sentences (the whole chunk if it has none)."""
    return [chunk.text[s:e] for s, e in chunk.sentences] or [chunk.text]


def chunk_vector(sentence_vectors: np.ndarray) -> np.ndarray:
    """A chunk's vector: the normalised mean of its sentence vectors (no second embedding pass).

    Measured on XQuAD with e5 (docs/answers.md): mean-of-sentences for the first stage plus
    max-over-sentences re-ranking beats embedding whole chunks, and embedding sentences is
    faster than embedding the chunks they make up.
    """
    mean = np.asarray(sentence_vectors, dtype=np.float32).mean(axis=0)
    return mean / max(float(np.linalg.norm(mean)), 1e-12)


class RecentVectors:
    """The vectors of the last `limit` distinct sentence texts embedded (least recently added go first)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._vectors: dict[str, np.ndarray] = {}

    def get(self, text: str) -> np.ndarray | None:
        return self._vectors.get(text)

    def update(self, vectors: dict[str, np.ndarray]) -> None:
        self._vectors.update(vectors)
        for old in list(self._vectors)[:max(0, len(self._vectors) - self.limit)]:
            del self._vectors[old]


@dataclass(frozen=True)
class Planned:
    """An article whose sentences are to be embedded (with the others of its group)."""

    article: Article
    info: ArticleInfo | None
    chunks: list[Chunk]
    known: dict[str, np.ndarray]  # sentence text -> vector, reused
    missing: list[str]  # sentence texts to embed


@dataclass(frozen=True)
class Embedded:
    """An article ready to be written: its chunks with their vectors."""

    article: Article
    info: ArticleInfo | None  # its indexed version, if any
    chunks: list[Chunk]
    vectors: np.ndarray
    sentence_vectors: list[np.ndarray]
    new_chunks: int  # chunks with a sentence embedded for it (not all reused)


def plan(article: Article, info: ArticleInfo | None, chunks: list[Chunk], recent: RecentVectors,
         stored: Callable[[str], dict[str, np.ndarray]]) -> Planned:
    """The article's distinct sentence texts, with the vectors known already (its previous version's, from
    `stored(article_id)`, and those of sentences met just before: bylines, boilerplate) and the texts to embed."""
    known = stored(article.id) if info is not None else {}
    texts = list(dict.fromkeys(t for c in chunks for t in sentence_texts(c)))
    missing = [t for t in texts if t not in known and recent.get(t) is None]
    known |= {t: recent.get(t) for t in texts if t not in known and t not in missing}
    return Planned(article, info, chunks, known, missing)


def is_full(group: list[Planned]) -> bool:
    return (len(group) >= GROUP_ARTICLES or sum(len(g.missing) for g in group) >= GROUP_TEXTS
            or sum(len(g.chunks) for g in group) >= GROUP_CHUNKS)


def embed_group(embedder: Embedder, group: list[Planned], recent: RecentVectors) -> list[Embedded]:
    """The group's articles with their sentence and chunk vectors, in order; each distinct text embedded once."""
    texts = list(dict.fromkeys(t for g in group for t in g.missing))
    fresh = dict(zip(texts, embedder.embed_passages(texts))) if texts else {}
    recent.update(fresh)
    out = []
    for g in group:
        known = g.known | {t: fresh[t] for t in g.missing}
        sentence_vectors = [np.vstack([known[t] for t in sentence_texts(c)]) for c in g.chunks]
        vectors = np.vstack([chunk_vector(v) for v in sentence_vectors]) if g.chunks else np.zeros((0, 0))
        missing = set(g.missing)
        new_chunks = sum(1 for c in g.chunks if missing.intersection(sentence_texts(c)))
        out.append(Embedded(g.article, g.info, g.chunks, vectors, sentence_vectors, new_chunks))
    return out
