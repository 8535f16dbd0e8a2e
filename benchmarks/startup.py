"""3. Start-up and memory: a fresh process builds the engine (embedder loaded, index opened,
catalogue + BM25 loaded) and answers one question (model warm); the parent times it from
process start to that answer, and the child reports its peak RSS (VmHWM) then and after
20 more questions. "Warm start" loads the catalogue snapshot written by an earlier start (the
normal restart); "cold start" has no snapshot and builds the catalogue and BM25 from Chroma.

Run as `python -m benchmarks.startup --child STORE_FOLDER DATA_DIR` for the child side.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.common import ROOT, Context, median, say
from benchmarks.latency import pick_questions, sizes, store_folder

READY = "READY "
DONE = "DONE "


def child(folder: Path, data_dir: Path) -> None:
    started = time.perf_counter()
    import resource

    from benchmarks.common import quiet_logs, settings_for
    from bot.engine import build_engine

    quiet_logs()
    imported = time.perf_counter()
    settings = settings_for(folder, data_dir=data_dir)
    engine = build_engine(settings)
    built = time.perf_counter()
    questions = json.loads(os.environ["BENCH_QUESTIONS"])
    engine.ask(questions[0])
    ready = time.perf_counter()

    def rss_mb() -> float:
        """Peak RSS of this process. VmHWM, not getrusage's ru_maxrss: the latter survives exec and
        would report the (large) benchmark parent's RSS at fork time."""
        try:
            for line in Path("/proc/self/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

    print(READY + json.dumps({
        "imports_s": imported - started, "build_engine_s": built - imported, "first_answer_s": ready - built,
        "rss_ready_mb": rss_mb(), "chunks": len(engine.catalog),
    }), flush=True)
    for q in questions[1:]:
        engine.ask(q)
    print(DONE + json.dumps({"rss_after_mb": rss_mb(), "asked": len(questions)}), flush=True)


def _start(folder: Path, data_dir: Path, questions: list[str]) -> dict:
    env = dict(os.environ, BENCH_QUESTIONS=json.dumps(questions), PYTHONPATH=str(ROOT))
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "benchmarks.startup", "--child", str(folder), str(data_dir)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)
    out: dict = {}
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith(READY):
            out["ready_s"] = time.perf_counter() - started
            out.update(json.loads(line[len(READY):]))
        elif line.startswith(DONE):
            out.update(json.loads(line[len(DONE):]))
    stderr = proc.stderr.read() if proc.stderr else ""
    if proc.wait() != 0 or "ready_s" not in out:
        raise RuntimeError(f"the start-up child failed ({proc.returncode}): {stderr[-2000:]}")
    return out


def run(ctx: Context) -> dict:
    embedded, _ = sizes(ctx.quick)
    targets = embedded[-1:] if ctx.quick else [s for s in embedded if s >= 10_000]
    repeats = 1 if ctx.quick else 3
    questions = [q.question for q in pick_questions(ctx.quick, "en")][: 5 if ctx.quick else 21]
    result: dict = {}
    for size in targets:
        folder = store_folder(ctx, "embedded", size)
        if not (folder / "chroma").exists():
            raise RuntimeError(f"no index at {folder}; the latency benchmark builds it")
        say(f"start-up: {size:,} chunks, warm start x{repeats}")
        warm = [_start(folder, folder / "data", questions) for _ in range(repeats)]
        cold = []
        if not ctx.quick:
            say(f"start-up: {size:,} chunks, cold start (no catalogue snapshot)")
            scratch = ctx.work / "startup" / f"cold-{size}"
            shutil.rmtree(scratch, ignore_errors=True)
            cold = [_start(folder, scratch, questions)]
            shutil.rmtree(scratch, ignore_errors=True)

        def summary(runs: list[dict]) -> dict:
            if not runs:
                return {}
            keys = ["ready_s", "imports_s", "build_engine_s", "first_answer_s", "rss_ready_mb", "rss_after_mb"]
            return {k: median([r[k] for r in runs]) for k in keys} | {"runs": len(runs),
                                                                       "all_ready_s": [r["ready_s"] for r in runs]}

        result[size] = {"warm": summary(warm), "cold": summary(cold), "questions_after": len(questions) - 1}
    return result


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        raise SystemExit("usage: python -m benchmarks.startup --child STORE_FOLDER DATA_DIR")
