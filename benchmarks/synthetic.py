"""Indexes of any size from the XQuAD corpus, without embedding the extra text.

Method (also written into docs/benchmarks.md):

* The real part: the XQuAD articles, chunked and embedded by newsbot (`run_index` into
  `.bench/base`, incremental, so re-runs cost nothing).
* The synthetic part, until the index holds the wanted number of chunks: synthetic articles of
  up to 20 chunks each. Every synthetic chunk is made from one real article: the sentences of 1–3
  of its real chunks, pooled and shuffled, taken until the chunk is as long as a real one.
  Vectors, without embedding anything:
  - when the store keeps sentence vectors (newsbot embeds sentences and derives a chunk's vector
    from them), each sentence keeps its real, stored vector and the chunk vector is derived by
    newsbot's own function (`index.indexer.chunk_vector`): exactly what indexing that text would
    give, since sentences are embedded independently of their neighbours;
  - otherwise (an index of whole-chunk vectors), the normalised Dirichlet-weighted mean of the
    source chunks' real vectors plus Gaussian noise (σ = 0.02 per dimension), renormalised.
  New ids, titles, URLs and publication dates; the body is the chunks joined by blank lines, so
  every offset and sentence span is exact and quotes verify.
* Everything is written through `index.store.Store` (`add_chunks` + `put_article`, the commit
  point), then the index state is set clean with a generation, so the engine's catalogue sees
  exactly these articles. Nothing is embedded: building 100k chunks is a matter of minutes.

A built index records its recipe (`bench_spec`) in the store state and is reused when it matches.
"""

from __future__ import annotations

import hashlib
import random
import time
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import numpy as np

from benchmarks import xquad_data
from benchmarks.common import say, settings_for

RECIPE = "synthetic-v1"
CHUNKS_PER_ARTICLE = 20
NOISE_SIGMA = 0.02


@dataclass
class Seed:
    """The real, embedded XQuAD corpus: articles, their chunks and the chunks' vectors."""

    articles: list  # index.models.Article
    chunks: dict[str, list]  # article id → [index.models.Chunk]
    vectors: dict[str, np.ndarray]  # chunk id → vector
    fingerprint: str
    sentence_vectors: dict[str, np.ndarray] | None = None  # sentence text → vector (sentence-vector stores)

    @property
    def chunk_count(self) -> int:
        return sum(len(c) for c in self.chunks.values())


def corpus(work: Path, limit_articles: int | None) -> Path:
    """The XQuAD corpus folder (one JSONL file), rewritten only when its content changes."""
    folder = work / "corpus-xquad"
    tmp = work / "corpus-xquad.tmp"
    xquad_data.write_corpus(tmp, limit_articles)
    new = (tmp / "xquad.jsonl").read_bytes()
    target = folder / "xquad.jsonl"
    if not target.exists() or target.read_bytes() != new:
        folder.mkdir(parents=True, exist_ok=True)
        target.write_bytes(new)
    (tmp / "xquad.jsonl").unlink()
    tmp.rmdir()
    return folder


def sentence_vector_store() -> bool:
    """Does this version of newsbot store sentence vectors next to chunk vectors?"""
    import inspect

    from index.store import Store

    return "sentence_vectors" in inspect.signature(Store.add_chunks).parameters and \
        hasattr(Store, "sentence_vectors_for_article")


def schema() -> str:
    from index import store

    return str(getattr(store, "SCHEMA_VERSION", "?"))


def chunk_vector(sentence_vectors: np.ndarray) -> np.ndarray:
    try:
        from index.indexer import chunk_vector as product
    except ImportError:
        mean = np.asarray(sentence_vectors, dtype=np.float32).mean(axis=0)
        return mean / max(float(np.linalg.norm(mean)), 1e-12)
    return product(sentence_vectors)


