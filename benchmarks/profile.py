"""5. Where the answer path spends its time: pyinstrument over warm `engine.ask` calls at 10k
chunks (embedded store, offline mode). Keeps the call tree and the flat self-time list; the full
text and HTML profiles go to `.bench/profile/`."""

from __future__ import annotations

import time

from benchmarks.common import Context, say
from benchmarks.latency import embedded_settings, pick_questions, sizes


def run(ctx: Context) -> dict:
    from pyinstrument import Profiler

    from bot.engine import build_engine

    embedded, _ = sizes(ctx.quick)
    size = embedded[-1] if ctx.quick else 10_000
    questions = [q.question for q in pick_questions(ctx.quick, "en")] + \
        [q.question for q in pick_questions(ctx.quick, "ru")]
    engine = build_engine(embedded_settings(ctx, size), embedder=ctx.embedder)
    for q in questions[:3]:
        engine.ask(q)
    say(f"profile: {len(questions)} questions at {size:,} chunks")
    profiler = Profiler(interval=0.0005)
    started = time.perf_counter()
    profiler.start()
    for q in questions:
        engine.ask(q)
    profiler.stop()
    seconds = time.perf_counter() - started
    engine.close()
    folder = ctx.folder("profile")
    tree = profiler.output_text(unicode=False, color=False, show_all=False, time="percent_of_total")
    flat = profiler.output_text(unicode=False, color=False, flat=True, time="percent_of_total")
    (folder / "answer-path.txt").write_text(tree + "\n\n" + flat)
    (folder / "answer-path.html").write_text(profiler.output_html())
    return {"size": size, "questions": len(questions), "seconds": seconds,
            "tree": _trim(tree, 45), "flat": _trim(flat, 25), "files": str(folder)}


def _trim(text: str, lines: int) -> str:
    """Without pyinstrument's banner: from the line after "Profile at …"."""
    all_lines = text.splitlines()
    start = next((i + 1 for i, ln in enumerate(all_lines) if ln.startswith("Profile at")), 0)
    body = [ln for ln in all_lines[start:] if ln.strip() and not set(ln.strip()) <= {"_", "-", "="}]
    return "\n".join(body[:lines])
