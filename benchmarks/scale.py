"""Scale on real news (issue 11): a quarter of 2025 with the default multilingual embedder, the whole year
with all-MiniLM-L6-v2, indexed by `newsbot index` while a bot (the engine, in this process) runs.

    python -m benchmarks.scale [--config quarter|year|all] [--data DIR] [--work DIR]
    python -m benchmarks.scale --quick --data DIR --work DIR      # two weeks, a smoke run
    python -m benchmarks.scale --config year --week-only          # step 5 again, on the indexed archive

Per configuration, in one run:
1. The weeks are imported (`bot.importers.realtimeqa`); the last week is held back.
2. An engine starts on the empty index and `newsbot index` (a subprocess, INDEX_NICE=0 so the machine's
   other load treats it like the yardstick) indexes the other weeks. Every PROBE seconds the engine is
   asked what it serves (`index_info`: its version check and incremental reload), which shows articles
   becoming answerable while the run goes on. Reported: time, chunks/s, peak RSS of the index process.
3. The raw embedder, in a subprocess at the same priority, embeds a sample of the very sentence texts the
   index run embedded (every k-th article's, in two halves: before and after the run); its time per
   character, times the characters the run embedded, is the yardstick for chunks/s (target ≥ 0.9×).
4. On the finished index, without a restart: answer p50/p95 (the weeks' own questions, as of their dates),
   index size on disk, start-up time and peak RSS of a fresh process (warm: from the snapshot the index run
   left; cold: no snapshot).
5. One more week: answer p95 idle just before, then `newsbot index` (default INDEX_NICE) adds the held-back
   week while the engine answers questions non-stop; reported: the week's time (and per chunk, against the
   big run's), the end-of-run snapshot's share of it, answer p95 while indexing ÷ idle (target ≤ 3×),
   and whether the engine, never restarted, finds the new week's articles.

Data: ../shared RealTimeQA 2025 (measurement only; the imported archive lives under the work folder).
Results: "scale" in WORK/results.json and its section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from benchmarks.common import ROOT, median, percentile, say, settings_for
from benchmarks.realnews import common_arguments, ready


@dataclass(frozen=True)
class Config:
    name: str
    weeks: str
    model: str
    sample_every: int  # the raw embedder embeds every k-th article's texts
    probe_seconds: float
    questions: int  # asked for each latency figure


CONFIGS = {
    "quarter": Config("quarter", "20250103..20250328", "multilingual-e5-small", 5, 30.0, 100),
    "year": Config("year", "20250103..20251226", "all-MiniLM-L6-v2", 10, 60.0, 100),
    "quick": Config("quick", "20250103..20250110", "all-MiniLM-L6-v2", 1, 0.5, 6),
}


# --- processes ---------------------------------------------------------------------------------------
def child_env(settings, **extra: str) -> dict[str, str]:
    """The environment of a `newsbot` subprocess over `settings` (nothing of the caller's configuration)."""
    from bot.settings import Settings

    env = {k: v for k, v in os.environ.items() if k.lower() not in Settings.model_fields}
    env.update({"CORPUS_DIR": str(settings.corpus_dir), "DATA_DIR": str(settings.data_dir),
                "CHROMA_PATH": str(settings.chroma_path), "EMBED_BACKEND": "local", "EMBED_MODEL": settings.embed_model,
                "ANSWER_MODE": "offline", "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)} | extra)
    return env


def peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def run_index(settings, nice: int, while_running=None) -> dict:
    """`newsbot index --json` in a subprocess; `while_running()` is called repeatedly until it ends."""
    env = child_env(settings, INDEX_NICE=str(nice))
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "index", "--json"], cwd=settings.data_dir.parent,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0.0
    out: list[str] = []
    reader = threading.Thread(target=lambda: out.append(proc.stdout.read()), daemon=True)
    reader.start()
    while proc.poll() is None:
        peak = max(peak, peak_rss_mb(proc.pid) or 0.0)
        if while_running is not None:
            while_running()
        else:
            time.sleep(1.0)
    seconds = time.perf_counter() - started
    reader.join()
    stderr = proc.stderr.read()
    if proc.returncode != 0:
        raise RuntimeError(f"newsbot index exited {proc.returncode}: {stderr[-2000:]}")
    return json.loads(out[0]) | {"wall_seconds": seconds, "peak_rss_mb": peak}


def raw_embedder(texts: list[str], model: str, nice: int, folder: Path) -> dict:
    """The raw embedder on `texts`, in a fresh process at the index run's priority."""
    path = folder / "raw-texts.json"
    path.write_text(json.dumps(texts))
    done = subprocess.run([sys.executable, "-m", "benchmarks.scale", "--raw-child", str(path), model, str(nice)],
                          cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def raw_child(path: Path, model: str, nice: int) -> None:
    from index.embedders import build_embedder
    from index.indexer import lower_priority
    from index.settings import IndexSettings

    lower_priority(nice)
    texts = json.loads(path.read_text())
    embedder = build_embedder(IndexSettings(_env_file=None, embed_backend="local", embed_model=model))
    embedder.embed_passages(texts[:4])  # warm
    started = time.perf_counter()
    embedder.embed_passages(texts)
    print(json.dumps({"seconds": time.perf_counter() - started, "texts": len(texts),
                      "chars": sum(len(t) for t in texts)}))


def du_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20 if path.exists() else 0.0


# --- the parts ---------------------------------------------------------------------------------------
def prepare(config: Config, data: Path, folder: Path) -> tuple[Path, list[Path]]:
    """The archive corpus (every week but the last) and the held-back week's files."""
    from bot.importers.realtimeqa import import_realtimeqa, parse_weeks

    imported = folder / "import"
    if not (imported / "testset.yaml").exists():
        say(f"scale {config.name}: importing {config.weeks}")
        import_realtimeqa(data, config.weeks, imported, force=True)
    last = parse_weeks(config.weeks, "--weeks").names[-1]
    corpus = folder / "corpus"
    shutil.rmtree(corpus, ignore_errors=True)
    corpus.mkdir(parents=True)
    held = sorted(p for p in (imported / "corpus").iterdir() if p.name.startswith(last))
    for path in (imported / "corpus").iterdir():
        if path not in held:
            shutil.copy(path, corpus / path.name)
    return corpus, held


def embedded_texts(settings) -> list[list[str]]:
    """Per article, in the order `newsbot index` writes them, the sentence texts it embeds."""
    import numpy as np

    from index.chunker import Chunker
    from index.indexer import RecentVectors, _RECENT_SENTENCES, sentence_texts
    from index.loaders import load_corpus

    articles, _ = load_corpus([settings.corpus_dir], settings.corpus_dir, max_bytes=settings.max_file_bytes)
    chunker = Chunker(settings.chunk_size, settings.chunk_overlap)
    recent = RecentVectors(_RECENT_SENTENCES)
    out = []
    for article in articles:
        texts = list(dict.fromkeys(t for c in chunker.chunk(article) for t in sentence_texts(c)))
        missing = [t for t in texts if recent.get(t) is None]
        recent.update({t: np.zeros(1) for t in missing})
        out.append(missing)
    return out


def questions(folder: Path, weeks: set[str] | None = None) -> list[tuple[str, date | None, str]]:
    """(question, as of, week) of the imported test set (only `weeks` when given)."""
    from bot.evaluation.testset import load_testset

    out = []
    for case in load_testset(folder / "import" / "testset.yaml").cases:
        week = next((t.removeprefix("week-") for t in case.tags if t.startswith("week-")), "")
        if weeks is None or week in weeks:
            out.append((case.question or "", date.fromisoformat(case.as_of) if case.as_of else None, week))
    return out


#: seconds between the starts of two questions: a steady load, like users, not a closed loop that takes a core
PACE = 0.5


def latencies(engine, asked: list[tuple[str, date | None, str]], n: int, until=None) -> list[float]:
    """Ask questions in turn, one every PACE seconds (n of them, or until `until()` is true); times in ms."""
    times: list[float] = []
    i = 0
    while (until is None and i < n) or (until is not None and not until()):
        question, as_of, _ = asked[i % len(asked)]
        t0 = time.perf_counter()
        engine.ask(question, as_of=as_of)
        times.append((time.perf_counter() - t0) * 1000)
        i += 1
        time.sleep(max(0.0, PACE - (time.perf_counter() - t0)))
    return times


def startup(folder: Path, data_dir: Path, model: str, asked: list[str]) -> dict:
    """A fresh process (benchmarks.startup's child): ready = from its start to its first answer."""
    env = dict(os.environ, BENCH_QUESTIONS=json.dumps(asked), PYTHONPATH=str(ROOT), EMBED_MODEL=model)
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "benchmarks.startup", "--child", str(folder), str(data_dir)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out: dict = {}
    for line in proc.stdout:
        if line.startswith("READY "):
            out["ready_s"] = time.perf_counter() - started
        if line.startswith(("READY ", "DONE ")):
            out.update(json.loads(line.split(" ", 1)[1]))
    stderr = proc.stderr.read()
    if proc.wait() != 0 or "rss_ready_mb" not in out:
        raise RuntimeError(f"the start-up child failed: {stderr[-2000:]}")
    return out


def run_config(config: Config, data: Path, work: Path) -> dict:
    from bot.engine import build_engine

    folder = work / config.name
    corpus, held = prepare(config, data, folder)
    index_folder = folder / "index"
    shutil.rmtree(index_folder, ignore_errors=True)
    settings = settings_for(index_folder, corpus_dir=corpus, embed_model=config.model)
    per_article = embedded_texts(settings)
    sample = [t for i, texts in enumerate(per_article) if i % config.sample_every == 0 for t in texts]
    total_chars = sum(len(t) for texts in per_article for t in texts)
    half = len(sample) // 2
    result: dict = {"weeks": config.weeks, "embed_model": config.model, "held_back": [p.name for p in held]}

    say(f"scale {config.name}: raw embedder, first half of the sample ({half:,} texts)")
    raw = [raw_embedder(sample[:half], config.model, 0, folder)]
    engine = build_engine(settings)  # the bot: on the empty index, before the run
    timeline: list[dict] = []
    t0 = time.perf_counter()
    next_probe = [0.0]

    def probe() -> None:
        now = time.perf_counter() - t0
        if now >= next_probe[0]:
            info = engine.index_info()
            timeline.append({"s": round(now, 1), "articles": info.articles, "chunks": info.chunks,
                             "generation": info.generation})
            next_probe[0] = now + config.probe_seconds
        time.sleep(min(1.0, config.probe_seconds))

    say(f"scale {config.name}: newsbot index over {len(per_article):,} articles ({config.model})")
    index = run_index(settings, nice=0, while_running=probe)
    say(f"scale {config.name}: indexed {index['chunks_added']:,} chunks in {index['wall_seconds']:.0f} s")
    say(f"scale {config.name}: raw embedder, second half of the sample ({len(sample) - half:,} texts)")
    raw.append(raw_embedder(sample[half:], config.model, 0, folder))
    raw_seconds_per_char = sum(r["seconds"] for r in raw) / max(1, sum(r["chars"] for r in raw))
    raw_projected = raw_seconds_per_char * total_chars
    result["index"] = index | {"articles": len(per_article), "texts_embedded": sum(map(len, per_article)),
                               "chars_embedded": total_chars, "chunks_per_s": index["chunks_added"] / index["seconds"]}
    result["raw"] = {"runs": raw, "projected_seconds": raw_projected,
                     "chunks_per_s": index["chunks_added"] / raw_projected if raw_projected else None}
    result["ratio_vs_raw"] = raw_projected / index["seconds"] if index["seconds"] else None
    result["timeline"] = timeline

    archive_weeks = {w for _, _, w in questions(folder)} - {held[0].name[:8]} if held else None
    asked = questions(folder, archive_weeks)
    say(f"scale {config.name}: answer latency on the finished index (no restart)")
    info = engine.index_info()
    result["engine_after_run"] = {"articles": info.articles, "chunks": info.chunks, "generation": info.generation,
                                  "reloads": len(engine.reloads),
                                  "reload_p50_s": median([s for _, s in engine.reloads]) if engine.reloads else None,
                                  "reload_max_s": max((s for _, s in engine.reloads), default=None)}
    latencies(engine, asked, 5)  # warm
    idle = latencies(engine, asked, config.questions)
    result["answer"] = {"n": len(idle), "p50_ms": median(idle), "p95_ms": percentile(idle, 95)}
    result["size_mb"] = {"chroma": du_mb(settings.chroma_path), "catalogue": du_mb(settings.cache_dir)}

    quick = config.name == "quick"
    say(f"scale {config.name}: start-up (warm x{1 if quick else 2}, cold x{0 if quick else 1})")
    texts = [q for q, _, _ in asked[:11]]
    warm = [startup(index_folder, settings.data_dir, config.model, texts) for _ in range(1 if quick else 2)]
    cold_dir = folder / "cold-start"
    shutil.rmtree(cold_dir, ignore_errors=True)
    cold = {} if quick else startup(index_folder, cold_dir, config.model, texts)
    shutil.rmtree(cold_dir, ignore_errors=True)
    result["startup"] = {"warm": warm, "cold": cold}

    result["week"] = add_week(config, engine, settings, folder, held, asked) if held else None
    engine.close()
    return result


def week_only(config: Config, work: Path) -> dict:
    """Step 5 alone, on the archive an earlier full run indexed: the held-back week is taken out of the index
    (if a run added it) and added again while the engine answers."""
    from bot.engine import build_engine

    folder = work / config.name
    settings = settings_for(folder / "index", corpus_dir=folder / "corpus", embed_model=config.model)
    if not settings.chroma_path.exists():
        raise SystemExit(f"No indexed archive at {settings.chroma_path}: run `python -m benchmarks.scale --config "
                         f"{config.name}` first.")
    last = config.weeks.split("..")[-1]
    held = sorted(p for p in (folder / "import" / "corpus").iterdir() if p.name.startswith(last))
    for path in held:
        (settings.corpus_dir / path.name).unlink(missing_ok=True)
    say(f"scale {config.name}: taking week {last} out of the index")
    run_index(settings, nice=0)
    engine = build_engine(settings)
    try:
        asked = questions(folder, {w for _, _, w in questions(folder)} - {last})
        latencies(engine, asked, 5)  # warm
        return add_week(config, engine, settings, folder, held, asked)
    finally:
        engine.close()


def add_week(config: Config, engine, settings, folder: Path, held: list[Path], asked) -> dict:
    week = held[0].name[:8]
    say(f"scale {config.name}: one more week ({week}) while the engine answers")
    before = latencies(engine, asked, config.questions)
    reloads_before = engine.reload_total
    for path in held:
        shutil.copy(path, settings.corpus_dir / path.name)
    done = threading.Event()
    during: list[float] = []
    asker = threading.Thread(target=lambda: during.extend(latencies(engine, asked, 0, until=done.is_set)))
    asker.start()
    try:
        # the default priority, as a user runs it; a smoke run on a busy machine would only crawl
        index = run_index(settings, nice=0 if config.name == "quick" else settings.index_nice)
    finally:
        done.set()
        asker.join()
    count = engine.reload_total - reloads_before
    reloads = engine.reloads[-count:] if count else []  # `reloads` keeps the last 100
    new_week = questions(folder, {week})
    new_ids = set(index["added"])
    found = sum(1 for q, as_of, _ in new_week
                if (r := engine.ask(q, as_of=as_of)).passages and r.passages[0].article_id in new_ids)
    return {
        "week": week, "index": index, "nice": 0 if config.name == "quick" else settings.index_nice,
        "seconds_per_chunk": index["seconds"] / max(1, index["chunks_added"]),
        "idle": {"n": len(before), "p50_ms": median(before), "p95_ms": percentile(before, 95)},
        "during": {"n": len(during), "p50_ms": median(during), "p95_ms": percentile(during, 95)},
        "p95_ratio": percentile(during, 95) / percentile(before, 95) if before and during else None,
        "new_week_questions": len(new_week), "new_week_top_passage_from_new_article": found,
        # how the engine followed the run: kinds and seconds (of the last 100 when there were more)
        "reloads_total": count,
        "reloads_during": {kind: {"n": sum(1 for k, _ in reloads if k == kind),
                                  "p50_s": median([t for k, t in reloads if k == kind]),
                                  "max_s": max((t for k, t in reloads if k == kind), default=None)}
                           for kind in sorted({k for k, _ in reloads})},
        "engine_articles": engine.index_info().articles,
    }


def main(argv: list[str] | None = None) -> int:
    if argv is None and len(sys.argv) == 5 and sys.argv[1] == "--raw-child":
        raw_child(Path(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
        return 0
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale", description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", default="all", choices=["quarter", "year", "all"])
    parser.add_argument("--quick", action="store_true", help="two weeks with MiniLM: proves the code runs")
    parser.add_argument("--week-only", action="store_true",
                        help="only add the held-back week again to an archive a full run indexed (step 5)")
    common_arguments(parser)
    args = parser.parse_args(argv)
    if not ready(args.data):
        return 2
    names = ["quick"] if args.quick else (["quarter", "year"] if args.config == "all" else [args.config])
    results_path = args.work / "results.json"
    for name in names:
        previous = json.loads(results_path.read_text()).get("scale", {}) if results_path.exists() else {}
        if args.week_only:
            result = previous.get(name, {}) | {"week": week_only(CONFIGS[name], args.work / "scale")}
        else:
            result = run_config(CONFIGS[name], args.data, args.work / "scale")
        print(json.dumps(result, indent=1, default=str))
        if not args.no_report:
            from benchmarks import report_news

            out = args.out or (args.work / "benchmarks.md" if args.quick else None)  # a smoke run never writes docs/
            report_news.store_and_update(results_path, "scale", previous | {name: result}, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
