"""`make bench`: run every benchmark and write docs/benchmarks.md (+ docs/benchmarks-latency.png).

    python -m benchmarks.run            # everything, full size (takes a while; indexes are reused
                                        # from .bench/ on later runs)
    python -m benchmarks.run --quick    # each benchmark once on a tiny input (what `make test` runs)
    python -m benchmarks.run --only latency,profile   # some benchmarks; the others' results are
                                        # kept from the last run's .bench/results.json
    python -m benchmarks.run --report-only            # rewrite the report from results.json

The benchmarks, in order: indexing, latency (builds the 1k/10k/100k indexes the others use),
startup, concurrency, profile, embedder (the e5 engine under CPU contention), quality (answer
quality on XQuAD next to llama-index's default pipeline), feeds (publication -> answerable, by the
engine and in the chat; the follow-support distribution), llm_real (the LLM mode against a real model when
LLM_BENCH_BASE_URL or OPENAI_BASE_URL names one; skipped with a message otherwise). A benchmark that
fails is reported as failed, the others still run, and the exit status is 1.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from pathlib import Path

from benchmarks import xquad_data
from benchmarks.common import DEFAULT_WORK, ROOT, Context, quiet_logs, say

ORDER = ["indexing", "latency", "startup", "concurrency", "profile", "embedder", "quality", "feeds", "llm_real"]


def _module(name: str):
    import importlib

    return importlib.import_module(f"benchmarks.{name}")


def _preload() -> None:
    """Import the code under test up front, so that one run measures one version of it even if
    files change while it runs (the engine imports its parts lazily)."""
    import importlib
    import pkgutil

    import bot
    import index

    names = ["bot.engine", "bot.settings"]
    names += [m.name for m in pkgutil.walk_packages(index.__path__, "index.")]
    for sub in ("answer", "conversation", "telegram"):
        names += [m.name for m in pkgutil.walk_packages([str(Path(bot.__path__[0]) / sub)], f"bot.{sub}.")]
    for name in names:
        try:
            importlib.import_module(name)
        except Exception as exc:  # reported by the benchmark that needs it
            say(f"could not import {name}: {exc}")


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "item"):
        return value.item()
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="each benchmark once on a tiny input")
    parser.add_argument("--work", type=Path, help="working folder (default .bench/, or .bench/quick with --quick)")
    parser.add_argument("--out", type=Path,
                        help="report path (default docs/benchmarks.md, or WORK/benchmarks.md with --quick)")
    parser.add_argument("--only", help=f"comma-separated subset of {','.join(ORDER)}")
    parser.add_argument("--report-only", action="store_true", help="rewrite the report from WORK/results.json")
    args = parser.parse_args(argv)

    quiet_logs()
    if not xquad_data.available():
        print(f"XQuAD is missing at {xquad_data.SHARED}; the benchmarks need it.", file=sys.stderr)
        return 2
    work = (args.work or (DEFAULT_WORK / "quick" if args.quick else DEFAULT_WORK)).resolve()
    out = (args.out or (work / "benchmarks.md" if args.quick else ROOT / "docs" / "benchmarks.md")).resolve()
    work.mkdir(parents=True, exist_ok=True)
    results_path = work / "results.json"
    chosen = ORDER if not args.only else [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = set(chosen) - set(ORDER)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")

    from benchmarks import report

    previous = json.loads(results_path.read_text()) if results_path.exists() and (args.only or args.report_only) \
        else {}
    ctx = Context(quick=args.quick, work=work, results=previous)
    failed = []
    if not args.report_only:
        _preload()
        digest = report.code_digest()  # after the imports: the code that runs
        ctx.results["machine"] = report.machine()
        for name in chosen:
            say(f"== {name} ==")
            t0 = time.perf_counter()
            try:
                ctx.results[name] = _module(name).run(ctx)
            except Exception:
                failed.append(name)
                ctx.results[name] = {"error": traceback.format_exc()}
                say(f"{name} FAILED:\n{traceback.format_exc()}")
            ctx.results.setdefault("elapsed", {})[name] = time.perf_counter() - t0
            ctx.results.setdefault("code", {})[name] = digest
            say(f"{name}: {time.perf_counter() - t0:.0f}s")
            ctx.results["load_end"] = os.getloadavg()
            results_path.write_text(json.dumps(_jsonable(ctx.results), indent=1))
    results = json.loads(results_path.read_text())
    report.write(results, out, quick=args.quick, seconds=sum(results.get("elapsed", {}).values()))
    say(f"wrote {out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
