"""A fixed background of ordinary sentences, to say how similar a question is to text *in general*.

Similarities mean different things for different questions: a question in another language than the
articles is less similar to everything (cross-lingual similarities are compressed), some questions are
close to many sentences. The answer model therefore reads similarities as z-scores: how many standard
deviations the best sentence is above the question's similarity to a background of unrelated sentences.

Two backgrounds are used (`Search` carries both):
- generic: the sentences of `bot/answer/background/<lang>.txt` in the archive's main language (English
  when there is no file for it) — the same for every archive, so a one-article archive is judged like a
  large one;
- the archive's own: a fixed sample of its sentences from articles other than the one the question
  matched best (`Catalog.background`) — sharper for large archives, empty for a one-article one.

The generic sentences are embedded once per embedder and language and cached under CACHE_DIR.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import numpy as np

from index.embedders import Embedder

log = logging.getLogger(__name__)

FOLDER = Path(__file__).resolve().parent / "background"
DEFAULT_LANGUAGE = "en"


def sentences(language: str) -> list[str]:
    """The generic sentences in `language` (English when there is no file for it)."""
    path = FOLDER / f"{language}.txt"
    if not path.exists():
        path = FOLDER / f"{DEFAULT_LANGUAGE}.txt"
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def vectors(embedder: Embedder, language: str, cache_dir: Path | None) -> np.ndarray:
    """The generic sentences' vectors for `embedder`, from the cache when they are there."""
    texts = sentences(language)
    key = hashlib.sha256("\x1f".join([embedder.name, str(embedder.dim), *texts]).encode()).hexdigest()[:16]
    path = cache_dir / f"background-{key}.npy" if cache_dir is not None else None
    if path is not None:
        try:
            cached = np.load(path)
            if cached.shape == (len(texts), embedder.dim):
                return cached
        except (OSError, ValueError):
            pass
    matrix = embedder.embed_passages(texts).astype(np.float32)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp.npy")
            np.save(tmp, matrix)
            tmp.replace(path)
        except OSError as exc:  # a cache that can't be written is not an error
            log.warning("could not cache the background vectors at %s: %s", path, exc)
    return matrix