def load_seed(work: Path, embedder, limit_articles: int | None) -> Seed:
    """Index the XQuAD corpus into `work/base` (incrementally) and read back chunks and vectors."""
    from index.chunker import Chunker
    from index.indexer import run_index
    from index.loaders import load_corpus
    from index.store import Store

    folder = corpus(work, limit_articles)
    settings = settings_for(work / "base", corpus_dir=folder)
    started = time.perf_counter()
    try:
        report = run_index(settings, embedder=embedder)
    except Exception as exc:  # e.g. an index of an older newsbot schema
        say(f"base index unusable ({exc}); rebuilding")
        report = run_index(settings, embedder=embedder, rebuild=True)
    if report.chunks_embedded:
        say(f"base index: embedded {report.chunks_embedded} chunks in {time.perf_counter() - started:.1f}s")
    articles, failures = load_corpus([folder], folder, max_bytes=settings.max_file_bytes)
    if failures:
        raise RuntimeError(f"the XQuAD corpus failed to load: {failures}")
    chunker = Chunker(settings.chunk_size, settings.chunk_overlap)
    chunks = {a.id: chunker.chunk(a) for a in articles}
    store = Store.open(settings)
    store.ensure(embedder.name, embedder.dim)
    ids = [c.id for cs in chunks.values() for c in cs]
    vectors: dict[str, np.ndarray] = {}
    for i in range(0, len(ids), 5000):
        got = store.chunks.get(ids=ids[i : i + 5000], include=["embeddings"])
        vectors.update({cid: np.asarray(v, dtype=np.float32) for cid, v in zip(got["ids"], got["embeddings"])})
    missing = [cid for cid in ids if cid not in vectors]
    if missing:
        raise RuntimeError(f"{len(missing)} chunks of the base index have no vector")
    sentences = None
    if sentence_vector_store():
        sentences = {}
        for article in articles:
            sentences.update(store.sentence_vectors_for_article(article.id))
    digest = hashlib.sha256("".join(sorted(a.content_hash for a in articles)).encode()).hexdigest()[:16]
    return Seed(articles, chunks, vectors, f"{digest}|{embedder.name}|{settings.chunk_size}/{settings.chunk_overlap}"
                f"|schema {schema()}|{'sentences' if sentences is not None else 'chunks'}", sentences)


def _sentence_block(seed: Seed, texts: list[str]) -> np.ndarray | None:
    if seed.sentence_vectors is None or any(t not in seed.sentence_vectors for t in texts):
        return None
    return np.vstack([seed.sentence_vectors[t] for t in texts]).astype(np.float32)


def _real_blocks(seed: Seed, chunks: list) -> list[np.ndarray] | None:
    blocks = [_sentence_block(seed, [c.text[s:e] for s, e in c.sentences] or [c.text]) for c in chunks]
    return None if any(b is None for b in blocks) else blocks


