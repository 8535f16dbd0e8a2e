"""The report's real-news sections (issue 11), written by their own commands: `python -m benchmarks.scale`
and `python -m benchmarks.realnews` store their result and rewrite their section of docs/benchmarks.md in
place; `make bench` keeps them from the last results."""

from __future__ import annotations

from pathlib import Path

from benchmarks.common import ROOT
from benchmarks.report_format import _ms, _ok, _pct, _s, _table, _x

def _realnews(results: dict) -> str:
    from benchmarks.realnews import CONTEXT, TARGETS, met

    runs = results.get("realnews")
    missing = _own_missing(runs, "python -m benchmarks.realnews --weeks FROM..TO --refusal-weeks FROM..TO")
    if missing:
        return missing
    before = {  # per span of weeks: the last figures before the current answer model (see the text)
        "20250103..20250328": {"in_answer_or_first_quote": "23%", "in_stated_answer": "0%",
                               "out_of_archive_refused": "41%", "answerable_refused": "18%",
                               "time_cited_in_window": "66%", "f1": "0.2", "exact_match": "0%",
                               "time_outside_unsaid": "31%",
                               "refusal_precision": "47%"},
        "20250704..20250926": {"in_answer_or_first_quote": "19%", "in_stated_answer": "1%",
                               "out_of_archive_refused": "32%", "answerable_refused": "15%",
                               "time_cited_in_window": "39%", "f1": "1.1", "exact_match": "1%",
                               "time_outside_unsaid": "61%",
                               "refusal_precision": "29%"},
    }
    parts = [
        "`python -m benchmarks.realnews` imports RealTimeQA 2025 weeks (`newsbot import realtimeqa`: the weeks' "
        "pooled search results as the archive, their questions asked in free text as of their date, and questions "
        "of other weeks whose answer occurs nowhere in the archive as refusal cases), indexes the archive and asks "
        "every case through the real engine (offline mode, default settings). *Stated answer* = the answer text "
        "outside the quotes; F1 / exact match compare the answer's stated span (or that text) with the right "
        "choice. *Time questions* = answered questions with time words (`time_sensitive`); their first cited "
        "article must be from the question's week or the 7 days before it. The answer model is trained on XQuAD, "
        "SQuAD 2.0 and HeQ: these weeks are news it has never seen (training with Q1's weeks was measured and "
        "left out: docs/answers.md, Training). Before = the same weeks before time scopes covered the days after "
        "them (`SCOPE_REPORT_DAYS`), measured 2026-11-29/30; for the row on saying so, before = before answers said "
        "that nothing from the period answers them (every answer citing an article outside the window then said "
        "nothing). "
        "The ceilings (last rows) come from the archive itself: where the right choice's text (normalised) "
        "occurs nowhere in an article of the period, no answer can hold it or cite that period (it is in the "
        "first 20 retrieved passages for 52% of Q1's answerable questions, and 47% of January 2025's).",
    ]
    for name, s in sorted(runs.items()):
        was = before.get(s.get("weeks", ""), {})
        rows = []
        for key, title, bound, at_least in TARGETS:
            flag = met(s, key, bound, at_least)
            rows.append([title, was.get(key, "–"), _pct(s.get(key)), f"{'≥' if at_least else '≤'} {bound:.0%}",
                         _ok(flag)])
        rows.append(["time questions answered from an article outside their week without saying so",
                     was.get("time_outside_unsaid", "–"), _pct(s.get("time_outside_unsaid")), "–", "–"])
        rows.append(["token F1 of the stated answer (for comparison: GPT-3 40.9, GPT-5.3-chat 47.9)",
                     was.get("f1", "–"), "–" if s.get("f1") is None else f"{s['f1'] * 100:.1f}", "–", "–"])
        rows.append(["exact match of the stated answer (for comparison: GPT-3 32.7)", was.get("exact_match", "–"),
                     _pct(s.get("exact_match")), "–", "–"])
        rows.append(["refusal precision (refused questions that were out-of-archive)",
                     was.get("refusal_precision", "–"), _pct(s.get("refusal_precision")), "–", "–"])
        rows += [[title, was.get(key, "–"), _pct(s.get(key)), "–", "–"] for key, title in CONTEXT if key in s]
        parts.append(f"**Weeks {s['weeks']}**" + (f", refusals from {s['refusal_weeks']}" if s.get("refusal_weeks")
                                                  else "") +
                     f"; `{s['embed_model']}`; {s['articles']:,} articles, {s['chunks']:,} chunks; "
                     f"{s['answerable']} answerable questions ({s['time_questions']} answered with time words), "
                     f"{s['refusal_cases']} refusal cases; answer p50 {_ms(s.get('p50_ms'))} ms, p95 "
                     f"{_ms(s.get('p95_ms'))} ms; measured {s.get('measured', '?')}; records `{s.get('records', '')}`.")
        parts.append(_table(["target (issue 11)", "before", "measured", "target", ""], rows))
    return "\n\n".join(parts)


