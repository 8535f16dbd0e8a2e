"""Answer quality on real news: RealTimeQA 2025 weeks, the targets of issue 11.

    python -m benchmarks.realnews --weeks 20250103..20250328 --refusal-weeks 20250404..20250627 \\
        [--embed-model all-MiniLM-L6-v2] [--data DIR] [--limit N]

1. Imports the weeks with `bot.importers.realtimeqa` (the pooled articles as the archive, the weeks'
   questions as answerable cases with their `as_of`, questions of `--refusal-weeks` whose answer is
   nowhere in the archive as refusal cases) into `.bench/realnews/WEEKS/`, once.
2. Indexes the archive with the chosen embedder (`.bench/realnews/WEEKS/MODEL/`; incremental, so a
   second run only checks the files).
3. Asks every case through the real engine (offline mode, default settings) as of its `as_of`.

Reported:
- answerable: the right choice's text in the stated answer or the first quote; in the stated answer
  alone (the answer text outside the quotes); token F1 and exact match of the stated answer (the
  answer's highlighted span when it states one, else its text outside the quotes) against the right
  choice (SQuAD-style normalisation, `bot.evaluation.metrics`);
- refusals: out-of-archive questions refused; answerable questions refused;
- time: among answered questions with time words (`bot.answer.time_scope.time_sensitive`), the share
  whose first cited article was published in the question's week or the 7 days before it, and the share
  that cite it or say that no article of the period answers them (honest either way);
- ceilings, from the archive itself: answerable questions whose right choice's text (normalised) occurs
  in an article published by the question's date; time questions whose right choice occurs in an
  article of their week or the week before (no answer can cite that window when none does).

The data is read from ../shared at run time; nothing of it is written into the repository (the
imported archive lives under .bench/, which git ignores). Per-case records go to
`.bench/realnews/WEEKS/records-MODEL.jsonl`; the summary is stored under "realnews" in
`.bench/results.json` and its section of docs/benchmarks.md is rewritten.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path

from benchmarks.common import DEFAULT_WORK, ROOT, median, percentile, quiet_logs, say, settings_for

SHARED = ROOT.parent / "shared" / "data" / "realtimeqa" / "2025"
DEFAULT_MODEL = "multilingual-e5-small"
#: a question "about this week" may cite an article of its week or of the 7 days before it
WINDOW_DAYS = 14


@dataclass
class Outcome:
    id: str
    week: str
    as_of: str
    answerable: bool
    refused: bool
    time_words: bool
    expected: str = ""
    in_answer_or_first_quote: bool = False
    in_stated_answer: bool = False
    stated_answer: str = ""
    span_stated: bool = False  # the answer states one (a highlighted span), right or wrong
    stated_right: bool = False  # … and the highlighted words are the right choice
    f1: float = 0.0
    exact: bool = False
    cited_published: str = ""
    cited_in_window: bool | None = None  # None: not a time question, or not answered
    period_noted: bool = False  # the answer said no article of the period it asks about answers it
    in_archive: bool | None = None  # answerable: the right choice occurs in an article published by as_of
    in_window: bool | None = None  # time questions: … in an article of the question's window
    ms: float = 0.0
    question: str = ""
    answer: str = ""


def stated_answer(result) -> str:
    """What the answer states: its highlighted span when it has one, else its text outside the quotes
    without the [n] markers (an LLM answer, or a lead such as "According to CNN [1]:")."""
    from bot.evaluation.metrics import highlighted_text, stated_text

    return highlighted_text(result) or stated_text(result)


def week_window(week: str) -> tuple[date, date]:
    """The question's week (the 7 days ending on the week's date) and the 7 days before it."""
    last = date(int(week[:4]), int(week[4:6]), int(week[6:8]))
    return last - timedelta(days=WINDOW_DAYS - 1), last


def score(case, result, ms: float) -> Outcome:
    from bot.answer.time_scope import time_sensitive
    from bot.evaluation.metrics import find_answer, normalize, stated_answer_text, states_an_answer, stated_text, token_f1

    week = next((t.removeprefix("week-") for t in case.tags if t.startswith("week-")), "")
    answerable = not case.expect_refusal
    expected = case.expected_answers[0][0] if case.expected_answers and case.expected_answers[0] else ""
    o = Outcome(id=case.id, week=week, as_of=case.as_of or "", answerable=answerable, refused=result.refused,
                time_words=time_sensitive(case.question or "", result.question_language or None),
                expected=expected, ms=ms, question=case.question or "", answer=result.answer)
    o.span_stated = states_an_answer(result)
    if result.refused or not answerable:
        return o
    first_quote = result.citations[0].quote if result.citations else ""
    stated = stated_text(result)
    o.in_stated_answer = find_answer(stated, [expected]) is not None
    o.in_answer_or_first_quote = o.in_stated_answer or find_answer(first_quote, [expected]) is not None
    o.stated_answer = stated_answer(result)
    o.stated_right = o.span_stated and find_answer(stated_answer_text(result), [expected]) is not None
    o.f1 = token_f1(o.stated_answer, expected)
    o.exact = bool(normalize(expected)) and normalize(o.stated_answer) == normalize(expected)
    o.period_noted = bool(result.period_uncovered)
    if o.time_words and result.citations:
        o.cited_published = result.citations[0].published_at[:10]
        start, end = week_window(week) if week else (None, None)
        try:
            day = date.fromisoformat(o.cited_published)
        except ValueError:
            day = None
        o.cited_in_window = bool(day and start and start <= day <= end)
    elif o.time_words:
        o.cited_in_window = False
    return o


def mark_ceilings(outcomes: list[Outcome], articles) -> None:
    """Set `in_archive` and `in_window` from the archive's articles (normalised bodies, scanned once each)."""
    from bot.evaluation.metrics import normalize

    bodies = [(a.published_at[:10], f" {normalize(a.title + ' ' + a.body)} ") for a in articles]
    for o in outcomes:
        needle = f" {normalize(o.expected)} " if o.answerable and normalize(o.expected) else None
        if needle is None:
            continue
        days = [day for day, body in bodies if needle in body]
        o.in_archive = any(not day or day <= o.as_of for day in days) if o.as_of else bool(days)
        if o.time_words and o.week:
            start, end = (d.isoformat() for d in week_window(o.week))
            o.in_window = any(day and start <= day <= end for day in days)