def synthetic_articles(seed: Seed, count: int, rng_seed: int = 7):
    """Yield (Article, [Chunk], chunk vectors, sentence vectors or None) for `count` synthetic chunks
    (see the module docstring)."""
    from index.chunker import chunk_id
    from index.models import Article, Chunk

    rng = random.Random(rng_seed)
    nprng = np.random.default_rng(rng_seed)
    sources = [a for a in seed.articles if seed.chunks[a.id]]
    made = 0
    number = 0
    day0 = date(2024, 1, 1)
    while made < count:
        real = rng.choice(sources)
        real_chunks = seed.chunks[real.id]
        texts, spans_list, vectors, blocks = [], [], [], []
        for _ in range(min(CHUNKS_PER_ARTICLE, count - made)):
            picked = rng.sample(real_chunks, k=min(len(real_chunks), rng.randint(1, 3)))
            pool = [c.text[s:e] for c in picked for s, e in (c.sentences or ((0, len(c.text)),))]
            pool = [p for p in pool if p.strip()]
            rng.shuffle(pool)
            target = len(picked[0].text)
            sentences, length = [], 0
            for sentence in pool:
                sentences.append(sentence)
                length += len(sentence) + 1
                if length >= target:
                    break
            text, spans, pos = "", [], 0
            for sentence in sentences:
                if text:
                    text += " "
                    pos += 1
                spans.append((pos, pos + len(sentence)))
                text += sentence
                pos += len(sentence)
            block = _sentence_block(seed, sentences)
            if block is not None:  # exact: the stored vectors of these very sentences
                blocks.append(block)
                vectors.append(chunk_vector(block))
            else:
                weights = nprng.dirichlet(np.ones(len(picked)))
                vector = sum(w * seed.vectors[c.id] for w, c in zip(weights, picked))
                vector = vector + nprng.normal(0.0, NOISE_SIGMA, size=vector.shape)
                vectors.append(vector / np.linalg.norm(vector))
            texts.append(text)
            spans_list.append(tuple(spans))
        number += 1
        body = "\n\n".join(texts)
        article = Article(
            id=f"synthetic:{number:06d}", title=f"{real.title} (synthetic {number})", body=body,
            source=real.source or "Synthetic", url=f"https://example.org/synthetic/{number}",
            published_at=(day0 + timedelta(days=number % 700)).isoformat(), path="synthetic.jsonl",
        )
        chunks, start, article_hash = [], 0, article.content_hash
        for i, (text, spans) in enumerate(zip(texts, spans_list)):
            chunks.append(Chunk(id=chunk_id(article.id, article_hash, i, text), article_id=article.id, index=i,
                                text=text, start=start, end=start + len(text), sentences=spans))
            start += len(text) + 2
        made += len(chunks)
        yield article, chunks, np.vstack(vectors).astype(np.float32), \
            (blocks if len(blocks) == len(chunks) else None)


def build_index(settings, embedder, seed: Seed, size: int, label: str) -> dict:
    """An index of exactly `size` chunks (the real ones plus synthetic ones) at `settings`' location.

    Reused when it was built by the same recipe; returns what was done (seconds, reused)."""
    from index.store import Store

    spec = f"{RECIPE}|{size}|{seed.fingerprint}"
    store = Store.open(settings)
    if store.exists():
        try:
            store.ensure(embedder.name, embedder.dim)
            state = store.state()
            if state.get("bench_spec") == spec and not state.get("dirty") and \
                    store.chunk_count() == int(state.get("bench_chunks", -1)):
                return {"reused": True, "seconds": 0.0, "chunks": store.chunk_count()}
        except Exception as exc:  # another schema, a damaged store: rebuild
            say(f"the {label} index is unusable ({exc}); rebuilding")
        store.drop()
    say(f"building the {label} index of {size:,} chunks")
    started = time.perf_counter()
    store.ensure(embedder.name, embedder.dim)
    store.set_state(dirty=1)
    total = 0
    for article in seed.articles:
        chunks = seed.chunks[article.id]
        if total + len(chunks) > size:
            break
        if chunks:
            _add(store, article, chunks, np.vstack([seed.vectors[c.id] for c in chunks]), _real_blocks(seed, chunks))
        store.put_article(article, len(chunks))
        total += len(chunks)
    last_note = time.perf_counter()
    for article, chunks, vectors, blocks in synthetic_articles(seed, size - total):
        _add(store, article, chunks, vectors, blocks)
        store.put_article(article, len(chunks))
        total += len(chunks)
        if time.perf_counter() - last_note > 30:
            say(f"  {total:,}/{size:,} chunks written")
            last_note = time.perf_counter()
    epoch = {} if store.state().get("epoch") else {"epoch": uuid.uuid4().hex}
    store.set_state(dirty=0, generation=1, bench_spec=spec, bench_chunks=total, **epoch,
                    updated_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))
    seconds = time.perf_counter() - started
    say(f"  built {total:,} chunks in {seconds:.0f}s")
    return {"reused": False, "seconds": seconds, "chunks": total}


def _add(store, article, chunks, vectors, blocks) -> None:
    if blocks is not None:
        store.add_chunks(article, chunks, vectors, blocks)
    else:
        store.add_chunks(article, chunks, vectors)
