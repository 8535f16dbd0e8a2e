"""Fake embedders: deterministic ``f(text, dim) -> unit vector`` functions, no model.

:func:`hash_embedding` (the server's default) and :func:`bag_of_words_embedding`
(texts sharing words are similar).
"""

from __future__ import annotations

import hashlib
import re

import numpy as np


def hash_embedding(text: str, dim: int = 384) -> list[float]:
    """Deterministic unit vector from a SHAKE-256 hash of ``text``.

    Stable across runs, platforms and numpy versions; unrelated texts get
    near-orthogonal vectors, identical texts identical ones.
    """
    raw = hashlib.shake_256(text.encode("utf-8")).digest(4 * dim)
    vec = np.frombuffer(raw, dtype="<u4").astype(np.float64) / 2**31 - 1.0  # uniform in [-1, 1)
    norm = float(np.linalg.norm(vec))
    return (vec / norm).tolist() if norm else vec.tolist()


_WORD_RE = re.compile(r"\w+", re.UNICODE)


def bag_of_words_embedding(text: str, dim: int = 384) -> list[float]:
    """Deterministic unit vector = normalised sum of :func:`hash_embedding` of
    each lower-cased word, so texts sharing words are similar (cosine > 0).
    Handy when a test needs retrieval by embeddings to find something:
    ``FakeOpenAI(embedder=bag_of_words_embedding)``."""
    words = _WORD_RE.findall(text.lower())
    if not words:
        return hash_embedding(text, dim)
    acc = np.zeros(dim)
    for w in words:
        acc += np.asarray(hash_embedding(w, dim))
    norm = float(np.linalg.norm(acc))
    return (acc / norm).tolist() if norm else acc.tolist()
