"""1. Indexing throughput on XQuAD, side by side in one run (interleaved repeats, medians):

* newsbot: `run_index` into a fresh embedded store (load, chunk, embed, write, commit);
* the raw embedder alone on the same chunks' texts (the issue's yardstick) and, when newsbot
  embeds something else (its sentences, deriving chunk vectors from them), on exactly the texts
  newsbot embeds (the physical limit of its pipeline);
* llama-index's default `IngestionPipeline` (default `SentenceSplitter` + the same embedder
  behind a `BaseEmbedding` adapter) into a `ChromaVectorStore`; and, for a per-chunk
  comparison, the same pipeline with newsbot's chunk size;
* a second `run_index` on the unchanged corpus (time and ratio to the first run);
* one changed article: which chunks are re-embedded.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from benchmarks.common import Context, articles_limit, fresh, llama_embedding, median, ratio, say, settings_for
from benchmarks.synthetic import corpus


def _articles(folder: Path, settings):
    from index.loaders import load_corpus

    articles, failures = load_corpus([folder], folder, max_bytes=settings.max_file_bytes)
    if failures:
        raise RuntimeError(f"the XQuAD corpus failed to load: {failures}")
    return articles


def _newsbot(ctx: Context, folder: Path, work: Path) -> dict:
    from index.indexer import run_index

    settings = settings_for(fresh(work), corpus_dir=folder)
    started = time.perf_counter()
    report = run_index(settings, embedder=ctx.embedder)
    first = time.perf_counter() - started
    started = time.perf_counter()
    again = run_index(settings, embedder=ctx.embedder)
    second = time.perf_counter() - started
    return {"seconds": first, "chunks": report.chunks_added, "embedded": report.chunks_embedded,
            "second_seconds": second, "second_embedded": again.chunks_embedded,
            "second_unchanged": len(again.unchanged), "settings": settings}


def embedded_texts(chunks) -> list[str]:
    """The distinct texts newsbot's indexer embeds for these chunks."""
    try:
        from index.indexer import sentence_texts
    except ImportError:  # an indexer that embeds whole chunks
        return list(dict.fromkeys(c.text for c in chunks))
    return list(dict.fromkeys(t for c in chunks for t in sentence_texts(c)))


def _raw(ctx: Context, texts: list[str]) -> dict:
    started = time.perf_counter()
    ctx.embedder.embed_passages(texts)
    return {"seconds": time.perf_counter() - started, "chunks": len(texts)}


def _llama(ctx: Context, articles, work: Path, chunk_size: int | None, chunk_overlap: int | None) -> dict:
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from llama_index.core import Document
    from llama_index.core.ingestion import IngestionPipeline
    from llama_index.core.node_parser import SentenceSplitter
    from llama_index.vector_stores.chroma import ChromaVectorStore

    from index.chroma import ExplicitEmbeddings

    fresh(work)
    documents = [Document(text=a.body, id_=a.id, metadata={"title": a.title, "source": a.source})
                 for a in articles]
    splitter = SentenceSplitter() if chunk_size is None else \
        SentenceSplitter(chunk_size=chunk_size, chunk_overlap=chunk_overlap)
    started = time.perf_counter()
    client = chromadb.PersistentClient(path=str(work / "chroma"), settings=ChromaSettings(anonymized_telemetry=False))
    collection = client.get_or_create_collection("llama", metadata={"hnsw:space": "cosine"},
                                                 embedding_function=ExplicitEmbeddings())
    pipeline = IngestionPipeline(transformations=[splitter, llama_embedding(ctx.embedder)],
                                 vector_store=ChromaVectorStore(chroma_collection=collection))
    nodes = pipeline.run(documents=documents)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "chunks": len(nodes), "chars": sum(len(n.get_content()) for n in nodes),
            "stored": collection.count()}


def _changed_article(ctx: Context, folder: Path, settings) -> dict:
    """Edit one article (a sentence appended to its last paragraph) and re-index."""
    from index.chunker import Chunker
    from index.indexer import run_index

    path = folder / "xquad.jsonl"
    original = path.read_text()
    lines = original.splitlines()
    pick = len(lines) // 2
    record = json.loads(lines[pick])
    before = _articles(folder, settings)
    record["body"] = record["body"] + " This sentence was added to measure incremental re-indexing."
    lines[pick] = json.dumps(record)
    try:
        path.write_text("\n".join(lines) + "\n")
        after = _articles(folder, settings)
        changed = next(a for a, b in zip(after, before) if a.content_hash != b.content_hash)
        old = next(b for b in before if b.id == changed.id)
        chunker = Chunker(settings.chunk_size, settings.chunk_overlap)
        new_texts = {c.text for c in chunker.chunk(changed)}
        old_texts = {c.text for c in chunker.chunk(old)}
        started = time.perf_counter()
        report = run_index(settings, embedder=ctx.embedder)
        seconds = time.perf_counter() - started
    finally:
        path.write_text(original)
    return {
        "article": changed.id, "article_chunks": len(new_texts), "new_texts": len(new_texts - old_texts),
        "embedded": report.chunks_embedded, "updated": report.updated, "unchanged": len(report.unchanged),
        "seconds": seconds,
        "only_that_article": report.updated == [changed.id] and report.chunks_embedded <= len(new_texts - old_texts),
    }


