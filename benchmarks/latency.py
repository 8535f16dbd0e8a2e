"""2. Answer latency, offline mode, warm, one question at a time, XQuAD questions.

At each index size, for each question in turn (alternating which goes first), time
* newsbot: `engine.ask(question)`, the whole answer (embedding, dense + BM25 retrieval, fusion,
  sentence selection, quote verification);
* llama-index: `VectorStoreIndex.from_vector_store(ChromaVectorStore(collection), embed_model=
  <same embedder>).as_retriever(similarity_top_k=5).retrieve(question)` over the very same
  Chroma collection (`<prefix>_chunks`; llama-index reads newsbot's metadata through its legacy
  path, so no second collection is needed).
Both the embedded store and a Chroma server (`chroma run`) are measured.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from benchmarks import xquad_data
from benchmarks.common import (Context, articles_limit, chroma_server, llama_embedding, median, percentile, ratio,
                               say, settings_for)
from benchmarks.synthetic import build_index, load_seed


def sizes(quick: bool) -> tuple[list[int], list[int]]:
    """(embedded sizes, server sizes)."""
    return ([100, 300], [300]) if quick else ([1_000, 10_000, 100_000], [1_000, 10_000])


def pick_questions(quick: bool, language: str) -> list:
    limit = articles_limit(quick)
    every = xquad_data.questions(language, limit)
    n = {("en", True): 6, ("ru", True): 3, ("en", False): 210, ("ru", False): 105}[(language, quick)]
    step = max(1, len(every) // n)
    return every[::step][:n]


def store_folder(ctx: Context, kind: str, size: int) -> Path:
    return ctx.work / "stores" / f"{kind}-{size}"


def embedded_settings(ctx: Context, size: int):
    return settings_for(store_folder(ctx, "embedded", size))


def server_settings(ctx: Context, size: int, port: int):
    folder = store_folder(ctx, "server", size)
    shutil.rmtree(folder / "data" / "cache", ignore_errors=True)  # the snapshot name includes the port
    return settings_for(folder, chroma_host="127.0.0.1", chroma_port=port)


def llama_retriever(collection, embedder, k: int = 5):
    from llama_index.core import VectorStoreIndex
    from llama_index.vector_stores.chroma import ChromaVectorStore

    index = VectorStoreIndex.from_vector_store(ChromaVectorStore(chroma_collection=collection),
                                               embed_model=llama_embedding(embedder))
    return index.as_retriever(similarity_top_k=k)


def measure(ctx: Context, settings, questions: dict[str, list], warmup: int) -> dict:
    from bot.engine import build_engine

    started = time.perf_counter()
    engine = build_engine(settings, embedder=ctx.embedder)
    engine_seconds = time.perf_counter() - started
    retriever = llama_retriever(engine.store.chunks, ctx.embedder, settings.top_k)
    out: dict = {"chunks": len(engine.catalog), "engine_build_s": engine_seconds}
    try:
        for q in questions["en"][:warmup]:
            engine.ask(q.question)
            retriever.retrieve(q.question)
        for language, items in questions.items():
            ours, theirs, stages, refused = [], [], {}, 0
            for i, q in enumerate(items[warmup if language == "en" else 0:]):
                for first in ((0, 1) if i % 2 == 0 else (1, 0)):
                    t0 = time.perf_counter()
                    if first == 0:
                        result = engine.ask(q.question)
                        ours.append((time.perf_counter() - t0) * 1000)
                        refused += int(result.refused)
                        for key, value in result.timings_ms.items():
                            stages.setdefault(key, []).append(value)
                    else:
                        retriever.retrieve(q.question)
                        theirs.append((time.perf_counter() - t0) * 1000)
            out[language] = {
                "n": len(ours), "refused": refused,
                "newsbot": {"p50": median(ours), "p95": percentile(ours, 95), "mean": sum(ours) / len(ours)},
                "llama": {"p50": median(theirs), "p95": percentile(theirs, 95),
                          "mean": sum(theirs) / len(theirs)},
                "ratio_p50": ratio(median(ours), median(theirs)),
                "ratio_p95": ratio(percentile(ours, 95), percentile(theirs, 95)),
                "stages_p50": {k: median(v) for k, v in stages.items()},
                "stages_p95": {k: percentile(v, 95) for k, v in stages.items()},
            }
    finally:
        engine.close()
    return out


def run(ctx: Context) -> dict:
    embedded, served = sizes(ctx.quick)
    seed = load_seed(ctx.work, ctx.embedder, articles_limit(ctx.quick))
    warmup = 2 if ctx.quick else 10
    questions = {"en": pick_questions(ctx.quick, "en"), "ru": pick_questions(ctx.quick, "ru")}
    result: dict = {"real_chunks": seed.chunk_count, "real_articles": len(seed.articles), "embedded": {},
                    "server": {}, "builds": {},
                    "vectors": "sentences" if seed.sentence_vectors is not None else "perturbed"}
    for size in embedded:
        settings = embedded_settings(ctx, size)
        result["builds"][f"embedded-{size}"] = build_index(settings, ctx.embedder, seed, size, f"embedded {size:,}")
        say(f"latency: embedded store, {size:,} chunks")
        result["embedded"][size] = measure(ctx, settings, questions, warmup)
    for size in served:
        folder = store_folder(ctx, "server", size)
        with chroma_server(folder / "chroma") as port:
            settings = server_settings(ctx, size, port)
            result["builds"][f"server-{size}"] = build_index(settings, ctx.embedder, seed, size,
                                                             f"Chroma server {size:,}")
            say(f"latency: Chroma server, {size:,} chunks")
            result["server"][size] = measure(ctx, settings, questions, warmup)
    return result