def _share(items: list, test) -> float | None:
    return sum(1 for o in items if test(o)) / len(items) if items else None


def summarise(outcomes: list[Outcome]) -> dict:
    answerable = [o for o in outcomes if o.answerable]
    refusals = [o for o in outcomes if not o.answerable]
    timed = [o for o in answerable if o.time_words and not o.refused]
    ms = [o.ms for o in outcomes]
    return {
        "answerable": len(answerable), "refusal_cases": len(refusals), "time_questions": len(timed),
        "in_answer_or_first_quote": _share(answerable, lambda o: o.in_answer_or_first_quote),
        "in_stated_answer": _share(answerable, lambda o: o.in_stated_answer),
        "f1": sum(o.f1 for o in answerable) / len(answerable) if answerable else None,
        "exact_match": _share(answerable, lambda o: o.exact),
        "stated_precision": _share([o for o in outcomes if o.span_stated], lambda o: o.answerable and o.stated_right),
        "out_of_archive_refused": _share(refusals, lambda o: o.refused),
        "answerable_refused": _share(answerable, lambda o: o.refused),
        "refusal_precision": (sum(1 for o in refusals if o.refused)
                              / max(1, sum(1 for o in outcomes if o.refused))) if outcomes else None,
        "time_cited_in_window": _share(timed, lambda o: bool(o.cited_in_window)),
        "time_outside_unsaid": _share(timed, lambda o: not o.cited_in_window and not o.period_noted),
        "time_cited_or_said": _share(timed, lambda o: bool(o.cited_in_window) or o.period_noted),
        "ceiling_in_archive": _share([o for o in answerable if o.in_archive is not None], lambda o: o.in_archive),
        "ceiling_time_in_window": _share([o for o in timed if o.in_window is not None], lambda o: o.in_window),
        "p50_ms": median(ms), "p95_ms": percentile(ms, 95),
    }


TARGETS = [  # (key, title, bound, at least?)
    ("in_answer_or_first_quote", "right choice in the stated answer or the first quote", 0.70, True),
    ("in_stated_answer", "right choice in the stated answer alone", 0.50, True),
    ("out_of_archive_refused", "out-of-archive questions refused", 0.90, True),
    ("answerable_refused", "answerable questions refused", 0.08, False),
    ("time_cited_in_window", "time questions citing an article of their week or the week before", 0.80, True),
]


#: (key, title) of the figures that put the targets in context
CONTEXT = [
    ("stated_precision", "stated answers (a highlighted span) that are the right choice (refusal cases: wrong)"),
    ("time_cited_or_said", "time questions citing their week or the week before, or saying that no article of "
                           "the period answers them"),
    ("ceiling_in_archive", "ceiling: answerable questions whose right choice occurs in an article published by "
                           "their date"),
    ("ceiling_time_in_window", "ceiling: time questions whose right choice occurs in an article of their week or "
                               "the week before"),
]


def met(summary: dict, key: str, bound: float, at_least: bool) -> bool | None:
    value = summary.get(key)
    return None if value is None else (value >= bound if at_least else value <= bound)


def prepare(data: Path, weeks: str, refusal_weeks: str | None, work: Path) -> Path:
    """The imported archive and test set (imported once per span of weeks)."""
    from bot.importers.realtimeqa import import_realtimeqa

    folder = work / (weeks + (f"+{refusal_weeks}" if refusal_weeks else ""))
    if not (folder / "testset.yaml").exists():
        say(f"realnews: importing {weeks} from {data}")
        import_realtimeqa(data, weeks, folder, refusal_weeks=refusal_weeks, force=True)
    return folder


def index_settings(folder: Path, model: str):
    return settings_for(folder / model, corpus_dir=folder / "corpus", embed_model=model)


