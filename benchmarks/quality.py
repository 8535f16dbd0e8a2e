"""Answer quality on XQuAD: newsbot against llama-index's default pipeline, side by side.

The 48 English articles are the corpus; the 1,190 questions are asked in English and, with the
Russian file's questions (same ids), in Russian against the English articles. For each question:

- retrieval hit@1 / hit@5 / MRR@10: the first passage that comes from the question's article and
  contains a gold answer;
- quote (newsbot only): the first quote shown contains a gold answer ("top quote"), any quote does;
- refused: the share of these (all answerable) questions the bot refused.

The baseline is llama-index's default pipeline: `VectorStoreIndex.from_documents` with its default
`SentenceSplitter` and the same embedder (wrapped as a llama-index `BaseEmbedding`), retrieving
with `as_retriever(similarity_top_k=10)`. Both run in the same process, one after the other.

    python -m benchmarks.quality [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import time

from benchmarks import xquad_data
from benchmarks.common import DEFAULT_WORK, Context, llama_embedding, quiet_logs, say, settings_for

K = 10


def _rank(passages: list[tuple[str, str]], q: xquad_data.Question) -> int | None:
    for rank, (article_id, text) in enumerate(passages, 1):
        if article_id == q.article_id and any(a in text for a in q.answers):
            return rank
    return None


def _retrieval(ranks: list[int | None]) -> dict:
    n = len(ranks) or 1
    return {
        "hit@1": sum(r == 1 for r in ranks) / n,
        "hit@5": sum(r is not None and r <= 5 for r in ranks) / n,
        "mrr@10": sum(1 / r for r in ranks if r) / n,
    }


def newsbot(ctx: Context, questions: dict[str, list[xquad_data.Question]]) -> dict:
    from bot.engine import build_engine
    from index.errors import NewsbotError
    from index.indexer import run_index

    folder = ctx.folder("quality", "newsbot")
    settings = settings_for(folder)
    xquad_data.write_corpus(settings.corpus_dir, 2 if ctx.quick else None)
    try:
        report = run_index(settings, embedder=ctx.embedder)
    except NewsbotError as exc:  # an index of an older newsbot schema, kept in the working folder
        say(f"quality index unusable ({exc}); rebuilding")
        report = run_index(settings, embedder=ctx.embedder, rebuild=True)
    engine = build_engine(settings, embedder=ctx.embedder)
    out: dict = {"chunks": len(engine.catalog), "index_seconds": report.seconds}
    for lang, qs in questions.items():
        ranks, top, anyq, refused, latency = [], 0, 0, 0, []
        for q in qs:
            result = engine.ask(q.question, k=K)
            latency.append(result.timings_ms["total"])
            # records of the corpus carry the XQuAD article as their url (their id is `url:<url>`)
            ranks.append(_rank([(p.url, p.text) for p in result.passages], q))
            refused += result.refused
            if result.citations:
                top += any(a in result.citations[0].quote for a in q.answers)
                anyq += any(a in c.quote for c in result.citations for a in q.answers)
        n = len(qs) or 1
        out[lang] = _retrieval(ranks) | {"top_quote": top / n, "any_quote": anyq / n, "refused": refused / n,
                                         "p50_ms": statistics.median(latency) if latency else 0.0}
    return out


def llama_default(ctx: Context, questions: dict[str, list[xquad_data.Question]]) -> dict:
    import json

    from llama_index.core import Document, VectorStoreIndex

    folder = ctx.folder("quality", "llama")
    corpus = xquad_data.write_corpus(folder / "corpus", 2 if ctx.quick else None)
    documents = [Document(text=r["body"], metadata={"article_id": r["url"]}, id_=r["url"])
                 for r in map(json.loads, corpus.read_text().splitlines())]
    started = time.perf_counter()
    index = VectorStoreIndex.from_documents(documents, embed_model=llama_embedding(ctx.embedder))
    seconds = time.perf_counter() - started
    retriever = index.as_retriever(similarity_top_k=K)
    out: dict = {"chunks": len(index.docstore.docs), "index_seconds": seconds}
    for lang, qs in questions.items():
        ranks, latency = [], []
        for q in qs:
            t = time.perf_counter()
            nodes = retriever.retrieve(q.question)
            latency.append((time.perf_counter() - t) * 1000)
            ranks.append(_rank([(n.node.metadata.get("article_id", ""), n.node.get_content()) for n in nodes], q))
        out[lang] = _retrieval(ranks) | {"p50_ms": statistics.median(latency) if latency else 0.0}
    return out


def run(ctx: Context) -> dict:
    limit = 2 if ctx.quick else None
    questions = {lang: xquad_data.questions(lang, limit) for lang in ("en", "ru")}
    if ctx.quick:
        questions = {lang: qs[:10] for lang, qs in questions.items()}
    say("quality: newsbot on XQuAD")
    ours = newsbot(ctx, questions)
    say("quality: llama-index default pipeline on XQuAD")
    theirs = llama_default(ctx, questions)
    return {"questions": {lang: len(qs) for lang, qs in questions.items()}, "newsbot": ours, "llama_index": theirs}


def table(result: dict) -> str:
    lines = ["| system | questions | chunks | hit@1 | hit@5 | MRR@10 | top quote | any quote | refused | p50 ms |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, key in (("newsbot", "newsbot"), ("llama-index default", "llama_index")):
        system = result[key]
        for lang in ("en", "ru"):
            m = system[lang]
            quote = (f"{m['top_quote']:.3f} | {m['any_quote']:.3f} | {m['refused']:.3f}" if "top_quote" in m
                     else "– | – | –")
            lines.append(f"| {name} | {lang} ({result['questions'][lang]}) | {system['chunks']} | {m['hit@1']:.3f} | "
                         f"{m['hit@5']:.3f} | {m['mrr@10']:.3f} | {quote} | {m['p50_ms']:.1f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.quality", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2 articles, 10 questions per language")
    args = parser.parse_args(argv)
    quiet_logs()
    if not xquad_data.available():
        print(f"XQuAD is missing at {xquad_data.SHARED}.")
        return 2
    ctx = Context(quick=args.quick, work=(DEFAULT_WORK / "quick" if args.quick else DEFAULT_WORK).resolve())
    print(table(run(ctx)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