def run(ctx: Context) -> dict:
    from index.chunker import Chunker

    limit = articles_limit(ctx.quick)
    repeats = 1 if ctx.quick else 3
    folder = corpus(ctx.work, limit)
    # every run gets its own folder: Chroma caches clients by path, so a folder deleted and
    # recreated in the same process would be written through a stale client
    root = fresh(ctx.work / "indexing")
    settings = settings_for(root / "probe", corpus_dir=folder)
    articles = _articles(folder, settings)
    chunker = Chunker(settings.chunk_size, settings.chunk_overlap)
    chunks = [c for a in articles for c in chunker.chunk(a)]
    texts = list(dict.fromkeys(c.text for c in chunks))
    newsbot_texts = embedded_texts(chunks)
    same = newsbot_texts == texts
    ctx.embedder.embed_passages(texts[:2])  # warm the model
    runs: dict[str, list[dict]] = {"newsbot": [], "raw": [], "raw_embedded": [], "llama_default": [],
                                   "llama_same": []}
    last_settings = None
    for i in range(repeats):
        say(f"indexing, repeat {i + 1}/{repeats}: newsbot")
        result = _newsbot(ctx, folder, root / f"newsbot-{i}")
        last_settings = result.pop("settings")
        runs["newsbot"].append(result)
        say(f"indexing, repeat {i + 1}/{repeats}: raw embedder")
        runs["raw"].append(_raw(ctx, texts))
        if not same:
            say(f"indexing, repeat {i + 1}/{repeats}: raw embedder on the texts newsbot embeds")
            runs["raw_embedded"].append(_raw(ctx, newsbot_texts) | {"chunks": len(chunks)})
        say(f"indexing, repeat {i + 1}/{repeats}: llama-index default pipeline")
        runs["llama_default"].append(_llama(ctx, articles, root / f"llama-default-{i}", None, None))
        say(f"indexing, repeat {i + 1}/{repeats}: llama-index pipeline, newsbot's chunk size")
        runs["llama_same"].append(_llama(ctx, articles, root / f"llama-same-{i}", settings.chunk_size,
                                         settings.chunk_overlap))
    say("indexing: one changed article")
    changed = _changed_article(ctx, folder, last_settings)

    if same:
        runs.pop("raw_embedded")

    def summary(name: str) -> dict:
        items = runs[name]
        seconds = median([r["seconds"] for r in items])
        chunks = items[0]["chunks"]
        out = {"seconds": seconds, "chunks": chunks, "chunks_per_s": chunks / seconds,
               "all_seconds": [round(r["seconds"], 2) for r in items]}
        if "chars" in items[0]:
            out["chars"] = items[0]["chars"]
        return out

    result = {name: summary(name) for name in runs}
    result["texts_chars"] = sum(len(t) for t in texts)
    result["embedded_texts"] = len(newsbot_texts)
    result["embeds_sentences"] = not same
    result["articles"] = len(articles)
    result["repeats"] = repeats
    nb = result["newsbot"]
    nb["second_seconds"] = median([r["second_seconds"] for r in runs["newsbot"]])
    nb["second_embedded"] = max(r["second_embedded"] for r in runs["newsbot"])
    nb["second_ratio"] = median([r["second_seconds"] / r["seconds"] for r in runs["newsbot"]])
    result["ratio_vs_raw"] = median([ratio(r["seconds"], n["seconds"]) for r, n in zip(runs["raw"], runs["newsbot"])])
    if not same:
        result["ratio_vs_raw_embedded"] = median(
            [ratio(r["seconds"], n["seconds"]) for r, n in zip(runs["raw_embedded"], runs["newsbot"])])
    result["ratio_vs_llama_default"] = median(
        [ratio(l["seconds"], n["seconds"]) for l, n in zip(runs["llama_default"], runs["newsbot"])])
    result["ratio_chunks_per_s_vs_llama_same"] = median(
        [ratio(n["chunks"] / n["seconds"], l["chunks"] / l["seconds"]) for l, n in zip(runs["llama_same"],
                                                                                        runs["newsbot"])])
    result["changed"] = changed
    return result