#: sections that only their own commands produce; `make bench` keeps them from the last results
OWN_SECTIONS = {
    "scale": "## 10. Scale: a quarter and a year of real news",
    "realnews": "## 11. Answer quality on real news (RealTimeQA 2025)",
}


def own_section(name: str, results: dict) -> str:
    return {"scale": _scale, "realnews": _realnews}[name](results)


def store_and_update(results_path: Path, name: str, result: dict, out: Path | None = None) -> None:
    """Store one benchmark's result under `name` in results.json (keeping the others) and rewrite its
    section of the report in place (the other sections are left as they are)."""
    import json

    results = json.loads(results_path.read_text()) if results_path.exists() else {}
    if name == "realnews":
        runs = results.get("realnews") if isinstance(results.get("realnews"), dict) \
            and "error" not in results.get("realnews", {}) else {}
        runs[f"{result['weeks']} {result['embed_model']}"] = result
        results["realnews"] = runs
    else:
        results[name] = result
    results_path.parent.mkdir(parents=True, exist_ok=True)
    results_path.write_text(json.dumps(results, indent=1, default=str))
    update_sections(results, out or ROOT / "docs" / "benchmarks.md", [name])


def update_sections(results: dict, out: Path, names: list[str]) -> None:
    """Replace the named sections of an existing report (appended when absent)."""
    text = out.read_text() if out.exists() else "# Benchmarks\n"
    for name in names:
        heading = OWN_SECTIONS[name]
        body = own_section(name, results)
        start = text.find(heading + "\n")
        if start < 0:
            text = text.rstrip("\n") + f"\n\n{heading}\n\n{body}\n"
            continue
        end = text.find("\n## ", start + len(heading))
        text = text[:start] + f"{heading}\n\n{body}\n" + (text[end:] if end >= 0 else "")
    out.write_text(text)