def run(data: Path, weeks: str, refusal_weeks: str | None, model: str, *, limit: int | None = None,
        work: Path = DEFAULT_WORK / "realnews") -> dict:
    from bot.engine import build_engine
    from bot.evaluation.testset import load_testset
    from index.indexer import run_index
    from index.loaders.corpus import load_corpus

    folder = prepare(data, weeks, refusal_weeks, work)
    settings = index_settings(folder, model)
    say(f"realnews: indexing {folder / 'corpus'} with {model} (incremental)")
    started = time.perf_counter()
    report = run_index(settings)
    index_seconds = time.perf_counter() - started
    say(f"realnews: index ready ({len(report.added)} added, {len(report.unchanged)} unchanged, "
        f"{index_seconds:.0f} s)")
    engine = build_engine(settings)
    cases = load_testset(folder / "testset.yaml").cases
    if limit:
        cases = cases[:limit]
    outcomes: list[Outcome] = []
    records = folder / f"records-{model}.jsonl"
    try:
        with records.open("w") as out:  # as it goes (a long run can be followed), then again with the ceilings
            for i, case in enumerate(cases, 1):
                t0 = time.perf_counter()
                result = engine.ask(case.question or "", as_of=date.fromisoformat(case.as_of) if case.as_of else None)
                outcome = score(case, result, (time.perf_counter() - t0) * 1000)
                outcomes.append(outcome)
                out.write(json.dumps(asdict(outcome), ensure_ascii=False) + "\n")
                if i % 50 == 0:
                    say(f"realnews: {i}/{len(cases)} questions")
    finally:
        engine.close()
    articles, _ = load_corpus([settings.corpus_dir], settings.corpus_dir, max_bytes=settings.max_file_bytes)
    mark_ceilings(outcomes, articles)
    records.write_text("".join(json.dumps(asdict(o), ensure_ascii=False) + "\n" for o in outcomes))
    info = engine.index_info()
    return summarise(outcomes) | {
        "weeks": weeks, "refusal_weeks": refusal_weeks or "", "embed_model": model, "articles": info.articles,
        "chunks": info.chunks, "index_seconds": index_seconds, "records": str(records.relative_to(ROOT))
        if records.is_relative_to(ROOT) else str(records), "measured": date.today().isoformat(),
    }


def table(summary: dict) -> str:
    def pct(v) -> str:
        return "–" if v is None else f"{v:.0%}"

    rows = [f"| {title} | {pct(summary.get(key))} | {'≥' if at_least else '≤'} {bound:.0%} | "
            f"{'–' if met(summary, key, bound, at_least) is None else ('met' if met(summary, key, bound, at_least) else 'missed')} |"
            for key, title, bound, at_least in TARGETS]
    rows.append(f"| token F1 of the stated answer (mean) | {summary['f1'] * 100:.1f} | for comparison | – |"
                if summary.get("f1") is not None else "| token F1 of the stated answer | – | for comparison | – |")
    rows.append(f"| exact match of the stated answer | {pct(summary.get('exact_match'))} | for comparison | – |")
    rows += [f"| {title} | {pct(summary.get(key))} | – | – |" for key, title in CONTEXT]
    return "\n".join(["| what | measured | target | |", "|---|---|---|---|", *rows])


def common_arguments(parser: argparse.ArgumentParser) -> None:
    """--data, --work, --no-report (this benchmark's and benchmarks.scale's)."""
    parser.add_argument("--data", type=Path, default=SHARED, help=f"RealTimeQA 2025 week files (default {SHARED})")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help="benchmark folder (default .bench/)")
    parser.add_argument("--no-report", action="store_true", help="don't store the result or rewrite the report")
    parser.add_argument("--out", type=Path, help="the report whose section is rewritten (default docs/benchmarks.md)")


def ready(data: Path) -> bool:
    """Logs quiet, the data there (else a clear message), the code under test imported once for the whole run
    (so files changed meanwhile don't mix versions)."""
    from benchmarks.run import _preload

    quiet_logs()
    if not data.is_dir():
        print(f"RealTimeQA weeks are missing at {data}; pass --data DIR (../shared/data/realtimeqa/2025).",
              file=sys.stderr)
        return False
    _preload()
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.realnews", description=__doc__.split("\n\n")[0])
    parser.add_argument("--weeks", required=True, help="the archive's weeks, FROM..TO as YYYYMMDD (inclusive)")
    parser.add_argument("--refusal-weeks", help="weeks whose out-of-archive questions must be refused")
    parser.add_argument("--embed-model", default=DEFAULT_MODEL, help=f"local embedder (default {DEFAULT_MODEL})")
    parser.add_argument("--limit", type=int, help="ask only the first N cases (a smoke run)")
    common_arguments(parser)
    args = parser.parse_args(argv)
    if not ready(args.data):
        return 2
    summary = run(args.data, args.weeks, args.refusal_weeks, args.embed_model, limit=args.limit,
                  work=args.work / "realnews")
    print(json.dumps(summary, indent=1))
    print(table(summary))
    if not args.no_report and not args.limit:
        from benchmarks import report_news

        report_news.store_and_update(args.work / "results.json", "realnews", summary, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