def _scale(results: dict) -> str:
    runs = results.get("scale")
    missing = _own_missing(runs, "python -m benchmarks.scale")
    if missing:
        return missing
    parts = [
        "`python -m benchmarks.scale` imports RealTimeQA 2025 weeks (`newsbot import realtimeqa`), holds the last "
        "week back, starts the engine (the bot) on an empty index and runs `newsbot index` over the other weeks "
        "in a subprocess while the engine checks for new generations (every probe also records what it serves). "
        "The raw embedder embeds a sample of the very sentence texts the run embedded (every k-th article's, half "
        "before and half after the run, in a process at the same priority); its time per character times the "
        "characters the run embedded is the yardstick. Then, without restarting the engine: answers (the weeks' "
        "own questions as of their dates), size on disk, start-up of a fresh process, and the held-back week "
        "added by `newsbot index` (default INDEX_NICE) while the engine answers non-stop. Before = the issue's "
        "\"today\" (504 articles, 6 weeks, the code before progressive commits).",
    ]
    for name in ("quarter", "year", "quick"):
        r = runs.get(name)
        if not r:
            continue
        if "error" in r:
            parts.append(f"**{name}: failed:**\n\n```\n{r['error'][-2000:]}\n```")
            continue
        ix, week = r["index"], r.get("week") or {}
        def ready(run: dict) -> float | None:  # from the child's start (older results: from its first import)
            parts = ("imports_s", "build_engine_s", "first_answer_s")
            return run.get("ready_s") or (sum(run[k] for k in parts) if all(k in run for k in parts) else None)

        warm = min((ready(w) for w in r["startup"]["warm"]), default=None)
        cold = r["startup"]["cold"] or {}
        rss_bot = max([w.get("rss_after_mb", 0) for w in r["startup"]["warm"]] + [cold.get("rss_after_mb", 0)])
        first = next((p["s"] for p in r["timeline"] if p["articles"]), None)
        rows = [
            ["articles, chunks indexed", "504, 4,256", f"{ix['articles']:,}, {ix['chunks_added']:,}", "–", "–"],
            ["indexing time", "942 s", f"{ix['seconds']:,.0f} s", "–", "–"],
            ["chunks/s", "4.5", f"{ix['chunks_per_s']:.1f}", "–", "–"],
            ["chunks/s ÷ the raw embedder on the same texts", "–", _x(r.get("ratio_vs_raw")), "≥ 0.90",
             _ok(None if r.get("ratio_vs_raw") is None else r["ratio_vs_raw"] >= 0.9)],
            ["peak RSS of `newsbot index`", "514 MB", f"{ix['peak_rss_mb']:,.0f} MB", "≤ 1,536 MB",
             _ok(ix["peak_rss_mb"] <= 1536)],
            ["peak RSS of the bot (fresh process, after 10 answers; warm / cold start)", "–",
             f"{max(w.get('rss_after_mb', 0) for w in r['startup']['warm']):,.0f} / {cold.get('rss_after_mb', 0):,.0f} MB",
             "≤ 1,536 MB", _ok(rss_bot <= 1536)],
            ["index size on disk (Chroma + catalogue snapshot)", "–",
             f"{r['size_mb']['chroma']:,.0f} + {r['size_mb']['catalogue']:,.0f} MB", "–", "–"],
            ["start-up to the first answer (warm / cold: no snapshot)", "–",
             f"{_s(warm)} / {_s(ready(cold) if cold else None)} s", "–", "–"],
            ["answer p50 / p95, idle (no restart after the run)", "–",
             f"{_ms(r['answer']['p50_ms'])} / {_ms(r['answer']['p95_ms'])} ms", "–", "–"],
            ["first article answerable after the run started", "at the end",
             "–" if first is None else f"≤ {first:,.0f} s (of {ix['seconds']:,.0f} s)", "during the run",
             _ok(first is not None and first < ix["seconds"])],
        ]
        if week:
            wk = week["index"]
            rows += [
                [f"adding one more week ({len(wk['added'])} articles, {wk['chunks_added']:,} chunks)", "–",
                 f"{wk['seconds']:,.0f} s ({week['seconds_per_chunk'] * 1000:,.0f} ms/chunk against "
                 f"{ix['seconds'] / max(1, ix['chunks_added']) * 1000:,.0f} in the big run; catalogue snapshot "
                 f"{wk['catalog_seconds']:.1f} s)", "∝ new articles",
                 _ok(wk["catalog_seconds"] < 0.25 * wk["seconds"])],
                [f"answer p95 while the week is indexed ÷ idle (INDEX_NICE={week['nice']})", "–",
                 f"{_ms(week['during']['p95_ms'])} / {_ms(week['idle']['p95_ms'])} ms = {_x(week['p95_ratio'])} "
                 f"({week['during']['n']} answers during)", "≤ 3×",
                 _ok(None if week["p95_ratio"] is None else week["p95_ratio"] <= 3)],
                ["the new week's questions whose first passage is from a new article (engine never restarted)", "–",
                 f"{week['new_week_top_passage_from_new_article']}/{week['new_week_questions']}", "–", "–"],
            ]
        after = r["engine_after_run"]
        parts.append(f"**{name.title()}: weeks {r['weeks']}, `{r['embed_model']}`.** The engine followed the run "
                     f"with {after['reloads']} incremental reloads (p50 {_s(after['reload_p50_s'])} s, max "
                     f"{_s(after['reload_max_s'])} s) and ended at generation {after['generation']:,} with "
                     f"{after['articles']:,} articles, {after['chunks']:,} chunks; raw embedder: "
                     f"{sum(x['texts'] for x in r['raw']['runs']):,} sampled texts, projected "
                     f"{r['raw']['projected_seconds']:,.0f} s for the {ix['texts_embedded']:,} texts the run embedded.")
        parts.append(_table(["what (issue 11, Scale)", "before", "measured", "target", ""], rows))
    return "\n\n".join(parts)


def _own_missing(item, command: str) -> str | None:
    """The text of a section that has no result (not run yet, or failed)."""
    if not item:
        return f"_Not run yet: `{command}`._"
    if "error" in item:
        return f"**Failed:**\n\n```\n{item['error'][-3000:]}\n```"
    return None
